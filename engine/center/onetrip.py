"""The settlement path's transactions: no ORM Session, the driver spoken to directly, and on
PostgreSQL one round trip per step (a message's reads go out together, its writes go out with
its COMMIT).

2204, 2206 and 2207 run on a SQLAlchemy Core `Connection` (`Center._run`); a handler that needs
the ORM (a rare path: a replayed msgid, a batch with refunds, a first ytd row) gets a Session
bound to that same connection, inside the same transaction (`Ctx.session`). Measured side by
side, leaving the Session out took a settlement's client CPU from 3.4 to 2.4 ms on SQLite and
from 3.3 to 2.9 ms on PostgreSQL (README, issue 14).

- `one_trip(conn, write=…)` owns the transaction. SQLite: BEGIN IMMEDIATE (a writer; DEFERRED for
  a read-only 2206) and COMMIT through the sqlite3 connection. PostgreSQL: the driver connection
  runs in psycopg's autocommit mode, so psycopg sends no BEGIN of its own (it would wait for it);
  the message's first `fetch` sends BEGIN itself, in the same pipeline as its reads. Every later
  statement, through SQLAlchemy or here, runs inside that explicit transaction. At the end the
  writes and COMMIT go out together (`Writes.flush(commit=True)`), or, if they did not, `one_trip`
  commits; on any failure it rolls back. Either way the connection leaves in its ordinary mode
  (autocommit off, idle) before it goes back to the pool.
- `fetch(conn, reads)` runs several SELECTs (with their FOR UPDATE locks, in the order given,
  which is the order the server takes the locks in): on PostgreSQL in one psycopg pipeline, one
  round trip for all of them; on SQLite one after the other on the sqlite3 connection. Each
  statement is compiled once per dialect, and SQLAlchemy's own type conversions (Fen ↔ integer
  fen, JSON, SQLite's datetimes) are applied to its values and rows. Rows come back as
  `Record`s, plain objects with the columns as attributes; `engine.center.ledger.store` updates
  them by primary key like ORM rows. A statement whose text depends on its values (an IN list,
  on SQLite) is rendered by SQLAlchemy for those values, then run the same way.
- A driver error is raised as SQLAlchemy would have raised it (IntegrityError, OperationalError),
  so the center's retries and its read-only / disk-full answers treat it the same.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import cache
from typing import Any, ClassVar
from weakref import WeakSet

from sqlalchemy import Connection, event
from sqlalchemy.exc import DBAPIError

Read = tuple[Any, dict]  # (a SELECT built once, its parameters)


class Record:
    """A row read on the hot path: its columns as attributes (no ORM identity, no unit of work).
    `model` is its table's mapped class, for an UPDATE by primary key."""

    __slots__ = ("__dict__",)
    model: ClassVar[type]

    def __repr__(self) -> str:
        return f"<{self.model.__name__} {self.__dict__}>"


@cache
def record_class(model: type) -> type[Record]:
    return type(f"{model.__name__}Record", (Record,), {"model": model, "__slots__": ()})


def _make(cls: type[Record], keys: Sequence[str], values: Sequence) -> Record:
    rec = cls.__new__(cls)
    rec.__dict__.update(zip(keys, values, strict=True))
    return rec


@cache
def _shape(stmt) -> tuple[type[Record] | None, tuple[str, ...]]:
    """The record class (for a SELECT of one mapped class) and the column keys."""
    keys = tuple(c.key for c in stmt.selected_columns)
    desc = stmt.column_descriptions
    entity = desc[0].get("entity") if len(desc) == 1 else None
    model = entity if entity is not None and desc[0].get("type") is entity else None
    return (record_class(model) if model else None), keys


class _Compiled:
    """A statement compiled once for a dialect, with what executing it by hand needs."""

    __slots__ = ("binds", "compiled", "defaults", "expanding", "positions", "processors", "sql")

    def __init__(self, stmt, dialect) -> None:
        compiled = self.compiled = stmt.compile(dialect=dialect)
        self.sql = compiled.string
        self.defaults = dict(compiled.params)
        # The parameter names in placeholder order, for a positional driver (sqlite3's "?").
        self.positions = tuple(compiled.positiontup or ()) if compiled.positional else None
        # A text that depends on the values: an IN list, rendered per call (`expanded`).
        self.expanding = bool(compiled.post_compile_params or compiled.literal_execute_params)
        # SQLAlchemy's own per-type conversions (Fen ↔ integer fen, JSON, SQLite's datetimes),
        # as its executions and cursor results apply them.
        self.binds = {
            name: processor
            for name, bind in compiled.binds.items()
            if (processor := bind.type._cached_bind_processor(dialect)) is not None
        }
        self.processors = [
            c.type._cached_result_processor(dialect, None)
            for c in getattr(stmt, "selected_columns", ())
        ]

    def merged(self, params: dict) -> dict:
        """`params` over the statement's own bound values (its literals)."""
        return {**self.defaults, **params} if self.defaults else params

    def values(self, params: dict) -> dict | tuple:
        """The driver's parameters: converted by type, by name or in placeholder order."""
        values = self.merged(params)
        binds = self.binds
        if binds:
            values = {k: (binds[k](v) if k in binds else v) for k, v in values.items()}
        if self.positions is not None:
            return tuple(values[name] for name in self.positions)
        return values

    def expanded(self, params: dict) -> tuple[str, tuple]:
        """The text and positional values of a statement with an IN list, as SQLAlchemy renders
        them for these values (SQLite)."""
        state = self.compiled.construct_expanded_state(self.merged(params))
        procs = state.processors
        return state.statement, tuple(
            procs[name](state.parameters[name]) if name in procs else state.parameters[name]
            for name in state.positiontup
        )

    def rows(self, rows: list) -> list:
        procs = self.processors
        if any(procs):
            return [[p(v) if p else v for p, v in zip(procs, row, strict=True)] for row in rows]
        return rows


_compiled_cache: dict = {}


def _compiled(stmt, dialect) -> _Compiled:
    key = (stmt, dialect.name)
    found = _compiled_cache.get(key)
    if found is None:
        found = _compiled_cache[key] = _Compiled(stmt, dialect)
    return found


def _wrap(exc: Exception, sql: str, conn: Connection) -> DBAPIError:
    """A driver error as SQLAlchemy would have raised it (IntegrityError, OperationalError, …),
    so the center's retry and storage-failure handling treat it the same."""
    dialect = conn.dialect
    return DBAPIError.instance(sql, None, exc, dialect.loaded_dbapi.Error, dialect=dialect)


def _records(stmt, rows: list) -> list:
    cls, keys = _shape(stmt)
    return [_make(cls, keys, r) for r in rows] if cls else rows


def fetch(conn: Connection, reads: Sequence[Read]) -> list[list]:
    """The rows of each read, in order; PostgreSQL: all in one round trip."""
    dialect = conn.dialect
    if dialect.name == "postgresql":
        return _fetch_pipelined(conn, reads)
    if dialect.name != "sqlite":
        return [_records(stmt, conn.execute(stmt, params).all()) for stmt, params in reads]
    return [_records(stmt, _sqlite_rows(conn, stmt, params)) for stmt, params in reads]


def _sqlite_rows(conn: Connection, stmt, params: dict) -> list:
    plan = _compiled(stmt, conn.dialect)
    sql, values = plan.expanded(params) if plan.expanding else (plan.sql, plan.values(params))
    try:
        rows = conn.connection.driver_connection.execute(sql, values).fetchall()
    except conn.dialect.loaded_dbapi.Error as exc:
        raise _wrap(exc, sql, conn) from exc
    return plan.rows(rows)


def scalar(conn: Connection, stmt, params: dict):
    """The first column of the first row, or None (SQLite on the driver; elsewhere, Core)."""
    if conn.dialect.name != "sqlite":
        return conn.execute(stmt, params).scalar()
    rows = _sqlite_rows(conn, stmt, params)
    return rows[0][0] if rows else None


def _begin_in_trip(raw) -> None:
    """Inside `one_trip` (autocommit, idle) the message's first statements carry its BEGIN."""
    if raw.autocommit and raw.info.transaction_status == 0:
        raw.execute("BEGIN")


def _fetch_pipelined(conn: Connection, reads: Sequence[Read]) -> list[list]:
    dialect = conn.dialect
    raw = conn.connection.driver_connection
    plans = [(_compiled(stmt, dialect), stmt, params) for stmt, params in reads]
    cursors = []
    try:
        with raw.pipeline():
            _begin_in_trip(raw)
            for plan, _, params in plans:
                cur = raw.cursor()
                cur.execute(plan.sql, plan.merged(params))
                cursors.append(cur)
        # Read after the block: leaving it is the one sync that brings every result back. A
        # fetch inside it would sync first, and leaving would then sync again (a round trip).
        fetched = [cur.fetchall() for cur in cursors]
    except dialect.loaded_dbapi.Error as exc:
        sql = plans[len(cursors) - 1][0].sql if cursors else "BEGIN"
        raise _wrap(exc, sql, conn) from exc
    return [
        _records(stmt, plan.rows(rows))
        for (plan, stmt, _), rows in zip(plans, fetched, strict=True)
    ]


def execute_now(conn: Connection, stmt, rows: list[dict]) -> None:
    """One statement for each parameter set, at once (SQLite: on the sqlite3 connection)."""
    dialect = conn.dialect
    plan = _compiled(stmt, dialect)
    if dialect.name != "sqlite" or plan.expanding:
        conn.execute(stmt, rows)
        return
    raw = conn.connection.driver_connection
    try:
        if len(rows) == 1:
            raw.execute(plan.sql, plan.values(rows[0]))
        else:
            raw.executemany(plan.sql, [plan.values(row) for row in rows])
    except dialect.loaded_dbapi.Error as exc:
        raise _wrap(exc, plan.sql, conn) from exc


def execute_all(conn: Connection, batch: Sequence[tuple[Any, list[dict]]], *, commit: bool) -> None:
    """Each statement once per parameter set, in order, in one pipeline (PostgreSQL), followed
    by COMMIT when `commit` (inside `one_trip` only). Elsewhere: one by one, no commit."""
    dialect = conn.dialect
    if dialect.name != "postgresql":
        for stmt, rows in batch:
            execute_now(conn, stmt, rows)
        return
    raw = conn.connection.driver_connection
    plans = []
    for stmt, rows in batch:
        plan = _compiled(stmt, dialect)
        plans.append((plan.sql, [plan.values(row) for row in rows]))
    sql = "BEGIN"
    commit = commit and conn.info.get("one_trip") is raw
    try:
        with raw.pipeline():
            _begin_in_trip(raw)
            cur = raw.cursor()
            for sql, params in plans:
                if len(params) == 1:
                    cur.execute(sql, params[0])
                else:  # a 2204's lines: one statement, bound once per line
                    cur.executemany(sql, params)
            if commit:
                sql = "COMMIT"
                raw.execute("COMMIT")
    except dialect.loaded_dbapi.Error as exc:
        raise _wrap(exc, sql, conn) from exc


_ACTIVE: set[int] = set()  # ids of driver connections inside one_trip (PostgreSQL)
_guarded: WeakSet = WeakSet()  # engines with the guard below


def _guard(conn, cursor, statement, parameters, context, executemany) -> None:
    """A statement through SQLAlchemy inside one_trip before its first fetch: begin first, so
    it is never autocommitted (a round trip more, never a statement outside the transaction)."""
    raw = cursor.connection
    if id(raw) in _ACTIVE and raw.info.transaction_status == 0:
        raw.execute("BEGIN")


@contextmanager
def one_trip(conn: Connection, *, write: bool) -> Iterator[None]:
    """Run a message's transaction on `conn`, begun and ended here on the driver connection
    (PostgreSQL: BEGIN and COMMIT carried by the message's own statements). Whatever the ORM
    was given must be flushed before the block ends."""
    dialect = conn.dialect
    raw = conn.connection.driver_connection
    if dialect.name == "sqlite":
        with _sqlite_transaction(conn, raw, write):
            yield
        return
    if dialect.name != "postgresql" or raw.info.transaction_status != 0:
        with conn.begin():  # anything else: SQLAlchemy's own transaction
            yield
        return
    engine = conn.engine
    if engine not in _guarded:
        event.listen(engine, "before_cursor_execute", _guard)
        _guarded.add(engine)
    raw.autocommit = True
    conn.info["one_trip"] = raw
    _ACTIVE.add(id(raw))
    try:
        yield
        if raw.info.transaction_status != 0:  # the writes did not commit: do it here
            raw.commit()
    except BaseException:
        if raw.info.transaction_status != 0:
            with suppress(Exception):  # a broken connection: SQLAlchemy's rollback finds it
                raw.rollback()
        raise
    finally:
        _ACTIVE.discard(id(raw))
        conn.info.pop("one_trip", None)
        if raw.info.transaction_status == 0:
            raw.autocommit = False
        else:  # could not leave a transaction: never hand an autocommit connection back
            conn.invalidate()


@contextmanager
def _sqlite_transaction(conn: Connection, raw, write: bool) -> Iterator[None]:
    # A writer takes the write lock at BEGIN (engine.db: two stations never both read a
    # balance, then both debit it); a reader need not queue behind writers.
    sql = "BEGIN IMMEDIATE" if write else "BEGIN DEFERRED"
    try:
        raw.execute(sql)
    except conn.dialect.loaded_dbapi.Error as exc:
        raise _wrap(exc, sql, conn) from exc
    try:
        yield
        try:
            raw.commit()
        except conn.dialect.loaded_dbapi.Error as exc:
            raise _wrap(exc, "COMMIT", conn) from exc
    except BaseException:
        if raw.in_transaction:
            with suppress(Exception):
                raw.rollback()
        raise

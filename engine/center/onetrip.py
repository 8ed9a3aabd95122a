"""One round trip per step on PostgreSQL: a message's reads go out together, its writes go out
with its COMMIT.

On the settlement path (2204, 2206, 2207) most of the time went to waiting for the server, one
round trip per statement: BEGIN, a dozen reads and locks, the writes, COMMIT. Here:

- `one_trip(session)` runs the message with the driver connection in psycopg's autocommit mode,
  so psycopg sends no BEGIN of its own (it would wait for it); the message's first `fetch`
  sends BEGIN itself, in the same pipeline as its reads. Every later statement, through
  SQLAlchemy or here, runs inside that explicit transaction. At the end the writes and COMMIT
  go out together (`Writes.flush(commit=True)`), or, if nothing did, `one_trip` flushes the ORM
  and commits; on any failure it rolls back. Either way the connection leaves in its ordinary
  mode (autocommit off, idle) before SQLAlchemy hands it back to the pool.
- `fetch(session, reads)` runs several SELECTs (with their FOR UPDATE locks, in the order
  given, which is the order the server takes the locks in) in one psycopg pipeline: one round
  trip for all of them. Rows come back as `Record`s, plain objects with the columns as
  attributes; `engine.center.ledger.store` updates them by primary key like ORM rows.

On SQLite (in-process, no round trips) `fetch` runs the same statements one after the other
through SQLAlchemy Core and `one_trip` does nothing: the transaction is SQLAlchemy's own.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import cache
from typing import Any, ClassVar
from weakref import WeakSet

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

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
    __slots__ = ("defaults", "processors", "sql")

    def __init__(self, stmt, dialect) -> None:
        compiled = stmt.compile(dialect=dialect)
        self.sql = compiled.string
        self.defaults = dict(compiled.params)
        # SQLAlchemy's own per-type conversions (Fen ↔ integer fen, JSON), as its cursor
        # results and executions apply them.
        self.processors = [
            c.type._cached_result_processor(dialect, None)
            for c in getattr(stmt, "selected_columns", ())
        ]


_compiled_cache: dict = {}


def _compiled(stmt, dialect) -> _Compiled:
    key = (stmt, dialect.name)
    found = _compiled_cache.get(key)
    if found is None:
        found = _compiled_cache[key] = _Compiled(stmt, dialect)
    return found


def _driver(session: Session):
    return session.connection().connection.driver_connection


def _wrap(exc: Exception, sql: str, params, session: Session) -> DBAPIError:
    """A driver error as SQLAlchemy would have raised it (IntegrityError, OperationalError, …),
    so the center's retry and storage-failure handling treat it the same."""
    dialect = session.get_bind().dialect
    return DBAPIError.instance(sql, params, exc, dialect.loaded_dbapi.Error, dialect=dialect)


def postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def fetch(session: Session, reads: Sequence[Read]) -> list[list]:
    """The rows of each read, in order; PostgreSQL: all in one round trip."""
    conn = session.connection()
    dialect = conn.dialect
    if dialect.name != "postgresql":
        out = []
        for stmt, params in reads:
            cls, keys = _shape(stmt)
            result = conn.execute(stmt, params)
            rows = result.all()
            out.append([_make(cls, keys, r) for r in rows] if cls else rows)
        return out
    raw = conn.connection.driver_connection
    plans = [(_compiled(stmt, dialect), _shape(stmt), params) for stmt, params in reads]
    cursors = []
    try:
        with raw.pipeline():
            if raw.autocommit and raw.info.transaction_status == 0:  # IDLE: one_trip's BEGIN
                raw.execute("BEGIN")
            for plan, _, params in plans:
                cur = raw.cursor()
                cur.execute(plan.sql, {**plan.defaults, **params} if plan.defaults else params)
                cursors.append(cur)
            fetched = [cur.fetchall() for cur in cursors]
    except dialect.loaded_dbapi.Error as exc:
        sql = plans[len(cursors) - 1][0].sql if cursors else "BEGIN"
        raise _wrap(exc, sql, None, session) from exc
    out = []
    for (plan, (cls, keys), _), rows in zip(plans, fetched, strict=True):
        procs = plan.processors
        if any(procs):
            rows = [[p(v) if p else v for p, v in zip(procs, row, strict=True)] for row in rows]
        out.append([_make(cls, keys, r) for r in rows] if cls else rows)
    return out


def _client_cursor(raw):
    """A cursor that binds parameters on the client (psycopg's own literal quoting, through
    libpq's escaping) so that several statements travel as one simple-protocol Query: the
    server runs them all on one wake-up and answers them in one round trip."""
    from psycopg import ClientCursor

    return ClientCursor(raw)


def _bound(cur, plan: _Compiled, params: dict, binds: dict | None = None) -> str:
    values = {**plan.defaults, **params} if plan.defaults else params
    if binds:
        values = {k: (binds[k](v) if binds.get(k) else v) for k, v in values.items()}
    return cur.mogrify(plan.sql, values)


def execute_all(session: Session, batch: Sequence[tuple[Any, list[dict]]], *, commit: bool) -> None:
    """Each statement once per parameter set, in order, in one pipeline (PostgreSQL), followed
    by COMMIT when `commit` (inside `one_trip` only). Elsewhere: through SQLAlchemy, no commit."""
    conn = session.connection()
    dialect = conn.dialect
    if dialect.name != "postgresql":
        for stmt, rows in batch:
            conn.execute(stmt, rows)
        return
    raw = conn.connection.driver_connection
    plans = []
    for stmt, rows in batch:
        plan, binds = _compiled(stmt, dialect), _bind_processors(stmt, dialect)
        for row in rows:
            values = {**plan.defaults, **row} if plan.defaults else row
            plans.append(
                (plan.sql, {k: (binds[k](v) if binds.get(k) else v) for k, v in values.items()})
            )
    sql = "BEGIN"
    try:
        with raw.pipeline():
            if raw.autocommit and raw.info.transaction_status == 0:
                raw.execute("BEGIN")
            cur = raw.cursor()
            for sql, params in plans:
                cur.execute(sql, params)
            if commit:
                sql = "COMMIT"
                raw.execute("COMMIT")
    except dialect.loaded_dbapi.Error as exc:
        raise _wrap(exc, sql, None, session) from exc


_binds_cache: dict = {}


def _bind_processors(stmt, dialect) -> dict:
    key = (stmt, dialect.name)
    found = _binds_cache.get(key)
    if found is None:
        compiled = stmt.compile(dialect=dialect)
        found = _binds_cache[key] = {
            name: bp.type._cached_bind_processor(dialect) for name, bp in compiled.binds.items()
        }
    return found


def committing(session: Session) -> bool:
    """True when the writes may carry the COMMIT: inside `one_trip`, nothing left for the ORM."""
    raw = session.info.get("one_trip")
    return raw is not None and not (session.new or session.dirty or session.deleted)


_ACTIVE: set[int] = set()  # ids of driver connections inside one_trip
_guarded: WeakSet = WeakSet()  # engines with the guard below


def _guard(conn, cursor, statement, parameters, context, executemany) -> None:
    """A statement through SQLAlchemy inside one_trip before its first fetch: begin first, so
    it is never autocommitted (a round trip more, never a statement outside the transaction)."""
    raw = cursor.connection
    if id(raw) in _ACTIVE and raw.info.transaction_status == 0:
        raw.execute("BEGIN")


@contextmanager
def one_trip(session: Session, enabled: bool = True) -> Iterator[None]:
    """Run a message's transaction with BEGIN and COMMIT carried by its own statements
    (PostgreSQL; elsewhere, or when not enabled, the transaction is SQLAlchemy's as usual)."""
    if not enabled or not postgres(session):
        yield
        return
    raw = _driver(session)
    if raw.info.transaction_status != 0:  # something began already: leave it to SQLAlchemy
        yield
        return
    engine = session.get_bind()
    if engine not in _guarded:
        event.listen(engine, "before_cursor_execute", _guard)
        _guarded.add(engine)
    raw.autocommit = True
    session.info["one_trip"] = raw
    _ACTIVE.add(id(raw))
    try:
        yield
        if raw.info.transaction_status != 0:  # the writes did not commit: do it here
            session.flush()
            raw.commit()
    except BaseException:
        if raw.info.transaction_status != 0:
            with suppress(Exception):  # a broken connection: SQLAlchemy's rollback finds it
                raw.rollback()
        raise
    finally:
        _ACTIVE.discard(id(raw))
        session.info.pop("one_trip", None)
        if raw.info.transaction_status == 0:
            raw.autocommit = False
        else:  # could not leave a transaction: never hand an autocommit connection back
            session.connection().invalidate()

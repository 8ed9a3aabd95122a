"""The INSERTs and UPDATEs of one message, and how they reach the database.

SQLite runs each at once, on the driver connection (in-process, nothing to save by waiting).
PostgreSQL gets them all at the end, in one psycopg pipeline (engine.center.onetrip): every
statement short and always the same text, so psycopg converts it once and the server runs it
prepared, and all of them in one round trip — with the transaction's COMMIT when the message runs
in `one_trip`. Updates of one row are merged first; inserts go in the order they were asked for,
then the updates. A clash (a reused msgid) fails the pipeline, and with it the transaction.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import Connection, bindparam, insert, update

from engine.center.onetrip import execute_all, execute_now


@cache
def _update_stmt(model, columns: tuple[str, ...]):
    table = model.__table__
    where = [c == bindparam(f"pk_{c.name}") for c in table.primary_key.columns]
    changes = {c: bindparam(c, type_=table.c[c].type) for c in columns}
    return update(table).where(*where).values(changes)


@cache
def _insert_cols(model, columns: tuple[str, ...]):
    """INSERT of exactly these columns, with bind parameters named and typed as the columns."""
    table = model.__table__
    return insert(table).values({c: bindparam(c, type_=table.c[c].type) for c in columns})


class Writes:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.batch = conn.dialect.name == "postgresql"
        self._inserts: list[tuple[object, list[dict]]] = []
        self._updates: dict[tuple, tuple[object, dict, dict]] = {}

    def insert(self, model, rows: list[dict]) -> None:
        """`rows` all name the same columns."""
        if not rows:
            return
        if self.batch:
            self._inserts.append((model, rows))
        else:
            execute_now(self.conn, _insert_cols(model, tuple(rows[0])), rows)

    def update(self, model, pk: dict, values: dict) -> None:
        if self.batch:
            key = (model, tuple(sorted(pk.items())))
            old = self._updates.get(key)
            self._updates[key] = (model, pk, {**(old[2] if old else {}), **values})
        else:
            params = {f"pk_{k}": v for k, v in pk.items()}
            stmt = _update_stmt(model, tuple(sorted(values)))
            execute_now(self.conn, stmt, [{**params, **values}])

    def flush(self, *, commit: bool = False) -> None:
        """Send what is queued. With `commit`, inside `onetrip.one_trip` on PostgreSQL, the
        statements and the transaction's COMMIT go out together (one round trip)."""
        if not (self._inserts or self._updates):
            return
        inserts, updates = self._inserts, list(self._updates.values())
        self._inserts, self._updates = [], {}
        batch = [(_insert_cols(model, tuple(rows[0])), rows) for model, rows in inserts]
        for model, pk, values in updates:
            params = {**{f"pk_{k}": v for k, v in pk.items()}, **values}
            batch.append((_update_stmt(model, tuple(values)), [params]))
        execute_all(self.conn, batch, commit=commit)

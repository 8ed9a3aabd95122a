"""The INSERTs and UPDATEs of one message, and how they reach the database.

SQLite runs each at once. PostgreSQL gets them all at the end as one statement of data-modifying
CTEs (`WITH w0 AS (INSERT …), w1 AS (UPDATE …) SELECT 1`): one round trip instead of one per
row set, which is most of a settlement's cost there. The sub-statements touch distinct rows
(updates of one row are merged first), and constraints are checked at the end of the statement,
so the order inside it does not matter; a clash (a reused msgid) fails the whole statement.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, insert, literal, select, update
from sqlalchemy.orm import Session

from engine.center.onetrip import committing, execute_and_commit


@cache
def _insert_stmt(model):
    return insert(model.__table__)


@cache
def _update_stmt(model, columns: tuple[str, ...]):
    table = model.__table__
    where = [c == bindparam(f"pk_{c.name}") for c in table.primary_key.columns]
    return update(table).where(*where).values({c: bindparam(c) for c in columns})


class Writes:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.batch = session.get_bind().dialect.name == "postgresql"
        self._inserts: list[tuple[object, list[dict]]] = []
        self._updates: dict[tuple, tuple[object, dict, dict]] = {}

    def insert(self, model, rows: list[dict]) -> None:
        if not rows:
            return
        if self.batch:
            self._inserts.append((model, rows))
        else:
            # Straight to the connection: a Core statement needs none of the ORM's machinery.
            self.session.connection().execute(_insert_stmt(model), rows)

    def update(self, model, pk: dict, values: dict) -> None:
        if self.batch:
            key = (model, tuple(sorted(pk.items())))
            old = self._updates.get(key)
            self._updates[key] = (model, pk, {**(old[2] if old else {}), **values})
        else:
            params = {f"pk_{k}": v for k, v in pk.items()}
            self.session.connection().execute(
                _update_stmt(model, tuple(sorted(values))), {**params, **values}
            )

    def flush(self, *, commit: bool = False) -> None:
        """Send what is queued. With `commit`, inside `onetrip.one_trip` on PostgreSQL, the
        statement and the transaction's COMMIT go out together (one round trip)."""
        if not (self._inserts or self._updates):
            return
        inserts, updates = self._inserts, list(self._updates.values())
        self._inserts, self._updates = [], {}
        shape = (
            tuple((m, len(rows), tuple(rows[0])) for m, rows in inserts),
            tuple((m, tuple(pk), tuple(values)) for m, pk, values in updates),
        )
        # Parameters are numbered in shape order (p0, p1, …): short names keep the statement under
        # psycopg's 4 KB query-cache limit, so it is parsed once and then prepared.
        values = [
            row[c]
            for (_, _, cols), (_, rows) in zip(shape[0], inserts, strict=True)
            for row in rows
            for c in cols
        ]
        for _, pk, changes in updates:
            values += [*pk.values(), *changes.values()]
        params = {f"p{n}": v for n, v in enumerate(values)}
        if commit and committing(self.session):
            execute_and_commit(self.session, _batch_stmt(shape), params)
        else:
            self.session.connection().execute(_batch_stmt(shape), params)


@cache
def _batch_stmt(shape: tuple):
    """One statement per shape (tables, row counts, columns), with named bind parameters, so
    SQLAlchemy compiles it once and psycopg can prepare it."""
    insert_shapes, update_shapes = shape
    counter = iter(range(1_000_000))
    ctes = []

    def param(column):
        # Typed explicitly: Fen amounts and JSON must go through their column's bind processing.
        return bindparam(f"p{next(counter)}", type_=column.type)

    for n, (model, count, columns) in enumerate(insert_shapes):
        t = model.__table__
        # One single-row INSERT per row: SQLAlchemy cannot cache a multi-row VALUES statement.
        for r in range(count):
            row = {c: param(t.c[c]) for c in columns}
            ctes.append(insert(t).values(row).cte(f"w{n}_{r}"))
    for n, (model, pk, columns) in enumerate(update_shapes):
        t = model.__table__
        where = [t.c[k] == param(t.c[k]) for k in pk]
        changes = {c: param(t.c[c]) for c in columns}
        ctes.append(update(t).where(*where).values(changes).cte(f"u{n}"))
    return select(literal(1)).add_cte(*ctes)

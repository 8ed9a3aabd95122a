"""Alembic environment: always run programmatically with a connection (pos.database.migrate)."""

from __future__ import annotations

from alembic import context

from engine.center.models import CenterBase
from pos.store.models import HospitalBase

target_metadata = [CenterBase.metadata, HospitalBase.metadata]


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through pos.database.migrate() (or `pos db init`)")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite can only ALTER by copying the table; batch mode does that for later revisions.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()

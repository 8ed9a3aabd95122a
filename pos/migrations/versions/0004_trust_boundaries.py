"""trust boundaries: the center's money rows append-only, 2207 remembers its request, the audit
chain's tip carries a keyed MAC

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.center.models import APPEND_ONLY, APPEND_ONLY_FUNCTION
from engine.db import append_only_ddl, drop_append_only_ddl

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: settlements from before this revision answer a batch replay as before.
    op.add_column("center_settlements", sa.Column("request_sha256", sa.String(64), nullable=True))
    # HMAC of the chain's tip (pos.audit): rewinding the tip needs the key, which is not here.
    op.add_column("hosp_audit_head", sa.Column("mac", sa.String(64), nullable=True))
    dialect = op.get_bind().dialect.name
    for statement in append_only_ddl(dialect, APPEND_ONLY, APPEND_ONLY_FUNCTION):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in drop_append_only_ddl(dialect, APPEND_ONLY, APPEND_ONLY_FUNCTION):
        op.execute(statement)
    with op.batch_alter_table("hosp_audit_head") as batch:
        batch.drop_column("mac")
    with op.batch_alter_table("center_settlements") as batch:
        batch.drop_column("request_sha256")

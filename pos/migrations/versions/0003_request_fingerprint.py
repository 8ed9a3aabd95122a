"""center messages remember the request's fingerprint (a msgid replays only the same request)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: rows from before this revision replay as before (no fingerprint to compare).
    op.add_column("center_messages", sa.Column("request_sha256", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("center_messages") as batch:
        batch.drop_column("request_sha256")

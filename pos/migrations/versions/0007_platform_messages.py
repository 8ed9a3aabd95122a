"""the platform's real messages: inf_refmsgid blocks, psn_insu_stas 终止 = 4

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26

inf_refmsgid is unique across processes and restarts: each center process takes a block of
serial numbers from `center_seq_refmsg` (PostgreSQL; SQLite counts in center_counters).
The national dictionary's 终止参保 is "4" (the project used "3"): stored enrolments follow.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SEQUENCE = "center_seq_refmsg"


def _status(old: str, new: str) -> None:
    enrolments = sa.table("center_enrolments", sa.column("status", sa.String))
    op.execute(enrolments.update().where(enrolments.c.status == old).values(status=new))


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.schema.CreateSequence(sa.Sequence(SEQUENCE), if_not_exists=True))
    _status("3", "4")


def downgrade() -> None:
    _status("4", "3")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.schema.DropSequence(sa.Sequence(SEQUENCE), if_exists=True))

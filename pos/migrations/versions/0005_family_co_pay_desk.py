"""family co-pay desk: binding history, 代缴 premiums, filing cancellation, binding proof number

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25

The desk's simulator-extension transactions (J101…J901, docs/MESSAGES.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.center.models

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SEQUENCES = ("center_seq_binding", "center_seq_premium")


def upgrade() -> None:
    # New ids (PostgreSQL only; SQLite numbers from center_counters).
    if op.get_bind().dialect.name == "postgresql":
        for name in SEQUENCES:
            op.execute(sa.schema.CreateSequence(sa.Sequence(name), if_not_exists=True))
    op.create_table(
        "center_premiums",
        sa.Column("premium_id", sa.String(length=30), nullable=False),
        sa.Column("psn_no", sa.String(length=30), nullable=False),
        sa.Column("insutype", sa.String(length=3), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("admdvs", sa.String(length=6), nullable=False),
        sa.Column("amount", engine.center.models.Fen(), nullable=False),
        sa.Column("payer_psn_no", sa.String(length=30), nullable=False),
        sa.Column("binding_id", sa.String(length=20), nullable=False),
        sa.Column("paid_at", sa.DateTime(), nullable=False),
        sa.Column("msgid", sa.String(length=40), nullable=True),
        sa.Column("opter", sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(["payer_psn_no"], ["center_persons.psn_no"]),
        sa.ForeignKeyConstraint(["psn_no"], ["center_persons.psn_no"]),
        sa.PrimaryKeyConstraint("premium_id"),
        sa.UniqueConstraint("psn_no", "insutype", "year"),
    )
    op.create_table(
        "center_binding_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("binding_id", sa.String(length=20), nullable=False),
        sa.Column("event", sa.String(length=12), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("opter", sa.String(length=30), nullable=True),
        sa.Column("msgid", sa.String(length=40), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["binding_id"], ["center_bindings.binding_id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_center_binding_event", "center_binding_events", ["binding_id"])
    with op.batch_alter_table("center_bindings") as batch:
        batch.add_column(sa.Column("proof_no", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("status_reason", sa.String(length=200), nullable=True))
    with op.batch_alter_table("center_filings") as batch:
        batch.add_column(sa.Column("cancelled_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("center_filings") as batch:
        batch.drop_column("cancelled_at")
    with op.batch_alter_table("center_bindings") as batch:
        batch.drop_column("status_reason")
        batch.drop_column("proof_no")
    op.drop_index("ix_center_binding_event", table_name="center_binding_events")
    op.drop_table("center_binding_events")
    op.drop_table("center_premiums")
    if op.get_bind().dialect.name == "postgresql":
        for name in SEQUENCES:
            op.execute(sa.schema.DropSequence(sa.Sequence(name), if_exists=True))

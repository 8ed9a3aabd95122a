"""back office: 重打 voids a receipt number by a new row; the day close keeps its blind count

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pos.store.types
from engine.db import append_only_ddl, drop_append_only_ddl

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

NEW_APPEND_ONLY = ("hosp_receipt_reissues",)
DAY_CLOSE_COLUMNS = (
    ("drawer_json", sa.Text()),
    ("drawer_counted", pos.store.types.Fixed(scale=2, precision=16)),
    ("drawer_expected", pos.store.types.Fixed(scale=2, precision=16)),
    ("reprint_count", sa.Integer()),
    ("reissue_count", sa.Integer()),
)


def upgrade() -> None:
    op.create_table(
        "hosp_receipt_reissues",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("settlement_id", sa.Integer(), nullable=False),
        sa.Column("fixmedins_code", sa.String(length=12), nullable=False),
        sa.Column("void_receipt_no", sa.String(length=30), nullable=False),
        sa.Column("receipt_series", sa.String(length=4), nullable=False),
        sa.Column("receipt_year", sa.Integer(), nullable=False),
        sa.Column("receipt_seq", sa.Integer(), nullable=False),
        sa.Column("receipt_no", sa.String(length=30), nullable=False),
        sa.Column("cashier_no", sa.String(length=10), nullable=False),
        sa.Column("station_id", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=100), nullable=False),
        sa.Column("at", pos.store.types.Instant(), nullable=False),
        sa.ForeignKeyConstraint(["cashier_no"], ["hosp_cashiers.cashier_no"]),
        sa.ForeignKeyConstraint(["fixmedins_code"], ["hosp_institutions.fixmedins_code"]),
        sa.ForeignKeyConstraint(["settlement_id"], ["hosp_settlements.id"]),
        sa.ForeignKeyConstraint(["station_id"], ["hosp_stations.station_id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_hosp_receipt_reissues_receipt_no", "hosp_receipt_reissues", ["receipt_no"])
    op.create_index(
        "ix_hosp_receipt_reissues_settlement_id", "hosp_receipt_reissues", ["settlement_id"]
    )
    # Plain ADD COLUMN (nullable): SQLite keeps the table, and with it the append-only triggers.
    for name, type_ in DAY_CLOSE_COLUMNS:
        op.add_column("hosp_day_closes", sa.Column(name, type_, nullable=True))
    dialect = op.get_bind().dialect.name
    for statement in append_only_ddl(dialect, NEW_APPEND_ONLY, "hosp_append_only"):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "DROP TRIGGER IF EXISTS hosp_receipt_reissues_append_only ON hosp_receipt_reissues"
        )
    else:
        for statement in drop_append_only_ddl(dialect, NEW_APPEND_ONLY, "hosp_append_only"):
            op.execute(statement)
    for name, _ in reversed(DAY_CLOSE_COLUMNS):
        op.drop_column("hosp_day_closes", name)
    op.drop_index("ix_hosp_receipt_reissues_settlement_id", table_name="hosp_receipt_reissues")
    op.drop_index("ix_hosp_receipt_reissues_receipt_no", table_name="hosp_receipt_reissues")
    op.drop_table("hosp_receipt_reissues")

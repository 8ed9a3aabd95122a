"""a covering index for a day's totals (3201 reads it alone: no table rows, no sort)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_hosp_settlements_day",
        "hosp_settlements",
        [
            "fixmedins_code",
            "insutype",
            "clr_type",
            "setl_time",
            "medfee_sumamt",
            "fund_pay_sumamt",
            "acct_pay",
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_hosp_settlements_day", table_name="hosp_settlements")

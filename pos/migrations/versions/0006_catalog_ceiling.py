"""the hospital's price list shows the insurance ceiling price (医保限价)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pos.store.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "hosp_catalog",
        sa.Column("pric_uplmt_amt", pos.store.types.Fixed(scale=6, precision=16), nullable=True),
    )
    # Fill it for a price list seeded before this revision, from the same fixture it came from.
    from pos.store.seed import catalog_ceilings

    table = sa.table(
        "hosp_catalog",
        sa.column("medins_list_codg", sa.String),
        sa.column("pric_uplmt_amt", pos.store.types.Fixed(scale=6, precision=16)),
    )
    for code, ceiling in catalog_ceilings().items():
        op.execute(
            table.update().where(table.c.medins_list_codg == code).values(pric_uplmt_amt=ceiling)
        )


def downgrade() -> None:
    with op.batch_alter_table("hosp_catalog") as batch:
        batch.drop_column("pric_uplmt_amt")

"""initial schema: center and hospital

Revision ID: 0001
Revises: (none: the first schema)
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.center.models
import pos.store.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


# Money and audit rows are written once: UPDATE and DELETE fail in the database itself, whoever
# asks (the ORM refuses too, pos.store.models.AppendOnly). A 冲红 is a new row, never an edit.
APPEND_ONLY = (
    "hosp_charge_batches",
    "hosp_fee_lines",
    "hosp_settlements",
    "hosp_tenders",
    "hosp_day_closes",
    "hosp_day_close_items",
    "hosp_reconciliations",
    "hosp_audit_log",
)


def append_only(bind) -> None:
    if bind.dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION hosp_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'append-only table %: write a new row instead', TG_TABLE_NAME; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION hosp_append_only()"
            )
    elif bind.dialect.name == "sqlite":
        for table in APPEND_ONLY:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'append-only table {table}: write a new row instead'); END"
                )


def drop_append_only(bind) -> None:
    if bind.dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS hosp_append_only()")
    elif bind.dialect.name == "sqlite":
        for table in APPEND_ONLY:
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")


def upgrade() -> None:
    # The center's id sequences (PostgreSQL only; SQLite numbers from center_counters).
    if op.get_bind().dialect.name == "postgresql":
        for name in ("center_seq_mdtrt", "center_seq_setl"):
            op.execute(sa.schema.CreateSequence(sa.Sequence(name)))
    op.create_table(
        "center_counters",
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "center_institutions",
        sa.Column("fixmedins_code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("admdvs", sa.String(length=6), nullable=False),
        sa.Column("designated", sa.Boolean(), nullable=False),
        sa.Column("policy_id", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("fixmedins_code"),
    )
    op.create_table(
        "center_messages",
        sa.Column("msgid", sa.String(length=40), nullable=False),
        sa.Column("infno", sa.String(length=4), nullable=False),
        sa.Column("psn_no", sa.String(length=30), nullable=True),
        sa.Column("setl_id", sa.String(length=30), nullable=True),
        sa.Column("fixmedins_code", sa.String(length=12), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("msgid"),
    )
    op.create_table(
        "center_persons",
        sa.Column("psn_no", sa.String(length=30), nullable=False),
        sa.Column("certno", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("gend", sa.String(length=1), nullable=False),
        sa.Column("brdy", sa.Date(), nullable=False),
        sa.Column("card_no", sa.String(length=9), nullable=True),
        sa.Column("family_id", sa.String(length=20), nullable=True),
        sa.Column("role", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("psn_no"),
        sa.UniqueConstraint("card_no"),
        sa.UniqueConstraint("certno"),
    )
    op.create_table(
        "center_accounts",
        sa.Column("psn_no", sa.String(length=30), nullable=False),
        sa.Column("balance", engine.center.models.Fen(), nullable=False),
        sa.Column("frozen", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["psn_no"],
            ["center_persons.psn_no"],
        ),
        sa.PrimaryKeyConstraint("psn_no"),
    )
    op.create_table(
        "center_bindings",
        sa.Column("binding_id", sa.String(length=20), nullable=False),
        sa.Column("giver_psn_no", sa.String(length=30), nullable=False),
        sa.Column("beneficiary_psn_no", sa.String(length=30), nullable=False),
        sa.Column("relationship", sa.String(length=12), nullable=False),
        sa.Column("quota", engine.center.models.Fen(), nullable=False),
        sa.Column("quota_used_opening", engine.center.models.Fen(), nullable=False),
        sa.Column("quota_used", engine.center.models.Fen(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("proof", sa.String(length=20), nullable=False),
        sa.Column("pledge_signed", sa.Boolean(), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["beneficiary_psn_no"],
            ["center_persons.psn_no"],
        ),
        sa.ForeignKeyConstraint(
            ["giver_psn_no"],
            ["center_persons.psn_no"],
        ),
        sa.PrimaryKeyConstraint("binding_id"),
    )
    with op.batch_alter_table("center_bindings", schema=None) as batch_op:
        batch_op.create_index("ix_center_binding_ben", ["beneficiary_psn_no"], unique=False)

    op.create_table(
        "center_enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("psn_no", sa.String(length=30), nullable=False),
        sa.Column("insutype", sa.String(length=3), nullable=False),
        sa.Column("psn_type", sa.String(length=4), nullable=False),
        sa.Column("admdvs", sa.String(length=6), nullable=False),
        sa.Column("status", sa.String(length=1), nullable=False),
        sa.Column("arrears", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["psn_no"],
            ["center_persons.psn_no"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("psn_no", "insutype"),
    )
    op.create_table(
        "center_filings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("psn_no", sa.String(length=30), nullable=False),
        sa.Column("from_admdvs", sa.String(length=6), nullable=False),
        sa.Column("to_admdvs", sa.String(length=6), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["psn_no"],
            ["center_persons.psn_no"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "center_notices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("giver_psn_no", sa.String(length=30), nullable=False),
        sa.Column("beneficiary_psn_no", sa.String(length=30), nullable=False),
        sa.Column("binding_id", sa.String(length=20), nullable=False),
        sa.Column("setl_id", sa.String(length=30), nullable=False),
        sa.Column("amount", engine.center.models.Fen(), nullable=False),
        sa.Column("balance_after", engine.center.models.Fen(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["giver_psn_no"],
            ["center_persons.psn_no"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("center_notices", schema=None) as batch_op:
        batch_op.create_index("ix_center_notice_giver", ["giver_psn_no"], unique=False)

    op.create_table(
        "center_tokens",
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.Column("psn_no", sa.String(length=30), nullable=False),
        sa.Column("shown_by", sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(
            ["psn_no"],
            ["center_persons.psn_no"],
        ),
        sa.ForeignKeyConstraint(
            ["shown_by"],
            ["center_persons.psn_no"],
        ),
        sa.PrimaryKeyConstraint("token"),
    )
    op.create_table(
        "center_visits",
        sa.Column("mdtrt_id", sa.String(length=30), nullable=False),
        sa.Column("psn_no", sa.String(length=30), nullable=False),
        sa.Column("insutype", sa.String(length=3), nullable=False),
        sa.Column("fixmedins_code", sa.String(length=12), nullable=False),
        sa.Column("begntime", sa.DateTime(), nullable=False),
        sa.Column("mdtrt_cert_type", sa.String(length=2), nullable=False),
        sa.Column("ipt_otp_no", sa.String(length=30), nullable=False),
        sa.Column("dept_code", sa.String(length=30), nullable=True),
        sa.Column("dept_name", sa.String(length=50), nullable=True),
        sa.Column("med_type", sa.String(length=2), nullable=True),
        sa.Column("dise_codg", sa.String(length=30), nullable=True),
        sa.Column("dise_name", sa.String(length=100), nullable=True),
        sa.Column("diseinfo", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["fixmedins_code"],
            ["center_institutions.fixmedins_code"],
        ),
        sa.ForeignKeyConstraint(
            ["psn_no"],
            ["center_persons.psn_no"],
        ),
        sa.PrimaryKeyConstraint("mdtrt_id"),
    )
    op.create_table(
        "center_ytd",
        sa.Column("psn_no", sa.String(length=30), nullable=False),
        sa.Column("insutype", sa.String(length=3), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=2), nullable=False),
        sa.Column("dedc_opening", engine.center.models.Fen(), nullable=False),
        sa.Column("hifp_opening", engine.center.models.Fen(), nullable=False),
        sa.Column("big_opening", engine.center.models.Fen(), nullable=False),
        sa.Column("dedc_paid", engine.center.models.Fen(), nullable=False),
        sa.Column("hifp_paid", engine.center.models.Fen(), nullable=False),
        sa.Column("big_paid", engine.center.models.Fen(), nullable=False),
        sa.ForeignKeyConstraint(
            ["psn_no"],
            ["center_persons.psn_no"],
        ),
        sa.PrimaryKeyConstraint("psn_no", "insutype", "year", "bucket"),
    )
    op.create_table(
        "center_account_journal",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("psn_no", sa.String(length=30), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("amount", engine.center.models.Fen(), nullable=False),
        sa.Column("balance_after", engine.center.models.Fen(), nullable=False),
        sa.Column("setl_id", sa.String(length=30), nullable=True),
        sa.Column("binding_id", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["psn_no"],
            ["center_accounts.psn_no"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("center_account_journal", schema=None) as batch_op:
        batch_op.create_index("ix_center_journal_psn", ["psn_no"], unique=False)
        batch_op.create_index("ix_center_journal_setl", ["setl_id"], unique=False)

    op.create_table(
        "center_fee_details",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("mdtrt_id", sa.String(length=30), nullable=False),
        sa.Column("feedetl_sn", sa.String(length=30), nullable=False),
        sa.Column("chrg_bchno", sa.String(length=30), nullable=False),
        sa.Column("med_list_codg", sa.String(length=50), nullable=False),
        sa.Column("medins_list_codg", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("chrgitm_lv", sa.String(length=2), nullable=False),
        sa.Column("med_chrgitm_type", sa.String(length=2), nullable=False),
        sa.Column("pric", sa.String(length=24), nullable=False),
        sa.Column("cnt", sa.String(length=24), nullable=False),
        sa.Column("pric_uplmt_amt", sa.String(length=24), nullable=True),
        sa.Column("selfpay_prop", sa.String(length=8), nullable=True),
        sa.Column("acct_payable", sa.Boolean(), nullable=False),
        sa.Column("det_item_fee_sumamt", engine.center.models.Fen(), nullable=False),
        sa.Column("fee_ocur_time", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["mdtrt_id"],
            ["center_visits.mdtrt_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("mdtrt_id", "feedetl_sn"),
    )
    with op.batch_alter_table("center_fee_details", schema=None) as batch_op:
        batch_op.create_index("ix_center_fee_batch", ["mdtrt_id", "chrg_bchno"], unique=False)

    op.create_table(
        "center_settlements",
        sa.Column("setl_id", sa.String(length=30), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("orig_setl_id", sa.String(length=30), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("mdtrt_id", sa.String(length=30), nullable=False),
        sa.Column("chrg_bchno", sa.String(length=30), nullable=False),
        sa.Column("psn_no", sa.String(length=30), nullable=False),
        sa.Column("fixmedins_code", sa.String(length=12), nullable=False),
        sa.Column("msgid", sa.String(length=40), nullable=True),
        sa.Column("opter", sa.String(length=30), nullable=True),
        sa.Column("setl_time", sa.DateTime(), nullable=False),
        sa.Column("insutype", sa.String(length=3), nullable=False),
        sa.Column("psn_type", sa.String(length=4), nullable=False),
        sa.Column("med_type", sa.String(length=2), nullable=False),
        sa.Column("clr_type", sa.String(length=2), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("medfee_sumamt", engine.center.models.Fen(), nullable=False),
        sa.Column("fulamt_ownpay_amt", engine.center.models.Fen(), nullable=False),
        sa.Column("overlmt_selfpay", engine.center.models.Fen(), nullable=False),
        sa.Column("preselfpay_amt", engine.center.models.Fen(), nullable=False),
        sa.Column("inscp_scp_amt", engine.center.models.Fen(), nullable=False),
        sa.Column("act_pay_dedc", engine.center.models.Fen(), nullable=False),
        sa.Column("hifp_pay", engine.center.models.Fen(), nullable=False),
        sa.Column("hifmi_pay", engine.center.models.Fen(), nullable=False),
        sa.Column("hifob_pay", engine.center.models.Fen(), nullable=False),
        sa.Column("fund_pay_sumamt", engine.center.models.Fen(), nullable=False),
        sa.Column("psn_part_amt", engine.center.models.Fen(), nullable=False),
        sa.Column("acct_pay", engine.center.models.Fen(), nullable=False),
        sa.Column("acct_mulaid_pay", engine.center.models.Fen(), nullable=False),
        sa.Column("psn_cash_pay", engine.center.models.Fen(), nullable=False),
        sa.Column("hosp_part_amt", engine.center.models.Fen(), nullable=False),
        sa.Column("balc", engine.center.models.Fen(), nullable=False),
        sa.Column("output", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mdtrt_id"],
            ["center_visits.mdtrt_id"],
        ),
        sa.ForeignKeyConstraint(
            ["psn_no"],
            ["center_persons.psn_no"],
        ),
        sa.PrimaryKeyConstraint("setl_id"),
        sa.UniqueConstraint("mdtrt_id", "chrg_bchno", "kind", "attempt"),
    )
    with op.batch_alter_table("center_settlements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_center_setl_ins_time", ["fixmedins_code", "setl_time"], unique=False
        )
        batch_op.create_index("ix_center_setl_orig", ["orig_setl_id"], unique=False)

    op.create_table(
        "hosp_audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "hosp_audit_log",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", pos.store.types.Instant(), nullable=False),
        sa.Column("actor", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("hash"),
    )
    op.create_table(
        "hosp_catalog",
        sa.Column("medins_list_codg", sa.String(length=50), nullable=False),
        sa.Column("med_list_codg", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("pinyin", sa.String(length=50), nullable=False),
        sa.Column("spec", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("pric", pos.store.types.Fixed(scale=6, precision=16), nullable=False),
        sa.Column("chrgitm_lv", sa.String(length=2), nullable=False),
        sa.Column("med_chrgitm_type", sa.String(length=2), nullable=False),
        sa.Column("acct_payable", sa.Boolean(), nullable=False),
        sa.Column("pharmacy_ok", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("medins_list_codg"),
    )
    op.create_table(
        "hosp_counters",
        sa.Column("fixmedins_code", sa.String(length=12), nullable=False),
        sa.Column("series", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_no", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("fixmedins_code", "series", "year"),
    )
    op.create_table(
        "hosp_institutions",
        sa.Column("fixmedins_code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("admdvs", sa.String(length=6), nullable=False),
        sa.Column("county_admdvs", sa.String(length=6), nullable=False),
        sa.Column("designated", sa.Boolean(), nullable=False),
        sa.Column("policy_id", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("fixmedins_code"),
    )
    op.create_table(
        "hosp_cashiers",
        sa.Column("cashier_no", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("fixmedins_code", sa.String(length=12), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("pin_hash", sa.String(length=200), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", pos.store.types.Instant(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fixmedins_code"],
            ["hosp_institutions.fixmedins_code"],
        ),
        sa.PrimaryKeyConstraint("cashier_no"),
    )
    op.create_table(
        "hosp_departments",
        sa.Column("fixmedins_code", sa.String(length=12), nullable=False),
        sa.Column("dept_code", sa.String(length=10), nullable=False),
        sa.Column("dept_name", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(
            ["fixmedins_code"],
            ["hosp_institutions.fixmedins_code"],
        ),
        sa.PrimaryKeyConstraint("fixmedins_code", "dept_code"),
    )
    op.create_table(
        "hosp_stations",
        sa.Column("station_id", sa.String(length=20), nullable=False),
        sa.Column("fixmedins_code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(
            ["fixmedins_code"],
            ["hosp_institutions.fixmedins_code"],
        ),
        sa.PrimaryKeyConstraint("station_id"),
    )
    op.create_table(
        "hosp_day_closes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cashier_no", sa.String(length=10), nullable=False),
        sa.Column("fixmedins_code", sa.String(length=12), nullable=False),
        sa.Column("station_id", sa.String(length=20), nullable=False),
        sa.Column("closed_at", pos.store.types.Instant(), nullable=False),
        sa.Column("settle_count", sa.Integer(), nullable=False),
        sa.Column("refund_count", sa.Integer(), nullable=False),
        sa.Column("medfee_sumamt", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("fund_pay_sumamt", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("acct_pay", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("acct_mulaid_pay", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("psn_cash_pay", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("tenders_json", sa.Text(), nullable=False),
        sa.Column("receipts", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["cashier_no"],
            ["hosp_cashiers.cashier_no"],
        ),
        sa.ForeignKeyConstraint(
            ["fixmedins_code"],
            ["hosp_institutions.fixmedins_code"],
        ),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["hosp_stations.station_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("hosp_day_closes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hosp_day_closes_cashier_no"), ["cashier_no"], unique=False
        )

    op.create_table(
        "hosp_reconciliations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("fixmedins_code", sa.String(length=12), nullable=False),
        sa.Column("cashier_no", sa.String(length=10), nullable=False),
        sa.Column("run_at", pos.store.types.Instant(), nullable=False),
        sa.Column("stmt_begndate", sa.String(length=10), nullable=False),
        sa.Column("stmt_enddate", sa.String(length=10), nullable=False),
        sa.Column("insutype", sa.String(length=3), nullable=False),
        sa.Column("clr_type", sa.String(length=2), nullable=False),
        sa.Column("medfee_sumamt", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("fund_pay_sumamt", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("acct_pay", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("setl_cnt", sa.Integer(), nullable=False),
        sa.Column("stmt_rslt", sa.String(length=2), nullable=False),
        sa.Column("stmt_rslt_dscr", sa.String(length=500), nullable=False),
        sa.Column("details_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cashier_no"],
            ["hosp_cashiers.cashier_no"],
        ),
        sa.ForeignKeyConstraint(
            ["fixmedins_code"],
            ["hosp_institutions.fixmedins_code"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "hosp_visits",
        sa.Column("visit_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ipt_otp_no", sa.String(length=30), nullable=False),
        sa.Column("mdtrt_id", sa.String(length=30), nullable=True),
        sa.Column("fixmedins_code", sa.String(length=12), nullable=False),
        sa.Column("station_id", sa.String(length=20), nullable=False),
        sa.Column("cashier_no", sa.String(length=10), nullable=False),
        sa.Column("psn_no", sa.String(length=40), nullable=False),
        sa.Column("psn_name", sa.String(length=50), nullable=False),
        sa.Column("certno", sa.String(length=18), nullable=False),
        sa.Column("insutype", sa.String(length=3), nullable=False),
        sa.Column("psn_type", sa.String(length=6), nullable=False),
        sa.Column("insuplc_admdvs", sa.String(length=6), nullable=False),
        sa.Column("med_type", sa.String(length=6), nullable=False),
        sa.Column("mdtrt_cert_type", sa.String(length=2), nullable=False),
        sa.Column("mdtrt_cert_no", sa.String(length=100), nullable=False),
        sa.Column("dept_code", sa.String(length=10), nullable=False),
        sa.Column("dise_codg", sa.String(length=30), nullable=False),
        sa.Column("dise_name", sa.String(length=100), nullable=False),
        sa.Column("begntime", pos.store.types.Instant(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["cashier_no"],
            ["hosp_cashiers.cashier_no"],
        ),
        sa.ForeignKeyConstraint(
            ["fixmedins_code"],
            ["hosp_institutions.fixmedins_code"],
        ),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["hosp_stations.station_id"],
        ),
        sa.PrimaryKeyConstraint("visit_id"),
        sa.UniqueConstraint("fixmedins_code", "ipt_otp_no", name="uq_hosp_visits_otp_no"),
        sa.UniqueConstraint("mdtrt_id"),
    )
    with op.batch_alter_table("hosp_visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hosp_visits_psn_no"), ["psn_no"], unique=False)

    op.create_table(
        "hosp_center_calls",
        sa.Column("msgid", sa.String(length=30), nullable=False),
        sa.Column("infno", sa.String(length=4), nullable=False),
        sa.Column("chrg_bchno", sa.String(length=30), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("psn_no", sa.String(length=40), nullable=False),
        sa.Column("cashier_no", sa.String(length=10), nullable=False),
        sa.Column("sent_at", pos.store.types.Instant(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("open_key", sa.String(length=40), nullable=True),
        sa.Column("setl_id", sa.String(length=40), nullable=True),
        sa.Column("err_msg", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["hosp_visits.visit_id"],
        ),
        sa.PrimaryKeyConstraint("msgid"),
        sa.UniqueConstraint("open_key"),
    )
    with op.batch_alter_table("hosp_center_calls", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hosp_center_calls_chrg_bchno"), ["chrg_bchno"], unique=False
        )

    op.create_table(
        "hosp_charge_batches",
        sa.Column("chrg_bchno", sa.String(length=30), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("cashier_no", sa.String(length=10), nullable=False),
        sa.Column("uploaded_at", pos.store.types.Instant(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("medfee_sumamt", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["cashier_no"],
            ["hosp_cashiers.cashier_no"],
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["hosp_visits.visit_id"],
        ),
        sa.PrimaryKeyConstraint("chrg_bchno"),
    )
    with op.batch_alter_table("hosp_charge_batches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hosp_charge_batches_visit_id"), ["visit_id"], unique=False
        )

    op.create_table(
        "hosp_draft_lines",
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("medins_list_codg", sa.String(length=50), nullable=False),
        sa.Column("cnt", pos.store.types.Fixed(scale=4, precision=16), nullable=False),
        sa.Column("order_no", sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(
            ["medins_list_codg"],
            ["hosp_catalog.medins_list_codg"],
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["hosp_visits.visit_id"],
        ),
        sa.PrimaryKeyConstraint("visit_id", "line_no"),
    )
    op.create_table(
        "hosp_orders",
        sa.Column("order_no", sa.String(length=30), nullable=False),
        sa.Column("fixmedins_code", sa.String(length=12), nullable=False),
        sa.Column("certno", sa.String(length=18), nullable=False),
        sa.Column("psn_name", sa.String(length=50), nullable=False),
        sa.Column("med_type", sa.String(length=6), nullable=False),
        sa.Column("dept_code", sa.String(length=10), nullable=False),
        sa.Column("dr_name", sa.String(length=50), nullable=False),
        sa.Column("dise_codg", sa.String(length=30), nullable=False),
        sa.Column("dise_name", sa.String(length=100), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["fixmedins_code"],
            ["hosp_institutions.fixmedins_code"],
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["hosp_visits.visit_id"],
        ),
        sa.PrimaryKeyConstraint("order_no"),
    )
    with op.batch_alter_table("hosp_orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hosp_orders_certno"), ["certno"], unique=False)

    op.create_table(
        "hosp_fee_lines",
        sa.Column("chrg_bchno", sa.String(length=30), nullable=False),
        sa.Column("feedetl_sn", sa.String(length=30), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("medins_list_codg", sa.String(length=50), nullable=False),
        sa.Column("med_list_codg", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("pric", pos.store.types.Fixed(scale=6, precision=16), nullable=False),
        sa.Column("cnt", pos.store.types.Fixed(scale=4, precision=16), nullable=False),
        sa.Column(
            "det_item_fee_sumamt", pos.store.types.Fixed(scale=2, precision=16), nullable=False
        ),
        sa.Column("chrgitm_lv", sa.String(length=2), nullable=False),
        sa.Column("med_chrgitm_type", sa.String(length=2), nullable=False),
        sa.Column(
            "fulamt_ownpay_amt", pos.store.types.Fixed(scale=2, precision=16), nullable=False
        ),
        sa.Column("overlmt_amt", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("preselfpay_amt", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("inscp_scp_amt", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("selfpay_prop", pos.store.types.Fixed(scale=4, precision=5), nullable=False),
        sa.Column("pric_uplmt_amt", pos.store.types.Fixed(scale=6, precision=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["chrg_bchno"],
            ["hosp_charge_batches.chrg_bchno"],
        ),
        sa.PrimaryKeyConstraint("chrg_bchno", "feedetl_sn"),
    )
    op.create_table(
        "hosp_order_lines",
        sa.Column("order_no", sa.String(length=30), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("medins_list_codg", sa.String(length=50), nullable=False),
        sa.Column("cnt", pos.store.types.Fixed(scale=4, precision=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["medins_list_codg"],
            ["hosp_catalog.medins_list_codg"],
        ),
        sa.ForeignKeyConstraint(
            ["order_no"],
            ["hosp_orders.order_no"],
        ),
        sa.PrimaryKeyConstraint("order_no", "line_no"),
    )
    op.create_table(
        "hosp_settlements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("setl_id", sa.String(length=40), nullable=False),
        sa.Column("msgid", sa.String(length=30), nullable=False),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("chrg_bchno", sa.String(length=30), nullable=False),
        sa.Column("mdtrt_id", sa.String(length=30), nullable=False),
        sa.Column("fixmedins_code", sa.String(length=12), nullable=False),
        sa.Column("station_id", sa.String(length=20), nullable=False),
        sa.Column("cashier_no", sa.String(length=10), nullable=False),
        sa.Column("psn_no", sa.String(length=40), nullable=False),
        sa.Column("psn_name", sa.String(length=50), nullable=False),
        sa.Column("insutype", sa.String(length=3), nullable=False),
        sa.Column("med_type", sa.String(length=6), nullable=False),
        sa.Column("clr_type", sa.String(length=2), nullable=False),
        sa.Column("setl_time", pos.store.types.Instant(), nullable=False),
        sa.Column("receipt_series", sa.String(length=4), nullable=False),
        sa.Column("receipt_year", sa.Integer(), nullable=False),
        sa.Column("receipt_seq", sa.Integer(), nullable=False),
        sa.Column("receipt_no", sa.String(length=30), nullable=False),
        sa.Column("pool_prop_selfpay", pos.store.types.Fixed(scale=4, precision=5), nullable=False),
        sa.Column("balc", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("mulaid_detail", sa.Text(), nullable=False),
        sa.Column("medfee_sumamt", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column(
            "fulamt_ownpay_amt", pos.store.types.Fixed(scale=2, precision=16), nullable=False
        ),
        sa.Column("overlmt_selfpay", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("preselfpay_amt", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("inscp_scp_amt", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("act_pay_dedc", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("hifp_pay", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("cvlserv_pay", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("hifes_pay", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("hifmi_pay", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("hifob_pay", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("maf_pay", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("oth_pay", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("fund_pay_sumamt", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("psn_part_amt", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("acct_pay", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("acct_mulaid_pay", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("psn_cash_pay", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("hosp_part_amt", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["cashier_no"],
            ["hosp_cashiers.cashier_no"],
        ),
        sa.ForeignKeyConstraint(
            ["chrg_bchno"],
            ["hosp_charge_batches.chrg_bchno"],
        ),
        sa.ForeignKeyConstraint(
            ["fixmedins_code"],
            ["hosp_institutions.fixmedins_code"],
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["hosp_settlements.id"],
        ),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["hosp_stations.station_id"],
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["hosp_visits.visit_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("chrg_bchno", "kind", name="uq_hosp_settlements_batch_kind"),
        sa.UniqueConstraint(
            "fixmedins_code",
            "receipt_series",
            "receipt_year",
            "receipt_seq",
            name="uq_hosp_settlements_receipt",
        ),
        sa.UniqueConstraint("msgid"),
        sa.UniqueConstraint("reverses_id"),
        sa.UniqueConstraint("setl_id"),
    )
    with op.batch_alter_table("hosp_settlements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hosp_settlements_cashier_no"), ["cashier_no"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_hosp_settlements_visit_id"), ["visit_id"], unique=False
        )

    op.create_table(
        "hosp_day_close_items",
        sa.Column("settlement_id", sa.Integer(), nullable=False),
        sa.Column("day_close_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["day_close_id"],
            ["hosp_day_closes.id"],
        ),
        sa.ForeignKeyConstraint(
            ["settlement_id"],
            ["hosp_settlements.id"],
        ),
        sa.PrimaryKeyConstraint("settlement_id"),
    )
    with op.batch_alter_table("hosp_day_close_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hosp_day_close_items_day_close_id"), ["day_close_id"], unique=False
        )

    op.create_table(
        "hosp_tenders",
        sa.Column("settlement_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=12), nullable=False),
        sa.Column("amount", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("tendered", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.Column("change", pos.store.types.Fixed(scale=2, precision=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["settlement_id"],
            ["hosp_settlements.id"],
        ),
        sa.PrimaryKeyConstraint("settlement_id", "seq"),
    )
    append_only(op.get_bind())


def downgrade() -> None:
    drop_append_only(op.get_bind())
    op.drop_table("hosp_tenders")
    with op.batch_alter_table("hosp_day_close_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hosp_day_close_items_day_close_id"))

    op.drop_table("hosp_day_close_items")
    with op.batch_alter_table("hosp_settlements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hosp_settlements_visit_id"))
        batch_op.drop_index(batch_op.f("ix_hosp_settlements_cashier_no"))

    op.drop_table("hosp_settlements")
    op.drop_table("hosp_order_lines")
    op.drop_table("hosp_fee_lines")
    with op.batch_alter_table("hosp_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hosp_orders_certno"))

    op.drop_table("hosp_orders")
    op.drop_table("hosp_draft_lines")
    with op.batch_alter_table("hosp_charge_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hosp_charge_batches_visit_id"))

    op.drop_table("hosp_charge_batches")
    with op.batch_alter_table("hosp_center_calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hosp_center_calls_chrg_bchno"))

    op.drop_table("hosp_center_calls")
    with op.batch_alter_table("hosp_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hosp_visits_psn_no"))

    op.drop_table("hosp_visits")
    op.drop_table("hosp_reconciliations")
    with op.batch_alter_table("hosp_day_closes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hosp_day_closes_cashier_no"))

    op.drop_table("hosp_day_closes")
    op.drop_table("hosp_stations")
    op.drop_table("hosp_departments")
    op.drop_table("hosp_cashiers")
    op.drop_table("hosp_institutions")
    op.drop_table("hosp_counters")
    op.drop_table("hosp_catalog")
    op.drop_table("hosp_audit_log")
    op.drop_table("hosp_audit_head")
    with op.batch_alter_table("center_settlements", schema=None) as batch_op:
        batch_op.drop_index("ix_center_setl_orig")
        batch_op.drop_index("ix_center_setl_ins_time")

    op.drop_table("center_settlements")
    with op.batch_alter_table("center_fee_details", schema=None) as batch_op:
        batch_op.drop_index("ix_center_fee_batch")

    op.drop_table("center_fee_details")
    with op.batch_alter_table("center_account_journal", schema=None) as batch_op:
        batch_op.drop_index("ix_center_journal_setl")
        batch_op.drop_index("ix_center_journal_psn")

    op.drop_table("center_account_journal")
    op.drop_table("center_ytd")
    op.drop_table("center_visits")
    op.drop_table("center_tokens")
    with op.batch_alter_table("center_notices", schema=None) as batch_op:
        batch_op.drop_index("ix_center_notice_giver")

    op.drop_table("center_notices")
    op.drop_table("center_filings")
    op.drop_table("center_enrolments")
    with op.batch_alter_table("center_bindings", schema=None) as batch_op:
        batch_op.drop_index("ix_center_binding_ben")

    op.drop_table("center_bindings")
    op.drop_table("center_accounts")
    op.drop_table("center_persons")
    op.drop_table("center_messages")
    op.drop_table("center_institutions")
    op.drop_table("center_counters")
    if op.get_bind().dialect.name == "postgresql":
        for name in ("center_seq_mdtrt", "center_seq_setl"):
            op.execute(sa.schema.DropSequence(sa.Sequence(name)))

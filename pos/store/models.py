"""The hospital's tables (HIS side of the window): who works where, visits, charges, money, audit.

Every table is prefixed `hosp_` so it can share one database with the center's tables.

Money rows (charge batches, fee lines, settlements, tenders, day closes, reconciliations, audit
entries) are append-only: `AppendOnly` rows refuse UPDATE and DELETE at flush time, and a refund is
a new settlement row with negated amounts that references the original (冲红). The few mutable rows
are working state, not money: draft lines a cashier is still editing, counters, login throttling,
and the status of a message sent to the center.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from engine.models import SETLINFO_MONEY_FIELDS
from pos.store.types import Fixed, Instant, Money


class HospitalBase(DeclarativeBase):
    pass


class AppendOnly:
    """Marker: rows of this class are written once and never changed or removed."""


@event.listens_for(Session, "before_flush")
def _refuse_rewrites(session: Session, _ctx: object, _instances: object) -> None:
    for obj in session.dirty:
        if isinstance(obj, AppendOnly) and session.is_modified(obj, include_collections=False):
            raise PermissionError(
                f"{type(obj).__name__} rows are append-only (write a 冲红 row instead)"
            )
    for obj in session.deleted:
        if isinstance(obj, AppendOnly):
            raise PermissionError(
                f"{type(obj).__name__} rows are append-only and cannot be deleted"
            )


# ------------------------------------------------------------------ who and where


class Institution(HospitalBase):
    __tablename__ = "hosp_institutions"

    fixmedins_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))  # hospital | health_centre | pharmacy | clinic
    level: Mapped[str] = mapped_column(String(10))  # 1 / 2 / 3 / pharmacy (policy hosp_lv)
    admdvs: Mapped[str] = mapped_column(String(6))
    county_admdvs: Mapped[str] = mapped_column(String(6))
    designated: Mapped[bool] = mapped_column(Boolean)
    policy_id: Mapped[str] = mapped_column(String(40))


class Department(HospitalBase):
    __tablename__ = "hosp_departments"

    fixmedins_code: Mapped[str] = mapped_column(
        ForeignKey("hosp_institutions.fixmedins_code"), primary_key=True
    )
    dept_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    dept_name: Mapped[str] = mapped_column(String(50))


class Station(HospitalBase):
    __tablename__ = "hosp_stations"

    station_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    fixmedins_code: Mapped[str] = mapped_column(ForeignKey("hosp_institutions.fixmedins_code"))
    name: Mapped[str] = mapped_column(String(50))


class Cashier(HospitalBase):
    __tablename__ = "hosp_cashiers"

    cashier_no: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    fixmedins_code: Mapped[str] = mapped_column(ForeignKey("hosp_institutions.fixmedins_code"))
    role: Mapped[str] = mapped_column(String(20))  # cashier | supervisor
    pin_hash: Mapped[str] = mapped_column(String(200))  # scrypt$n$r$p$salt$hash (pos.auth)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(Instant(), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CatalogItem(HospitalBase):
    """The hospital's price list (医院收费目录), mapped to national codes (seeded from catalog.toml)."""

    __tablename__ = "hosp_catalog"

    medins_list_codg: Mapped[str] = mapped_column(String(50), primary_key=True)
    med_list_codg: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(100))
    pinyin: Mapped[str] = mapped_column(String(50), default="")  # initials for the search box
    spec: Mapped[str] = mapped_column(String(100), default="")
    unit: Mapped[str] = mapped_column(String(20), default="")
    pric: Mapped[Decimal] = mapped_column(Fixed(6))
    chrgitm_lv: Mapped[str] = mapped_column(String(2))
    med_chrgitm_type: Mapped[str] = mapped_column(String(2))
    acct_payable: Mapped[bool] = mapped_column(Boolean, default=True)
    pharmacy_ok: Mapped[bool] = mapped_column(Boolean, default=True)  # sold at a 定点药店
    # The insurance ceiling price (医保限价) as the price list shows it; the center's 2204 answer
    # is what settles (FeeLine.pric_uplmt_amt).
    pric_uplmt_amt: Mapped[Decimal | None] = mapped_column(Fixed(6), nullable=True)


# ------------------------------------------------------------------ orders and visits


class PendingOrder(HospitalBase):
    """A doctor's order waiting at the window (划价 done, not yet paid); loaded into a visit."""

    __tablename__ = "hosp_orders"

    order_no: Mapped[str] = mapped_column(String(30), primary_key=True)
    fixmedins_code: Mapped[str] = mapped_column(ForeignKey("hosp_institutions.fixmedins_code"))
    certno: Mapped[str] = mapped_column(String(18), index=True)
    psn_name: Mapped[str] = mapped_column(String(50))
    med_type: Mapped[str] = mapped_column(String(6))
    dept_code: Mapped[str] = mapped_column(String(10))
    dr_name: Mapped[str] = mapped_column(String(50), default="")
    dise_codg: Mapped[str] = mapped_column(String(30), default="")
    dise_name: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(String(200), default="")
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("hosp_visits.visit_id"), nullable=True)


class OrderLine(HospitalBase):
    __tablename__ = "hosp_order_lines"

    order_no: Mapped[str] = mapped_column(ForeignKey("hosp_orders.order_no"), primary_key=True)
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    medins_list_codg: Mapped[str] = mapped_column(ForeignKey("hosp_catalog.medins_list_codg"))
    cnt: Mapped[Decimal] = mapped_column(Fixed(4))


class Visit(HospitalBase):
    """One 就诊: the patient as 1101 returned them, the 2201 mdtrt_id, and where it stands."""

    __tablename__ = "hosp_visits"
    __table_args__ = (
        UniqueConstraint("fixmedins_code", "ipt_otp_no", name="uq_hosp_visits_otp_no"),
    )

    visit_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ipt_otp_no: Mapped[str] = mapped_column(String(30))  # 院内门诊号, unique per institution
    mdtrt_id: Mapped[str | None] = mapped_column(String(30), unique=True, nullable=True)
    fixmedins_code: Mapped[str] = mapped_column(ForeignKey("hosp_institutions.fixmedins_code"))
    station_id: Mapped[str] = mapped_column(ForeignKey("hosp_stations.station_id"))
    cashier_no: Mapped[str] = mapped_column(ForeignKey("hosp_cashiers.cashier_no"))
    psn_no: Mapped[str] = mapped_column(String(40), index=True)
    psn_name: Mapped[str] = mapped_column(String(50))
    certno: Mapped[str] = mapped_column(String(18))
    insutype: Mapped[str] = mapped_column(String(3))
    psn_type: Mapped[str] = mapped_column(String(6))
    insuplc_admdvs: Mapped[str] = mapped_column(String(6))
    med_type: Mapped[str] = mapped_column(String(6))
    mdtrt_cert_type: Mapped[str] = mapped_column(String(2))
    mdtrt_cert_no: Mapped[str] = mapped_column(String(100))
    dept_code: Mapped[str] = mapped_column(String(10))
    dise_codg: Mapped[str] = mapped_column(String(30), default="")
    dise_name: Mapped[str] = mapped_column(String(100), default="")
    begntime: Mapped[datetime] = mapped_column(Instant())
    status: Mapped[str] = mapped_column(
        String(12), default="open"
    )  # open|settled|refunded|cancelled


class DraftLine(HospitalBase):
    """A charge line the cashier is still editing; frozen into a ChargeBatch on upload (2204)."""

    __tablename__ = "hosp_draft_lines"

    visit_id: Mapped[int] = mapped_column(ForeignKey("hosp_visits.visit_id"), primary_key=True)
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    medins_list_codg: Mapped[str] = mapped_column(ForeignKey("hosp_catalog.medins_list_codg"))
    cnt: Mapped[Decimal] = mapped_column(Fixed(4))
    order_no: Mapped[str | None] = mapped_column(String(30), nullable=True)


# ------------------------------------------------------------------ money (append-only)


class ChargeBatch(AppendOnly, HospitalBase):
    """One 2204 upload (收费批次): a frozen snapshot of the draft lines with the center's split."""

    __tablename__ = "hosp_charge_batches"

    chrg_bchno: Mapped[str] = mapped_column(String(30), primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("hosp_visits.visit_id"), index=True)
    cashier_no: Mapped[str] = mapped_column(ForeignKey("hosp_cashiers.cashier_no"))
    uploaded_at: Mapped[datetime] = mapped_column(Instant())
    line_count: Mapped[int] = mapped_column(Integer)
    medfee_sumamt: Mapped[Decimal] = mapped_column(Money())
    fingerprint: Mapped[str] = mapped_column(
        String(64)
    )  # sha256 of the lines: is it still current?


class FeeLine(AppendOnly, HospitalBase):
    __tablename__ = "hosp_fee_lines"

    chrg_bchno: Mapped[str] = mapped_column(
        ForeignKey("hosp_charge_batches.chrg_bchno"), primary_key=True
    )
    feedetl_sn: Mapped[str] = mapped_column(String(30), primary_key=True)
    line_no: Mapped[int] = mapped_column(Integer)
    medins_list_codg: Mapped[str] = mapped_column(String(50))
    med_list_codg: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(100))
    pric: Mapped[Decimal] = mapped_column(Fixed(6))
    cnt: Mapped[Decimal] = mapped_column(Fixed(4))
    det_item_fee_sumamt: Mapped[Decimal] = mapped_column(Money())
    chrgitm_lv: Mapped[str] = mapped_column(String(2))
    med_chrgitm_type: Mapped[str] = mapped_column(String(2))
    fulamt_ownpay_amt: Mapped[Decimal] = mapped_column(Money())
    overlmt_amt: Mapped[Decimal] = mapped_column(Money())
    preselfpay_amt: Mapped[Decimal] = mapped_column(Money())
    inscp_scp_amt: Mapped[Decimal] = mapped_column(Money())
    selfpay_prop: Mapped[Decimal] = mapped_column(Fixed(4, precision=5))
    pric_uplmt_amt: Mapped[Decimal | None] = mapped_column(Fixed(6), nullable=True)


# setlinfo amounts kept on every settlement row, in wire order (balc is a balance, not negated).
SETTLEMENT_MONEY = tuple(f for f in SETLINFO_MONEY_FIELDS if f != "balc")


class Settlement(AppendOnly, HospitalBase):
    """A 2207 结算 (kind settle) or its 2208 冲红 (kind refund: negated amounts, reverses_id set)."""

    __tablename__ = "hosp_settlements"
    __table_args__ = (
        UniqueConstraint("chrg_bchno", "kind", name="uq_hosp_settlements_batch_kind"),
        UniqueConstraint(
            "fixmedins_code",
            "receipt_series",
            "receipt_year",
            "receipt_seq",
            name="uq_hosp_settlements_receipt",
        ),
        # A day's totals (3201) read this index alone, one range per 险种 × 清算类别 (store.totals).
        Index(
            "ix_hosp_settlements_day",
            "fixmedins_code",
            "insutype",
            "clr_type",
            "setl_time",
            "medfee_sumamt",
            "fund_pay_sumamt",
            "acct_pay",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(8))  # settle | refund | selfpay (全自费, no center)
    setl_id: Mapped[str] = mapped_column(String(40), unique=True)
    msgid: Mapped[str] = mapped_column(String(30), unique=True)  # medins_setl_id (发送方报文ID)
    reverses_id: Mapped[int | None] = mapped_column(
        ForeignKey("hosp_settlements.id"), unique=True, nullable=True
    )
    visit_id: Mapped[int] = mapped_column(ForeignKey("hosp_visits.visit_id"), index=True)
    chrg_bchno: Mapped[str] = mapped_column(ForeignKey("hosp_charge_batches.chrg_bchno"))
    mdtrt_id: Mapped[str] = mapped_column(String(30))
    fixmedins_code: Mapped[str] = mapped_column(ForeignKey("hosp_institutions.fixmedins_code"))
    station_id: Mapped[str] = mapped_column(ForeignKey("hosp_stations.station_id"))
    cashier_no: Mapped[str] = mapped_column(ForeignKey("hosp_cashiers.cashier_no"), index=True)
    psn_no: Mapped[str] = mapped_column(String(40))
    psn_name: Mapped[str] = mapped_column(String(50))
    insutype: Mapped[str] = mapped_column(String(3))
    med_type: Mapped[str] = mapped_column(String(6))
    clr_type: Mapped[str] = mapped_column(String(2))
    setl_time: Mapped[datetime] = mapped_column(Instant())
    receipt_series: Mapped[str] = mapped_column(String(4))  # MZ 收费 / HC 红冲
    receipt_year: Mapped[int] = mapped_column(Integer)
    receipt_seq: Mapped[int] = mapped_column(Integer)
    receipt_no: Mapped[str] = mapped_column(String(30))
    pool_prop_selfpay: Mapped[Decimal] = mapped_column(Fixed(4, precision=5))
    balc: Mapped[Decimal] = mapped_column(Money())  # own-account balance after (not negated)
    mulaid_detail: Mapped[str] = mapped_column(Text, default="[]")  # JSON [{giver, amount}]

    medfee_sumamt: Mapped[Decimal] = mapped_column(Money())
    fulamt_ownpay_amt: Mapped[Decimal] = mapped_column(Money())
    overlmt_selfpay: Mapped[Decimal] = mapped_column(Money())
    preselfpay_amt: Mapped[Decimal] = mapped_column(Money())
    inscp_scp_amt: Mapped[Decimal] = mapped_column(Money())
    act_pay_dedc: Mapped[Decimal] = mapped_column(Money())
    hifp_pay: Mapped[Decimal] = mapped_column(Money())
    cvlserv_pay: Mapped[Decimal] = mapped_column(Money())
    hifes_pay: Mapped[Decimal] = mapped_column(Money())
    hifmi_pay: Mapped[Decimal] = mapped_column(Money())
    hifob_pay: Mapped[Decimal] = mapped_column(Money())
    maf_pay: Mapped[Decimal] = mapped_column(Money())
    oth_pay: Mapped[Decimal] = mapped_column(Money())
    fund_pay_sumamt: Mapped[Decimal] = mapped_column(Money())
    psn_part_amt: Mapped[Decimal] = mapped_column(Money())
    acct_pay: Mapped[Decimal] = mapped_column(Money())
    acct_mulaid_pay: Mapped[Decimal] = mapped_column(Money())
    psn_cash_pay: Mapped[Decimal] = mapped_column(Money())
    hosp_part_amt: Mapped[Decimal] = mapped_column(Money())


class Tender(AppendOnly, HospitalBase):
    """How psn_cash_pay was collected (or, negated, paid back): Σ amount = psn_cash_pay."""

    __tablename__ = "hosp_tenders"

    settlement_id: Mapped[int] = mapped_column(ForeignKey("hosp_settlements.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    method: Mapped[str] = mapped_column(String(12))  # cash | bank_card | wechat | alipay
    amount: Mapped[Decimal] = mapped_column(Money())
    tendered: Mapped[Decimal] = mapped_column(Money())  # handed over (cash); = amount otherwise
    change: Mapped[Decimal] = mapped_column(Money())


class DayClose(AppendOnly, HospitalBase):
    """收费员日结: one cashier's settlements since their last close, with the totals handed over."""

    __tablename__ = "hosp_day_closes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cashier_no: Mapped[str] = mapped_column(ForeignKey("hosp_cashiers.cashier_no"), index=True)
    fixmedins_code: Mapped[str] = mapped_column(ForeignKey("hosp_institutions.fixmedins_code"))
    station_id: Mapped[str] = mapped_column(ForeignKey("hosp_stations.station_id"))
    closed_at: Mapped[datetime] = mapped_column(Instant())
    settle_count: Mapped[int] = mapped_column(Integer)
    refund_count: Mapped[int] = mapped_column(Integer)
    medfee_sumamt: Mapped[Decimal] = mapped_column(Money())
    fund_pay_sumamt: Mapped[Decimal] = mapped_column(Money())
    acct_pay: Mapped[Decimal] = mapped_column(Money())
    acct_mulaid_pay: Mapped[Decimal] = mapped_column(Money())
    psn_cash_pay: Mapped[Decimal] = mapped_column(Money())
    tenders_json: Mapped[str] = mapped_column(Text)  # {"cash": "12.00", ...}
    receipts: Mapped[str] = mapped_column(String(200), default="")  # first–last per series
    # The blind count (0010): what the cashier counted in the drawer, by denomination, entered
    # before the expected figure was shown; NULL for closes made before the count existed.
    drawer_json: Mapped[str | None] = mapped_column(Text, nullable=True)  # {"100": 3, "0.5": 2}
    drawer_counted: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    drawer_expected: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)  # Σ cash
    reprint_count: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 补打 in the period
    reissue_count: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 重打 in the period


class ReceiptReissue(AppendOnly, HospitalBase):
    """重打: a settlement's receipt issued again under a new number; the number it had is void (作废).

    The settlement row keeps its first number; its current number is the newest reissue's. A void
    is this new row, never an edit of the settlement.
    """

    __tablename__ = "hosp_receipt_reissues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("hosp_settlements.id"), index=True)
    fixmedins_code: Mapped[str] = mapped_column(ForeignKey("hosp_institutions.fixmedins_code"))
    void_receipt_no: Mapped[str] = mapped_column(String(30))  # the number made void
    receipt_series: Mapped[str] = mapped_column(String(4))
    receipt_year: Mapped[int] = mapped_column(Integer)
    receipt_seq: Mapped[int] = mapped_column(Integer)
    receipt_no: Mapped[str] = mapped_column(String(30), index=True)  # the new number
    cashier_no: Mapped[str] = mapped_column(ForeignKey("hosp_cashiers.cashier_no"))
    station_id: Mapped[str] = mapped_column(ForeignKey("hosp_stations.station_id"))
    reason: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(Instant())


class DayCloseItem(AppendOnly, HospitalBase):
    """Settlement → the close that took it; the primary key makes "closed exactly once" a fact."""

    __tablename__ = "hosp_day_close_items"

    settlement_id: Mapped[int] = mapped_column(ForeignKey("hosp_settlements.id"), primary_key=True)
    day_close_id: Mapped[int] = mapped_column(ForeignKey("hosp_day_closes.id"), index=True)


class Reconciliation(AppendOnly, HospitalBase):
    """One 3201 对总账 result (per insutype × clr_type × day), with the 3202 mismatches if 不平."""

    __tablename__ = "hosp_reconciliations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    fixmedins_code: Mapped[str] = mapped_column(ForeignKey("hosp_institutions.fixmedins_code"))
    cashier_no: Mapped[str] = mapped_column(ForeignKey("hosp_cashiers.cashier_no"))
    run_at: Mapped[datetime] = mapped_column(Instant())
    stmt_begndate: Mapped[str] = mapped_column(String(10))
    stmt_enddate: Mapped[str] = mapped_column(String(10))
    insutype: Mapped[str] = mapped_column(String(3))
    clr_type: Mapped[str] = mapped_column(String(2))
    medfee_sumamt: Mapped[Decimal] = mapped_column(Money())
    fund_pay_sumamt: Mapped[Decimal] = mapped_column(Money())
    acct_pay: Mapped[Decimal] = mapped_column(Money())
    setl_cnt: Mapped[int] = mapped_column(Integer)
    stmt_rslt: Mapped[str] = mapped_column(String(2))  # 0 平 / 1 不平
    stmt_rslt_dscr: Mapped[str] = mapped_column(String(500), default="")
    details_json: Mapped[str] = mapped_column(Text, default="[]")


# ------------------------------------------------------------------ working state (mutable)


class Counter(HospitalBase):
    """Gap-free number series (receipts, 门诊号): advanced under a row lock in the same transaction
    as the row that uses the number, so a rollback takes the number back with it."""

    __tablename__ = "hosp_counters"

    fixmedins_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    series: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_no: Mapped[int] = mapped_column(Integer, default=0)


class CenterCall(HospitalBase):
    """A money-moving message sent to the center (2207/2208) and what became of it.

    Written and committed *before* the message goes out, so a lost response (or a crash) leaves a
    `sent` row that says "this may have happened at the center: 冲正 it by msgid (2601)".
    """

    __tablename__ = "hosp_center_calls"

    msgid: Mapped[str] = mapped_column(String(30), primary_key=True)
    infno: Mapped[str] = mapped_column(String(4))
    chrg_bchno: Mapped[str] = mapped_column(String(30), index=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("hosp_visits.visit_id"))
    psn_no: Mapped[str] = mapped_column(String(40))
    cashier_no: Mapped[str] = mapped_column(String(10))
    sent_at: Mapped[datetime] = mapped_column(Instant())
    status: Mapped[str] = mapped_column(String(10))  # sent | ok | refused | reversed
    # "<chrg_bchno>/<infno>" while the outcome is unknown, NULL once known: the unique index lets
    # only one 2207 (or 2208) per batch be in flight, across every station and process.
    open_key: Mapped[str | None] = mapped_column(String(40), unique=True, nullable=True)
    setl_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    err_msg: Mapped[str] = mapped_column(String(500), default="")


class AuditEntry(AppendOnly, HospitalBase):
    """hash = HMAC-SHA256(audit key, prev_hash + canonical JSON of the entry) — see pos.audit."""

    __tablename__ = "hosp_audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(Instant())
    actor: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(100))
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(HospitalBase):
    """The chain's tip, one row: locking it serialises appends on PostgreSQL as on SQLite."""

    __tablename__ = "hosp_audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    # HMAC of (seq, hash) under the audit key (pos.audit): the tip cannot be rewound without it.
    mac: Mapped[str | None] = mapped_column(String(64), default=None)

"""The insurance center's tables (SQLAlchemy 2, typed). Every table is prefixed `center_` so the
hospital's tables can live in the same database without clashing.

Money is stored as integer fen (`Fen`): exact on SQLite, whose NUMERIC is a binary float, and
exact in SQL SUMs on both databases. Money rows (journal, settlements, notices, messages) are
only ever inserted. Three cached columns are updated in place, because the row locks that keep
two stations from overdrawing a giver need a row to lock: `CenterAccount.balance`,
`CenterBinding.quota_used` and the `CenterYtd` sums. `engine.center.check` proves each of them
against the append-only rows it caches.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    DDL,
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from engine.db import append_only_ddl
from engine.money import FEN


class Fen(TypeDecorator):
    """A Decimal amount in 元 stored as an integer number of fen."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        fen = Decimal(value) * 100
        if fen != fen.to_integral_value():
            raise ValueError(f"amount {value} has more than two decimal places")
        return int(fen)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(FEN)


class CenterBase(DeclarativeBase):
    pass


class CenterInstitution(CenterBase):
    """定点医药机构 as the insurer knows them (seeded from fixtures/institutions.toml)."""

    __tablename__ = "center_institutions"
    fixmedins_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(10))  # "1"/"2"/"3"/"pharmacy" (engine.codes.HospLv)
    admdvs: Mapped[str] = mapped_column(String(6))
    designated: Mapped[bool] = mapped_column(Boolean)
    policy_id: Mapped[str] = mapped_column(String(40))


class CenterPerson(CenterBase):
    __tablename__ = "center_persons"
    psn_no: Mapped[str] = mapped_column(String(30), primary_key=True)
    certno: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    gend: Mapped[str] = mapped_column(String(1))
    brdy: Mapped[date] = mapped_column(Date)
    card_no: Mapped[str | None] = mapped_column(String(9), unique=True)  # 社保卡
    family_id: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[str | None] = mapped_column(String(100))


class CenterToken(CenterBase):
    """医保电子凭证 tokens. `shown_by` is set for a 亲情账户 token: the holder's app shows the
    relative's code, and the token still identifies the relative, never the holder."""

    __tablename__ = "center_tokens"
    token: Mapped[str] = mapped_column(String(40), primary_key=True)
    psn_no: Mapped[str] = mapped_column(ForeignKey("center_persons.psn_no"))
    shown_by: Mapped[str | None] = mapped_column(ForeignKey("center_persons.psn_no"))


class CenterEnrolment(CenterBase):
    __tablename__ = "center_enrolments"
    __table_args__ = (UniqueConstraint("psn_no", "insutype"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    psn_no: Mapped[str] = mapped_column(ForeignKey("center_persons.psn_no"))
    insutype: Mapped[str] = mapped_column(String(3))
    psn_type: Mapped[str] = mapped_column(String(4))
    admdvs: Mapped[str] = mapped_column(String(6))  # 参保地
    status: Mapped[str] = mapped_column(String(1))  # PsnInsuStas: 1 正常 / 2 暂停 / 4 终止
    arrears: Mapped[bool] = mapped_column(Boolean, default=False)


class CenterAccount(CenterBase):
    """职工个人账户. `balance` caches Σ journal amounts (checked)."""

    __tablename__ = "center_accounts"
    psn_no: Mapped[str] = mapped_column(ForeignKey("center_persons.psn_no"), primary_key=True)
    balance: Mapped[Decimal] = mapped_column(Fen)
    frozen: Mapped[bool] = mapped_column(Boolean, default=False)


class CenterJournal(CenterBase):
    """Append-only account journal: opening balances, debits (negative) and credits."""

    __tablename__ = "center_account_journal"
    __table_args__ = (
        Index("ix_center_journal_psn", "psn_no"),
        Index("ix_center_journal_setl", "setl_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    psn_no: Mapped[str] = mapped_column(ForeignKey("center_accounts.psn_no"))
    # opening / own (patient's own account) / mulaid (a giver paying for a bound beneficiary) /
    # premium (代缴 of a bound relative's resident premium: setl_id holds the premium_id)
    kind: Mapped[str] = mapped_column(String(10))
    amount: Mapped[Decimal] = mapped_column(Fen)  # signed: a debit is negative
    balance_after: Mapped[Decimal] = mapped_column(Fen)
    setl_id: Mapped[str | None] = mapped_column(String(30))
    binding_id: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class CenterBinding(CenterBase):
    """家庭共济 binding. `quota_used` caches quota_used_opening + Σ co-pay and 代缴 debits (checked).

    Its lifecycle (J101…J105, J901: pending → active / rejected → unbound / ended) updates
    `status`, `quota`, `order`, `valid_from` and `status_reason` in place; every change is also
    an append-only `CenterBindingEvent`.
    """

    __tablename__ = "center_bindings"
    __table_args__ = (Index("ix_center_binding_ben", "beneficiary_psn_no"),)
    binding_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    giver_psn_no: Mapped[str] = mapped_column(ForeignKey("center_persons.psn_no"))
    beneficiary_psn_no: Mapped[str] = mapped_column(ForeignKey("center_persons.psn_no"))
    relationship: Mapped[str] = mapped_column(String(12))
    quota: Mapped[Decimal] = mapped_column(Fen)
    quota_used_opening: Mapped[Decimal] = mapped_column(Fen)
    quota_used: Mapped[Decimal] = mapped_column(Fen)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))  # engine.copay.BindingStatus
    channel: Mapped[str] = mapped_column(String(10))  # online / counter
    proof: Mapped[str] = mapped_column(String(20))  # 户口本 / 出生证明 / 结婚证
    pledge_signed: Mapped[bool] = mapped_column(Boolean)  # 承诺书
    order: Mapped[int] = mapped_column(Integer, default=1)
    note: Mapped[str | None] = mapped_column(String(200))
    proof_no: Mapped[str | None] = mapped_column(String(40))  # the proof document's number
    # Why it was rejected, unbound or ended (zh / en), for the desk and the giver.
    status_reason: Mapped[str | None] = mapped_column(String(200))


class CenterBindingEvent(CenterBase):
    """Append-only history of a binding: submitted, approved, rejected, edited, unbound, ended."""

    __tablename__ = "center_binding_events"
    __table_args__ = (Index("ix_center_binding_event", "binding_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    binding_id: Mapped[str] = mapped_column(ForeignKey("center_bindings.binding_id"))
    event: Mapped[str] = mapped_column(String(12))  # submit/approve/reject/edit/unbind/end
    at: Mapped[datetime] = mapped_column(DateTime)
    opter: Mapped[str | None] = mapped_column(String(30))
    msgid: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[dict] = mapped_column(JSON)  # e.g. {"quota": ["500.00", "800.00"]}, reasons


class CenterFiling(CenterBase):
    """异地就医备案."""

    __tablename__ = "center_filings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    psn_no: Mapped[str] = mapped_column(ForeignKey("center_persons.psn_no"))
    from_admdvs: Mapped[str] = mapped_column(String(6))
    to_admdvs: Mapped[str] = mapped_column(String(6))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    # J302 cancels a filing: it stays on file, no longer valid (filings are never deleted).
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)


class CenterPremium(CenterBase):
    """代缴: a giver paid a relative's 城乡居民 premium for a year through their binding (J201).

    Append-only. Its journal row has kind "premium" and carries `premium_id` in `setl_id`.
    One payment per person, insutype and year.
    """

    __tablename__ = "center_premiums"
    __table_args__ = (UniqueConstraint("psn_no", "insutype", "year"),)
    premium_id: Mapped[str] = mapped_column(String(30), primary_key=True)
    psn_no: Mapped[str] = mapped_column(ForeignKey("center_persons.psn_no"))  # whose premium
    insutype: Mapped[str] = mapped_column(String(3))
    year: Mapped[int] = mapped_column(Integer)
    admdvs: Mapped[str] = mapped_column(String(6))  # the insurer paid (the person's 参保地)
    amount: Mapped[Decimal] = mapped_column(Fen)
    payer_psn_no: Mapped[str] = mapped_column(ForeignKey("center_persons.psn_no"))
    binding_id: Mapped[str] = mapped_column(String(20))
    paid_at: Mapped[datetime] = mapped_column(DateTime)
    msgid: Mapped[str | None] = mapped_column(String(40))
    opter: Mapped[str | None] = mapped_column(String(30))


class CenterYtd(CenterBase):
    """Year-to-date accumulators per person, insutype, year and med_type bucket.

    The `*_opening` columns are what the fixtures said before the first settlement; the others
    cache opening + Σ settlements of that year and bucket (checked).
    """

    __tablename__ = "center_ytd"
    psn_no: Mapped[str] = mapped_column(ForeignKey("center_persons.psn_no"), primary_key=True)
    insutype: Mapped[str] = mapped_column(String(3), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[str] = mapped_column(String(2), primary_key=True)  # med_type
    dedc_opening: Mapped[Decimal] = mapped_column(Fen)
    hifp_opening: Mapped[Decimal] = mapped_column(Fen)
    big_opening: Mapped[Decimal] = mapped_column(Fen)
    dedc_paid: Mapped[Decimal] = mapped_column(Fen)
    hifp_paid: Mapped[Decimal] = mapped_column(Fen)
    big_paid: Mapped[Decimal] = mapped_column(Fen)


class CenterVisit(CenterBase):
    """就诊 (2201), completed by 2203."""

    __tablename__ = "center_visits"
    mdtrt_id: Mapped[str] = mapped_column(String(30), primary_key=True)
    psn_no: Mapped[str] = mapped_column(ForeignKey("center_persons.psn_no"))
    insutype: Mapped[str] = mapped_column(String(3))
    fixmedins_code: Mapped[str] = mapped_column(ForeignKey("center_institutions.fixmedins_code"))
    begntime: Mapped[datetime] = mapped_column(DateTime)
    mdtrt_cert_type: Mapped[str] = mapped_column(String(2))
    ipt_otp_no: Mapped[str] = mapped_column(String(30))
    dept_code: Mapped[str | None] = mapped_column(String(30))
    dept_name: Mapped[str | None] = mapped_column(String(50))
    med_type: Mapped[str | None] = mapped_column(String(2))
    dise_codg: Mapped[str | None] = mapped_column(String(30))
    dise_name: Mapped[str | None] = mapped_column(String(100))
    diseinfo: Mapped[list | None] = mapped_column(JSON)


class CenterFeeDetail(CenterBase):
    """One uploaded charge line (2204) with the center's classification and split."""

    __tablename__ = "center_fee_details"
    __table_args__ = (
        UniqueConstraint("mdtrt_id", "feedetl_sn"),
        Index("ix_center_fee_batch", "mdtrt_id", "chrg_bchno"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mdtrt_id: Mapped[str] = mapped_column(ForeignKey("center_visits.mdtrt_id"))
    feedetl_sn: Mapped[str] = mapped_column(String(30))
    chrg_bchno: Mapped[str] = mapped_column(String(30))
    med_list_codg: Mapped[str] = mapped_column(String(50))
    medins_list_codg: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(100))
    chrgitm_lv: Mapped[str] = mapped_column(String(2))
    med_chrgitm_type: Mapped[str] = mapped_column(String(2))
    pric: Mapped[str] = mapped_column(String(24))  # exact decimal text (up to 6 places)
    cnt: Mapped[str] = mapped_column(String(24))
    pric_uplmt_amt: Mapped[str | None] = mapped_column(String(24))
    selfpay_prop: Mapped[str | None] = mapped_column(String(8))
    acct_payable: Mapped[bool] = mapped_column(Boolean)
    det_item_fee_sumamt: Mapped[Decimal] = mapped_column(Fen)
    fee_ocur_time: Mapped[datetime | None] = mapped_column(DateTime)


class CenterSettlement(CenterBase):
    """One settlement (2207), refund (2208, 冲红: negated amounts) or 2601 reversal (negated).

    Never updated. Whether a settlement still counts is derived: it has no refund and no
    reversal row pointing at it. `attempt` makes (mdtrt_id, chrg_bchno) unique among 2207 rows
    while still allowing a batch to be settled again after a 2601 reversal.
    """

    __tablename__ = "center_settlements"
    __table_args__ = (
        UniqueConstraint("mdtrt_id", "chrg_bchno", "kind", "attempt"),
        Index("ix_center_setl_orig", "orig_setl_id"),
        Index("ix_center_setl_ins_time", "fixmedins_code", "setl_time"),
    )
    setl_id: Mapped[str] = mapped_column(String(30), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # settle / refund / reversal
    orig_setl_id: Mapped[str | None] = mapped_column(String(30))
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    mdtrt_id: Mapped[str] = mapped_column(ForeignKey("center_visits.mdtrt_id"))
    chrg_bchno: Mapped[str] = mapped_column(String(30))
    psn_no: Mapped[str] = mapped_column(ForeignKey("center_persons.psn_no"))
    fixmedins_code: Mapped[str] = mapped_column(String(12))
    msgid: Mapped[str | None] = mapped_column(String(40))
    opter: Mapped[str | None] = mapped_column(String(30))
    setl_time: Mapped[datetime] = mapped_column(DateTime)
    insutype: Mapped[str] = mapped_column(String(3))
    psn_type: Mapped[str] = mapped_column(String(4))
    med_type: Mapped[str] = mapped_column(String(2))
    clr_type: Mapped[str] = mapped_column(String(2))
    year: Mapped[int] = mapped_column(Integer)  # the ytd year this settlement counts in
    medfee_sumamt: Mapped[Decimal] = mapped_column(Fen)
    fulamt_ownpay_amt: Mapped[Decimal] = mapped_column(Fen)
    overlmt_selfpay: Mapped[Decimal] = mapped_column(Fen)
    preselfpay_amt: Mapped[Decimal] = mapped_column(Fen)
    inscp_scp_amt: Mapped[Decimal] = mapped_column(Fen)
    act_pay_dedc: Mapped[Decimal] = mapped_column(Fen)
    hifp_pay: Mapped[Decimal] = mapped_column(Fen)
    hifmi_pay: Mapped[Decimal] = mapped_column(Fen)
    hifob_pay: Mapped[Decimal] = mapped_column(Fen)
    fund_pay_sumamt: Mapped[Decimal] = mapped_column(Fen)
    psn_part_amt: Mapped[Decimal] = mapped_column(Fen)
    acct_pay: Mapped[Decimal] = mapped_column(Fen)
    acct_mulaid_pay: Mapped[Decimal] = mapped_column(Fen)
    psn_cash_pay: Mapped[Decimal] = mapped_column(Fen)
    hosp_part_amt: Mapped[Decimal] = mapped_column(Fen)
    balc: Mapped[Decimal] = mapped_column(Fen)
    output: Mapped[dict] = mapped_column(JSON)  # the wire output, replayed for idempotent retries
    # SHA-256 of the 2207 input: the batch's settlement is answered again only to the same request.
    request_sha256: Mapped[str | None] = mapped_column(String(64), default=None)


class CenterMessage(CenterBase):
    """Every committed write message with a msgid: idempotent replay and 2601 lookup."""

    __tablename__ = "center_messages"
    msgid: Mapped[str] = mapped_column(String(40), primary_key=True)
    infno: Mapped[str] = mapped_column(String(4))
    psn_no: Mapped[str | None] = mapped_column(String(30))
    setl_id: Mapped[str | None] = mapped_column(String(30))
    fixmedins_code: Mapped[str | None] = mapped_column(String(12))
    received_at: Mapped[datetime] = mapped_column(DateTime)
    response: Mapped[dict] = mapped_column(JSON)
    # SHA-256 of the canonical input: a msgid is a retry only when the request is the same one.
    request_sha256: Mapped[str | None] = mapped_column(String(64))


class CenterNotice(CenterBase):
    """余额变动提醒 to a giver after each co-pay deduction, refund or 代缴 premium payment
    (`setl_id` then holds the premium_id)."""

    __tablename__ = "center_notices"
    __table_args__ = (Index("ix_center_notice_giver", "giver_psn_no"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    giver_psn_no: Mapped[str] = mapped_column(ForeignKey("center_persons.psn_no"))
    beneficiary_psn_no: Mapped[str] = mapped_column(String(30))
    binding_id: Mapped[str] = mapped_column(String(20))
    setl_id: Mapped[str] = mapped_column(String(30))
    amount: Mapped[Decimal] = mapped_column(Fen)  # signed, as in the journal
    balance_after: Mapped[Decimal] = mapped_column(Fen)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class CenterCounter(CenterBase):
    """Sequence counters for ids (mdtrt_id, setl_id, …): portable, and locked like any row."""

    __tablename__ = "center_counters"
    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


# Money rows are written once: UPDATE and DELETE fail in the database itself (migration 0004 for
# the application's database; this hook for a schema made by metadata.create_all, as in tests).
APPEND_ONLY = (
    "center_settlements",
    "center_account_journal",
    "center_messages",
    "center_notices",
    "center_fee_details",
)
APPEND_ONLY_FUNCTION = "center_append_only"


@event.listens_for(CenterBase.metadata, "after_create")
def _append_only(target, connection, **kw) -> None:
    for statement in append_only_ddl(connection.dialect.name, APPEND_ONLY, APPEND_ONLY_FUNCTION):
        connection.execute(DDL(statement.replace("%", "%%")))

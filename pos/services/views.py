"""What the services hand to the screens: frozen plain data, no database objects, no SQLAlchemy.

Amounts are Decimal (two places); personal data comes both whole (for the cashier's eyes on the
identify panel) and masked (for anything printed or shown to a queue) — screens pick.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class StationView:
    station_id: str
    station_name: str
    fixmedins_code: str
    institution_name: str
    institution_name_en: str
    kind: str  # hospital | health_centre | pharmacy | clinic
    level: str  # 1 / 2 / 3 / pharmacy
    admdvs: str
    designated: bool
    policy_id: str


@dataclass(frozen=True)
class CashierView:
    cashier_no: str
    name: str
    role: str  # cashier | supervisor
    fixmedins_code: str

    @property
    def supervisor(self) -> bool:
        return self.role == "supervisor"


@dataclass(frozen=True)
class InsuranceView:
    """One insuinfo row of 1101."""

    insutype: str
    psn_type: str
    balc: Decimal
    psn_insu_stas: str  # 1 正常 / 2 暂停 / 3 终止 / 0 未参保
    insuplc_admdvs: str
    acct_frozen: bool = False
    arrears: bool = False

    @property
    def normal(self) -> bool:
        return self.psn_insu_stas == "1"


@dataclass(frozen=True)
class CopayOption:
    """One of this patient's givers as the center judged them (1101: generally; 2206: this visit)."""

    binding_id: str
    giver_psn_no: str
    giver_name_masked: str
    relationship: str
    usable: bool
    available: Decimal
    reasons: tuple[dict, ...]  # [{code, msg}] when not usable
    selected: bool = False
    needs_counter_proof: bool = False  # 昭通: check the family co-payment proof at the counter
    detail: dict = field(default_factory=dict)  # the rest of what the center said (quota, order…)


@dataclass(frozen=True)
class PatientView:
    mdtrt_cert_type: str  # 01 e-voucher / 02 身份证 / 03 社保卡
    mdtrt_cert_no: str
    psn_no: str
    psn_name: str
    name_masked: str
    certno: str
    certno_masked: str
    gend: str
    brdy: str
    age: int | None
    insurances: tuple[InsuranceView, ...]
    bindings: tuple[CopayOption, ...]  # as 1101 judged them for an ordinary visit here
    shown_by: dict | None  # 亲情账户: whose phone showed this code ({psn_no, name}); moves no money
    pending_orders: tuple[str, ...]  # order_no waiting at this institution

    @property
    def insurance(self) -> InsuranceView | None:
        """The insurance to settle under: the first normal one (employee before resident)."""
        normal = [i for i in self.insurances if i.normal]
        return min(normal, key=lambda i: i.insutype) if normal else None


@dataclass(frozen=True)
class CatalogItemView:
    medins_list_codg: str
    med_list_codg: str
    name: str
    spec: str
    unit: str
    pric: Decimal
    chrgitm_lv: str
    med_chrgitm_type: str
    acct_payable: bool


@dataclass(frozen=True)
class LineView:
    line_no: int
    medins_list_codg: str
    name: str
    spec: str
    unit: str
    pric: Decimal
    cnt: Decimal
    amount: Decimal  # round2(pric × cnt)
    chrgitm_lv: str
    med_chrgitm_type: str
    acct_payable: bool
    order_no: str | None
    # The 2204 split, once uploaded and still current (None before pre-settlement).
    split: dict[str, Decimal] | None = None


@dataclass(frozen=True)
class VisitView:
    visit_id: int
    ipt_otp_no: str
    mdtrt_id: str
    psn_no: str
    psn_name: str
    insutype: str
    med_type: str
    dept_code: str
    dept_name: str
    dise_codg: str
    dise_name: str
    status: str  # open | settled | refunded | cancelled
    begntime: datetime
    lines: tuple[LineView, ...]
    loaded_orders: tuple[str, ...] = ()

    @property
    def total(self) -> Decimal:
        return sum((ln.amount for ln in self.lines), Decimal("0.00"))


@dataclass(frozen=True)
class PresettleView:
    chrg_bchno: str
    setlinfo: dict[str, Decimal | str]  # every setlinfo field; amounts as Decimal
    lines: tuple[LineView, ...]
    copay_options: tuple[CopayOption, ...]
    mulaid_detail: tuple[dict, ...]  # [{giver, amount, ...}] what 2206 would take from whom
    acct_used: bool
    copay_givers: tuple[str, ...]
    copay_proof_checked: bool
    proof_required: bool  # 昭通: the cashier must check the family co-payment proof
    trace: tuple[str, ...]

    @property
    def psn_cash_pay(self) -> Decimal:
        return self.setlinfo["psn_cash_pay"]  # type: ignore[return-value]


@dataclass(frozen=True)
class TenderInput:
    method: str  # cash | bank_card | wechat | alipay
    amount: Decimal  # the part of psn_cash_pay paid this way
    tendered: Decimal | None = None  # cash handed over (≥ amount); change is the difference


@dataclass(frozen=True)
class TenderView:
    seq: int
    method: str
    amount: Decimal
    tendered: Decimal
    change: Decimal


@dataclass(frozen=True)
class SettlementView:
    """A settlement as stored (kind settle) or its 冲红 (kind refund: amounts negated)."""

    id: int
    kind: str
    setl_id: str
    msgid: str
    receipt_no: str
    visit_id: int
    mdtrt_id: str
    chrg_bchno: str
    psn_no: str
    psn_name: str
    insutype: str
    med_type: str
    setl_time: datetime
    cashier_no: str
    amounts: dict[str, Decimal]  # setlinfo money fields + balc
    mulaid_detail: tuple[dict, ...]
    tenders: tuple[TenderView, ...]
    reverses_setl_id: str | None = None
    refunded_by: str | None = None  # setl_id of the 冲红 row, if any

    @property
    def change(self) -> Decimal:
        return sum((t.change for t in self.tenders), Decimal("0.00"))


@dataclass(frozen=True)
class SettleOutcome:
    settlement: SettlementView
    fee_lines: tuple[LineView, ...]
    already: bool  # True: this batch had been settled before; nothing new happened


@dataclass(frozen=True)
class RefundOutcome:
    refund: SettlementView
    original: SettlementView
    reopened_visit: VisitView | None  # partial refund: the kept lines, ready to pre-settle again


@dataclass(frozen=True)
class LostCall:
    """A 2207/2208 whose response never came: the center may or may not have done it (冲正 it)."""

    msgid: str
    infno: str
    chrg_bchno: str
    psn_no: str
    cashier_no: str
    sent_at: datetime


@dataclass(frozen=True)
class DayCloseView:
    id: int
    cashier_no: str
    closed_at: datetime
    settle_count: int
    refund_count: int
    medfee_sumamt: Decimal
    fund_pay_sumamt: Decimal
    acct_pay: Decimal
    acct_mulaid_pay: Decimal
    psn_cash_pay: Decimal
    tenders: dict[str, Decimal]
    receipts: str


@dataclass(frozen=True)
class ReconcileLine:
    insutype: str
    clr_type: str
    medfee_sumamt: Decimal
    fund_pay_sumamt: Decimal
    acct_pay: Decimal
    setl_cnt: int
    stmt_rslt: str  # 0 平 / 1 不平
    stmt_rslt_dscr: str

    @property
    def balanced(self) -> bool:
        return self.stmt_rslt == "0"


@dataclass(frozen=True)
class ReconcileView:
    day: date
    lines: tuple[ReconcileLine, ...]  # groups with local settlements, and any group that is 不平
    mismatches: tuple[dict, ...] = ()  # 3202 rows (stmt_rslt ≠ 0) when some group was 不平

    @property
    def balanced(self) -> bool:
        return all(line.balanced for line in self.lines)

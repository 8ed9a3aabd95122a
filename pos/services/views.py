"""The one set of view types, from the desk to the screens: frozen plain data, no database
objects, no SQLAlchemy. Field names are the platform's (setlinfo, insuinfo, feedetail) wherever the
platform has a name for the thing.

Amounts are Decimal (two places); personal data comes both whole (for the cashier's eyes on the
identify panel) and masked (for anything printed or shown to a queue) — screens pick.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

ZERO = Decimal("0.00")
TENDER_METHODS = ("cash", "bank_card", "wechat", "alipay")  # how psn_cash_pay may be paid


@dataclass(frozen=True)
class Reason:
    """Why something was refused or cannot be used: a stable code and a sentence in each language."""

    code: str
    zh: str
    en: str

    def text(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


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
    region_name: str = ""
    proof_at_counter: bool = False  # 昭通: the cashier confirms the co-pay proof was checked

    @property
    def is_pharmacy(self) -> bool:
        return self.kind == "pharmacy"

    def institution_label(self, lang: str = "zh") -> str:
        return self.institution_name if lang == "zh" else self.institution_name_en


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
class SessionView:
    """Who is signed in at which window."""

    station: StationView
    cashier: CashierView


@dataclass(frozen=True)
class InsuranceView:
    """One insuinfo row of 1101."""

    insutype: str
    psn_type: str
    balc: Decimal
    psn_insu_stas: str  # 1 正常 / 2 暂停 / 4 终止 / 0 未参保
    insuplc_admdvs: str
    acct_frozen: bool = False
    arrears: bool = False

    @property
    def normal(self) -> bool:
        return self.psn_insu_stas == "1"


# A binding's relationship is what the beneficiary is to the giver (fixtures/families: "child" =
# the patient is the giver's child). At the counter the giver is named beside the patient, so it
# is said the other way round: who the giver is to the patient (the child's giver is a parent).
GIVER_TO_PATIENT = {
    "spouse": "spouse",
    "parent": "child",
    "child": "parent",
    "sibling": "sibling",
    "grandparent": "grandchild",
    "grandchild": "grandparent",
}


def giver_is(relationship: str) -> str:
    """Who the giver is to the patient (a Relationship code), from the binding's relationship."""
    return GIVER_TO_PATIENT.get(relationship, relationship)


# The reasons that say a binding is not in force, and the status each one means.
_STATUS_BY_REASON = (
    ("BINDING_UNBOUND", "unbound"),
    ("BINDING_REJECTED", "rejected"),
    ("BINDING_PENDING", "pending"),
    ("BINDING_ENDED", "ended"),
)


@dataclass(frozen=True)
class CopayOption:
    """One of this patient's givers as the center judged them (1101: generally; 2206: this visit)."""

    binding_id: str
    giver_psn_no: str
    giver_name_masked: str
    relationship: str  # the binding's: what the patient is to the giver (see giver_is)
    usable: bool
    available: Decimal
    reasons: tuple[Reason, ...] = ()  # why not, when not usable
    selected: bool = False
    needs_counter_proof: bool = False  # 昭通: check the family co-payment proof at the counter
    quota: Decimal | None = None
    quota_used: Decimal | None = None
    used: Decimal = ZERO  # what the last pre-settlement takes from this giver

    @property
    def status(self) -> str:
        """BindingStatus code: active / pending / unbound / rejected / ended."""
        codes = {r.code for r in self.reasons}
        return next((status for code, status in _STATUS_BY_REASON if code in codes), "active")

    @property
    def giver_is(self) -> str:
        """Who the giver is to the patient (父母 for a child's giver): what the counter shows."""
        return giver_is(self.relationship)

    @property
    def quota_left(self) -> Decimal | None:
        if self.quota is None or self.quota_used is None:
            return None
        return self.quota - self.quota_used


def settling_insurance(insurances: tuple[InsuranceView, ...]) -> InsuranceView | None:
    """The insurance to settle under: the first normal one (employee before resident)."""
    normal = [i for i in insurances if i.normal]
    return min(normal, key=lambda i: i.insutype) if normal else None


def shown_insurance(insurances: tuple[InsuranceView, ...]) -> InsuranceView | None:
    """The insurance to show: the one to settle under, else the first on record."""
    return settling_insurance(insurances) or (insurances[0] if insurances else None)


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

    region_name: str = ""  # the 参保地 region of the insurance shown

    @property
    def insurance(self) -> InsuranceView | None:
        """The insurance to settle under: the first normal one (employee before resident)."""
        return settling_insurance(self.insurances)

    @property
    def shown_insurance(self) -> InsuranceView | None:
        return shown_insurance(self.insurances)

    @property
    def balance(self) -> Decimal | None:
        """The own personal account's balance; None when there is none (residents)."""
        ins = self.shown_insurance
        return ins.balc if ins is not None and ins.insutype == "310" else None


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
    pinyin: str = ""
    pric_uplmt_amt: Decimal | None = None  # the insurance ceiling price (限价), if any


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
    pric_uplmt_amt: Decimal | None = None  # the insurance ceiling price (限价), if any


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
    selfpay: bool = False  # 全自费: the hospital charges it alone, the center never sees it

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
        return self.amount("psn_cash_pay")

    def amount(self, name: str) -> Decimal:
        value = self.setlinfo.get(name)
        return value if isinstance(value, Decimal) else ZERO

    @property
    def money(self) -> dict[str, Decimal]:
        """The setlinfo amounts alone."""
        return {k: v for k, v in self.setlinfo.items() if isinstance(v, Decimal)}


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
    def selfpay(self) -> bool:
        """全自费, or the 冲红 of one: the hospital's books alone. Such a visit never had a
        就诊 at the center (no 2201, so no mdtrt_id), and its 冲红 copies that."""
        return self.kind == "selfpay" or (self.kind == "refund" and not self.mdtrt_id)

    @property
    def change(self) -> Decimal:
        return sum((t.change for t in self.tenders), Decimal("0.00"))

    def amount(self, name: str) -> Decimal:
        return self.amounts.get(name, ZERO)


@dataclass(frozen=True)
class SettleOutcome:
    settlement: SettlementView
    fee_lines: tuple[LineView, ...]
    already: bool  # True: this batch had been settled before; nothing new happened
    patient: PatientView | None = None  # who was on the counter (None for a reprint from the books)


@dataclass(frozen=True)
class VirtualCard:
    """A card in the F2 reader's tray (training): what a reader would type for it."""

    label: str
    scan_text: str
    mdtrt_cert_type: str = "03"  # 社保卡


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
    # The blind count (None: closed without one, as headless closes before 0010 were).
    drawer_counted: Decimal | None = None
    drawer_expected: Decimal | None = None
    reprint_count: int = 0
    reissue_count: int = 0

    @property
    def over_short(self) -> Decimal | None:
        """长款 (+) / 短款 (−): counted minus expected cash."""
        if self.drawer_counted is None or self.drawer_expected is None:
            return None
        return self.drawer_counted - self.drawer_expected


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


def own_acct_pay(amounts: dict[str, Decimal]) -> Decimal:
    """The patient's own account part of acct_pay (the rest of it is family co-pay)."""
    return amounts.get("acct_pay", ZERO) - amounts.get("acct_mulaid_pay", ZERO)


@dataclass(frozen=True)
class MessageRecord:
    """One exchange, for the trainer's message-log panel."""

    at: datetime
    infno: str
    msgid: str
    request: dict
    response: dict | None  # None: the response was lost

    @property
    def ok(self) -> bool:
        return self.response is not None and self.response.get("infcode") == 0


# ------------------------------------------------------------------ the back office (issue 11)

# 人民币 in a cash drawer: notes 100 … 1 元; coins 1 元, 5 角, 1 角, 5 分, 1 分 (a 1 元 note and coin
# count as one; 2 分 and 2 角 are too rare to get a line).
DENOMINATIONS = ("100", "50", "20", "10", "5", "1", "0.5", "0.1", "0.05", "0.01")


@dataclass(frozen=True)
class DrawerCount:
    """What the cashier counted in the drawer, piece by piece (the blind count)."""

    pieces: tuple[tuple[str, int], ...]  # (denomination, how many), in DENOMINATIONS order

    @property
    def total(self) -> Decimal:
        return sum((Decimal(d) * n for d, n in self.pieces), ZERO).quantize(Decimal("0.01"))

    def as_dict(self) -> dict[str, int]:
        return {d: n for d, n in self.pieces if n}


@dataclass(frozen=True)
class ApprovalView:
    """A supervisor's yes (number and PIN checked, audited) to one action on one subject."""

    supervisor_no: str
    supervisor_name: str
    action: str  # refund
    subject: str  # the setl_id
    reason: str
    at: datetime


@dataclass(frozen=True)
class UnlockView:
    """A cashier's PIN lockout lifted by a supervisor (number and PIN checked, audited)."""

    cashier_no: str
    cashier_name: str
    supervisor_no: str
    supervisor_name: str
    at: datetime
    was_locked_until: datetime | None  # None: the number was not locked (its count is reset)


@dataclass(frozen=True)
class ReceiptRecordView:
    """A settlement (or 冲红) as the back office shows it: its receipt number now, the numbers it
    voided (重打), how often it was reprinted (补打), and its 冲红 if refunded."""

    settlement: SettlementView
    receipt_no: str  # the number it carries now (the newest 重打's, else the first)
    void_numbers: tuple[str, ...]  # numbers this settlement had before, each 作废
    reprints: int  # 补打 of the current number
    refund: SettlementView | None  # the 冲红 row, if this settlement was refunded
    fee_lines: tuple[LineView, ...] = ()  # filled when one record is opened, empty in lists

    @property
    def refundable(self) -> bool:
        return self.settlement.kind in ("settle", "selfpay") and self.refund is None


@dataclass(frozen=True)
class PapersView:
    """The documents of one settlement as they print: text laid out for the printer's width."""

    receipt_no: str
    receipt: str  # 门诊收费票据
    slip: str  # 医保结算单
    printed_to: str | None = None  # where a print job went (None: shown only, or printing is off)
    reprint: int = 0


@dataclass(frozen=True)
class DayReportView:
    """X (mid-shift, nothing closed) or Z (a day close) report of one cashier's takings."""

    kind: str  # X | Z
    cashier_no: str
    cashier_name: str
    station_id: str
    made_at: datetime
    since: datetime | None  # the previous close (None: the first)
    settle_count: int
    refund_count: int
    reprint_count: int
    reissue_count: int
    totals: dict[
        str, Decimal
    ]  # medfee_sumamt, fund_pay_sumamt, acct_pay, acct_mulaid_pay, psn_cash_pay
    funds: dict[str, Decimal]  # hifp_pay, cvlserv_pay, … (the funds that paid anything)
    tenders: dict[str, Decimal]  # by channel: cash, bank_card, wechat, alipay
    receipts: str  # first–last per series
    by_hour: tuple[tuple[int, Decimal, int], ...]  # (hour 0–23, cash part taken, settlements)
    close_id: int | None = None
    drawer: DrawerCount | None = None
    drawer_expected: Decimal | None = None

    @property
    def own_acct(self) -> Decimal:
        return own_acct_pay(self.totals)

    @property
    def copay(self) -> Decimal:
        return self.totals.get("acct_mulaid_pay", ZERO)

    @property
    def cash_expected(self) -> Decimal:
        return self.tenders.get("cash", ZERO)

    @property
    def over_short(self) -> Decimal | None:
        if self.drawer is None or self.drawer_expected is None:
            return None
        return self.drawer.total - self.drawer_expected

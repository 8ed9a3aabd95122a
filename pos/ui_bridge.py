"""The seam between the screens and the hospital services.

Screens import only this module's view types and call a ``Backend`` (never SQL, never the
center). ``ServicesBackend`` (pos/ui_backend.py) adapts pos.services to it; tests may pass any
object with the same methods. Every method may raise an error carrying ``code``,
``message_zh`` and ``message_en`` (pos.services' PosError); ``error_text`` turns any exception
into one status line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from pos import i18n

ZERO = Decimal("0.00")


# ------------------------------------------------------------------ views


@dataclass(frozen=True)
class StationView:
    station_id: str
    name: str
    institution_code: str
    institution_name: str


@dataclass(frozen=True)
class SessionView:
    cashier_no: str
    cashier_name: str
    station_id: str
    station_name: str
    institution_code: str
    institution_name: str
    region_name: str = ""
    is_pharmacy: bool = False
    proof_at_counter: bool = False  # 昭通: cashier confirms the co-pay proof was checked


@dataclass(frozen=True)
class Reason:
    code: str
    zh: str
    en: str

    def text(self) -> str:
        return self.zh if i18n.get_lang() == "zh" else self.en


@dataclass(frozen=True)
class BindingView:
    """One co-pay binding of the patient (as beneficiary), as the patient panel and modal show it."""

    binding_id: str
    giver_masked: str
    relationship: str  # Relationship code: spouse/parent/child/...
    status: str  # BindingStatus code: active/pending/unbound/rejected
    available: Decimal = ZERO
    usable: bool = False
    reasons: tuple[Reason, ...] = ()
    quota: Decimal | None = None
    quota_left: Decimal | None = None
    valid_to: str | None = None


@dataclass(frozen=True)
class PatientView:
    psn_no: str
    name_masked: str
    certno_masked: str
    cert_type: str  # 01 e-voucher / 02 身份证 / 03 社保卡 (what the scan was)
    gend: str  # "1" male / "2" female
    age: int
    insutype: str
    psn_type: str
    insuplc_admdvs: str
    region_name: str
    insu_status: str  # PsnInsuStas code
    balance: Decimal | None  # own personal account; None = no account (resident)
    acct_frozen: bool = False
    bindings: tuple[BindingView, ...] = ()
    warnings: tuple[str, ...] = ()  # e.g. a 亲情账户 note, paused insurance treated as self-pay


@dataclass(frozen=True)
class BillLine:
    line_id: str
    code: str
    name: str
    lv: str  # ChrgitmLv 01/02/03
    category: str  # MedChrgitmType 01..14
    price: Decimal
    ceiling: Decimal | None
    qty: Decimal
    amount: Decimal
    from_order: bool = False


@dataclass(frozen=True)
class CatalogItem:
    code: str
    name: str
    lv: str
    category: str
    price: Decimal
    ceiling: Decimal | None = None
    unit: str = ""
    pinyin: str = ""


@dataclass(frozen=True)
class VisitView:
    mdtrt_id: str
    med_type: str
    lines: tuple[BillLine, ...]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


@dataclass(frozen=True)
class CopayOption:
    binding_id: str
    giver_masked: str
    relationship: str
    available: Decimal
    usable: bool
    reasons: tuple[Reason, ...] = ()
    selected: bool = False
    used: Decimal = ZERO  # what the last pre-settlement took from it


@dataclass(frozen=True)
class SplitView:
    """A pre-settlement (2206) or settlement (2207): setlinfo amounts by platform field name."""

    setlinfo: dict[str, Decimal]
    options: tuple[CopayOption, ...] = ()
    trace: tuple[str, ...] = ()
    acct_used: bool = True
    proof_checked: bool = False

    def amount(self, name: str) -> Decimal:
        return self.setlinfo.get(name, ZERO)

    @property
    def own_acct(self) -> Decimal:
        return self.amount("acct_pay") - self.amount("acct_mulaid_pay")


@dataclass(frozen=True)
class Tender:
    method: str  # cash / card / wechat / alipay
    amount: Decimal
    received: Decimal | None = None  # cash only: what the patient handed over


@dataclass(frozen=True)
class SettledView:
    setl_id: str
    receipt_no: str
    setl_time: datetime
    patient: PatientView
    med_type: str
    lines: tuple[BillLine, ...]
    split: SplitView
    tenders: tuple[Tender, ...]
    change: Decimal
    mulaid_detail: tuple[tuple[str, Decimal], ...] = ()  # (giver masked, amount)
    already: bool = False  # a second settle call answered with the first result


@dataclass(frozen=True)
class Exchange:
    infno: str
    request: dict
    response: dict
    at: str = ""


@dataclass(frozen=True)
class VirtualCard:
    label: str
    scan_text: str
    kind: str = "03"


# ------------------------------------------------------------------ backend protocol


class Backend(Protocol):
    def stations(self) -> Sequence[StationView]: ...
    def login(self, cashier_no: str, pin: str, station_id: str) -> SessionView: ...
    def logout(self) -> None: ...
    def identify(self, scan_text: str) -> PatientView: ...
    def virtual_cards(self) -> Sequence[VirtualCard]: ...
    def med_types(self) -> Sequence[str]: ...
    def open_visit(self, med_type: str) -> VisitView: ...
    def catalog(self) -> Sequence[CatalogItem]: ...
    def add_line(self, code: str, qty: Decimal) -> VisitView: ...
    def remove_line(self, line_id: str) -> VisitView: ...
    def set_quantity(self, line_id: str, qty: Decimal) -> VisitView: ...
    def presettle(
        self, acct_used: bool, givers: Sequence[str] | None, proof_checked: bool
    ) -> SplitView: ...
    def settle(self, tenders: Sequence[Tender]) -> SettledView: ...
    def reset(self) -> None: ...
    def reverse_lost(self) -> list[str]: ...
    def exchanges(self) -> Sequence[Exchange]: ...


# ------------------------------------------------------------------ errors


class UiError(Exception):
    """An error raised on the UI side (validation at the edge), shaped like pos.services' PosError."""

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en


def error_text(exc: BaseException) -> str:
    """One line for the status area, in the current language; never a traceback."""
    zh = getattr(exc, "message_zh", None)
    en = getattr(exc, "message_en", None)
    if zh or en:
        text = zh if i18n.get_lang() == "zh" else en
        return str(text or zh or en)
    return i18n.t("status.internal_error", kind=type(exc).__name__)


@dataclass
class BillState:
    """What the cashier screen holds between steps (kept across Esc and modals)."""

    patient: PatientView | None = None
    visit: VisitView | None = None
    split: SplitView | None = None
    settled: SettledView | None = None
    copay_decided: bool = False
    chosen_givers: list[str] = field(default_factory=list)
    proof_checked: bool = False
    acct_used: bool = True


# ------------------------------------------------------------------ masking (screen and paper)


def mask_name(name: str) -> str:
    """艾买提 -> 艾*; one character stays as it is."""
    name = name.strip()
    if len(name) <= 1:
        return name
    return name[0] + "*"


def mask_id(certno: str) -> str:
    """652701199001011234 -> 6527**********1234 (first 4, last 4)."""
    certno = certno.strip()
    if "*" in certno or len(certno) <= 8:
        return certno
    return certno[:4] + "*" * (len(certno) - 8) + certno[-4:]

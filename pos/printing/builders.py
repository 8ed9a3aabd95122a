"""门诊收费票据 and 医保结算单 as `Document`s, built from the desk's views (pos.services.views).

Layout follows reference §5.1 (票据: charge categories, 其他信息, 合计 大写/小写) and §5.2 (基金结算
清单: 五、费用结算信息 with 其中：个人账户共济支出, each giver masked, and the balance after).
Everything personal is masked here, with the one rule of engine.masking, whatever the caller
passed: the name as 艾*, the card number as 6527**********0152.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from engine.codes import ChrgitmLv, Insutype, MedChrgitmType, MedType, PsnType, Relationship
from engine.masking import mask_certno, mask_name
from engine.money import yuan
from pos import i18n
from pos.clock import CHINA
from pos.printing.daxie import daxie, xiaoxie
from pos.printing.document import QR, Blank, Document, Heading, Paragraph, Row, Rule, Title
from pos.services.views import (
    CashierView,
    LineView,
    PatientView,
    RefundOutcome,
    SettlementView,
    SettleOutcome,
    StationView,
    giver_is,
)


@dataclass(frozen=True)
class Payer:
    """The patient as a document shows them (whole values in; the builders mask)."""

    name: str
    certno: str
    psn_type: str
    insuplc_admdvs: str
    gend: str = "9"  # 1 男 / 2 女 / 9 未说明
    birth: date | None = None
    region_name: str = ""
    ipt_otp_no: str = ""  # 门诊号

    def age_on(self, day: date) -> int | None:
        if self.birth is None:
            return None
        before_birthday = (day.month, day.day) < (self.birth.month, self.birth.day)
        return day.year - self.birth.year - before_birthday


@dataclass(frozen=True)
class ReceiptData:
    """Everything both documents print about one settlement (kind settle) or its 冲红 (refund)."""

    settlement: SettlementView
    lines: tuple[LineView, ...]
    station: StationView
    cashier: CashierView
    payer: Payer
    original_receipt_no: str | None = None  # a 冲红: the receipt it reverses
    reprint: int = 0  # 0 the original print, n the n-th 补打
    printed_at: datetime | None = None  # when this reprint was made
    training: bool = False
    void: bool = False  # this number was replaced by a 重打: print it marked 作废
    reissue_of: str | None = None  # 重打: the number this one replaced (now void)

    @property
    def refund(self) -> bool:
        return self.settlement.kind == "refund"

    @property
    def selfpay(self) -> bool:
        """全自费 (or its 冲红): the hospital's alone; the papers carry no insurance lines."""
        return self.settlement.selfpay

    @property
    def opens_drawer(self) -> bool:
        """Only a live original print with cash in (or cash paid back) opens the drawer."""
        if self.reprint or self.training:
            return False
        return any(t.method == "cash" and t.amount != 0 for t in self.settlement.tenders)

    def reprinted(self, count: int, at: datetime) -> ReceiptData:
        return replace(self, reprint=count, printed_at=at)


@cache
def _region_names() -> dict[str, str]:
    from engine.policy import list_policies, load_policy

    return {p.admdvs: p.region_name for p in map(load_policy, list_policies())}


def region_name(admdvs: str) -> str:
    """博尔塔拉州 for 652700: the region a policy file names for this 参保地 ("" if none)."""
    return _region_names().get(admdvs, "")


class _T:
    """Catalog look-ups in the document's own language (not the app's current one)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.catalog = i18n.catalog(lang)

    def __call__(self, key: str, /, **values: object) -> str:
        text = self.catalog.get(key)
        if text is None:
            return f"[{key}]"
        return text.format(**values) if values else text

    def code(self, enum, value: str) -> str:
        try:
            return enum(value).label(self.lang)
        except ValueError:
            return value


def _when(at: datetime) -> str:
    if at.tzinfo is not None:
        at = at.astimezone(CHINA)
    return at.strftime("%Y-%m-%d %H:%M:%S")


def _marks(data: ReceiptData, t: _T) -> tuple[str, ...]:
    marks = []
    if data.training:
        marks.append(t("print.mark_training"))
    if data.refund:
        marks.append(t("print.mark_refund"))
    if data.reprint:
        marks.append(t("print.mark_reprint", n=data.reprint))
    if data.reissue_of:
        marks.append(t("print.office.mark_reissue", old=data.reissue_of))
    if data.void:
        marks.append(t("print.office.mark_void"))
    return tuple(marks)


def qr_payload(data: ReceiptData) -> str:
    """What the QR holds: institution, receipt number, settlement id, total, time (ASCII)."""
    s = data.settlement
    at = s.setl_time.astimezone(CHINA) if s.setl_time.tzinfo else s.setl_time
    total = s.amounts.get("medfee_sumamt", Decimal("0.00"))
    return "|".join(
        (
            "HPOS1",
            data.station.fixmedins_code,
            s.receipt_no,
            s.setl_id,
            str(total),
            f"{at:%Y%m%d%H%M%S}",
        )
    )


def _amount(s: SettlementView, name: str) -> Decimal:
    return s.amounts.get(name, Decimal("0.00"))


def _cashier(data: ReceiptData) -> str:
    return f"{data.cashier.cashier_no} {data.cashier.name}"


def _document(data: ReceiptData, kind: str, blocks: list, lang: str) -> Document:
    t = _T(lang)
    return Document(
        kind=kind,  # type: ignore[arg-type]
        institution_code=data.station.fixmedins_code,
        number=data.settlement.receipt_no,
        blocks=tuple(blocks),
        marks=_marks(data, t),
        reprint=data.reprint,
        lang=lang,
        opens_drawer=data.opens_drawer,
        meta={"setl_id": data.settlement.setl_id, "kind": data.settlement.kind},
    )


def _institution(data: ReceiptData, lang: str) -> str:
    st = data.station
    return (
        st.institution_name
        if lang == "zh" or not st.institution_name_en
        else st.institution_name_en
    )


def build_receipt(data: ReceiptData, lang: str = "zh") -> Document:
    """门诊收费票据: header, charge categories, 合计 大写/小写, 其他信息, tenders, footer."""
    t = _T(lang)
    s, p = data.settlement, data.payer
    day = (s.setl_time.astimezone(CHINA) if s.setl_time.tzinfo else s.setl_time).date()
    title = t("print.receipt_title_refund") if data.refund else t("receipt.title")
    b: list = [Title(_institution(data, lang)), Title(title, large=True), Rule(heavy=True)]
    b.append(Row(t("receipt.no"), s.receipt_no))
    if data.original_receipt_no:
        b.append(Row(t("print.original_no"), data.original_receipt_no))
    b.append(Row(t("receipt.date"), _when(s.setl_time)))
    if data.reprint and data.printed_at is not None:
        b.append(Row(t("print.reprinted_at"), _when(data.printed_at)))
    b.append(Row(t("receipt.payer"), mask_name(p.name)))
    b.append(Row(t("receipt.payer_id"), mask_certno(p.certno)))
    b.append(Rule())
    b.append(Row(t("receipt.item"), t("receipt.amount")))
    by_cat: dict[str, Decimal] = defaultdict(Decimal)
    for line in data.lines:
        by_cat[line.med_chrgitm_type] += line.amount
    sign = Decimal(-1) if data.refund else Decimal(1)
    for code in sorted(by_cat):
        b.append(Row(t.code(MedChrgitmType, code), yuan(sign * by_cat[code])))
    b.append(Rule())
    total = _amount(s, "medfee_sumamt")
    b.append(Row(t("print.total_lower"), xiaoxie(total)))
    b.append(Row(t("print.total_upper"), daxie(total)))
    b.append(Rule())
    b.append(Heading(t("receipt.other_info")))
    b.append(Row(t("receipt.serial"), s.setl_id))
    if p.ipt_otp_no:
        b.append(Row(t("print.otp_no"), p.ipt_otp_no))
    b.append(Row(t("receipt.med_type"), t.code(MedType, s.med_type)))
    if data.selfpay:
        b.append(Row(t("receipt.insutype"), t("print.selfpay")))
    else:
        b.append(Row(t("receipt.insutype"), t.code(Insutype, s.insutype)))
        b.append(Row(t("receipt.psn_no"), s.psn_no))
    age = p.age_on(day)
    gend = t(f"gend.{p.gend if p.gend in ('1', '2') else '9'}")
    b.append(Row(t("receipt.gend_age"), f"{gend} {age}" if age is not None else gend))
    if not data.selfpay:
        other = _amount(s, "fund_pay_sumamt") - _amount(s, "hifp_pay")
        b.append(Row(t("receipt.hifp"), yuan(_amount(s, "hifp_pay"))))
        b.append(Row(t("receipt.other_pay"), yuan(other)))
        b.append(Row(t("receipt.acct"), yuan(_amount(s, "acct_pay"))))
    b.append(Row(t("receipt.cash"), yuan(_amount(s, "psn_cash_pay"))))
    own_pay, self_pay = other_info_split(s)
    if not data.selfpay:
        b.append(Row(t("receipt.self_pay"), yuan(self_pay)))
    b.append(Row(t("receipt.own_pay"), yuan(own_pay)))
    b.append(Rule())
    for tender in s.tenders:
        b.append(Row(t(f"print.method.{tender.method}"), yuan(tender.amount)))
        if tender.method == "cash" and tender.tendered != tender.amount:
            b.append(Row(t("tender.received"), yuan(tender.tendered), indent=2))
    b.append(Row(t("tender.change"), yuan(s.change)))
    b.append(Rule())
    b.append(Row(t("receipt.payee"), _cashier(data)))
    b.append(Row(t("receipt.station"), data.station.station_name))
    b.append(Blank())
    b.append(QR(qr_payload(data), t("print.qr_caption")))
    return _document(data, "receipt", b, lang)


def other_info_split(s: SettlementView) -> tuple[Decimal, Decimal]:
    """(个人自费, 个人自付) of the receipt's 其他信息 block, as reference §5.1 defines them:

      个人自费 = outside the catalogue (全自费, fulamt_ownpay_amt)
      个人自付 = the 目录内 part the person bears: 先行自付 + 超限价 + 起付线 + the 统筹 co-pay share
               of 符合范围 = psn_part_amt − fulamt_ownpay_amt

    so that 个人自付 + 个人自费 = 个人负担 (psn_part_amt) = 个人账户支付 + 个人现金支付, to the fen, on
    every receipt (a 冲红 negated, a 全自费 settlement all 个人自费)."""
    own_pay = _amount(s, "fulamt_ownpay_amt")
    return own_pay, _amount(s, "psn_part_amt") - own_pay


def build_selfpay_list(data: ReceiptData, lang: str = "zh") -> Document:
    """全自费 has no 医保结算单: its second paper is the charge list (收费明细), every line paid in
    full by the patient, and how it was paid."""
    t = _T(lang)
    s, p = data.settlement, data.payer
    b: list = [Title(t("print.selfpay_list_title"), large=True), Rule(heavy=True)]
    b.append(Row(t("slip.institution"), _institution(data, lang)))
    b.append(Row(t("receipt.no"), s.receipt_no))
    if data.original_receipt_no:  # its 冲红: the lines turned round, as on the 票据
        b.append(Row(t("print.original_no"), data.original_receipt_no))
    b.append(Row(t("slip.name"), mask_name(p.name)))
    b.append(Row(t("slip.med_type"), t.code(MedType, s.med_type)))
    b.append(Row(t("slip.setl_time"), _when(s.setl_time)))
    b.append(Rule())
    sign = Decimal(-1) if data.refund else Decimal(1)
    for line in data.lines:
        b.append(Row(f"{line.name} ×{line.cnt.normalize():f}", yuan(sign * line.amount)))
    b.append(Rule())
    b.append(Row(t("slip.medfee"), yuan(_amount(s, "medfee_sumamt"))))
    b.append(Row(t("receipt.cash"), yuan(_amount(s, "psn_cash_pay"))))
    b.append(Paragraph(t("print.selfpay_note")))
    b.append(Row(t("slip.operator"), _cashier(data)))
    if data.reprint and data.printed_at is not None:
        b.append(Row(t("print.reprinted_at"), _when(data.printed_at)))
    return _document(data, "slip", b, lang)


def build_slip(data: ReceiptData, lang: str = "zh") -> Document:
    """医保结算单 / 基金结算清单 (§5.2), with 其中：个人账户共济支出 per giver and the balance after."""
    if data.selfpay:
        return build_selfpay_list(data, lang)
    t = _T(lang)
    s, p = data.settlement, data.payer
    title = t("print.slip_title_refund") if data.refund else t("slip.title")
    b: list = [Title(title, large=True), Title(t("slip.unit")), Rule(heavy=True)]
    b.append(Heading(t("slip.sec_institution")))
    b.append(Row(t("slip.institution"), _institution(data, lang)))
    b.append(Row(t("slip.institution_code"), data.station.fixmedins_code))
    b.append(Row(t("slip.setl_id"), s.setl_id))
    b.append(Row(t("receipt.no"), s.receipt_no))
    if data.original_receipt_no:
        b.append(Row(t("print.original_no"), data.original_receipt_no))
    b.append(Heading(t("slip.sec_person")))
    b.append(Row(t("slip.name"), mask_name(p.name)))
    b.append(Row(t("slip.certno"), mask_certno(p.certno)))
    b.append(Row(t("slip.psn_type"), t.code(PsnType, p.psn_type)))
    b.append(Row(t("slip.insutype"), t.code(Insutype, s.insutype)))
    b.append(Row(t("slip.insuplc"), p.region_name or p.insuplc_admdvs))
    b.append(Row(t("slip.med_type"), t.code(MedType, s.med_type)))
    b.append(Row(t("slip.setl_time"), _when(s.setl_time)))
    b.append(Heading(t("slip.sec_fees")))
    by_lv: dict[str, Decimal] = defaultdict(Decimal)
    for line in data.lines:
        by_lv[line.chrgitm_lv] += line.amount
    sign = Decimal(-1) if data.refund else Decimal(1)
    for code in sorted(by_lv):
        b.append(Row(t.code(ChrgitmLv, code), yuan(sign * by_lv[code]), indent=2))
    b.append(Row(t("slip.fulamt"), yuan(_amount(s, "fulamt_ownpay_amt"))))
    b.append(Row(t("slip.overlmt"), yuan(_amount(s, "overlmt_selfpay"))))
    b.append(Row(t("slip.preselfpay"), yuan(_amount(s, "preselfpay_amt"))))
    b.append(Row(t("slip.inscp"), yuan(_amount(s, "inscp_scp_amt"))))
    b.append(Row(t("print.of_which_dedc"), yuan(_amount(s, "act_pay_dedc")), indent=2))
    b.append(Row(t("slip.medfee"), yuan(_amount(s, "medfee_sumamt"))))
    b.append(Heading(t("slip.sec_fund")))
    b.append(Row(t("setl.hifp_pay"), yuan(_amount(s, "hifp_pay"))))
    for name in ("hifob_pay", "hifmi_pay", "cvlserv_pay", "hifes_pay", "maf_pay", "oth_pay"):
        if _amount(s, name):
            b.append(Row(t("setl." + name), yuan(_amount(s, name))))
    b.append(Heading(t("slip.sec_settle")))
    b.append(Row(t("slip.fund_total"), yuan(_amount(s, "fund_pay_sumamt"))))
    b.append(Row(t("slip.psn_part"), yuan(_amount(s, "psn_part_amt"))))
    b.append(Row(t("print.of_which_cash"), yuan(_amount(s, "psn_cash_pay")), indent=2))
    b.append(Row(t("print.acct"), yuan(_amount(s, "acct_pay")), indent=2))
    b.append(Row(t("print.of_which_mulaid"), yuan(_amount(s, "acct_mulaid_pay")), indent=4))
    for giver in s.mulaid_detail:
        name = mask_name(str(giver.get("giver_name_masked") or giver.get("giver") or ""))
        rel = giver.get("relationship")
        if rel:
            rel_label = t.code(Relationship, giver_is(str(rel)))  # the giver, to the patient
            label = f"{name}（{rel_label}）" if lang == "zh" else f"{name} ({rel_label})"
        else:
            label = name
        b.append(Row(label, yuan(Decimal(str(giver.get("amount", "0")))), indent=6))
    b.append(Row(t("slip.other_pay"), yuan(_amount(s, "hosp_part_amt"))))
    b.append(Row(t("slip.balc"), yuan(_amount(s, "balc"))))
    b.append(Rule())
    b.append(
        Paragraph(
            t(
                "slip.sentence",
                total=yuan(_amount(s, "medfee_sumamt")),
                fund=yuan(_amount(s, "fund_pay_sumamt")),
                acct=yuan(_amount(s, "acct_pay")),
                cash=yuan(_amount(s, "psn_cash_pay")),
            )
        )
    )
    b.append(Row(t("slip.operator"), _cashier(data)))
    if data.reprint and data.printed_at is not None:
        b.append(Row(t("print.reprinted_at"), _when(data.printed_at)))
    b.append(Paragraph(t("slip.signature")))
    return _document(data, "slip", b, lang)


def build_documents(data: ReceiptData, lang: str = "zh") -> tuple[Document, Document]:
    """Both documents of one settlement, in the order they print: 票据, then 结算单."""
    return build_receipt(data, lang), build_slip(data, lang)


def from_outcome(
    outcome: SettleOutcome | RefundOutcome,
    station: StationView,
    cashier: CashierView,
    patient: PatientView,
    *,
    training: bool = False,
    fee_lines: tuple[LineView, ...] | None = None,
    ipt_otp_no: str = "",
) -> ReceiptData:
    """The documents' data right after the desk settled (SettleOutcome) or refunded (RefundOutcome)
    — what the receipt preview and the first print use (reprints come from pos.printing.books)."""
    insurance = patient.insurance
    try:
        birth = date.fromisoformat(patient.brdy) if patient.brdy else None
    except ValueError:
        birth = None
    if isinstance(outcome, RefundOutcome):
        settlement, original = outcome.refund, outcome.original.receipt_no
        lines = fee_lines or ()
    else:
        settlement, original = outcome.settlement, None
        lines = outcome.fee_lines if fee_lines is None else fee_lines
    return ReceiptData(
        settlement=settlement,
        lines=lines,
        station=station,
        cashier=cashier,
        payer=Payer(
            name=patient.psn_name,
            certno=patient.certno,
            psn_type=insurance.psn_type if insurance else "",
            insuplc_admdvs=insurance.insuplc_admdvs if insurance else "",
            gend=patient.gend if patient.gend in ("1", "2") else "9",
            birth=birth,
            region_name=region_name(insurance.insuplc_admdvs) if insurance else "",
            ipt_otp_no=ipt_otp_no,
        ),
        original_receipt_no=original,
        training=training,
    )

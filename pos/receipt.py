"""Plain-text receipts: 门诊收费票据 and 医保结算单 (with 其中：个人账户共济支出), and a file printer.

Widths are terminal cells (rich.cells.cell_len), never len(), so a CJK label and an ASCII amount
line up on a thermal printer and in the preview. The layout follows reference §5.1/§5.2.
"""

from __future__ import annotations

import os
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from engine.codes import ChrgitmLv, Insutype, MedChrgitmType, MedType, PsnType
from engine.masking import mask_name
from engine.money import yuan
from pos import cells, i18n
from pos.cells import pad, rpad
from pos.clock import in_china
from pos.config import PrinterSettings
from pos.i18n import gend_code
from pos.services.views import SessionView, SettleOutcome

WIDTH = 44
TRAINING_MARK = "培训模式 TRAINING — 非正式票据"


def center(text: str, width: int = WIDTH) -> str:
    return cells.center(text, width)


def kv(label: str, value: str, width: int = WIDTH) -> str:
    return cells.kv(label, value, width)


def wrap_cells(text: str, width: int = WIDTH) -> list[str]:
    return cells.wrap_cells(text, width)


def rule(ch: str = "-", width: int = WIDTH) -> str:
    return ch * width


def _money(value: Decimal) -> str:
    return yuan(value)


def _label(code_enum, code: str) -> str:
    try:
        return code_enum(code).label(i18n.get_lang())
    except ValueError:
        return code


def _payer(done: SettleOutcome) -> tuple[str, str, str, str, int]:
    """(masked name, masked 身份证, psn_type, 参保地, age) of the settled patient."""
    p = done.patient
    if p is None:
        return mask_name(done.settlement.psn_name), "", "", "", 0
    ins = p.shown_insurance
    region = p.region_name or (ins.insuplc_admdvs if ins else "")
    return p.name_masked, p.certno_masked, ins.psn_type if ins else "", region, p.age or 0


def render_receipt(done: SettleOutcome, session: SessionView, *, training: bool = False) -> str:
    """门诊收费票据: header, charge categories, 其他信息 block, tenders, footer."""
    t = i18n.t
    st = done.settlement
    s = st
    name, certno, _, _, age = _payer(done)
    out: list[str] = []
    if training:
        out.append(center(TRAINING_MARK))
    out.append(center(session.station.institution_label(i18n.get_lang())))
    out.append(center(t("receipt.title")))
    out.append(rule("="))
    out.append(kv(t("receipt.no"), st.receipt_no))
    out.append(kv(t("receipt.date"), in_china(st.setl_time).strftime("%Y-%m-%d %H:%M:%S")))
    out.append(kv(t("receipt.payer"), name))
    out.append(kv(t("receipt.payer_id"), certno))
    out.append(rule())
    # charge items by category, in the 票据 order (01..14)
    by_cat: dict[str, Decimal] = defaultdict(Decimal)
    for line in done.fee_lines:
        by_cat[line.med_chrgitm_type] += line.amount
    out.append(pad(t("receipt.item"), WIDTH - 12) + rpad(t("receipt.amount"), 12))
    for code in sorted(by_cat):
        out.append(kv(_label(MedChrgitmType, code), _money(by_cat[code])))
    out.append(rule())
    out.append(kv(t("receipt.total"), _money(s.amount("medfee_sumamt"))))
    out.append(rule())
    out.append(t("receipt.other_info"))
    out.append(kv(t("receipt.serial"), st.setl_id))
    out.append(kv(t("receipt.med_type"), _label(MedType, st.med_type)))
    out.append(kv(t("receipt.insutype"), _label(Insutype, st.insutype)))
    out.append(kv(t("receipt.psn_no"), st.psn_no))
    gend = done.patient.gend if done.patient else ""
    out.append(kv(t("receipt.gend_age"), f"{t('gend.' + gend_code(gend))} {age}"))
    other = s.amount("fund_pay_sumamt") - s.amount("hifp_pay")
    out.append(kv(t("receipt.hifp"), _money(s.amount("hifp_pay"))))
    out.append(kv(t("receipt.other_pay"), _money(other)))
    out.append(kv(t("receipt.acct"), _money(s.amount("acct_pay"))))
    out.append(kv(t("receipt.cash"), _money(s.amount("psn_cash_pay"))))
    selfpay = s.amount("preselfpay_amt") + s.amount("overlmt_selfpay")
    out.append(kv(t("receipt.self_pay"), _money(selfpay)))
    out.append(kv(t("receipt.own_pay"), _money(s.amount("fulamt_ownpay_amt"))))
    out.append(rule())
    for tender in st.tenders:
        out.append(kv(t("tender.method." + tender.method), _money(tender.amount)))
        if tender.tendered != tender.amount:
            out.append(kv("  " + t("tender.received"), _money(tender.tendered)))
    out.append(kv(t("tender.change"), _money(st.change)))
    out.append(rule())
    cashier = session.cashier
    out.append(kv(t("receipt.payee"), f"{cashier.cashier_no} {cashier.name}"))
    out.append(kv(t("receipt.station"), session.station.station_name))
    if training:
        out.append(center(TRAINING_MARK))
    return "\n".join(out) + "\n"


def render_slip(done: SettleOutcome, session: SessionView, *, training: bool = False) -> str:
    """医保结算单 / 基金结算清单 (§5.2), with 其中：个人账户共济支出."""
    t = i18n.t
    st = done.settlement
    s = st
    name, certno, psn_type, region, _ = _payer(done)
    station = session.station
    out: list[str] = []
    if training:
        out.append(center(TRAINING_MARK))
    out.append(center(t("slip.title")))
    out.append(center(t("slip.unit")))
    out.append(rule("="))
    out.append(t("slip.sec_institution"))
    out.append(kv(t("slip.institution"), station.institution_label(i18n.get_lang())))
    out.append(kv(t("slip.institution_code"), station.fixmedins_code))
    out.append(kv(t("slip.setl_id"), st.setl_id))
    out.append(t("slip.sec_person"))
    out.append(kv(t("slip.name"), name))
    out.append(kv(t("slip.certno"), certno))
    out.append(kv(t("slip.psn_type"), _label(PsnType, psn_type)))
    out.append(kv(t("slip.insutype"), _label(Insutype, st.insutype)))
    out.append(kv(t("slip.insuplc"), region))
    out.append(kv(t("slip.med_type"), _label(MedType, st.med_type)))
    out.append(kv(t("slip.setl_time"), in_china(st.setl_time).strftime("%Y-%m-%d %H:%M:%S")))
    out.append(t("slip.sec_fees"))
    by_lv: dict[str, Decimal] = defaultdict(Decimal)
    for line in done.fee_lines:
        by_lv[line.chrgitm_lv] += line.amount
    for code in sorted(by_lv):
        out.append(kv("  " + _label(ChrgitmLv, code), _money(by_lv[code])))
    out.append(kv(t("slip.fulamt"), _money(s.amount("fulamt_ownpay_amt"))))
    out.append(kv(t("slip.overlmt"), _money(s.amount("overlmt_selfpay"))))
    out.append(kv(t("slip.preselfpay"), _money(s.amount("preselfpay_amt"))))
    out.append(kv(t("slip.inscp"), _money(s.amount("inscp_scp_amt"))))
    out.append(kv(t("slip.of_which_dedc"), _money(s.amount("act_pay_dedc"))))
    out.append(kv(t("slip.medfee"), _money(s.amount("medfee_sumamt"))))
    out.append(t("slip.sec_fund"))
    out.append(kv(t("setl.hifp_pay"), _money(s.amount("hifp_pay"))))
    for name in ("hifob_pay", "hifmi_pay", "cvlserv_pay", "hifes_pay", "maf_pay", "oth_pay"):
        if s.amount(name):
            out.append(kv(t("setl." + name), _money(s.amount(name))))
    out.append(t("slip.sec_settle"))
    out.append(kv(t("slip.fund_total"), _money(s.amount("fund_pay_sumamt"))))
    out.append(kv(t("slip.psn_part"), _money(s.amount("psn_part_amt"))))
    out.append(kv(t("slip.of_which_cash"), _money(s.amount("psn_cash_pay"))))
    out.append(kv(t("slip.of_which_acct"), _money(s.amount("acct_pay"))))
    out.append(kv(t("slip.of_which_mulaid"), _money(s.amount("acct_mulaid_pay"))))
    for detail in st.mulaid_detail:
        giver = mask_name(str(detail.get("giver_name_masked") or detail.get("giver") or ""))
        out.append(kv("      " + giver, _money(Decimal(str(detail.get("amount", "0"))))))
    out.append(kv(t("slip.other_pay"), _money(s.amount("hosp_part_amt"))))
    out.append(kv(t("slip.balc"), _money(s.amount("balc"))))
    out.append(rule())
    sentence = t(
        "slip.sentence",
        total=_money(s.amount("medfee_sumamt")),
        fund=_money(s.amount("fund_pay_sumamt")),
        acct=_money(s.amount("acct_pay")),
        cash=_money(s.amount("psn_cash_pay")),
    )
    out.extend(wrap_cells(sentence))
    cashier = session.cashier
    out.append(kv(t("slip.operator"), f"{cashier.cashier_no} {cashier.name}"))
    out.append(t("slip.signature"))
    if training:
        out.append(center(TRAINING_MARK))
    return "\n".join(out) + "\n"


class PrintError(Exception):
    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = "PRINT_FAILED"
        self.message_zh = message_zh
        self.message_en = message_en


def print_text(printer: PrinterSettings, name: str, text: str) -> Path | None:
    """Write `text` to the file printer (<target>/<name>.txt). None when printing is off."""
    if not printer.enabled:
        return None
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name) or "receipt"
    try:
        printer.path.mkdir(parents=True, exist_ok=True)
        out = printer.path / f"{safe}.txt"
        # A receipt names the patient and their 身份证: readable by its owner only (0600).
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # an older copy may have been made with the umask's mode
        with os.fdopen(fd, "w", encoding=printer.encoding) as f:
            f.write(text)
    except OSError as exc:
        raise PrintError(
            f"打印失败：{exc.strerror or exc}", f"Printing failed: {exc.strerror or exc}"
        ) from None
    return out

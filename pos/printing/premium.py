"""城乡居民基本医疗保险费代缴凭证: the receipt of a 代缴 (a giver paying a bound relative's resident
premium for a year from their employee personal account), as a printer-neutral `Document`.

The amount is the beneficiary's region policy's `[premium]` (示例参数（培训用，非官方）), and the
receipt says so. Names are masked here (engine.masking), whatever the caller passed.
"""

from __future__ import annotations

from engine.masking import mask_name
from engine.money import yuan
from pos.printing.builders import _T
from pos.printing.daxie import daxie, xiaoxie
from pos.printing.document import QR, Blank, Document, Heading, Paragraph, Row, Rule, Title
from pos.services.copay_desk import PremiumReceipt


def premium_qr(r: PremiumReceipt) -> str:
    """What the QR holds (ASCII): region, receipt id, insured, year, amount, time."""
    when = "".join(ch for ch in r.paid_time if ch.isdigit())
    return "|".join(
        ("HPOS1-JF", r.insuplc_admdvs, r.premium_id, r.psn_no, str(r.year), str(r.amount), when)
    )


def build_premium_receipt(r: PremiumReceipt, lang: str = "zh", training: bool = False) -> Document:
    t = _T(lang)
    b: list = [
        Title(t("premium_doc.office", region=r.region_name or r.insuplc_admdvs)),
        Title(t("premium_doc.title"), large=True),
        Rule(heavy=True),
        Row(t("premium_doc.no"), r.premium_id),
        Row(t("premium_doc.time"), r.paid_time),
        Heading(t("premium_doc.sec_insured")),
        Row(t("premium_doc.name"), mask_name(r.psn_name_masked)),
        Row(t("premium_doc.psn_no"), r.psn_no),
        Row(t("premium_doc.insutype"), t("premium_doc.insutype_resident")),
        Row(t("premium_doc.region"), f"{r.region_name}（{r.insuplc_admdvs}）"),
        Row(t("premium_doc.year"), str(r.year)),
        Rule(),
        Row(t("print.total_lower"), xiaoxie(r.amount)),
        Row(t("print.total_upper"), daxie(r.amount)),
        Paragraph(t("premium_doc.label", label=r.label)),
        Rule(),
        Heading(t("premium_doc.sec_payer")),
        Row(t("premium_doc.name"), mask_name(r.payer_name_masked)),
        Row(t("premium_doc.psn_no"), r.payer_psn_no),
        Row(t("premium_doc.method"), t("premium_doc.method_copay")),
        Row(t("premium_doc.binding"), r.binding_id),
        Row(t("premium_doc.balance"), yuan(r.balc)),
        Blank(),
        QR(premium_qr(r), t("premium_doc.qr_caption")),
    ]
    return Document(
        kind="premium",
        institution_code=r.insuplc_admdvs,
        number=r.premium_id,
        blocks=tuple(b),
        marks=(t("print.mark_training"),) if training else (),
        lang=lang,
        meta={"premium_id": r.premium_id, "kind": "premium"},
    )

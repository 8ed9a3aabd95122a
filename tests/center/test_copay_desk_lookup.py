"""The desk screens' service additions: CopayDesk.lookup (the cashier's one scan classifier, then
1101 without an institution), DeskRefused.texts (every reason, one language), and the 代缴
receipt document (pos.printing.premium) at both printer widths."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rich.cells import cell_len

from pos.errors import PosError
from pos.printing.document import text_lines
from pos.printing.premium import build_premium_receipt
from pos.services.copay_desk import CopayDesk, DeskRefused

D = Decimal


@pytest.fixture
def copay(center, clock) -> CopayDesk:
    return CopayDesk(center, opter="D01", clock=clock)


@pytest.mark.parametrize("text", ["X65270002", "652701198709050421", " x65270002\r\n"])
def test_lookup_giver_any_credential(copay, text):
    p = copay.lookup(text)
    assert (p.psn_no, p.name_masked, p.insutype) == ("6527000000000002", "古*", "310")
    assert (p.balc, p.ring_fenced, p.spendable) == (D("800.00"), D("300.00"), D("500.00"))
    assert p.region_name == "博尔塔拉蒙古自治州" and p.normal
    assert not p.acct_frozen and not p.arrears


def test_lookup_resident_has_no_account(copay):
    p = copay.lookup("YB6527006QZ9WXG5PJXP9LYVQGAR6G")
    assert (p.psn_no, p.insutype, p.balc, p.spendable) == ("6527000000000003", "390", None, None)


def test_lookup_frozen_and_arrears_shown(copay):
    assert copay.lookup("X65270007").acct_frozen
    assert copay.lookup("X65270009").arrears


def test_lookup_refusals_are_one_clean_line(copay):
    with pytest.raises(PosError) as unknown:
        copay.lookup("110101199003077571")
    assert unknown.value.code == "PERSON_UNKNOWN"
    assert ":" not in unknown.value.message_zh and " / " not in unknown.value.message_zh
    assert unknown.value.message_en.startswith("no insured person")
    with pytest.raises(PosError) as bad:
        copay.lookup("652701198709050422")  # a wrong check digit never reaches the center
    assert bad.value.code == "SCAN_BAD_IDCARD"


def test_refusal_texts_every_reason_in_each_language(copay):
    with pytest.raises(DeskRefused) as r:
        copay.bind(
            giver_psn_no="6527000000000007",  # frozen
            beneficiary_psn_no="6527000000000012",  # terminated
            relationship="grandparent",  # not in 博州's scope
            quota=D("9999"),
            channel="counter",
            proof_type=None,
            proof_no=None,
            pledge_signed=False,
        )
    exc = r.value
    assert len(exc.texts("zh")) == len(exc.texts("en")) == len(exc.codes) == 6
    assert "共济人个人账户已冻结。" in exc.texts("zh")
    assert "The giver's personal account is frozen." in exc.texts("en")


@pytest.mark.parametrize("width", [32, 48])
def test_premium_receipt_document(copay, width):
    r = copay.pay_premium(
        giver_psn_no="6527000000000001", beneficiary_psn_no="6527000000000003", year=2025
    )
    for lang in ("zh", "en"):
        doc = build_premium_receipt(r, lang, training=True)
        lines = text_lines(doc, width)
        assert all(cell_len(x) <= width for x in lines)
        text = "".join(x.strip() for x in lines)  # a narrow paper wraps the label
        assert r.premium_id in text and "400.00" in text
        assert "示例参数（培训用，非官方）" in text  # the amount is labelled illustrative
        assert "艾力" not in text and "艾孜买提" not in text  # names masked
    assert doc.kind == "premium" and doc.number == r.premium_id
    assert "肆佰圆整" in "".join(text_lines(build_premium_receipt(r, "zh"), width))

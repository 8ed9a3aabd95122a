"""Plain-text receipts: golden files (zh and en), cell widths, the 共济 line, the file printer."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from rich.cells import cell_len

from pos import i18n
from pos.config import PrinterSettings
from pos.receipt import WIDTH, PrintError, print_text, render_receipt, render_slip
from pos.services.views import (
    CashierView,
    InsuranceView,
    LineView,
    PatientView,
    SessionView,
    SettlementView,
    SettleOutcome,
    StationView,
    TenderView,
)

GOLDEN = Path(__file__).parent / "golden"
D = Decimal

SESSION = SessionView(
    StationView(
        station_id="H65270100001-01",
        station_name="门诊收费1号窗口",
        fixmedins_code="H65270100001",
        institution_name="博尔塔拉州人民医院（实训）",
        institution_name_en="博尔塔拉州人民医院（实训）",
        kind="hospital",
        level="3",
        admdvs="652701",
        designated=True,
        policy_id="bortala-2025",
        region_name="博尔塔拉州",
    ),
    CashierView("1001", "王丽", "cashier", "H65270100001"),
)
PATIENT = PatientView(
    mdtrt_cert_type="01",
    mdtrt_cert_no="YB6527006QZ9WXG5PJXP9LYVQGAR6G",
    psn_no="6527000000000003",
    psn_name="艾孜买提·艾力",
    name_masked="艾*",
    certno="652701201406010152",
    certno_masked="6527**********0152",
    gend="1",
    brdy="2014-06-01",
    age=11,
    insurances=(InsuranceView("390", "1403", D("0.00"), "1", "652700"),),
    bindings=(),
    shown_by=None,
    pending_orders=(),
    region_name="博尔塔拉州",
)


def line(no, code, name, lv, cat, pric, ceiling, cnt, amount, order=None) -> LineView:
    return LineView(
        no, code, name, "", "", D(pric), D(cnt), D(amount), lv, cat, True, order, None,
        D(ceiling) if ceiling else None,
    )  # fmt: skip


LINES = (
    line(1, "HS00043", "普通门诊诊查费", "01", "02", "10.00", None, "1", "10.00", "RX1"),
    line(2, "HE00037", "血常规（五分类）", "01", "04", "25.00", None, "1", "25.00", "RX1"),
    line(3, "HD00001", "阿莫西林胶囊", "01", "09", "12.50", "12.00", "2", "25.00", "RX1"),
    line(4, "HG00001", "保温杯（非医疗用品）", "03", "14", "35.00", None, "1", "35.00"),
)
SETLINFO = {
    "medfee_sumamt": D("95.00"),
    "fulamt_ownpay_amt": D("35.00"),
    "overlmt_selfpay": D("1.00"),
    "preselfpay_amt": D("0.00"),
    "inscp_scp_amt": D("59.00"),
    "act_pay_dedc": D("0.00"),
    "hifp_pay": D("29.50"),
    "hifmi_pay": D("0.00"),
    "fund_pay_sumamt": D("29.50"),
    "psn_part_amt": D("65.50"),
    "acct_pay": D("30.50"),
    "acct_mulaid_pay": D("30.50"),
    "psn_cash_pay": D("35.00"),
    "hosp_part_amt": D("0.00"),
    "balc": D("0.00"),
}
SETTLEMENT = SettlementView(
    id=1,
    kind="settle",
    setl_id="S652700202506160001",
    msgid="H652701000012025061610300501",
    receipt_no="MZ2025000001",
    visit_id=1,
    mdtrt_id="M1",
    chrg_bchno="B1",
    psn_no="6527000000000003",
    psn_name="艾孜买提·艾力",
    insutype="390",
    med_type="11",
    setl_time=datetime(2025, 6, 16, 10, 30, 5),
    cashier_no="1001",
    amounts=SETLINFO,
    mulaid_detail=({"giver_name_masked": "艾*", "amount": "30.50"},),
    tenders=(
        TenderView(1, "cash", D("20.00"), D("50.00"), D("30.00")),
        TenderView(2, "wechat", D("15.00"), D("15.00"), D("0.00")),
    ),
)
DONE = SettleOutcome(SETTLEMENT, LINES, already=False, patient=PATIENT)


@pytest.fixture(params=["zh", "en"])
def lang(request):
    old = i18n.get_lang()
    i18n.set_lang(request.param)
    yield request.param
    i18n.set_lang(old)


def check_golden(name: str, text: str, update: bool) -> None:
    path = GOLDEN / name
    if update:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run with --snapshot-update and review it"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("training", [False, True], ids=["live", "training"])
def test_receipt_golden(lang, training, request):
    update = request.config.getoption("--snapshot-update", default=False)
    text = render_receipt(DONE, SESSION, training=training)
    suffix = "-training" if training else ""
    check_golden(f"receipt-{lang}{suffix}.txt", text, update)


def test_slip_golden(lang, request):
    update = request.config.getoption("--snapshot-update", default=False)
    check_golden(f"slip-{lang}.txt", render_slip(DONE, SESSION), update)


def test_widths_are_cells_never_len(lang):
    for text in (render_receipt(DONE, SESSION, training=True), render_slip(DONE, SESSION)):
        for line in text.splitlines():
            assert cell_len(line) <= WIDTH, line
    # Label/value lines fill exactly the paper width (amounts right-aligned in cells).
    lines = render_receipt(DONE, SESSION).splitlines()
    total = next(x for x in lines if x.endswith("95.00"))
    assert cell_len(total) == WIDTH


def test_slip_has_the_copay_of_which_line():
    i18n.set_lang("zh")
    text = render_slip(DONE, SESSION)
    line = next(x for x in text.splitlines() if "其中：个人账户共济支出" in x)
    assert line.rstrip().endswith("30.50")
    assert "个人账户支出" in text
    assert "本次就医：总费用95.00元" in text


def test_masked_on_paper():
    i18n.set_lang("zh")
    text = render_receipt(DONE, SESSION) + render_slip(DONE, SESSION)
    assert "6527**********0152" in text
    assert "艾*" in text
    assert "201406010152" not in text


def test_file_printer(tmp_path):
    printer = PrinterSettings(target=str(tmp_path / "out"))
    path = print_text(printer, "MZ2025/000001", "票据\n")
    assert path is not None and path.name == "MZ2025_000001.txt"
    assert path.read_text(encoding="utf-8") == "票据\n"
    assert print_text(PrinterSettings(target="-"), "x", "y") is None


def test_printer_failure_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(PrintError) as info:
        print_text(PrinterSettings(target=str(blocker)), "x", "y")
    assert info.value.message_zh.startswith("打印失败")

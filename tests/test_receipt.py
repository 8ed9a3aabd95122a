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
from pos.ui_bridge import BillLine, PatientView, SessionView, SettledView, SplitView, Tender

GOLDEN = Path(__file__).parent / "golden"
D = Decimal

SESSION = SessionView(
    cashier_no="1001",
    cashier_name="王丽",
    station_id="H65270100001-01",
    station_name="门诊收费1号窗口",
    institution_code="H65270100001",
    institution_name="博尔塔拉州人民医院（实训）",
    region_name="博尔塔拉州",
)
PATIENT = PatientView(
    psn_no="6527000000000003",
    name_masked="艾*",
    certno_masked="6527**********0152",
    cert_type="01",
    gend="1",
    age=11,
    insutype="390",
    psn_type="1403",
    insuplc_admdvs="652700",
    region_name="博尔塔拉州",
    insu_status="1",
    balance=None,
)
LINES = (
    BillLine(
        "1", "HS00043", "普通门诊诊查费", "01", "02", D("10.00"), None, D("1"), D("10.00"), True
    ),
    BillLine(
        "2", "HE00037", "血常规（五分类）", "01", "04", D("25.00"), None, D("1"), D("25.00"), True
    ),
    BillLine(
        "3", "HD00001", "阿莫西林胶囊", "01", "09", D("12.50"), D("12.00"), D("2"), D("25.00"), True
    ),
    BillLine(
        "4", "HG00001", "保温杯（非医疗用品）", "03", "14", D("35.00"), None, D("1"), D("35.00")
    ),
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
DONE = SettledView(
    setl_id="S652700202506160001",
    receipt_no="MZ2025000001",
    setl_time=datetime(2025, 6, 16, 10, 30, 5),
    patient=PATIENT,
    med_type="11",
    lines=LINES,
    split=SplitView(SETLINFO),
    tenders=(Tender("cash", D("20.00"), D("50.00")), Tender("wechat", D("15.00"))),
    change=D("30.00"),
    mulaid_detail=(("艾*", D("30.50")),),
)


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

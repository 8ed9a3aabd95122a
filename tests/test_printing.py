"""pos.printing: golden documents at 32 and 48 columns (zh, en), 大写, PDF read back with
pdftotext, ESC/POS decoded back, file sink never overwriting, and lazy printing libraries."""

from __future__ import annotations

import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from rich.cells import cell_len

from engine.masking import mask_certno, mask_name
from pos.cells import kv_lines, wrap_cells
from pos.clock import CHINA
from pos.config import PrinterSettings
from pos.errors import PosError
from pos.printing import Payer, ReceiptData, build_documents, daxie, render_text, xiaoxie
from pos.printing.document import layout
from pos.printing.sinks import deliver, job_name
from pos.services.views import CashierView, LineView, SettlementView, StationView, TenderView

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden" / "printing"
D = Decimal

STATION = StationView(
    station_id="H65270100001-01",
    station_name="门诊收费1号窗口",
    fixmedins_code="H65270100001",
    institution_name="博尔塔拉州人民医院（实训）",
    institution_name_en="Bortala Prefecture People's Hospital (training)",
    kind="hospital",
    level="3",
    admdvs="652700",
    designated=True,
    policy_id="bortala-2025",
)
CASHIER = CashierView("1001", "王丽", "cashier", "H65270100001")
AMOUNTS = {
    "medfee_sumamt": D("105.00"),
    "fulamt_ownpay_amt": D("35.00"),
    "overlmt_selfpay": D("1.00"),
    "preselfpay_amt": D("0.00"),
    "inscp_scp_amt": D("69.00"),
    "act_pay_dedc": D("0.00"),
    "hifp_pay": D("34.50"),
    "cvlserv_pay": D("0.00"),
    "hifes_pay": D("0.00"),
    "hifmi_pay": D("0.00"),
    "hifob_pay": D("0.00"),
    "maf_pay": D("0.00"),
    "oth_pay": D("0.00"),
    "fund_pay_sumamt": D("34.50"),
    "psn_part_amt": D("70.50"),
    "acct_pay": D("35.50"),
    "acct_mulaid_pay": D("35.50"),
    "psn_cash_pay": D("35.00"),
    "hosp_part_amt": D("0.00"),
    "balc": D("0.00"),
}
SETTLEMENT = SettlementView(
    id=1,
    kind="settle",
    setl_id="S652700202506160001",
    msgid="H6527010000120250616093000001",
    receipt_no="MZ202500000001",
    visit_id=1,
    mdtrt_id="MD652700202506160001",
    chrg_bchno="CB0001",
    psn_no="6527000000000003",
    psn_name="艾孜买提·艾力",
    insutype="390",
    med_type="11",
    setl_time=datetime(2025, 6, 16, 10, 30, 5, tzinfo=CHINA),
    cashier_no="1001",
    amounts=AMOUNTS,
    mulaid_detail=(
        {
            "giver_psn_no": "6527000000000001",
            "giver_name_masked": "艾**·买买提",
            "relationship": "child",  # the binding's: the patient is their child
            "amount": "20.00",
        },
        {
            "giver_psn_no": "6527000000000002",
            "giver_name_masked": "古*",
            "relationship": "child",  # the binding's: the patient is their child
            "amount": "15.50",
        },
    ),
    tenders=(
        TenderView(1, "cash", D("20.00"), D("50.00"), D("30.00")),
        TenderView(2, "wechat", D("15.00"), D("15.00"), D("0.00")),
    ),
)


def line(n: int, name: str, lv: str, cat: str, amount: str) -> LineView:
    return LineView(n, f"X{n}", name, "", "", D(amount), D(1), D(amount), lv, cat, True, None)


LINES = (
    line(1, "普通门诊诊查费", "01", "02", "10.00"),
    line(2, "血常规（五分类）", "01", "04", "25.00"),
    line(3, "阿莫西林胶囊", "02", "09", "35.00"),
    line(4, "保温杯（非医疗用品）", "03", "14", "35.00"),
)
PAYER = Payer(
    name="艾孜买提·艾力",
    certno="652701201406010152",
    psn_type="1403",
    insuplc_admdvs="652700",
    gend="1",
    birth=date(2014, 6, 1),
    region_name="博尔塔拉蒙古自治州",
    ipt_otp_no="MZ20250616000001",
)
DATA = ReceiptData(SETTLEMENT, LINES, STATION, CASHIER, PAYER)
REPRINT = DATA.reprinted(2, datetime(2025, 6, 17, 9, 0, tzinfo=CHINA))
REFUND = replace(
    DATA,
    settlement=replace(
        SETTLEMENT,
        id=2,
        kind="refund",
        setl_id="S652700202506160002",
        receipt_no="HC202500000001",
        amounts={k: -v if k != "balc" else v for k, v in AMOUNTS.items()},
        tenders=tuple(
            replace(t, amount=-t.amount, tendered=-t.amount, change=D("0.00"))
            for t in SETTLEMENT.tenders
        ),
    ),
    original_receipt_no="MZ202500000001",
)
_SELFPAY_TOTAL = D("105.00")
SELFPAY = replace(
    DATA,
    settlement=replace(
        SETTLEMENT,
        kind="selfpay",
        setl_id="ZFH65270100001202500000001",
        mdtrt_id="",
        insutype="",
        amounts={
            **dict.fromkeys(AMOUNTS, D("0.00")),
            "medfee_sumamt": _SELFPAY_TOTAL,
            "fulamt_ownpay_amt": _SELFPAY_TOTAL,
            "psn_part_amt": _SELFPAY_TOTAL,
            "psn_cash_pay": _SELFPAY_TOTAL,
        },
        mulaid_detail=(),
        tenders=(TenderView(1, "alipay", _SELFPAY_TOTAL, _SELFPAY_TOTAL, D("0.00")),),
    ),
)
# Every golden document: name → data.
GOLDENS = {"reprint": REPRINT, "refund": REFUND, "selfpay": SELFPAY}


def check_golden(name: str, text: str, update: bool) -> None:
    path = GOLDEN / name
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run with --snapshot-update and review it"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("width", [32, 48])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", sorted(GOLDENS))
def test_golden_documents(request, name, lang, width):
    update = request.config.getoption("--snapshot-update", default=False)
    text = render_text(build_documents(GOLDENS[name], lang), width)
    check_golden(f"{name}-{lang}-{width}.txt", text, update)
    for row in text.splitlines():
        assert cell_len(row) <= width, row


# The receipt's 其他信息 rows (reference §5.1), in each language: (个人自付, 个人自费, 个人账户支付,
# 个人现金支付). A row a document leaves out (a 全自费 receipt has no account, no 自付) counts 0.
OTHER_INFO = {
    "zh": ("个人自付", "个人自费", "个人账户支付", "个人现金支付"),
    "en": (
        "Self-pay (in list)",
        "Self-pay (out of list)",
        "Personal account",
        "Cash (all methods)",
    ),
}


def _receipt_rows(text: str, labels: tuple[str, ...]) -> dict[str, D]:
    receipt = text.split("\f")[0] if "\f" in text else text
    found: dict[str, D] = {}
    for row in receipt.splitlines():
        head, _, amount = row.rstrip().rpartition(" ")
        if head.strip() in labels and head.strip() not in found:
            found[head.strip()] = D(amount.replace(",", ""))
    return found


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.txt")), ids=lambda p: p.name)
def test_every_golden_receipt_satisfies_the_other_info_identity(path):
    """#8.10: 个人自付 + 个人自费 = 个人负担 = 个人账户支付 + 个人现金支付, on every golden receipt."""
    lang = "en" if "-en-" in path.name else "zh"
    self_pay, own_pay, acct, cash = OTHER_INFO[lang]
    rows = _receipt_rows(path.read_text(encoding="utf-8"), OTHER_INFO[lang])
    assert own_pay in rows and cash in rows, rows
    zero = D("0.00")
    assert rows.get(self_pay, zero) + rows[own_pay] == rows.get(acct, zero) + rows[cash], rows


@pytest.mark.parametrize("width", [32, 48])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_line_wider_than_the_paper(lang, width):
    long_name = replace(
        STATION, institution_name="博尔塔拉蒙古自治州精河县人民医院第二门诊部（实训）"
    )
    for data in (DATA, REPRINT, replace(DATA, station=long_name, training=True)):
        for doc in build_documents(data, lang):
            for ln in layout(doc, width):
                if ln.style != "qr":
                    assert cell_len(ln.text) <= width, ln.text


def test_amount_rows_end_at_the_right_edge():
    for width in (32, 48):
        rows = render_text(build_documents(DATA, "zh"), width).splitlines()
        total = next(x for x in rows if x.startswith("合计（小写）"))
        assert total.endswith("¥105.00") and cell_len(total) == width


def test_slip_shows_each_giver_masked_and_the_balance_after():
    text = render_text(build_documents(DATA, "zh")[1], 48)
    rows = text.splitlines()
    of_which = next(i for i, x in enumerate(rows) if "其中：个人账户共济支出" in x)
    assert rows[of_which].endswith("35.50")
    assert rows[of_which + 1].strip().startswith("艾*（父母）") and rows[of_which + 1].endswith(
        "20.00"
    )
    assert rows[of_which + 2].strip().startswith("古*（父母）") and rows[of_which + 2].endswith(
        "15.50"
    )
    assert any(x.startswith("本次支出后个人账户余额") for x in rows)
    assert "买买提" not in text and "艾孜买提" not in text


def test_receipt_total_in_words_and_figures():
    text = render_text(build_documents(DATA, "zh")[0], 48)
    assert "壹佰零伍圆整" in text and "¥105.00" in text
    assert "6527**********0152" in text and "201406010152" not in text


def test_marks_reprint_training_refund():
    refund = replace(
        DATA,
        settlement=replace(
            SETTLEMENT,
            kind="refund",
            receipt_no="HC202500000001",
            amounts={k: -v if k != "balc" else v for k, v in AMOUNTS.items()},
        ),
        original_receipt_no="MZ202500000001",
        training=True,
    )
    receipt, _slip = build_documents(refund, "zh")
    assert receipt.marks == ("培训 非正式票据", "冲红")
    text = render_text(receipt, 32)
    assert "门诊收费票据（冲红）" in text and "负壹佰零伍圆整" in text and "MZ202500000001" in text
    assert text.splitlines()[0].strip() == "【培训 非正式票据】"
    assert build_documents(REPRINT, "en")[0].marks == ("REPRINT #2 补打",)


def test_drawer_opens_only_for_a_live_cash_original():
    assert DATA.opens_drawer
    assert not REPRINT.opens_drawer
    assert not replace(DATA, training=True).opens_drawer
    card_only = replace(
        SETTLEMENT, tenders=(TenderView(1, "wechat", D("35.00"), D("35.00"), D("0.00")),)
    )
    assert not replace(DATA, settlement=card_only).opens_drawer


# ------------------------------------------------------------------ 大写 / 小写 and masking


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "零圆整"),
        ("0.05", "伍分"),
        ("0.50", "伍角整"),
        ("0.35", "叁角伍分"),
        ("1.00", "壹圆整"),
        ("10", "壹拾圆整"),
        ("10.05", "壹拾圆零伍分"),
        ("105", "壹佰零伍圆整"),
        ("110", "壹佰壹拾圆整"),
        ("325.04", "叁佰贰拾伍圆零肆分"),
        ("1409.50", "壹仟肆佰零玖圆伍角整"),
        ("1680.32", "壹仟陆佰捌拾圆叁角贰分"),
        ("6007.14", "陆仟零柒圆壹角肆分"),
        ("16409.02", "壹万陆仟肆佰零玖圆零贰分"),
        ("100700", "壹拾万零柒佰圆整"),
        ("107000.53", "壹拾万柒仟圆伍角叁分"),
        ("1000010", "壹佰万零壹拾圆整"),
        ("1010000", "壹佰零壹万圆整"),
        ("100000000", "壹亿圆整"),
        ("100000001", "壹亿零壹圆整"),
        ("100010001", "壹亿零壹万零壹圆整"),
        ("99999999.99", "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖圆玖角玖分"),
        ("-95.00", "负玖拾伍圆整"),
        ("-0.05", "负伍分"),
        ("12.345", "壹拾贰圆叁角伍分"),  # half-up to the fen, as the contract rounds
    ],
)
def test_daxie(amount, words):
    assert daxie(D(amount)) == words


def test_daxie_refuses_floats_and_giants():
    with pytest.raises(TypeError):
        daxie(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        daxie(D("1e17"))


def test_xiaoxie():
    assert xiaoxie(D("1234.5")) == "¥1,234.50"
    assert xiaoxie(D("-0.05")) == "¥-0.05"


def test_one_mask_rule():
    assert mask_name("艾孜买提·艾力") == "艾*"
    assert mask_name("王丽") == "王*"
    assert mask_name(mask_name("艾孜买提·艾力")) == "艾*"
    assert mask_name("") == ""
    assert mask_certno("652701201406010152") == "6527**********0152"


# ------------------------------------------------------------------ CJK line breaking


def test_no_line_starts_with_closing_punctuation():
    text = (
        "本次就医：总费用95.00元，基金支付总额29.50元，个人账户支付30.50元，个人现金支付35.00元。"
    )
    for width in range(16, 50):
        rows = wrap_cells(text, width)
        assert "".join(rows) == text
        for row in rows:
            assert cell_len(row) <= width
            assert row[0] not in "，。、：；！？）」", (width, rows)


def test_no_line_ends_with_an_opening_bracket():
    text = "请核对（共济）「证明」材料后签字确认本次结算"
    for width in range(8, 30):
        rows = wrap_cells(text, width)
        assert "".join(rows) == text
        assert all(row[-1] not in "（「" for row in rows), (width, rows)


def test_long_label_wraps_instead_of_being_cut():
    rows = kv_lines("1、医疗保障统筹基金支付总额（含大额）", "1,234.56", 32)
    assert all(cell_len(r) <= 32 for r in rows)
    assert "…" not in "".join(rows) and rows[-1].endswith("1,234.56")


# ------------------------------------------------------------------ PDF


def pdftotext(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext is missing in CI: .ci/run installs poppler-utils")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    src = tmp_path / "doc.pdf"
    src.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(src), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return out.stdout.decode("utf-8")


def test_pdf_keeps_the_middle_dot(tmp_path):
    """STSong-Light has no U+00B7: drawn as is, the dot in a name vanished from the page."""
    from pos.printing.pdf import render_pdf

    dotted = replace(STATION, institution_name="阿拉山口·口岸医院")
    text = pdftotext(render_pdf(build_documents(replace(DATA, station=dotted), "zh")), tmp_path)
    assert "阿拉山口·口岸医院" in text


@pytest.mark.parametrize("page", ["A5", "A4"])
def test_pdf_reads_back(tmp_path, page):
    from pos.printing.pdf import render_pdf

    pdf = render_pdf(build_documents(REPRINT, "zh"), page)
    assert pdf.startswith(b"%PDF")
    text = pdftotext(pdf, tmp_path)
    for needle in (
        "门诊收费票据",
        "医疗保障基金结算清单",
        "壹佰零伍圆整",
        "其中：个人账户共济支出",
        "艾*",
        "6527**********0152",
        "MZ202500000001",
        "补打（第2次）",
        "105.00",
    ):
        assert needle in text, needle
    assert "艾孜买提" not in text
    assert text.count("\f") >= 2  # each document on a page of its own


def test_pdf_is_deterministic():
    from pos.printing.pdf import render_pdf

    assert render_pdf(build_documents(DATA, "en")) == render_pdf(build_documents(DATA, "en"))


# ------------------------------------------------------------------ ESC/POS


def test_escpos_bytes_decode_back():
    from pos.printing.escpos import render_escpos

    docs = build_documents(DATA, "zh")
    job = render_escpos(docs, 32)
    assert job.startswith(b"\x1b@\x1c&")  # ESC @ (initialise), FS & (Chinese character mode)
    for doc in docs:  # every laid-out line is there, in GB18030, as printed
        for ln in layout(doc, 32):
            if ln.style != "qr":
                assert ln.text.encode("gb18030") + b"\n" in job, ln.text
    text = job.decode("gb18030", errors="replace")
    assert "其中：个人账户共济支出" in text and "壹佰零伍圆整" in text and "艾*（父母）" in text
    assert "门诊收费票据".encode() not in job  # not UTF-8
    # GS ( k: the printer's own QR, model/size/level, then the data (fn 80) and print (fn 81).
    payload = b"HPOS1|H65270100001|MZ202500000001|S652700202506160001|105.00|20250616103005"
    assert b"\x1d(k" + (len(payload) + 3).to_bytes(2, "little") + b"1P0" + payload in job
    assert b"\x1d(k\x03\x001Q0" in job
    assert job.count(b"\x1dV") == 2  # GS V: one cut per document
    assert job.endswith(b"\x1bp\x00\x32\x32")  # ESC p: the drawer, last, for live cash


def test_escpos_no_drawer_for_reprints_or_cardless_cash():
    from pos.printing.escpos import render_escpos

    assert b"\x1bp" not in render_escpos(build_documents(REPRINT, "zh"), 48)
    assert b"\x1bp" not in render_escpos(build_documents(replace(DATA, training=True), "zh"), 48)
    assert b"\x1bp" in render_escpos(build_documents(DATA, "zh"), 48)


# ------------------------------------------------------------------ sinks


def test_file_sink_never_overwrites_and_keeps_institutions_apart(tmp_path):
    printer = PrinterSettings(target=str(tmp_path / "out"), format="text")
    zt = replace(STATION, fixmedins_code="H53060200001", station_id="H53060200001-01")
    first = deliver(build_documents(DATA, "zh"), printer)
    again = deliver(build_documents(DATA, "zh"), printer)
    other = deliver(build_documents(replace(DATA, station=zt), "zh"), printer)
    reprint = deliver(build_documents(REPRINT, "zh"), printer)
    names = sorted(Path(d.where).name for d in (first, again, other, reprint))
    assert names == [
        "H53060200001_MZ202500000001_all_r0.txt",
        "H65270100001_MZ202500000001_all_r0-2.txt",
        "H65270100001_MZ202500000001_all_r0.txt",
        "H65270100001_MZ202500000001_all_r2.txt",
    ]
    for d in (first, again, other, reprint):
        assert stat.S_IMODE(Path(d.where).stat().st_mode) == 0o600
    assert Path(first.where).read_text(encoding="utf-8") == Path(again.where).read_text(
        encoding="utf-8"
    )


def test_job_names_are_safe():
    doc = build_documents(replace(DATA, settlement=replace(SETTLEMENT, receipt_no="../MZ/1")), "zh")
    assert "/" not in job_name(doc) and ".." not in job_name(doc)


def test_file_sink_formats(tmp_path):
    for fmt, magic in (("pdf", b"%PDF"), ("escpos", b"\x1b@")):
        printer = PrinterSettings(target=str(tmp_path), format=fmt)
        out = deliver(build_documents(DATA, "zh"), printer)
        assert Path(out.where).read_bytes().startswith(magic)


def test_none_sink_prints_nothing(tmp_path):
    assert deliver(build_documents(DATA, "zh"), PrinterSettings(sink="none")).sink == "none"
    assert deliver(build_documents(DATA, "zh"), PrinterSettings(target="-")).sink == "none"


def test_network_sink_sends_escpos(tmp_path):
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    got = bytearray()

    def accept():
        conn, _ = server.accept()
        with conn:
            while chunk := conn.recv(65536):
                got.extend(chunk)

    thread = threading.Thread(target=accept)
    thread.start()
    printer = PrinterSettings(sink="network", host="127.0.0.1", port=port, width=32)
    done = deliver(build_documents(DATA, "zh"), printer)
    thread.join(timeout=30)
    server.close()
    assert done.where == f"127.0.0.1:{port}" and bytes(got).startswith(b"\x1b@\x1c&")
    assert "门诊收费票据".encode("gb18030") in got


def test_unreachable_printer_is_one_clear_error():
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    server.close()  # nothing listens there now
    with pytest.raises(PosError) as e:
        deliver(
            build_documents(DATA, "zh"),
            PrinterSettings(sink="network", host="127.0.0.1", port=port),
        )
    assert e.value.code == "PRINT_FAILED" and e.value.message_zh.startswith("打印失败")


def test_incomplete_printer_settings_are_refused():
    with pytest.raises(ValueError):
        PrinterSettings(sink="network")
    with pytest.raises(ValueError):
        PrinterSettings(sink="usb", usb_vendor=0x0416)


# ------------------------------------------------------------------ lazy imports and catalogs


def test_importing_pos_printing_loads_no_printing_library():
    code = (
        "import sys, pos.printing, pos.printing.books, pos.commands.receipt; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('reportlab', 'escpos', 'qrcode', 'PIL')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_print_key_exists_in_both_catalogs():
    from pos import i18n

    used: set[str] = set()
    for path in ROOT.joinpath("pos", "printing").glob("*.py"):
        used |= set(
            re.findall(r"""\bt\(\s*f?"([a-z_]+\.[a-z_.]+)""", path.read_text(encoding="utf-8"))
        )
    assert used, "no keys found: the pattern is wrong"
    for lang in ("zh", "en"):
        missing = sorted(k for k in used if not k.endswith(".") and k not in i18n.catalog(lang))
        assert not missing, (lang, missing)
    for method in ("cash", "bank_card", "wechat", "alipay"):
        assert f"print.method.{method}" in i18n.catalog("en")

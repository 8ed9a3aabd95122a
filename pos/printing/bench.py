"""How long one receipt takes to render: `python -m pos.printing.bench [N]`.

Renders both documents of one settlement (门诊收费票据 + 医保结算单) N times (default 200) as text,
PDF (A5) and ESC/POS (48 columns) and prints the median and the 90th percentile in ms, after one
warm-up (which also pays the first import). The cold import of each library is measured in a
fresh interpreter. Numbers, not a pass/fail: AGENTS.md keeps speed out of the tests.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from pos.clock import CHINA
from pos.printing.builders import Payer, ReceiptData, build_documents
from pos.services.views import CashierView, LineView, SettlementView, StationView, TenderView


def sample() -> ReceiptData:
    """A 10-line bill with two co-pay givers and cash + WeChat: a busy, realistic receipt."""
    d = Decimal
    lines = tuple(
        LineView(n, f"X{n:03d}", f"项目{n}号（规格{n}）", "", "", d("12.50"), d(2), d("25.00"),
                 "01" if n % 3 else "02", ("02", "04", "09", "14")[n % 4], True, None)
        for n in range(1, 11)
    )  # fmt: skip
    amounts = {name: d("0.00") for name in (
        "fulamt_ownpay_amt", "preselfpay_amt", "act_pay_dedc", "cvlserv_pay", "hifes_pay",
        "hifmi_pay", "hifob_pay", "maf_pay", "oth_pay", "hosp_part_amt", "balc")}  # fmt: skip
    amounts |= {
        "medfee_sumamt": d("250.00"),
        "overlmt_selfpay": d("0.00"),
        "inscp_scp_amt": d("250.00"),
        "hifp_pay": d("125.00"),
        "fund_pay_sumamt": d("125.00"),
        "psn_part_amt": d("125.00"),
        "acct_pay": d("80.00"),
        "acct_mulaid_pay": d("80.00"),
        "psn_cash_pay": d("45.00"),
    }
    settlement = SettlementView(
        1, "settle", "S652700202506160001", "M1", "MZ202500000001", 1, "MD1", "CB1",
        "6527000000000004", "阿依努尔·艾力", "390", "11",
        datetime(2025, 6, 16, 10, 30, 5, tzinfo=CHINA), "1001", amounts,
        ({"giver_name_masked": "艾*", "relationship": "child", "amount": "50.00"},
         {"giver_name_masked": "古*", "relationship": "child", "amount": "30.00"}),
        (TenderView(1, "cash", d("30.00"), d("50.00"), d("20.00")),
         TenderView(2, "wechat", d("15.00"), d("15.00"), d("0.00"))),
    )  # fmt: skip
    station = StationView(
        "H65270100001-01", "门诊收费1号窗口", "H65270100001", "博尔塔拉州人民医院（实训）",
        "Bortala Prefecture People's Hospital (training)", "hospital", "3", "652700", True,
        "bortala-2025",
    )  # fmt: skip
    payer = Payer("阿依努尔·艾力", "652701202011200263", "1403", "652700", "2", date(2020, 11, 20))
    return ReceiptData(
        settlement, lines, station, CashierView("1001", "王丽", "cashier", ""), payer
    )


def _timed(fn: Callable[[], object], n: int) -> tuple[float, float]:
    fn()  # warm-up: imports, font registration
    runs = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    runs.sort()
    return statistics.median(runs), runs[int(len(runs) * 0.9) - 1]


def _cold_import(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout) * 1000


def main(argv: list[str] | None = None) -> int:
    from pos.printing.escpos import render_escpos
    from pos.printing.pdf import render_pdf
    from pos.printing.text import render_text

    args = sys.argv[1:] if argv is None else argv
    n = int(args[0]) if args else 200
    data = sample()
    cases = {
        "text 48": lambda: render_text(build_documents(data), 48),
        "pdf A5": lambda: render_pdf(build_documents(data), "A5"),
        "escpos 48": lambda: render_escpos(build_documents(data), 48),
        "build only": lambda: build_documents(data),
    }
    print(f"one receipt + slip, median / p90 of {n} runs (ms)")
    for name, fn in cases.items():
        median, p90 = _timed(fn, n)
        print(f"  {name:<10} {median:8.2f} {p90:8.2f}")
    for module in ("reportlab.pdfgen.canvas", "escpos.printer"):
        print(f"  cold import {module}: {_cold_import(module):.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

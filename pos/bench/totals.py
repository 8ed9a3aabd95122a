"""`pos bench totals`: a day's totals over 100,000 settlements, beside a bare SUM over the same rows.

The day's totals are what reconciliation (3201) and the day report need: per 险种 × 清算类别, the
count and five sums, summed by the database (pos.store.totals.day_totals). The baseline is the
plainest possible aggregate over the same rows, `SELECT SUM(medfee_sumamt)`. Target: ≤ 3×.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.orm import Session

from engine.db import is_sqlite, scratch_engine
from pos.store.models import HospitalBase, Settlement
from pos.store.totals import day_totals

TARGET = 3.0
SCHEMA = "pos_bench_totals"
INSTITUTION = "H65270100001"
DAY_START = datetime(2025, 6, 15, 0, 0, tzinfo=UTC)
_AMOUNTS = [
    "medfee_sumamt",
    "fulamt_ownpay_amt",
    "overlmt_selfpay",
    "preselfpay_amt",
    "inscp_scp_amt",
    "act_pay_dedc",
    "hifp_pay",
    "cvlserv_pay",
    "hifes_pay",
    "hifmi_pay",
    "hifob_pay",
    "maf_pay",
    "oth_pay",
    "fund_pay_sumamt",
    "psn_part_amt",
    "acct_pay",
    "acct_mulaid_pay",
    "psn_cash_pay",
    "hosp_part_amt",
    "balc",
]


def _row(i: int) -> dict:
    medfee = Decimal(100 + i % 900) + Decimal(i % 100) / 100
    fund = (medfee * Decimal("0.6")).quantize(Decimal("0.01"))
    acct = (medfee - fund) / 2
    acct = acct.quantize(Decimal("0.01"))
    row = dict.fromkeys(_AMOUNTS, Decimal("0.00"))
    row.update(
        medfee_sumamt=medfee,
        inscp_scp_amt=medfee,
        hifp_pay=fund,
        fund_pay_sumamt=fund,
        psn_part_amt=medfee - fund,
        acct_pay=acct,
        acct_mulaid_pay=acct if i % 5 == 0 else Decimal("0.00"),
        psn_cash_pay=medfee - fund - acct,
    )
    row.update(
        kind="settle",
        setl_id=f"S{i:012d}",
        msgid=f"M{i:029d}",
        visit_id=i + 1,
        chrg_bchno=f"B{i:012d}",
        mdtrt_id=f"{i:012d}",
        fixmedins_code=INSTITUTION,
        station_id=f"{INSTITUTION}-01",
        cashier_no="1001",
        psn_no=f"{i:016d}",
        psn_name="测*",
        insutype=("310", "390")[i % 2],
        med_type=("11", "21")[(i // 2) % 2],
        clr_type=("11", "21")[(i // 2) % 2],
        setl_time=DAY_START + timedelta(seconds=8 * 3600 + (i * 10) % 36000),
        receipt_series="MZ",
        receipt_year=2025,
        receipt_seq=i + 1,
        receipt_no=f"MZ2025{i + 1:08d}",
        pool_prop_selfpay=Decimal("0.6000"),
        mulaid_detail="[]",
    )
    return row


def _load(engine, n: int) -> None:
    """n settlements of one day, bulk-inserted; the parent rows (visits, batches) are not needed
    to sum, so foreign-key checks are off for this scratch load (a plain SQLite engine leaves
    them off; PostgreSQL skips them in replica mode)."""
    if is_sqlite(str(engine.url)):
        engine = create_engine(engine.url)
    with engine.begin() as conn:
        if not is_sqlite(str(engine.url)):
            conn.exec_driver_sql("SET session_replication_role = replica")
        for start in range(0, n, 5000):
            conn.execute(insert(Settlement), [_row(i) for i in range(start, min(n, start + 5000))])
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


def _best(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _measure(engine, n: int, repeats: int) -> dict:
    day_end = DAY_START + timedelta(days=1) - timedelta(microseconds=1)
    with Session(engine) as s:
        totals = day_totals(s, INSTITUTION, DAY_START, day_end)
        bare_sum = s.scalar(select(func.sum(Settlement.medfee_sumamt)))
        assert sum(t.count for t in totals.values()) == n
        assert sum(t.medfee_sumamt for t in totals.values()) == bare_sum
        t_totals = _best(lambda: day_totals(s, INSTITUTION, DAY_START, day_end), repeats)
        t_bare = _best(lambda: s.scalar(select(func.sum(Settlement.medfee_sumamt))), repeats)
    return {
        "settlements": n,
        "bare_sum_ms": t_bare * 1e3,
        "day_totals_ms": t_totals * 1e3,
        "ratio": t_totals / t_bare,
        "target_ratio": TARGET,
    }


def bench_totals(n: int, urls: dict[str, str | None], repeats: int = 5) -> dict:
    results = {}
    with tempfile.TemporaryDirectory(prefix="pos-bench-totals-") as tmp:
        for name, url in urls.items():
            url = url or f"sqlite:///{Path(tmp) / 'totals.sqlite3'}"
            engine = scratch_engine(url, SCHEMA, fresh=True)
            HospitalBase.metadata.create_all(engine)
            _load(engine, n)
            results[name] = _measure(engine, n, repeats)
            if not is_sqlite(url):
                with engine.begin() as conn:
                    conn.execute(text(f"DROP SCHEMA {SCHEMA} CASCADE"))
            engine.dispose()
    return results


def print_totals(results: dict) -> None:
    print("totals: a day's totals (3201 groups: count + 3 sums) vs a bare SUM over the same rows")
    for name, r in results.items():
        ok = "OK" if r["ratio"] <= r["target_ratio"] else "OVER TARGET"
        print(f"  {name} ({r['settlements']:,} settlements):")
        print(f"    bare SUM(medfee_sumamt):  {r['bare_sum_ms']:8.1f} ms")
        print(f"    day_totals():             {r['day_totals_ms']:8.1f} ms")
        print(
            f"    ratio:                    {r['ratio']:8.2f}×  (target ≤ {r['target_ratio']:.0f}×) {ok}"
        )

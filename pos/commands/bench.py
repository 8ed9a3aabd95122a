"""`pos bench`: speed targets as ratios against a baseline measured in the same run.

Never timed assertions in tests: a benchmark reports, a person judges.
"""

from __future__ import annotations

import io
import json
import os
import time
from decimal import Decimal

from engine.models import SettleRequest
from engine.settle import settle

ENGINE_TARGET = 8.0

BENCH_LINES = [
    # name, lv, type, price, count, ceiling, self-pay ratio
    ("普通门诊诊察费", "01", "02", "10.00", "1", None, None),
    ("血常规", "01", "04", "25.00", "1", "22.00", None),
    ("阿莫西林胶囊", "02", "09", "12.50", "2", "12.00", "0.10"),
    ("布洛芬缓释胶囊", "01", "09", "18.60", "1", None, None),
    ("胸部DR", "02", "03", "150.00", "1", "120.00", "0.20"),
    ("连花清瘟胶囊", "02", "11", "14.80", "3", None, "0.10"),
    ("一次性注射器", "01", "08", "0.80", "5", None, None),
    ("静脉输液", "01", "05", "15.00", "2", None, None),
    ("进口自费药", "03", "09", "88.00", "1", None, None),
    ("口罩（非医疗）", "03", "14", "2.50", "4", None, None),
]


def bench_request() -> dict:
    items = [
        {
            "name": name,
            "chrgitm_lv": lv,
            "med_chrgitm_type": typ,
            "pric": pric,
            "cnt": cnt,
            "pric_uplmt_amt": ceiling,
            "selfpay_prop": prop,
            "acct_payable": typ != "14",
        }
        for name, lv, typ, pric, cnt, ceiling, prop in BENCH_LINES
    ]
    return {
        "params": {
            "dedc": "200.00",
            "pool_ratio": "0.60",
            "annual_cap": "3000.00",
            "acct_pays_ownpay": True,
        },
        "insutype": "310",
        "psn_type": "1101",
        "med_type": "11",
        "hosp_lv": "2",
        "ytd": {"dedc_paid": "120.00", "hifp_paid": "0.00"},
        "items": items,
        "acct": {"balc": "150.00", "used": True},
        "mulaid": [{"giver": "G1", "available": "80.00"}],
    }


def _best_of(fn, n: int, repeats: int = 5) -> float:
    """Seconds per call, best of `repeats` runs of `n` calls (the least disturbed run)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, time.perf_counter() - start)
    return best / n


def bench_engine(n: int) -> dict:
    req = SettleRequest.model_validate(bench_request())
    params = req.params
    lines = [(item["pric"], item["cnt"]) for item in bench_request()["items"]]

    def bare() -> Decimal:
        total = Decimal(0)
        for pric, cnt in lines:
            total += Decimal(pric) * Decimal(cnt)
        return total

    t_bare = _best_of(bare, n)
    t_settle = _best_of(lambda: settle(req, params), n)
    t_full = _best_of(lambda: settle(req, params).result().to_wire(), max(1, n // 10))

    from pos.commands.settle import run_jsonl

    line = json.dumps(bench_request(), ensure_ascii=False) + "\n"
    count = max(1, n // 10)
    stdin = io.StringIO(line * count)
    start = time.perf_counter()
    run_jsonl(stdin, io.StringIO(), "zh")
    jsonl_rate = count / (time.perf_counter() - start)
    return {
        "bare_loop_us": t_bare * 1e6,
        "settle_us": t_settle * 1e6,
        "settlements_per_s": 1 / t_settle,
        "ratio": t_settle / t_bare,
        "target_ratio": ENGINE_TARGET,
        "with_wire_result_us": t_full * 1e6,
        "jsonl_requests_per_s": jsonl_rate,
    }


def _print_engine(r: dict) -> None:
    ok = "OK" if r["ratio"] <= r["target_ratio"] else "OVER TARGET"
    print("engine: settle an already-validated 10-line outpatient bill")
    print(f"  bare loop Σ Decimal(pric)×Decimal(cnt): {r['bare_loop_us']:8.2f} µs")
    print(
        f"  settle():                               {r['settle_us']:8.2f} µs  ({r['settlements_per_s']:,.0f}/s)"
    )
    print(
        f"  ratio settle / bare loop:               {r['ratio']:8.2f}×  (target ≤ {r['target_ratio']:.0f}×) {ok}"
    )
    print(f"  settle + wire result (models, trace):   {r['with_wire_result_us']:8.2f} µs")
    print(f"  pos settle --jsonl end to end:          {r['jsonl_requests_per_s']:8,.0f} requests/s")


def _database_urls(args) -> dict[str, str | None]:
    """A temporary SQLite file always; PostgreSQL too when one is named."""
    pg = args.pg or os.environ.get("POS_BENCH_PG_URL") or os.environ.get("POS_TEST_PG_URL")
    return {"sqlite": None, **({"postgres": pg} if pg else {})}


# `pos bench` with no target: every figure of issue 14 as ratios in one run — the pure CLI and
# the batch path, the ledger (SQLite, and PostgreSQL when one is named), the app's start and
# latencies.
SUMMARY = ("settle", "ledger", "ui")


def _settle(args) -> dict:
    from pos.bench.batch import bench_settle

    return bench_settle(
        start_runs=args.runs,
        jsonl_n=args.n or 5000,
        jsonl_runs=max(1, (args.runs + 1) // 2),
        memory_sizes=[int(k) for k in args.memory.split(",")],
    )


def _section(target: str, args) -> dict:
    """One section of the no-target run, measured and (unless --json) printed as it finishes."""
    if target == "settle":
        from pos.bench.batch import print_settle as show

        result = _settle(args)
    elif target == "ledger":
        from pos.bench.ledger import bench_ledger
        from pos.bench.ledger import print_ledger as show

        urls = _database_urls(args)
        result = bench_ledger(300, urls)
    else:
        from pos.bench.ui import bench_ui
        from pos.bench.ui import print_ui as show

        result = bench_ui(50)
    if not args.json:
        show(result)
        if target == "ledger" and "postgres" not in result:
            print("  postgres: skipped (give --pg URL or set POS_BENCH_PG_URL)")
    return result


def run(args) -> int:
    if args.target is None:
        results = {}
        for target in SUMMARY:
            results[target] = _section(target, args)
        if args.json:
            print(json.dumps(results))
        return 0
    if args.target == "settle":
        from pos.bench.batch import print_settle

        result = _settle(args)
        print(json.dumps(result)) if args.json else print_settle(result)
        return 0
    if args.target == "engine":
        result = bench_engine(args.n or 20000)
        print(json.dumps(result)) if args.json else _print_engine(result)
        return 0
    if args.target == "ui":
        from pos.bench.ui import bench_ui, print_ui

        result = bench_ui(args.n or 50)
        print(json.dumps(result)) if args.json else print_ui(result)
        return 0
    if args.target == "ledger":
        from pos.bench.ledger import bench_ledger as measure
        from pos.bench.ledger import print_ledger as show

        n = args.n or 300
    else:
        from pos.bench.totals import bench_totals as measure
        from pos.bench.totals import print_totals as show

        n = args.n or 100_000
    urls = _database_urls(args)
    result = measure(n, urls)
    print(json.dumps(result)) if args.json else show(result)
    if "postgres" not in urls and not args.json:
        print("  postgres: skipped (give --pg URL or set POS_BENCH_PG_URL)")
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "bench", help="benchmarks, reported as ratios against a baseline run side by side"
    )
    p.add_argument(
        "target",
        nargs="?",
        choices=["settle", "engine", "ledger", "totals", "ui"],
        help="what to measure (none: every issue-14 figure, as ratios in one run)",
    )
    p.add_argument(
        "-n",
        type=int,
        default=None,
        help="size: settle --jsonl requests (5000), engine iterations (20000), ledger "
        "settlements (300), totals rows (100000), ui runs (50)",
    )
    p.add_argument(
        "--runs", type=int, default=9, help="settle: process pairs for the start-up ratio (9)"
    )
    p.add_argument(
        "--memory",
        default="10000,100000",
        metavar="N,N",
        help="settle: stream sizes for the peak RSS of --jsonl (10000,100000)",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--pg", metavar="URL", help="ledger/totals: also measure this PostgreSQL (a scratch schema)"
    )
    p.set_defaults(func=run)

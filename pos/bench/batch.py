"""`pos bench settle`: the pure CLI as whole processes, each beside its baseline in the same run.

- start: `pos settle` for one request (a policy request, as docs/SETTLEMENT.md shows it) beside a
  bare `python -c 'import json, decimal'`, run by run in turn; goal ≤ 4×.
- jsonl: `pos settle --jsonl` over the same file of varied requests beside the naive baseline
  (pos.bench.naive_settle, the contract written plainly); its answers are checked equal to the
  product's first; the ratio is naive time / product time; goal ≥ 2×. Twice: over the bench's
  bills, whose lines repeat from request to request (the same drug, price, count), and over the
  same requests with no bill line ever repeated (`unique_requests`), where nothing the product
  remembers by line or by price text can answer for it.
- memory: the peak RSS of `pos settle --jsonl` over growing streams (fed through a pipe, never a
  file in memory), from the kernel's own accounting of the child (os.wait4); it must stay flat.

Each figure is a ratio per pair of runs taken back to back, reported as the median and the spread
(min–max) over the runs: the machine's drift between pairs does not decide it.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

START_GOAL = 4.0  # pos settle ≤ 4× a bare Python start
JSONL_GOAL = 2.0  # pos settle --jsonl ≥ 2× as fast as the naive implementation
MEMORY_FLAT = 1.25  # peak RSS at the largest size ≤ 1.25× the smallest: flat
BARE = [sys.executable, "-c", "import json, decimal"]
POS = [sys.executable, "-m", "pos"]

# The worked request of docs/SETTLEMENT.md: a policy, an own account and a co-pay source.
START_REQUEST = {
    "policy": "bortala-2025",
    "insutype": "310",
    "psn_type": "1101",
    "med_type": "11",
    "hosp_lv": "2",
    "ytd": {"dedc_paid": "120.00", "hifp_paid": "0.00"},
    "items": [
        {
            "name": "阿莫西林胶囊",
            "chrgitm_lv": "02",
            "med_chrgitm_type": "09",
            "pric": "12.50",
            "cnt": "2",
            "pric_uplmt_amt": "12.00",
            "selfpay_prop": "0.10",
            "acct_payable": True,
        }
    ],
    "acct": {"balc": "150.00", "used": True},
    "mulaid": [{"giver": "G1", "available": "80.00"}],
}


def varied_requests(n: int) -> Iterator[bytes]:
    """n JSON lines: the 10-line bench bill with its counts, year-to-date and balances varied."""
    from pos.commands.bench import bench_request

    base = bench_request()
    for i in range(n):
        base["ytd"] = {"dedc_paid": f"{(i * 7) % 250}.{i % 100:02d}", "hifp_paid": f"{i % 3200}.00"}
        base["acct"] = {"balc": f"{(i * 13) % 400}.{(i * 3) % 100:02d}", "used": i % 5 != 0}
        base["mulaid"] = [{"giver": "G1", "available": f"{(i * 11) % 120}.00"}]
        for k, item in enumerate(base["items"]):
            item["cnt"] = str(1 + (i + k) % 4)
        yield (json.dumps(base, ensure_ascii=False) + "\n").encode()


def unique_requests(n: int) -> Iterator[bytes]:
    """The same n requests as `varied_requests`, but no bill line ever repeats in the stream:
    every line's name carries its request's and line's number, and its price moves by a few fen
    from request to request, so nothing remembered by line (or by price text) can answer for it."""
    for i, raw in enumerate(varied_requests(n)):
        data = json.loads(raw)
        for k, item in enumerate(data["items"]):
            item["name"] = f"{item['name']}#{i}.{k}"
            whole, fen = item["pric"].split(".")
            item["pric"] = f"{int(whole) + i % 7}.{(int(fen) + i * 3 + k) % 100:02d}"
        yield (json.dumps(data, ensure_ascii=False) + "\n").encode()


def _env() -> dict[str, str]:
    """The measured processes' environment: as an installed app runs, from bytecode compiled once
    (pip compiles it at install). Under PYTHONDONTWRITEBYTECODE=1 a checkout would compile every
    module it imports in every process, which measures the compiler rather than the app (and the
    product imports more modules than the naive baseline): so the warm-up runs leave bytecode in
    __pycache__ (ignored by git) and every measured run, both sides alike, reads it."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _run(cmd: list[str], stdin: Path | None = None) -> dict:
    """One whole process: wall seconds, CPU seconds and peak RSS (MiB) from the kernel."""
    env = _env()
    with open(stdin or os.devnull, "rb") as fin:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=fin, stdout=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mib": usage.ru_maxrss / 1024,
    }


def _spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def bench_start(runs: int) -> dict:
    """`pos settle` (one request) beside a bare Python start, pair by pair."""
    with tempfile.TemporaryDirectory(prefix="pos-bench-start-") as tmp:
        request = Path(tmp) / "request.json"
        request.write_text(json.dumps(START_REQUEST, ensure_ascii=False), encoding="utf-8")
        _run(BARE)
        _run([*POS, "settle"], request)  # warm: the file cache, and the policy validated once
        pairs = [(_run(BARE), _run([*POS, "settle"], request)) for _ in range(runs)]
    return {
        "runs": runs,
        "bare_ms": statistics.median(b["wall"] for b, _ in pairs) * 1e3,
        "settle_ms": statistics.median(p["wall"] for _, p in pairs) * 1e3,
        "ratio": _spread([p["wall"] / b["wall"] for b, p in pairs]),
        "cpu_ratio": _spread([p["cpu"] / b["cpu"] for b, p in pairs]),
        "goal": START_GOAL,
        "met": statistics.median(p["wall"] / b["wall"] for b, p in pairs) <= START_GOAL,
    }


def _same_answers(path: Path) -> None:
    """The comparison means something only if both give the same results, byte for byte."""
    with open(path, "rb") as fin:
        naive = subprocess.run(
            [sys.executable, "-m", "pos.bench.naive_settle"],
            stdin=fin,
            capture_output=True,
            env=_env(),
        )
    with open(path, "rb") as fin:
        product = subprocess.run(
            [*POS, "settle", "--jsonl"], stdin=fin, capture_output=True, env=_env()
        )
    if naive.returncode or product.returncode or naive.stdout != product.stdout:
        raise RuntimeError("the naive baseline and pos settle --jsonl disagree")


def bench_jsonl(n: int, runs: int, stream=varied_requests) -> dict:
    """`pos settle --jsonl` beside the naive baseline over the same n requests, pair by pair."""
    with tempfile.TemporaryDirectory(prefix="pos-bench-jsonl-") as tmp:
        path = Path(tmp) / "requests.jsonl"
        with open(path, "wb") as fh:
            fh.writelines(stream(n))
        _same_answers(path)  # also the warm-up of both
        naive_cmd = [sys.executable, "-m", "pos.bench.naive_settle"]
        pairs = [
            (_run(naive_cmd, path), _run([*POS, "settle", "--jsonl"], path)) for _ in range(runs)
        ]
    speedups = [nv["wall"] / p["wall"] for nv, p in pairs]
    return {
        "n": n,
        "runs": runs,
        "naive_per_s": n / statistics.median(nv["wall"] for nv, _ in pairs),
        "product_per_s": n / statistics.median(p["wall"] for _, p in pairs),
        "ratio": _spread(speedups),
        "cpu_ratio": _spread([nv["cpu"] / p["cpu"] for nv, p in pairs]),
        "goal": JSONL_GOAL,
        "met": statistics.median(speedups) >= JSONL_GOAL,
    }


# A small launcher between this process and the measured one: a child's peak RSS on Linux starts
# from its parent's at exec time, and this parent holds the product's models; the launcher holds
# about a bare interpreter, below what `pos settle` needs, so the figure is the child's own.
_LAUNCHER = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "_, status, usage = os.wait4(p.pid, 0)\n"
    "print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)\n"
)


def _peak_rss(n: int) -> float:
    """Peak RSS (MiB) of `pos settle --jsonl` answering n requests fed through a pipe."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _LAUNCHER, *POS, "settle", "--jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=_env(),
    )
    assert proc.stdin is not None and proc.stdout is not None

    def feed() -> None:
        with proc.stdin:  # type: ignore[union-attr]
            for line in varied_requests(n):
                proc.stdin.write(line)  # type: ignore[union-attr]

    feeder = threading.Thread(target=feed)
    feeder.start()
    report = proc.stdout.read().decode()
    feeder.join()
    proc.wait()
    code, max_kib = map(int, report.split())
    if code != 0:
        raise RuntimeError(f"pos settle --jsonl exited {code}")
    return max_kib / 1024


def bench_memory(sizes: list[int]) -> dict:
    peaks = {n: _peak_rss(n) for n in sizes}
    growth = peaks[max(sizes)] / peaks[min(sizes)]
    return {
        "peak_rss_mib": {str(n): mib for n, mib in peaks.items()},
        "growth": growth,
        "goal": MEMORY_FLAT,
        "met": growth <= MEMORY_FLAT,
    }


def bench_settle(start_runs: int, jsonl_n: int, jsonl_runs: int, memory_sizes: list[int]) -> dict:
    return {
        "start": bench_start(start_runs),
        "jsonl": bench_jsonl(jsonl_n, jsonl_runs),
        "jsonl_unique": bench_jsonl(jsonl_n, jsonl_runs, unique_requests),
        "memory": bench_memory(memory_sizes),
    }


def _ratio(r: dict) -> str:
    return f"{r['median']:.2f}× ({r['min']:.2f}–{r['max']:.2f})"


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def rows(r: dict) -> list[tuple[str, str, str, str, str]]:
    """The README's performance rows: figure | baseline | ratio median (min–max) | goal | met."""
    s, j, u, m = r["start"], r["jsonl"], r["jsonl_unique"], r["memory"]
    sizes = sorted(m["peak_rss_mib"], key=int)
    return [
        (
            f"`pos settle`, one request ({s['settle_ms']:.0f} ms)",
            f"`python -c 'import json, decimal'` ({s['bare_ms']:.0f} ms)",
            _ratio(s["ratio"]),
            f"≤ {s['goal']:.0f}×",
            _met(s["met"]),
        ),
        (
            f"`pos settle --jsonl`, {j['n']:,} requests ({j['product_per_s']:,.0f}/s)",
            f"naive contract, dicts + Decimal + json ({j['naive_per_s']:,.0f}/s)",
            _ratio(j["ratio"]) + " as fast",
            f"≥ {j['goal']:.0f}×",
            _met(j["met"]),
        ),
        (
            f"`pos settle --jsonl`, {u['n']:,} requests, no bill line repeated"
            f" ({u['product_per_s']:,.0f}/s)",
            f"the same naive contract on the same stream ({u['naive_per_s']:,.0f}/s)",
            _ratio(u["ratio"]) + " as fast",
            f"≥ {u['goal']:.0f}×",
            _met(u["met"]),
        ),
        (
            "`pos settle --jsonl` peak RSS, "
            + " → ".join(f"{int(n):,}: {m['peak_rss_mib'][n]:.0f} MiB" for n in sizes),
            f"the same at {int(sizes[0]):,} requests",
            f"{m['growth']:.2f}×",
            f"≤ {m['goal']}× (flat)",
            _met(m["met"]),
        ),
    ]


def print_settle(r: dict) -> None:
    s, j, u = r["start"], r["jsonl"], r["jsonl_unique"]
    print("settle: the pure CLI as whole processes, each pair run back to back")
    print(
        f"  start: {s['runs']} pairs; CPU-time ratio {_ratio(s['cpu_ratio'])}"
        f" (wall is the figure below)"
    )
    print(
        f"  jsonl: {j['runs']} pairs of {j['n']:,} requests, the same answers byte for byte;"
        f" CPU-time ratio {_ratio(j['cpu_ratio'])}"
    )
    print(
        f"  jsonl, no bill line repeated: {u['runs']} pairs of {u['n']:,} requests;"
        f" CPU-time ratio {_ratio(u['cpu_ratio'])}"
    )
    print("| figure | baseline | ratio median (min–max) | goal | met |")
    print("|---|---|---|---|---|")
    for row in rows(r):
        print("| " + " | ".join(row) + " |")

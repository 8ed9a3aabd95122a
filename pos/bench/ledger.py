"""`pos bench ledger`: committed settlements (2204 + 2207) per second against the floor.

The floor is the same count of bare single-row INSERT transactions through SQLAlchemy on the same
database: what one commit costs there, whatever the disk. A settlement is two commits (the fee
upload and the settlement) plus the reads, locks and journal rows of real co-payment; the target
is at most 6× the floor. Each database runs in a scratch place of its own (a temporary SQLite
file; a `pos_bench` schema on PostgreSQL), never in the application's tables.
"""

from __future__ import annotations

import multiprocessing
import statistics
import tempfile
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, String, Table, insert
from sqlalchemy.orm import Session

from engine.center import Center, seed_center
from engine.center.models import CenterBase
from engine.db import is_sqlite, scratch_engine
from pos.bench.loadgen import STATION, child, giver, write_load_fixtures
from pos.bench.station import Station

TARGET = 6.0
STATIONS = 4
SCHEMA = "pos_bench"
LINES = [
    ("HS00045", "10.00", "1"),
    ("HD00001", "12.50", "2"),
    ("HD00002", "28.60", "1"),
    ("HE00031", "150.00", "1"),
]
CLOCK = datetime(2025, 6, 15, 9, 30)

_floor = MetaData()
FLOOR = Table(
    "bench_floor", _floor, Column("id", Integer, primary_key=True), Column("note", String(40))
)


def _engine(url: str):
    return scratch_engine(url, SCHEMA)


def _prepare(url: str, scratch: Path) -> None:
    engine = _engine(url)
    for md in (CenterBase.metadata, _floor):
        md.drop_all(engine)
        md.create_all(engine)
    # One giver per station: concurrent stations share no row lock, as at a real hospital.
    fixtures = write_load_fixtures(
        scratch,
        children=STATIONS,
        givers=STATIONS,
        balance=Decimal("99999999.00"),
        quota=Decimal("99999999.00"),
    )
    with Session(engine) as s:
        seed_center(s, fixtures, year=CLOCK.year)
        s.commit()
    engine.dispose()


def _floor_run(url: str, n: int) -> float:
    engine = _engine(url)
    with engine.begin() as conn:  # warm: a pooled connection, a compiled statement
        conn.execute(insert(FLOOR).values(note="warm"))
    start = time.perf_counter()
    for i in range(n):
        with engine.begin() as conn:
            conn.execute(insert(FLOOR).values(note=f"floor {i}"))
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed


class _Desk:
    """One station with an open visit for load child `who`, ready to settle batch after batch."""

    def __init__(self, url: str, who: int) -> None:
        self.engine = _engine(url)
        self.center = Center(self.engine, clock=lambda: CLOCK)
        self.station = Station(self.center, STATION, prefix=f"BENCH{who}-{time.time_ns()}")
        self.psn_no, certno = child(who)
        self.giver = giver(who)
        self.cert = ("02", certno)
        self.mdtrt_id = self.station.open_visit(
            self.psn_no, "390", self.cert, "11", f"MZ-{self.station.prefix}"
        )
        self.batches = 0

    def settle(self, n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            self.batches += 1
            batch = f"B{self.batches}"
            total = self.station.upload(self.mdtrt_id, self.psn_no, batch, LINES)
            data = Station.settle_input(
                self.psn_no,
                self.cert,
                self.mdtrt_id,
                batch,
                total,
                insutype="390",
                med_type="11",
                givers=[self.giver],
            )
            self.station.send("2207", data)
        return time.perf_counter() - start


def _station_process(kind: str, url: str, n: int, who: int, barrier, results) -> None:
    if kind == "settle":
        desk = _Desk(url, who)
        desk.settle(3)  # warm
        run = desk.settle
    else:
        _floor_run(url, 3)

        def run(k: int) -> float:
            return _floor_run(url, k)

    barrier.wait()
    start = time.monotonic()  # system-wide on Linux: comparable across processes
    run(n)
    results.put((start, time.monotonic()))


def _concurrent(kind: str, url: str, per: int) -> float:
    """Wall time for STATIONS processes doing `per` operations each, started together."""
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(STATIONS), ctx.Queue()
    procs = [
        ctx.Process(target=_station_process, args=(kind, url, per, who, barrier, results))
        for who in range(STATIONS)
    ]
    for p in procs:
        p.start()
    spans = [results.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    return max(end for _, end in spans) - min(start for start, _ in spans)


def bench_ledger(
    n: int, urls: dict[str, str | None], *, rounds: int = 5, concurrent: bool = True
) -> dict:
    """{name: {floor_tps, settle_tps, ratio, …}} for each database URL (None = a temporary SQLite).

    Floor and settlements alternate for `rounds` rounds of n each, so both see the same
    machine; each round gives a ratio, and the figure is their median (with min–max).
    """
    results = {}
    with tempfile.TemporaryDirectory(prefix="pos-bench-") as tmp:
        for name, url in urls.items():
            url = url or f"sqlite:///{Path(tmp) / f'bench-{name}.sqlite3'}"
            _prepare(url, Path(tmp) / f"fx-{name}")
            desk = _Desk(url, 0)
            desk.settle(max(5, n // 20))  # warm up: imports, caches, prepared statements
            ratios, floors, settles, cpus = [], [], [], []
            for _ in range(rounds):
                floors.append(_floor_run(url, n))
                cpu = time.process_time()
                settles.append(desk.settle(n))
                cpus.append(time.process_time() - cpu)
                ratios.append(settles[-1] / floors[-1])
            desk.engine.dispose()
            ratio = statistics.median(ratios)
            row = {
                "n": n,
                "rounds": rounds,
                "floor_tps": n / statistics.median(floors),
                "settle_tps": n / statistics.median(settles),
                "ratio": ratio,
                "ratio_min": min(ratios),
                "ratio_max": max(ratios),
                # Per settlement (2204 + 2207): wall and this process's CPU, in ms, beside the
                # floor's INSERT commit: where the ratio's time goes, client or database.
                "settle_ms": statistics.median(settles) / n * 1e3,
                "cpu_ms": statistics.median(cpus) / n * 1e3,
                "floor_ms": statistics.median(floors) / n * 1e3,
                "target_ratio": TARGET,
                "met": ratio <= TARGET,
            }
            if concurrent and not is_sqlite(url):
                per = max(1, n // STATIONS)
                row["concurrent_stations"] = STATIONS
                row["concurrent_floor_tps"] = per * STATIONS / _concurrent("floor", url, per)
                row["concurrent_settle_tps"] = per * STATIONS / _concurrent("settle", url, per)
                row["concurrent_ratio"] = row["concurrent_floor_tps"] / row["concurrent_settle_tps"]
            results[name] = row
    return results


def print_ledger(results: dict) -> None:
    print(
        "ledger: committed settlements (2204 upload + 2207 settle with co-pay) vs bare INSERT commits"
    )
    for name, r in results.items():
        ok = "met" if r["met"] else "NOT MET"
        print(f"  {name}:")
        print(
            f"    floor (single-row INSERT txns):  {r['floor_tps']:9,.0f} /s (median of {r['rounds']})"
        )
        print(f"    settlements:                     {r['settle_tps']:9,.0f} /s")
        print(
            f"    ratio settlement / floor:        {r['ratio']:9.2f}× "
            f"({r['ratio_min']:.2f}–{r['ratio_max']:.2f}; goal ≤ {r['target_ratio']:.0f}×) {ok}"
        )
        print(
            f"    per settlement:                  {r['settle_ms']:9.2f} ms wall, "
            f"{r['cpu_ms']:.2f} ms client CPU (floor {r['floor_ms']:.2f} ms per INSERT commit)"
        )
        if "concurrent_settle_tps" in r:
            ok = "met" if r["concurrent_ratio"] <= r["target_ratio"] else "NOT MET"
            print(
                f"    {r['concurrent_stations']} stations at once: floor {r['concurrent_floor_tps']:,.0f} /s, "
                f"settlements {r['concurrent_settle_tps']:,.0f} /s, ratio {r['concurrent_ratio']:.2f}× {ok}"
            )

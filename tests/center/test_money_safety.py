"""Money safety under load and under crashes: 4 stations × 100 co-pay settlements against one
giver, and SIGKILL in the middle of a settlement loop. SQLite always, PostgreSQL when marked."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.center import check_center, seed_center
from engine.center.models import (
    CenterAccount,
    CenterBase,
    CenterBinding,
    CenterJournal,
    CenterSettlement,
)
from engine.db import make_engine
from pos.bench.loadgen import GIVER, child, write_load_fixtures

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("worker.py")
START = Decimal("2000.00")
QUOTA = Decimal("600.00")
STATIONS = 4
PER_STATION = 100


def _prepare(url: str, tmp: Path):
    engine = make_engine(url)
    CenterBase.metadata.drop_all(engine)
    CenterBase.metadata.create_all(engine)
    with Session(engine) as s:
        seed_center(
            s,
            write_load_fixtures(tmp / "fx", children=STATIONS, balance=START, quota=QUOTA),
            year=2025,
        )
        s.commit()
    return engine


def _spawn(url: str, n: int, count: int, prefix: str = "W") -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WORKER), url, f"{prefix}{n}", child(n)[1], GIVER, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def _assert_books(engine) -> dict:
    with Session(engine) as s:
        assert check_center(s) == []
        giver = s.get(CenterAccount, GIVER)
        debits = s.execute(
            select(func.sum(CenterJournal.amount)).where(
                CenterJournal.psn_no == GIVER, CenterJournal.kind != "opening"
            )
        ).scalar_one() or Decimal(0)
        assert giver.balance == START + debits >= 0
        paid = s.execute(
            select(func.sum(CenterSettlement.acct_mulaid_pay))
        ).scalar_one() or Decimal(0)
        assert paid == -debits
        for b in s.execute(
            select(CenterBinding).where(CenterBinding.giver_psn_no == GIVER)
        ).scalars():
            assert Decimal(0) <= b.quota_used <= b.quota
        return {"balance": giver.balance, "paid": paid}


@pytest.mark.slow
def test_four_stations_one_giver(db_url, tmp_path):
    engine = _prepare(db_url, tmp_path)
    procs = [_spawn(db_url, n, PER_STATION) for n in range(STATIONS)]
    summaries = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err[-2000:]
        summaries.append(json.loads(out.strip().splitlines()[-1]))
    assert sum(s["settled"] for s in summaries) == STATIONS * PER_STATION
    books = _assert_books(engine)
    # Demand (4 × 100 × 25.00) is far above the money: the giver is drained, never overdrawn.
    assert books["balance"] == 0 and books["paid"] == START
    assert sum(Decimal(s["mulaid"]) for s in summaries) == START
    with Session(engine) as s:
        assert (
            s.execute(select(func.count()).select_from(CenterSettlement)).scalar_one()
            == STATIONS * PER_STATION
        )
    engine.dispose()


@pytest.mark.slow
def test_sigkill_mid_loop_leaves_whole_books(db_url, tmp_path):
    engine = _prepare(db_url, tmp_path)
    for round_, delay in enumerate((0.0, 0.013, 0.031)):
        procs = [_spawn(db_url, n, 10_000, prefix=f"K{round_}-") for n in range(2)]
        # Let them get going (a few settlements each), then kill both mid-flight.
        reported = []
        for p in procs:
            for _ in range(3 + round_):
                line = p.stdout.readline()
                assert line.startswith("ok"), p.stderr.read()[-2000:]
                reported.append(line.split()[1])
        time.sleep(delay)
        for p in procs:
            os.kill(p.pid, signal.SIGKILL)
        for p in procs:
            p.wait(timeout=30)
            assert p.returncode == -signal.SIGKILL
            p.stdout.close()
            p.stderr.close()
        _assert_books(engine)  # every settlement whole or absent, every cached column proved
        with Session(engine) as s:  # and every settlement a station was told about is there
            for setl_id in reported:
                assert s.get(CenterSettlement, setl_id) is not None
    engine.dispose()

"""SIGKILL a window mid-settlement: after the cashier's 冲正 of what was in flight, `pos db check`
is clean and every settlement the window reported is there, whole."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from pos.database import open_database
from pos.services.desk import CashierDesk
from pos.store.models import Settlement
from tests.hospital.helpers import BT_HOSPITAL, PIN_COST, pg_url_or_skip

ROOT = Path(__file__).resolve().parents[2]


def _kill_after(url: str, settled: int, rng: random.Random) -> list[str]:
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.hospital.kill_worker", url],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = []
    while len(seen) < settled:
        line = worker.stdout.readline()
        if not line:
            pytest.fail(f"worker stopped early: {worker.stderr.read()}")
        seen.append(line.strip())
    # Somewhere inside the next settlement: between messages, or between the two commits.
    subprocess.run(["sleep", f"{rng.uniform(0, 0.08):.3f}"], check=True)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    seen += [line.strip() for line in worker.stdout.read().splitlines() if line.strip()]
    return seen


def _pos_db_check(url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pos.cli", "db", "check", "--db", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_sigkill_mid_settlement_then_reversal_leaves_the_books_whole(backend, tmp_path):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'kill.sqlite3'}"
        db = open_database(url, pin_cost=PIN_COST)
    else:
        from pos.database import drop_everything

        url = pg_url_or_skip()
        db = open_database(url, seed_if_empty=False)
        drop_everything(db.engine)
        db.dispose()
        db = open_database(url, pin_cost=PIN_COST)
    db.dispose()

    rng = random.Random(20251123)
    reported: list[str] = []
    for _ in range(3):
        reported += _kill_after(url, rng.randint(2, 4), rng)
        # The next cashier at this window first settles what was in flight (冲正).
        db = open_database(url)
        desk = CashierDesk(db, BT_HOSPITAL)
        desk.login("1002", "222222")
        for lost in desk.pending_reversals():
            desk.reverse_lost(lost.msgid)
        db.dispose()
        check = _pos_db_check(url)
        assert check.returncode == 0, check.stdout + check.stderr

    db = open_database(url)
    with db.reading() as s:
        stored = set(s.scalars(select(Settlement.setl_id)))
    db.dispose()
    assert set(reported) <= stored
    assert len(reported) >= 6

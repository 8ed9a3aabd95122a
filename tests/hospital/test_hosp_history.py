"""`pos db seed --history N`: past days made at the desks, deterministic, consistent books."""

from __future__ import annotations

import shutil
from datetime import timedelta

from sqlalchemy import select

from pos.database import open_database
from pos.services.desk import CashierDesk
from pos.services.history import make_history
from pos.store.models import DayClose, Settlement
from tests.hospital.helpers import BT_HOSPITAL, NOW, Clock, problems


def _rows(db):
    with db.reading() as s:
        return [
            (r.setl_id, r.receipt_no, r.kind, r.setl_time, r.cashier_no, r.medfee_sumamt,
             r.psn_cash_pay)
            for r in s.scalars(select(Settlement).order_by(Settlement.id))
        ]  # fmt: skip


def test_history_is_made_at_the_desks_and_is_the_same_twice(tmp_path, template_db):
    dbs = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.sqlite3"
        shutil.copyfile(template_db, path)
        dbs.append(open_database(f"sqlite:///{path}"))
    a, b = dbs
    counts = make_history(a, 2, until=NOW.date())
    make_history(b, 2, until=NOW.date())
    assert counts.days == 2 and counts.settlements >= 8 and counts.closes >= 4
    assert _rows(a) == _rows(b)  # same seed, same days: the same books
    assert problems(a) == []
    rows = _rows(a)
    first_day = NOW.date() - timedelta(days=2)
    assert {r[3].date() for r in rows} <= {first_day, first_day + timedelta(days=1)}
    assert {r[2] for r in rows} >= {"settle"}
    with a.reading() as s:
        closes = list(s.scalars(select(DayClose)))
    assert all(c.drawer_counted is not None for c in closes)
    # A class starts on it: today's window finds yesterday's receipt and nothing is left open.
    desk = CashierDesk(a, BT_HOSPITAL, clock=Clock())
    desk.login("1001", "111111")
    yesterday = next(r for r in rows if r[4] == "1001")
    [found] = desk.find_settlements(yesterday[1])
    assert found.settlement.setl_id == yesterday[0]
    assert desk.pending_reversals() == []
    for db in dbs:
        db.dispose()


def test_pos_db_seed_history_cli(tmp_path, template_db, capsys):
    from pos.cli import main

    path = tmp_path / "cli.sqlite3"
    shutil.copyfile(template_db, path)
    url = f"sqlite:///{path}"
    until = NOW.date().isoformat()
    assert main(["db", "seed", "--db", url, "--history", "1", "--until", until]) == 0
    assert "settlements" in capsys.readouterr().out
    # Only into fresh books: a second run refuses and changes nothing.
    assert main(["db", "seed", "--db", url, "--history", "1", "--until", until]) == 1
    assert "fresh database" in capsys.readouterr().err
    assert main(["db", "seed", "--db", url, "--history", "0"]) == 2
    assert main(["audit", "verify", "--db", url]) == 0

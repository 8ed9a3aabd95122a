"""One clock, China time: on a host set to UTC, a settlement made just after midnight China time
(still the previous day in UTC) carries the same day everywhere — the receipt, the center's
setl_id and refmsg_time, day close and 3201."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pos.clock import CHINA
from pos.database import open_database
from pos.services.desk import CashierDesk
from pos.services.link import MsgIds
from pos.services.views import TenderInput

# 00:30 on 26 Nov in China is 16:30 on 25 Nov in UTC (this process runs with TZ=UTC).
instant = datetime(2026, 11, 25, 16, 30, tzinfo=timezone.utc)
now = [instant]

def clock():
    now[0] += timedelta(seconds=1)
    return now[0]

db = open_database(sys.argv[1], pin_cost=2)
desk = CashierDesk(db, "H65270100001-01", clock=clock, msgids=MsgIds(1))
desk.login("1001", "111111")
desk.identify("652701198403120319")
desk.open_visit("11")
desk.add_line("HD00001", "1")
pre = desk.presettle()
done = desk.settle([TenderInput("cash", pre.psn_cash_pay, pre.psn_cash_pay)])
replies = [r.response for r in desk.exchanges() if r.infno == "2207"]
close = desk.day_close()
recon = desk.reconcile()
receipt, _ = desk.documents(done)
from pos.printing import render_text
print(json.dumps({
    "local_hour": datetime.now().astimezone().utcoffset().total_seconds() / 3600,
    "setl_time": done.settlement.setl_time.astimezone(CHINA).date().isoformat(),
    "setl_id": done.settlement.setl_id,
    "refmsg_time": replies[-1]["refmsg_time"],
    "closed": close.settle_count,
    "recon_day": recon.day.isoformat(),
    "recon_counted": sum(line.setl_cnt for line in recon.lines),
    "receipt": render_text(receipt, 48),
}))
"""


def test_a_settlement_after_midnight_china_time_is_on_the_china_day_everywhere(tmp_path):
    env = {**os.environ, "TZ": "UTC", "PYTHONPATH": str(ROOT)}
    url = f"sqlite:///{tmp_path / 'pos.sqlite3'}"
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, url],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["local_hour"] == 0  # the host really is on UTC
    day = "2026-11-26"
    assert got["setl_time"] == day
    assert "20261126" in got["setl_id"]
    assert got["refmsg_time"].startswith("20261126")
    assert got["closed"] == 1
    assert got["recon_day"] == day and got["recon_counted"] == 1
    assert "2026-11-26 00:30" in got["receipt"]

"""A cashier station in its own process, for the concurrency and crash tests (and by hand).

    python tests/center/worker.py URL PREFIX BENEFICIARY_CERTNO GIVER_PSN_NO COUNT

Opens one visit for the beneficiary, then COUNT times: uploads a batch (2204) and settles it
(2207) with the giver's co-pay, falling back to no co-pay when the giver can no longer pay.
Prints one line per settlement ("ok <setl_id> <acct_mulaid_pay>") and a JSON summary at the end.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from engine.center import Center
from engine.db import make_engine
from pos.bench.station import Refused, Station

STATION = "H65270100001"
LINES = [("HD00001", "12.50", "2")]


def main(url: str, prefix: str, certno: str, giver: str, count: int) -> None:
    center = Center(make_engine(url), clock=lambda: datetime(2025, 6, 15, 9, 30))
    station = Station(center, STATION, prefix=prefix)
    person = station.identify("02", certno)["baseinfo"]
    psn_no = person["psn_no"]
    mdtrt_id = station.open_visit(psn_no, "390", ("02", certno), "11", f"MZ-{prefix}")
    summary = {"settled": 0, "with_copay": 0, "fallback": 0, "mulaid": "0.00"}
    total_mulaid = 0
    for n in range(count):
        batch = f"{prefix}-{n}"
        total = station.upload(mdtrt_id, psn_no, batch, LINES)
        args = dict(insutype="390", med_type="11")
        try:
            out = station.send(
                "2207",
                Station.settle_input(
                    psn_no, ("02", certno), mdtrt_id, batch, total, givers=[giver], **args
                ),
            )
            summary["with_copay"] += 1
        except Refused:
            out = station.send(
                "2207", Station.settle_input(psn_no, ("02", certno), mdtrt_id, batch, total, **args)
            )
            summary["fallback"] += 1
        info = out["setlinfo"]
        total_mulaid += int(str(info["acct_mulaid_pay"]).replace(".", ""))
        summary["settled"] += 1
        print("ok", info["setl_id"], info["acct_mulaid_pay"], flush=True)
    summary["mulaid"] = f"{total_mulaid / 100:.2f}"
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))

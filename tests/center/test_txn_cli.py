"""`pos txn`: JSON Lines in, JSON Lines out, many messages in one process."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from engine.center import Center
from pos.commands.txn import run_lines

ROOT = Path(__file__).resolve().parents[2]


def test_run_lines_answers_every_line(engine, clock, people):
    aili = people["艾力·买买提"]
    lines = [
        json.dumps(
            {
                "infno": "1101",
                "fixmedins_code": "H65270100001",
                "input": {"mdtrt_cert_type": "02", "mdtrt_cert_no": aili.certno},
            }
        ),
        "",
        "not json",
        json.dumps({"infno": "9999", "input": {}}),
        '{"infno": "1101", "input": {"mdtrt_cert_type": "02", "mdtrt_cert_no": 652701}}',
    ]
    out = io.StringIO()
    run_lines(Center(engine, clock=clock), io.StringIO("\n".join(lines) + "\n"), out)
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [a["infcode"] for a in answers] == [0, -1, -1, -1, -1]  # a blank line is answered too
    assert answers[0]["output"]["baseinfo"]["psn_no"] == aili.psn_no
    assert "line 2: blank" in answers[1]["err_msg"]
    assert "line 3" in answers[2]["err_msg"] and "9999" in answers[3]["err_msg"]


def test_pos_txn_subprocess_with_lost_response(engine, db_url, people):
    aili = people["艾力·买买提"]
    station = {"fixmedins_code": "H65270100001"}
    visit = [
        {
            "infno": "2201",
            "msgid": "CLI-1",
            **station,
            "input": {
                "psn_no": aili.psn_no,
                "insutype": "310",
                "begntime": "2025-06-15 09:00:00",
                "mdtrt_cert_type": "03",
                "mdtrt_cert_no": aili.card_no,
                "ipt_otp_no": "CLI",
            },
        },
    ]
    text = "\n".join(json.dumps(m, ensure_ascii=False) for m in visit) + "\n"
    cmd = [
        sys.executable,
        "-m",
        "pos.cli",
        "txn",
        "--db",
        db_url,
        "--no-init",
        "--clock",
        "2025-06-15T09:30:00",
        "--lose-response",
        "2201",
    ]
    done = subprocess.run(cmd, input=text, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["infcode"] == -1 and "timeout" in answer["err_msg"]
    # It did commit: the same msgid again (no fault now) answers the stored registration.
    cmd = cmd[:-2]
    again = subprocess.run(cmd, input=text, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert json.loads(again.stdout)["output"]["data"]["mdtrt_id"] == "000000000001"

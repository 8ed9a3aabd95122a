"""`pos txn` under hostile input (issue 9): no traceback, one answer per line, in order."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.center import Center
from pos.commands.txn import run_lines
from tests.hostile import RAW_LINES, check_answers, line_strategy

ROOT = Path(__file__).resolve().parents[2]


def _templates(people) -> list[dict]:
    aili = people["艾力·买买提"]
    code = {"fixmedins_code": "H65270100001"}
    return [
        {"infno": "1101", **code, "input": {"mdtrt_cert_type": "02", "mdtrt_cert_no": aili.certno}},
        {
            "infno": "5203",
            **code,
            "input": {"psn_no": aili.psn_no, "setl_id": "X", "mdtrt_id": "Y"},
        },
        {
            "infno": "3201",
            **code,
            "input": {
                "insutype": "310",
                "clr_type": "11",
                "setl_optins": "652701",
                "stmt_begndate": "2025-06-15",
                "stmt_enddate": "2025-06-15",
                "medfee_sumamt": "0.00",
                "fund_pay_sumamt": "0.00",
                "acct_pay": "0.00",
                "fixmedins_setl_cnt": 0,
            },
        },
    ]


KEYS = ["infno", "fixmedins_code", "msgid", "input", "mdtrt_cert_no", "medfee_sumamt", "psn_no"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fuzz_txn_one_answer_per_line_in_order(engine, clock, people, data):
    templates = _templates(people)
    lines = data.draw(st.lists(line_strategy(templates, KEYS), min_size=1, max_size=8))
    good = json.dumps(templates[0], ensure_ascii=False).encode()
    out = io.StringIO()
    run_lines(Center(engine, clock=clock), io.BytesIO(b"\n".join([*lines, good]) + b"\n"), out)
    answers = check_answers(out.getvalue(), len(lines) + 1)
    assert all(a["infcode"] in (0, -1) for a in answers)
    assert answers[-1]["infcode"] == 0
    for raw, answer in zip(lines, answers, strict=False):
        if raw == good:
            assert answer["infcode"] == 0


def test_pos_txn_real_command_line_survives_hostile_bytes(engine, db_url, people):
    good = json.dumps(_templates(people)[0], ensure_ascii=False).encode()
    data = b"\n".join([good, *RAW_LINES, good]) + b"\n"
    cmd = [sys.executable, "-m", "pos.cli", "txn", "--db", db_url, "--no-init"]
    done = subprocess.run(cmd, input=data, capture_output=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr[-2000:]
    answers = check_answers(done.stdout.decode("utf-8"), len(RAW_LINES) + 2)
    assert answers[0]["infcode"] == answers[-1]["infcode"] == 0
    assert all(a["infcode"] == -1 for a in answers[1:-1])

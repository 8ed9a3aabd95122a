"""`pos settle` and `pos settle --jsonl` under hostile input (issue 9): no traceback, ever; one
answer per input line, in order; a bad line costs only its own answer."""

from __future__ import annotations

import io
import json
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from pos.commands.settle import run_jsonl, run_one
from tests.hostile import RAW_LINES, check_answers, line_strategy
from tests.test_settle_contract import EXAMPLE_A, EXPECTED_A

GOOD = json.dumps(EXAMPLE_A, ensure_ascii=False).encode()
TEMPLATE = {**EXAMPLE_A, "acct": {"balc": "150.00", "used": True}}
KEYS = ["insutype", "ytd", "items", "acct", "mulaid", "params", "policy", "hosp_lv"]


def jsonl(data: bytes) -> str:
    out = io.StringIO()
    assert run_jsonl(io.BytesIO(data), out, "en") == 0
    return out.getvalue()


@settings(max_examples=80, deadline=None)
@given(st.lists(line_strategy([EXAMPLE_A, TEMPLATE], KEYS), min_size=1, max_size=8))
def test_fuzz_jsonl_one_answer_per_line_in_order(lines):
    answers = check_answers(jsonl(b"\n".join([*lines, GOOD]) + b"\n"), len(lines) + 1)
    assert answers[-1]["setlinfo"] == EXPECTED_A  # a good line after any garbage is still answered
    for raw, answer in zip(lines, answers, strict=False):
        if raw == GOOD:
            assert answer["setlinfo"] == EXPECTED_A


@settings(max_examples=80, deadline=None)
@given(line_strategy([EXAMPLE_A, TEMPLATE], KEYS))
def test_fuzz_one_request_exits_0_or_2_with_one_line(raw):
    out, err = io.StringIO(), io.StringIO()
    code = run_one(io.BytesIO(raw), out, err, "en")
    if code == 0:
        assert json.loads(out.getvalue())["setlinfo"] and err.getvalue() == ""
    else:
        assert code == 2 and out.getvalue() == ""
        assert len(err.getvalue().splitlines()) == 1


def test_a_bad_line_does_not_lose_the_answers_before_it():
    """The probe: one undecodable line lost every answer of the stream, earlier ones included."""
    data = b"\n".join([GOOD, GOOD, b"\xff\xfe", b"", b'"\\ud800"', GOOD]) + b"\n"
    answers = check_answers(jsonl(data), 6)
    assert [("setlinfo" in a) for a in answers] == [True, True, False, False, False, True]
    assert "UTF-8" in answers[2]["error"] and "blank" in answers[3]["error"]
    assert "surrogate" in answers[4]["error"]


def test_a_last_line_without_newline_is_answered():
    answers = check_answers(jsonl(GOOD + b"\n" + GOOD), 2)
    assert all("setlinfo" in a for a in answers)


def test_the_real_command_line_survives_hostile_bytes():
    data = b"\n".join([GOOD, *RAW_LINES, GOOD]) + b"\n"
    done = subprocess.run(
        [sys.executable, "-m", "pos.cli", "settle", "--jsonl"],
        input=data,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr[-2000:]
    answers = check_answers(done.stdout.decode("utf-8"), len(RAW_LINES) + 2)
    assert answers[0]["setlinfo"] == answers[-1]["setlinfo"] == EXPECTED_A
    for raw in (b"\xff\xfe", b"[" * 100_000, b'{"policy": "\\ud800"}'):
        one = subprocess.run(
            [sys.executable, "-m", "pos.cli", "settle"], input=raw, capture_output=True, timeout=60
        )
        assert one.returncode == 2 and one.stdout == b"", one.stderr[-2000:]
        assert b"Traceback" not in one.stderr and len(one.stderr.splitlines()) == 1


# ---------------------------------------------------------------- loose amounts (issue 9, item 3)


def _with(path: list, value) -> str:
    data = json.loads(json.dumps(EXAMPLE_A))
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return json.dumps(data, ensure_ascii=False)


def test_loose_amounts_are_refused_naming_the_field():
    for text in ["１２", "١٢", "१२", "1_000", "1e2", "+12.50", "12.50\u00a0", "1e400"]:
        out, err = io.StringIO(), io.StringIO()
        assert run_one(io.StringIO(_with(["items", 0, "pric"], text)), out, err, "en") == 2, text
        assert err.getvalue().startswith("items[0].pric"), err.getvalue()


def test_json_numbers_are_read_exactly_within_bounds():
    ok = _with(["items", 0, "pric"], "@").replace('"@"', "10.00")
    out, err = io.StringIO(), io.StringIO()
    assert run_one(io.StringIO(ok), out, err, "en") == 0, err.getvalue()
    huge = _with(["items", 0, "pric"], "@").replace('"@"', "1e400")
    assert run_one(io.StringIO(huge), io.StringIO(), err, "en") == 2


def test_minus_zero_is_never_printed():
    text = _with(["items", 0, "pric"], "-0.00")
    out = io.StringIO()
    assert run_one(io.StringIO(text), out, io.StringIO(), "en") == 0
    assert "-0.00" not in out.getvalue() and json.loads(out.getvalue())["setlinfo"]


def test_null_for_an_optional_field_means_absent():
    """`"acct": null` is a person with no personal account, as the contract says."""
    absent = {k: v for k, v in EXAMPLE_A.items() if k != "acct"}
    a, b = io.StringIO(), io.StringIO()
    assert run_one(io.StringIO(json.dumps({**absent, "acct": None})), a, io.StringIO(), "en") == 0
    assert run_one(io.StringIO(json.dumps(absent)), b, io.StringIO(), "en") == 0
    assert a.getvalue() == b.getvalue()

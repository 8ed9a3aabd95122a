"""`pos settle`: bad input exits 2 with one line on stderr naming the field; nothing on stdout."""

from __future__ import annotations

import copy
import io
import json
import subprocess
import sys

import pytest

from pos.commands.settle import run_jsonl, run_one
from tests.test_settle_contract import EXAMPLE_A, EXPECTED_A


def call(text: str, lang: str = "zh") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_one(io.StringIO(text), out, err, lang)
    return code, out.getvalue(), err.getvalue()


def mutated(path: list, value) -> str:
    data = copy.deepcopy(EXAMPLE_A)
    node = data
    for key in path[:-1]:
        node = node[key]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return json.dumps(data, ensure_ascii=False)


def test_good_request_prints_the_contract_result():
    code, out, err = call(json.dumps(EXAMPLE_A, ensure_ascii=False))
    assert code == 0 and err == ""
    assert json.loads(out)["setlinfo"] == EXPECTED_A


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("this is not json", "request"),
        ("[1, 2]", "request"),
        ('{"insutype": "310"', "request"),
        (mutated(["items", 0, "chrgitm_lv"], "04"), "items[0].chrgitm_lv"),
        (mutated(["items", 1, "pric"], "-5.00"), "items[1].pric"),
        (mutated(["items"], []), "items"),
        (mutated(["items", 2, "cnt"], "两盒"), "items[2].cnt"),
        (mutated(["acct", "balc"], "abc"), "acct.balc"),
        (mutated(["items", 0, "pric"], "1e400"), "items[0].pric"),
        (mutated(["items", 0, "pric"], "NaN"), "items[0].pric"),
        (mutated(["items", 0, "cnt"], "0"), "items[0].cnt"),
        (mutated(["items", 0, "pric"], "999999999999.00"), "items[0].pric"),
        (mutated(["params", "pool_ratio"], "1.5"), "params.pool_ratio"),
        (mutated(["insutype"], KeyError), "insutype"),
        (mutated(["med_type"], "99"), "med_type"),
        (mutated(["items", 0, "pric"], True), "items[0].pric"),
        (mutated(["params"], KeyError), "request"),
        (mutated(["items", 0, "colour"], "red"), "items[0].colour"),
    ],
)
def test_bad_input_exits_2_naming_the_field(text, field):
    code, out, err = call(text)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith(field), err


def test_unknown_policy_is_a_clear_error():
    data = copy.deepcopy(EXAMPLE_A)
    del data["params"]
    data["policy"] = "atlantis-2025"
    code, out, err = call(json.dumps(data))
    assert code == 2 and out == ""
    assert err.startswith("policy:") and "atlantis-2025" in err


def test_json_numbers_are_read_exactly_not_as_floats():
    data = json.dumps(EXAMPLE_A).replace('"12.50"', "12.50").replace('"10.00"', "10.1")
    code, out, _ = call(data)
    assert code == 0
    assert json.loads(out)["result"][0]["det_item_fee_sumamt"] == "10.10"


def test_jsonl_answers_every_line_and_carries_on_after_errors():
    good = json.dumps(EXAMPLE_A, ensure_ascii=False)
    lines = "\n".join([good, "garbage", "", mutated(["items", 0, "pric"], "-1"), good]) + "\n"
    out = io.StringIO()
    assert run_jsonl(io.StringIO(lines), out, "en") == 0
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == 5  # one answer per line, the blank one included
    assert rows[0]["setlinfo"] == EXPECTED_A and rows[4]["setlinfo"] == EXPECTED_A
    assert rows[1]["error"].startswith("request: not valid JSON")
    assert rows[2]["error"].startswith("request: blank line")
    assert rows[3]["error"].startswith("items[0].pric")
    assert "pooled fund" in rows[0]["setldetail"][0]["setl_proc_info"]


def test_the_real_command_line():
    bad = subprocess.run(
        [sys.executable, "-m", "pos.cli", "settle"],
        input="{}",
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert bad.returncode == 2 and bad.stdout == ""
    assert len(bad.stderr.strip().splitlines()) == 1
    good = subprocess.run(
        [sys.executable, "-m", "pos.cli", "settle", "--lang", "en"],
        input=json.dumps(EXAMPLE_A),
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["setlinfo"]["psn_cash_pay"] == "24.40"

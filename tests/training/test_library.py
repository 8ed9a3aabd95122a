"""The scenario library: validated files, coverage of the issue's list, `pos train --list`."""

from __future__ import annotations

import json

import pytest

from pos.cli import main
from pos.config import Settings
from pos.training.scenarios import SCENARIO_DIR, ScenarioError, load_scenario_file, load_scenarios

SCENARIOS = load_scenarios()


def test_at_least_twenty_scenarios_cover_the_issue():
    ids = {s.id for s in SCENARIOS}
    assert len(ids) >= 20
    faults = {f for s in SCENARIOS for f in s.faults}
    assert {"lose_2207_response", "card_unreadable", "printer_out_of_paper"} <= faults
    outcomes = {s.expect.outcome for s in SCENARIOS}
    assert {
        "settled",
        "nothing_settled",
        "refunded",
        "reprinted",
        "day_closed",
        "reconciled",
        "bound",
        "premium_paid",
    } <= outcomes
    refusals = {r for s in SCENARIOS for r in s.expect.refusals}
    assert {
        "GIVER_FROZEN",
        "RELATIONSHIP_NOT_ALLOWED",
        "GIVER_IN_ARREARS",
        "BINDING_EXPIRED",
        "BINDING_PENDING",
        "GIVER_BALANCE_ZERO",
        "CROSS_REGION_NO_FILING",
    } <= refusals
    # every order of both seeds that a window can settle is some scenario's order
    orders = {s.order for s in SCENARIOS}
    assert {f"RX-BT-{n:03d}" for n in range(1, 11)} <= orders
    assert {"RX-ZT-001", "RX-ZT-002", "RX-ZT-003", "RX-ZT-004", "RX-ZT-006"} <= orders
    assert any(s.expect.proof_checked for s in SCENARIOS)  # 昭通's counter proof
    assert all(s.brief_zh and s.brief_en and s.task_zh and s.task_en for s in SCENARIOS)


BAD = [
    (
        'expect.givers = [{ psn_no = "6527000000000001", amount = "1.234" }]',
        "expect.givers.0.amount",
    ),
    ('expect.outcome = "won"', "expect.outcome"),
    ('play = [{ caption_zh = "x", caption_en = "x", keys = ["f5"], scan = "X" }]', "play.0"),
    ('faults = ["lose_everything"]', "faults.0"),
    ('cashier = "10a1"', "cashier"),
]


@pytest.mark.parametrize(("line", "where"), BAD, ids=[b[1] for b in BAD])
def test_a_bad_file_names_file_key_and_problem(tmp_path, line, where):
    src = SCENARIO_DIR / "bt-copay-father.toml"
    text = src.read_text(encoding="utf-8")
    key, _, _value = line.partition(" = ")
    top = key.split(".")[0]
    bad = tmp_path / src.name
    if "." in key:  # a key inside [expect]
        sub = key.split(".", 1)[1]
        text = text.replace("[expect]\n", f"[expect]\n{sub} = {_value}\n", 1)
        lines = text.split("\n")
        seen, out = set(), []
        in_expect = False
        for ln in lines:  # drop the file's own line for that key inside [expect]
            if ln.startswith("["):
                in_expect = ln == "[expect]"
            k = ln.split(" = ")[0]
            if in_expect and k == sub:
                if k in seen:
                    continue
                seen.add(k)
            out.append(ln)
        text = "\n".join(out)
    else:
        kept = [ln for ln in text.split("\n") if not ln.startswith(f"{top} = ")]
        if top == "play":
            kept = _drop_tables(kept, "[[play]]")
        text = f"{line}\n" + "\n".join(kept)
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario_file(bad)
    message = str(err.value)
    assert src.name in message and where in message and "\n" not in message


def _drop_tables(lines: list[str], header: str) -> list[str]:
    out, skipping = [], False
    for ln in lines:
        if ln.startswith("["):
            skipping = ln == header
        if not skipping:
            out.append(ln)
    return out


def test_a_file_whose_id_is_not_its_name(tmp_path):
    src = SCENARIO_DIR / "bt-copay-father.toml"
    (tmp_path / "other-name.toml").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"other-name\.toml: id:"):
        load_scenario_file(tmp_path / "other-name.toml")


def test_train_list_json(capsys):
    assert main(["train", "--list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == [s.id for s in SCENARIOS]
    assert all(set(r) == {"id", "title", "brief_zh", "brief_en"} for r in rows)
    assert rows[0]["title"] == SCENARIOS[0].title_zh


def test_train_list_text_in_english(capsys):
    assert main(["--lang", "en", "train", "--list"]) == 0
    out = capsys.readouterr().out
    assert SCENARIOS[0].title_en in out and len(out.splitlines()) == len(SCENARIOS)


def test_train_never_opens_a_live_database(capsys):
    assert main(["--db", "sqlite:///live.sqlite3", "train", "--list"]) == 2
    assert "--db" in capsys.readouterr().err


def test_live_is_the_default():
    assert Settings().training is False

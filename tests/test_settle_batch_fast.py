"""The batch path's later speed-ups (issue 14, the stream where no bill line repeats): each gives
the answers the records path gives, byte for byte, and keeps its bounds."""

from __future__ import annotations

import copy
import json

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import models_plain
from engine import settle as engine_settle
from engine.models_plain import read_request
from engine.settle import settle
from pos.bench.batch import unique_requests
from pos.commands import settle as settle_cmd
from tests.hostile import WEIRD_VALUES
from tests.test_settle_contract import EXAMPLE_A
from tests.test_settle_lines import (  # their reader and their autouse fixture (forget)
    ITEM_KEYS,
    NEAR_MISSES,
    answer,
    check,
    forget,  # noqa: F401
)
from tests.test_settle_properties import request


def short(text: str, how: int) -> str:
    """An amount written with fewer places, as a request may write it: "120.00" as "120" or
    "120.0", "5.50" as "5.5" (the same value)."""
    if how == 0 or "." not in text:
        return text
    whole, frac = text.split(".")
    if how == 1:
        frac = frac.rstrip("0")
    elif frac.endswith("0"):
        frac = frac[:-1]
    return f"{whole}.{frac}" if frac else whole


AMOUNT_PATHS = [
    ("params", "dedc"),
    ("params", "annual_cap"),
    ("ytd", "dedc_paid"),
    ("ytd", "hifp_paid"),
    ("ytd", "big_illness_paid"),
    ("acct", "balc"),
]


@settings(max_examples=300, deadline=None)
@given(request, st.lists(st.integers(0, 2), min_size=12, max_size=12))
def test_amounts_written_with_fewer_places_are_answered_as_the_records_path_answers(data, hows):
    """The answer's texts add 0.00 to amounts of at most two places instead of rounding them:
    "120", "120.0" and "5.5" must still be written "120.00" and "5.50" wherever they appear."""
    wire = json.loads(json.dumps(data, default=str))
    for (section, key), how in zip(AMOUNT_PATHS, hows, strict=False):
        if wire[section].get(key) is not None:
            wire[section][key] = short(wire[section][key], how)
    big = wire["params"]["big_illness"]
    if big is not None:
        big["threshold"] = short(big["threshold"], hows[6])
        if big["cap"] is not None:
            big["cap"] = short(big["cap"], hows[7])
    for source, how in zip(wire["mulaid"], hows[8:], strict=False):
        source["available"] = short(source["available"], how)
    for lang in ("zh", "en"):
        got = answer(copy.deepcopy(wire), lang)
        plain = read_request(copy.deepcopy(wire))
        assert got is not None and plain is not None
        assert got == settle(plain, plain.params).wire(lang)


def test_a_whole_amount_is_written_with_two_places_everywhere():
    data = copy.deepcopy(EXAMPLE_A)
    data["params"].update(dedc="200", annual_cap="3000")
    data["ytd"] = {"dedc_paid": "120", "hifp_paid": "0", "big_illness_paid": "7.5"}
    data["acct"] = {"balc": "150", "used": True}
    data["mulaid"] = [{"giver": "G1", "available": "80.5"}]
    got = answer(orjson.loads(json.dumps(data)), "zh")
    assert got is not None
    assert got == settle_cmd.settle_text(json.dumps(data), "zh")
    assert got["setlinfo"]["balc"] == "0.00"
    assert "本年已付 120.00" in got["trace"][1] and "年度封顶 3000.00（已付 0.00" in got["trace"][1]


def test_the_line_memory_rests_longer_after_each_window_in_a_row_that_did_not_pay(monkeypatch):
    """A stream that never repeats a line pays for every look-up while the memory is tried: each
    window in a row that finds too little rests twice as long as the one before (up to
    _MEMORY_REST << _MEMORY_BACKOFF lines); a window that pays ends the run."""
    monkeypatch.setattr(engine_settle, "_MEMORY_WINDOW", 20)
    monkeypatch.setattr(engine_settle, "_MEMORY_REST", 10)
    monkeypatch.setattr(engine_settle, "_MEMORY_BACKOFF", 2)
    memory = models_plain._LINES
    rests = []
    for raw in unique_requests(200):  # 10 lines each: a window is 2 requests
        before = memory.rest
        assert answer(orjson.loads(raw), "en") == settle_cmd.settle_text(raw, "en")
        if memory.rest > before:
            rests.append(memory.rest)
    assert rests[:4] == [10, 20, 40, 40]  # doubled, then bounded
    # A window that pays (the same lines again) ends the run: the next rest is the first again.
    memory.rest = memory.looked = memory.found = 0  # a fresh window
    repeated = [orjson.loads(raw) for raw in unique_requests(1)] * 4
    for data in repeated:
        answer(copy.deepcopy(data), "en")
    assert memory.unpaid == 0 and memory.rest == 0


ORDERED = [key for key in ITEM_KEYS if key != "med_list_codg"]  # the documented order


def in_order(data: dict) -> dict:
    for k, item in enumerate(data["items"]):
        full = {"med_chrgitm_type": "09", "pric_uplmt_amt": None, "selfpay_prop": None}
        data["items"][k] = {key: item.get(key, full.get(key, True)) for key in ORDERED}
    return data


def test_lines_in_the_documented_order_take_the_positional_reading():
    data = in_order(copy.deepcopy(EXAMPLE_A))
    assert list(data["items"][0]) == ORDERED == list(engine_settle._ITEM_ORDER)
    got = answer(orjson.loads(json.dumps(data)), "zh")
    assert got is not None and got == settle_cmd.settle_text(json.dumps(data), "zh")


@pytest.mark.parametrize("key", ORDERED)
@pytest.mark.parametrize("value", WEIRD_VALUES + NEAR_MISSES, ids=lambda v: repr(v)[:20])
def test_every_doubtful_field_of_a_line_in_the_documented_order_is_checked_alike(key, value):
    """The positional reading of a line (its keys in the documented order) checks each value as
    the reading by name does: taken only where the records path takes it, with its answer."""
    data = in_order(copy.deepcopy(EXAMPLE_A))
    data["items"][0][key] = value
    check(data)
    data["items"][-1]["chrgitm_lv"] = "03"
    data["items"][-1][key] = value
    check(data)


@pytest.mark.parametrize("value", [1, 1.0, 0, "true"])
def test_a_remembered_line_in_the_documented_order_is_found_only_by_its_exact_values(value):
    """Remembered by its values alone: `1` (or 1.0, 0, "true") is never taken for a remembered
    true or false, though 1 == True; the line goes to the records path, which refuses it."""
    data = in_order(copy.deepcopy(EXAMPLE_A))
    for _ in range(2):
        assert answer(orjson.loads(json.dumps(data)), "zh") is not None
    assert len(models_plain._LINES) == len(data["items"])
    assert any(type(key[0]) is str for key in models_plain._LINES)  # by values, not pairs
    data["items"][0]["acct_payable"] = not value if type(value) is not str else True
    answer(orjson.loads(json.dumps(data)), "zh")  # the other bool remembered too
    data["items"][0]["acct_payable"] = value
    assert answer(orjson.loads(json.dumps(data)), "zh") is None
    assert read_request(orjson.loads(json.dumps(data))) is None

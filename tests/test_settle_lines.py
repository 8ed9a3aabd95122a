"""The batch path's one-pass reader (engine.settle.settle_lines, issue 14) against the records
path: it takes a line only where `read_request` takes it, with the same values, and answers what
`settle(...).wire(lang)` answers, byte for byte; anything else it leaves to the usual path (None).
"""

from __future__ import annotations

import copy
import io
import json
from decimal import Decimal

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import models_plain
from engine import settle as engine_settle
from engine.models_plain import read_head, read_request
from engine.settle import settle, settle_lines
from pos.bench.batch import unique_requests, varied_requests
from pos.commands import settle as settle_cmd
from tests.hostile import WEIRD_VALUES
from tests.test_settle_contract import EXAMPLE_A
from tests.test_settle_properties import request

ITEM_KEYS = [
    "name",
    "chrgitm_lv",
    "med_chrgitm_type",
    "pric",
    "cnt",
    "pric_uplmt_amt",
    "selfpay_prop",
    "acct_payable",
    "med_list_codg",
]
# What a bill line's field may hold besides the hostile values: near-misses of the plain texts
# (a leading zero, a sign, a blank, too many places, beyond the range), types JSON can carry.
NEAR_MISSES = [
    "012.50",
    "0.5",
    "00",
    "-0",
    "+1",
    " 1",
    "1 ",
    "1.",
    ".5",
    "1.0000001",
    "9999999.999999",
    "10000000",
    "99999999.99",
    "99999999.999",
    "100000000",
    "0.00001",
    "1.00001",
    "1.0001",
    "1.0000",
    "0.0000",
    "10000",
    "99999",
    "99999.0001",
    "１",
    "01",
    "02",
    "03",
    "04",
    "09",
    "14",
    "15",
    "",
    "x" * 51,
    "x" * 101,
    0,
    1,
    2,
    10**20,
    False,
    True,
    None,
]


@pytest.fixture(autouse=True)
def forget():
    models_plain._LINES.clear()
    engine_settle._SPLITS.clear()
    yield
    models_plain._LINES.clear()
    engine_settle._SPLITS.clear()


def answer(data: object, lang: str) -> dict | None:
    """settle_lines' answer for a value as orjson reads it; None: not taken."""
    req = read_head(data)
    if req is None:
        return None
    return settle_lines(req, settle_cmd._params(req), lang)


def check(data: dict) -> None:
    """Taken only where read_request takes it, and then the same answer in both languages."""
    try:
        wire = orjson.loads(json.dumps(data, ensure_ascii=False, default=str).encode())
    except orjson.JSONDecodeError:  # refused by orjson: the line never reaches settle_lines
        return
    for lang in ("zh", "en"):
        got = answer(copy.deepcopy(wire), lang)
        plain = read_request(copy.deepcopy(wire))
        if got is None:
            continue
        assert plain is not None, "settle_lines took a line the records path refuses"
        assert got == settle(plain, settle_cmd._params(plain)).wire(lang)


@pytest.mark.parametrize("key", ITEM_KEYS)
@pytest.mark.parametrize("value", WEIRD_VALUES + NEAR_MISSES, ids=lambda v: repr(v)[:20])
def test_every_doubtful_field_of_a_line_is_left_to_the_records_path(key, value):
    data = copy.deepcopy(EXAMPLE_A)
    data["items"][0][key] = value
    check(data)
    data["items"][-1]["chrgitm_lv"] = "03"  # a class C line takes its own branch
    data["items"][-1][key] = value
    check(data)


@pytest.mark.parametrize("value", [[], {}, "x", 1, None, [{}], [1], [[]]])
def test_a_request_whose_lines_are_not_objects_is_not_taken(value):
    data = copy.deepcopy(EXAMPLE_A)
    data["items"] = value if not isinstance(value, list) or not value else value + data["items"]
    assert answer(data, "zh") is None


@settings(max_examples=300, deadline=None)
@given(request, st.sampled_from(["zh", "en"]))
def test_random_bills_answer_as_the_records_path(data, lang):
    wire = orjson.loads(json.dumps(data, default=str).encode())
    got = answer(copy.deepcopy(wire), lang)
    plain = read_request(copy.deepcopy(wire))
    assert got is not None and plain is not None  # every generated bill is plainly well-formed
    assert got == settle(plain, plain.params).wire(lang)


def test_the_bench_streams_take_the_one_pass_path():
    """Both streams of `pos bench settle` are answered here, not by the records path (which would
    answer them the same, slower): the benchmark measures what it names."""
    for raw in [*varied_requests(40), *unique_requests(40)]:
        data = orjson.loads(raw)
        assert answer(data, "zh") == settle_cmd.settle_text(raw, "zh")


def test_the_line_memory_rests_where_it_does_not_pay_and_answers_alike(monkeypatch):
    """A stream that never repeats a line: after a window of look-ups that found nothing the
    memory is not consulted (nor filled) for a while; the answers are the same throughout, and a
    stream that repeats its lines later is remembered again."""
    monkeypatch.setattr(engine_settle, "_MEMORY_WINDOW", 50)
    monkeypatch.setattr(engine_settle, "_MEMORY_REST", 100)
    unique = [raw.rstrip(b"\n") for raw in unique_requests(30)]
    repeated = [raw.rstrip(b"\n") for raw in varied_requests(30)]
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    settle_cmd.run_jsonl(io.BytesIO(b"\n".join(unique[:8]) + b"\n"), out, "en")
    assert models_plain._LINES.rest > 0  # 80 look-ups, none found: resting
    size = len(models_plain._LINES)
    settle_cmd.run_jsonl(io.BytesIO(b"\n".join(unique[8:12]) + b"\n"), out, "en")
    assert len(models_plain._LINES) == size  # resting: nothing looked up or remembered
    settle_cmd.run_jsonl(io.BytesIO(b"\n".join(unique[12:] + repeated * 2) + b"\n"), out, "en")
    assert models_plain._LINES.rest <= 0  # tried again, and the repeating lines remembered
    assert any("#" not in line[0] for line in models_plain._LINES.values())
    got = out.buffer.getvalue().splitlines()  # type: ignore[attr-defined]
    lines = unique + repeated * 2
    assert len(got) == len(lines)
    for raw, line in zip(lines, got, strict=True):
        expected = settle_cmd.settle_text(raw, "en")
        assert json.loads(line) == expected
        assert line + b"\n" == orjson.dumps(expected, option=orjson.OPT_APPEND_NEWLINE)


def test_amounts_are_written_as_fmt_writes_them():
    """The one-pass path writes a line's amounts with str() (each is quantized to the fen and not
    negative) and the visit's through one quantize: the texts are engine.money.fmt's."""
    from engine.money import fmt

    data = copy.deepcopy(EXAMPLE_A)
    data["params"]["dedc"] = "200"  # amounts of other exponents: 200, not 200.00
    data["ytd"] = {"dedc_paid": "0", "hifp_paid": "10"}
    data["items"][0].update(pric="0", cnt="3")  # a zero amount
    data["items"].append({"name": "零", "chrgitm_lv": "03", "pric": "0.004", "cnt": "1"})
    got = answer(orjson.loads(json.dumps(data)), "zh")
    plain = read_request(json.loads(json.dumps(data)))
    assert got == settle(plain, plain.params).wire("zh")
    for key, value in got["setlinfo"].items():
        if key not in ("pool_prop_selfpay", "insutype", "med_type"):
            assert value == fmt(Decimal(value))
    assert got["result"][0]["det_item_fee_sumamt"] == "0.00"

"""The batch path of `pos settle --jsonl` (issue 14): orjson on the wire, bill lines remembered.

It must answer every line byte for byte as the standard-library path does — the request read with
`json` + Decimal, settled afresh, written with `json.dumps` — however lines repeat, whatever a
line holds (JSON numbers, floats, 1 for true, hostile bytes), and remember no more than its bound.
"""

from __future__ import annotations

import copy
import io
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import models_plain
from engine import settle as engine_settle
from engine.models_plain import read_request
from pos.bench.batch import START_REQUEST, varied_requests
from pos.commands import jsonlines
from pos.commands import settle as settle_cmd
from tests.hostile import RAW_LINES
from tests.test_settle_contract import EXAMPLE_A
from tests.test_settle_fast import POLICY_REQUEST
from tests.test_settle_properties import request


@pytest.fixture(autouse=True)
def forget(monkeypatch, tmp_path):
    """Every test starts with nothing remembered (and a cache directory of its own)."""
    monkeypatch.setenv("POS_CACHE_DIR", str(tmp_path / "cache"))
    models_plain._LINES.clear()
    engine_settle._SPLITS.clear()
    yield
    models_plain._LINES.clear()
    engine_settle._SPLITS.clear()


def product(lines: list[bytes], lang: str) -> bytes:
    """What `pos settle --jsonl` writes to a binary stdout (the orjson path)."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    assert settle_cmd.run_jsonl(io.BytesIO(b"\n".join(lines) + b"\n"), out, lang) == 0
    return out.buffer.getvalue()  # type: ignore[attr-defined]


def reference(raw: bytes, lang: str, monkeypatch) -> bytes:
    """One line answered the standard-library way: json + Decimal, settled afresh, json.dumps."""
    with monkeypatch.context() as m:
        m.setattr(models_plain, "_LINES", _Forgetful())
        m.setattr(
            settle_cmd, "settle_wire", lambda req, params, lang: _fresh(req, params).wire(lang)
        )
        return (jsonlines.dump(settle_cmd._answer(raw, lang, fast=False)) + "\n").encode()


class _Forgetful(dict):
    """Remembers nothing: every line is read afresh."""

    def get(self, key, default=None):
        return default

    def __setitem__(self, key, value) -> None:
        pass


def _fresh(req, params):
    return engine_settle.settle(req, params)  # every line split again, nothing remembered


def assert_same(lines: list[bytes], monkeypatch) -> None:
    for lang in ("zh", "en"):
        expected = b"".join(reference(raw, lang, monkeypatch) for raw in lines)
        got = product(lines, lang)
        assert got.split(b"\n") == expected.split(b"\n")


def dumps(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass")


def with_numbers(data: dict) -> bytes:
    """The request with every amount written as a JSON number (exactly as its text)."""
    text = json.dumps(data, ensure_ascii=False, default=lambda d: f"@@{d}@@")
    return text.replace('"@@', "").replace('@@"', "").encode()


def test_a_stream_of_repeated_bills_answers_as_the_standard_library_does(monkeypatch):
    lines = [raw.rstrip(b"\n") for raw in varied_requests(120)]
    assert_same(lines + lines[:40], monkeypatch)


def test_hostile_and_doubtful_lines_answer_as_before(monkeypatch):
    base = dumps(EXAMPLE_A).decode()
    lines = [
        *RAW_LINES[:8],
        *RAW_LINES[10:],  # (the two 100,000-bracket lines have their own tests)
        dumps(EXAMPLE_A),
        dumps(POLICY_REQUEST),
        dumps(START_REQUEST),
        ("\ufeff" + base).encode(),  # a BOM
        base.replace('"西药A"', '"西药\\ud800"').encode(),  # a lone surrogate, escaped
        base.replace('"西药A"', '"西药\\u0001\\"\\\\\u2028"').encode(),  # escapes written back
        base.replace('"10.00"', "10.00").encode(),  # a JSON number amount
        base.replace('"10.00"', "1e1").encode(),
        base.replace('"10.00"', "18446744073709551616").encode(),  # beyond 64 bits
        base.replace('"10.00"', "10.001").encode(),  # too many places: the models say so
        (base[:-1] + ', "insutype": "390"}').encode(),
        b" \t" + base.encode() + b" \t",
        base.encode() + b"x",
    ]
    assert_same(lines + lines, monkeypatch)


def test_a_json_number_amount_is_read_exactly_never_as_a_float(monkeypatch):
    as_text = dumps(EXAMPLE_A)
    as_number = as_text.replace(b'"10.00"', b"10.00").replace(b'"60.00"', b"60.0")
    # orjson alone would read these as floats: the plain reader takes no float ...
    floats = jsonlines.loads_plain(as_number)
    assert type(floats["items"][0]["pric"]) is float  # type: ignore[index]
    assert read_request(floats) is None
    # ... so the line is read again with Decimal, and answers exactly as the string amounts do.
    answers = product([as_number, as_text, as_number], "zh").splitlines()
    assert b'"error"' not in answers[0]
    assert answers[0] == answers[1] == answers[2]
    assert answers[0] + b"\n" == reference(as_number, "zh", monkeypatch)


@pytest.mark.parametrize(
    "key, valid, other",
    [
        ("cnt", 1, True),  # the models refuse a bool for a quantity
        ("selfpay_prop", 1, True),
        ("cnt", True, 1),
        ("cnt", "1", 1),
        ("pric", "10.00", 10.0),
        ("acct_payable", True, 1),  # (the models take 1 for true: the same answer either way)
        ("acct_payable", False, 0.0),
    ],
)
def test_a_remembered_line_is_never_taken_for_a_different_one(key, valid, other, monkeypatch):
    """1 == true == 1.0 in Python, and so are tuples holding them: a line remembered with one
    must not answer for the other."""
    first = copy.deepcopy(EXAMPLE_A)
    first["items"][0][key] = valid
    second = copy.deepcopy(EXAMPLE_A)
    second["items"][0][key] = other
    lines = [dumps(first), json.dumps(second).encode()]
    assert_same(lines, monkeypatch)
    got = product(list(reversed(lines)), "en").splitlines()
    assert got[1] + b"\n" == reference(lines[0], "en", monkeypatch)


def test_what_is_remembered_stays_bounded(monkeypatch):
    monkeypatch.setattr(models_plain, "_LINES_MAX", 8)
    monkeypatch.setattr(engine_settle, "_SPLITS_MAX", 8)
    lines = []
    for i in range(30):
        data = copy.deepcopy(EXAMPLE_A)
        for item in data["items"]:
            item["name"] = f"{item['name']}-{i}"
        lines.append(dumps(data))
    assert_same(lines, monkeypatch)
    assert 0 < len(models_plain._LINES) <= 8
    assert 0 < len(engine_settle._SPLITS) <= 8


@settings(max_examples=60, deadline=None)
@given(st.lists(request, min_size=1, max_size=4), st.lists(st.booleans(), min_size=4, max_size=4))
def test_random_bills_answer_byte_for_byte_as_before(bills, as_numbers):
    lines = [
        with_numbers(bill) if number else json.dumps(bill, default=str).encode()
        for bill, number in zip(bills, as_numbers, strict=False)
    ]
    lines = lines + lines  # the second time, every line is remembered
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert_same(lines, monkeypatch)


def test_the_answer_writer_matches_json_dumps_byte_for_byte():
    values = [
        {"a": 'é中\u2028\x7f\x00\x1f"\\/\n\r\t\b\f', "b": None, "c": [True, False, 0, -1]},
        {"error": "request: not UTF-8 (byte 0: b'\\xff')"},
        {"bad": "\ud800"},  # orjson refuses a lone surrogate: json writes it escaped
        {"n": 2**70},  # beyond 64 bits: json writes it
        {"d": Decimal("1.50")},  # not in an answer, but written as json would (default=str)
    ]
    for value in values:
        assert jsonlines.dump_line(value) == (jsonlines.dump(value) + "\n").encode()


def test_a_remembered_split_is_redone_under_another_default_share(monkeypatch):
    """A class-B line's 先行自付 depends on the visit's default share: the same line under two
    parameter sets is split under each."""
    lines = []
    for prop in ("0.10", "0.25", None, "0.10"):
        data = copy.deepcopy(EXAMPLE_A)
        if prop is None:
            data["params"].pop("default_selfpay_prop", None)
        else:
            data["params"]["default_selfpay_prop"] = prop
        for item in data["items"]:
            item.pop("selfpay_prop", None)
        lines.append(dumps(data))
    assert_same(lines, monkeypatch)
    answers = [json.loads(a) for a in product(lines, "zh").splitlines()]
    assert answers[0]["setlinfo"]["preselfpay_amt"] != answers[1]["setlinfo"]["preselfpay_amt"]

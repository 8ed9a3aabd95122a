"""Hostile input lines for the machine faces (issue 9): a hypothesis strategy shared by the fuzz
tests of `pos settle`, `pos settle --jsonl` and `pos txn`."""

from __future__ import annotations

import json

from hypothesis import strategies as st

# Amount-shaped values a careless or hostile caller sends.
WEIRD_VALUES = [
    "１２",
    "١٢",
    "१२",
    "1_000",
    "1e2",
    "+12.50",
    "12.50\u00a0",
    "1e400",
    "-0",
    "-0.00",
    "NaN",
    "Infinity",
    "9" * 400,
    "",
    " ",
    None,
    True,
    12,
    12.5,
    -1,
    10**400,
    [],
    {},
    {"a": [1, 2]},
    "\u202e",
    "é" * 1000,
]

RAW_LINES = [
    b"",
    b"   ",
    b"\t",
    b"\xff\xfe\xfd",
    b'{"infno": "\xc3\x28"}',
    b'"\\ud800"',
    b'{"infno": "\\udfff", "input": {}}',
    b'{"a": "\\ud800\\u0041"}',
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    b"NaN",
    b"-Infinity",
    b"1e400",
    b"null",
    b"[]",
    b"garbage",
    b"{",
    b'{"x": 1}\r',
]


def mutated(template: dict, key: str, value) -> bytes:
    """The template with one top-level (or input-level) field replaced."""
    data = json.loads(json.dumps(template))
    target = data["input"] if "input" in data and isinstance(data["input"], dict) else data
    target[key] = value
    return json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass")


def line_strategy(templates: list[dict], keys: list[str]):
    good = st.sampled_from([json.dumps(t, ensure_ascii=False).encode() for t in templates])
    weird = st.builds(
        mutated, st.sampled_from(templates), st.sampled_from(keys), st.sampled_from(WEIRD_VALUES)
    )
    noise = st.binary(max_size=200).map(lambda b: b.replace(b"\n", b" "))
    text = st.text(max_size=100).map(
        lambda s: s.replace("\n", " ").encode("utf-8", "surrogatepass")
    )
    return st.one_of(good, weird, st.sampled_from(RAW_LINES), noise, text)


def check_answers(out: str, n_lines: int) -> list[dict]:
    """Exactly one JSON object per input line, in order."""
    rows = out.split("\n")
    assert rows[-1] == "", "the output ends with a newline"
    rows = rows[:-1]
    assert len(rows) == n_lines, (len(rows), n_lines)
    answers = [json.loads(r) for r in rows]
    assert all(isinstance(a, dict) for a in answers)
    return answers

"""The benchmarks run and report ratios (they are measured, never asserted as timings)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from pos.cli import main


def test_bench_engine_reports_a_ratio_against_the_bare_loop(capsys):
    assert main(["bench", "engine", "-n", "300", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["target_ratio"] == 8.0
    assert report["ratio"] == pytest.approx(report["settle_us"] / report["bare_loop_us"])
    assert report["jsonl_requests_per_s"] > 0


def test_bench_totals_agrees_with_the_bare_sum_before_timing_it(capsys):
    # bench_totals checks the day's totals against the bare SUM over the same rows first.
    assert main(["bench", "totals", "-n", "2000", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)["sqlite"]
    assert report["settlements"] == 2000 and report["target_ratio"] == 3.0


def test_bench_settle_reports_each_figure_as_a_ratio_against_its_baseline(capsys):
    assert main(["bench", "settle", "-n", "200", "--runs", "2", "--memory", "100,400"]) == 0
    out = capsys.readouterr().out
    table = [line for line in out.splitlines() if line.startswith("| ")]
    assert table[0] == "| figure | baseline | ratio median (min–max) | goal | met |"
    assert len(table) == 5 and all(line.count(" | ") == 4 for line in table)
    assert "no bill line repeated" in table[3]
    assert all(line.endswith(("| met |", "| NOT met |")) for line in table[1:])


def test_bench_settle_json_has_median_and_spread_and_a_verdict(capsys):
    assert (
        main(["bench", "settle", "-n", "100", "--runs", "1", "--memory", "50,100", "--json"]) == 0
    )
    report = json.loads(capsys.readouterr().out)
    for figure in ("start", "jsonl", "jsonl_unique"):
        ratio = report[figure]["ratio"]
        assert ratio["min"] <= ratio["median"] <= ratio["max"]
        assert isinstance(report[figure]["met"], bool)
    assert report["start"]["goal"] == 4.0 and report["jsonl"]["goal"] == 2.0
    assert report["jsonl_unique"]["goal"] == 2.0
    assert set(report["memory"]["peak_rss_mib"]) == {"50", "100"}


def test_the_naive_baseline_answers_as_the_product_does():
    """The comparison means nothing unless both give the same answers: the contract's worked
    example, the bench's bills and random bills, every byte of the result in both languages."""
    from hypothesis import given, settings

    from pos.bench.batch import unique_requests, varied_requests
    from pos.bench.naive_settle import settle as naive
    from pos.commands.settle import settle_text
    from tests.test_settle_contract import EXAMPLE_A
    from tests.test_settle_properties import request

    lines = [json.dumps(EXAMPLE_A).encode(), *varied_requests(50), *unique_requests(30)]
    for line in lines:
        for lang in ("zh", "en"):
            assert naive(json.loads(line, parse_float=Decimal), lang) == settle_text(line, lang)

    @settings(max_examples=200, deadline=None)
    @given(request)
    def random_bills(data):
        text = json.dumps(data, default=str)
        assert naive(json.loads(text, parse_float=Decimal)) == settle_text(text)

    random_bills()


def test_the_unique_stream_never_repeats_a_bill_line():
    """The second bench stream is the first with every bill line made unique: the same sizes, and
    no line (nor its name) met twice, so nothing remembered by line can answer for it."""
    from pos.bench.batch import unique_requests, varied_requests

    seen = set()
    count = 0
    for plain, unique in zip(varied_requests(300), unique_requests(300), strict=True):
        a, b = json.loads(plain), json.loads(unique)
        assert len(a["items"]) == len(b["items"]) and a["ytd"] == b["ytd"]
        for item in b["items"]:
            seen.add(json.dumps(item, sort_keys=True))
            count += 1
    assert len(seen) == count == 3000

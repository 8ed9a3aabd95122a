"""The benchmarks run and report ratios (they are measured, never asserted as timings)."""

from __future__ import annotations

import json

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

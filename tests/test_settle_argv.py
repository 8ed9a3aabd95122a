"""`pos settle`'s common spellings run without argparse (pos.cli.SETTLE_FORMS, issue 14): each
means exactly what argparse makes of it, and anything else still goes through argparse, which
answers and refuses as before."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pos import cli
from pos.commands import settle as settle_cmd
from tests.importtime import settle_imports
from tests.test_settle_contract import EXAMPLE_A

ROOT = Path(__file__).resolve().parent.parent
LINE = json.dumps(EXAMPLE_A, ensure_ascii=False) + "\n"


def test_the_table_holds_the_common_spellings():
    assert cli.SETTLE_FORMS[("settle",)] == (False, "zh")
    assert cli.SETTLE_FORMS[("settle", "--jsonl")] == (True, "zh")
    assert cli.SETTLE_FORMS[("settle", "--lang", "en", "--jsonl")] == (True, "en")
    assert cli.SETTLE_FORMS[("settle", "--jsonl", "--lang=en")] == (True, "en")
    assert ("settle", "--json") not in cli.SETTLE_FORMS  # an abbreviation: argparse's to read
    assert ("--lang", "en", "settle") not in cli.SETTLE_FORMS  # a global option: argparse's


@pytest.mark.parametrize("form", sorted(cli.SETTLE_FORMS), ids=" ".join)
def test_each_spelling_means_what_argparse_makes_of_it(form):
    args = cli.build_parser(only="settle").parse_args(list(form))
    assert args.command == "settle"
    assert (args.jsonl, args.lang) == cli.SETTLE_FORMS[form]


def calls(monkeypatch, argv: list[str], table: dict | None = None) -> list[tuple]:
    """What `main(argv)` runs: (face, lang) for each settle face called."""
    seen: list[tuple] = []
    monkeypatch.setattr(
        settle_cmd, "run_jsonl", lambda i, o, lang: seen.append(("jsonl", lang)) or 0
    )
    monkeypatch.setattr(
        settle_cmd, "run_one", lambda i, o, e, lang: seen.append(("one", lang)) or 0
    )
    if table is not None:
        monkeypatch.setattr(cli, "SETTLE_FORMS", table)
    assert cli.main(argv) == 0
    return seen


@pytest.mark.parametrize("form", sorted(cli.SETTLE_FORMS), ids=" ".join)
def test_the_fast_path_runs_what_argparse_runs(form, monkeypatch):
    fast = calls(monkeypatch, list(form))
    assert fast == calls(monkeypatch, list(form), table={})  # every argv through argparse
    assert len(fast) == 1


def test_other_spellings_take_argparse(monkeypatch):
    assert calls(monkeypatch, ["settle", "--json", "--lang", "en"]) == [("jsonl", "en")]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["settle", "--lang", "fr"], "invalid choice: 'fr'"),
        (["settle", "--jsonl", "extra"], "unrecognized arguments: extra"),
        (["settle", "--lang"], "expected one argument"),
    ],
)
def test_mistakes_are_refused_by_argparse_as_before(argv, message, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def imported(args: list[str], tmp_path) -> set[str]:
    env = {**os.environ, "POS_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    return settle_imports(args, LINE, env)


def test_pos_settle_starts_without_argparse(tmp_path):
    assert "argparse" not in imported(["settle", "--jsonl"], tmp_path)
    assert "argparse" not in imported(["settle", "--lang", "en"], tmp_path)
    assert "argparse" in imported(["settle", "--json"], tmp_path)  # argparse reads the rest

"""What `pos settle` imports (issue 14): a budget on WHAT is imported, read from
`python -X importtime`, never on how long it takes. A pure computation must not pay for the
database, the migrations, the center, the UI or pydantic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pos.cli import COMMANDS
from tests.importtime import settle_imports
from tests.test_settle_contract import EXAMPLE_A
from tests.test_settle_fast import POLICY_REQUEST

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"sqlalchemy", "alembic", "textual", "psycopg", "pydantic", "pydantic_core", "rich"}
FORBIDDEN_MODULES = {"engine.center", "engine.models", "engine.policy", "pos.database", "pos.app"}


def imported(args: list[str], stdin: str, env: dict[str, str]) -> set[str]:
    """Every module the process imported, from its -X importtime report on stderr."""
    names = settle_imports(args, stdin, env)
    assert "pos.commands.jsonlines" in names  # the report was read
    return names


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "POS_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}


@pytest.mark.parametrize(
    "args, request_",
    [
        (["settle"], EXAMPLE_A),
        (["settle", "--lang", "en"], POLICY_REQUEST),
        (["settle", "--jsonl"], EXAMPLE_A),
    ],
)
def test_pos_settle_imports_no_database_ui_center_or_pydantic(args, request_, env):
    line = json.dumps(request_, ensure_ascii=False) + "\n"
    imported(args, line, env)  # the first run validates the policy file (pydantic) and stamps it
    names = imported(args, line, env)
    packages = {name.split(".")[0] for name in names}
    assert not packages & FORBIDDEN, sorted(packages & FORBIDDEN)
    modules = {m for m in names for f in FORBIDDEN_MODULES if m == f or m.startswith(f + ".")}
    assert not modules, sorted(modules)
    # Only the chosen subcommand's module: not bench, txn, db, desk …
    others = {f"pos.commands.{name}" for name, _ in COMMANDS} - {"pos.commands.settle"}
    assert not names & others, sorted(names & others)


def test_a_bad_request_still_gets_the_models_verdict(env):
    proc = subprocess.run(
        [sys.executable, "-m", "pos", "settle"],
        input=json.dumps({**EXAMPLE_A, "acct": {"balc": "1", "used": "maybe"}}).encode(),
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2 and proc.stdout == b""
    assert proc.stderr.decode().startswith("acct.used:")


def test_the_help_table_matches_each_commands_own_help():
    import argparse

    from pos.cli import build_parser

    parser = build_parser()  # every module imported: their own words
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    own = {choice.dest: choice.help for choice in sub._choices_actions}
    assert own == dict(COMMANDS)

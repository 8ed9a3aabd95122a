"""The headless core stays headless at run time, not only in the import graph (after harlequin's
tests/unit_tests/test_import_hygiene.py): importing the engine or the desk in a fresh interpreter
loads neither Textual nor the screens, and the screens' view types load no SQL."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def loaded_after(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def top_level(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


@pytest.mark.parametrize(
    "statement",
    [
        "import engine.settle, engine.copay, engine.policy",
        "import engine.center",
        "from pos.services.desk import CashierDesk",
        "import pos.services.views, pos.services.scan",
    ],
)
def test_the_core_loads_no_ui(statement):
    loaded = top_level(loaded_after(statement))
    assert "textual" not in loaded, statement
    assert "screens" not in loaded, statement


def test_the_views_the_screens_use_load_no_sql():
    loaded = top_level(loaded_after("import pos.services.views"))
    assert "sqlalchemy" not in loaded
    assert "alembic" not in loaded

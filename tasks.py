#!/usr/bin/env python3
"""Two commands for a fresh machine with only Python 3.11+:

    python3 tasks.py run    # the cashier app on the embedded SQLite default (created and seeded on first run)
    python3 tasks.py test   # ruff, import-linter, then the whole pytest suite

Each creates .venv and installs the pinned dependencies when pyproject.toml changed since the
last install. Extra arguments after `run` go to `pos`; after `test`, to pytest.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"


def _sh(*cmd: str | Path) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    result = subprocess.run([str(c) for c in cmd], cwd=ROOT)
    if result.returncode:
        sys.exit(result.returncode)


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - tasks.py runs under any python3
        sys.exit(f"Python 3.11 or newer is needed (this is {sys.version.split()[0]}).")
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == want:
        return
    if not (BIN / "python").exists():
        print("creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    _sh(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    _sh(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    STAMP.write_text(want)


def run(args: list[str]) -> None:
    ensure_venv()
    os.execv(str(BIN / "pos"), [str(BIN / "pos"), *args])


def test(args: list[str]) -> None:
    ensure_venv()
    _sh(BIN / "ruff", "check", ".")
    _sh(BIN / "ruff", "format", "--check", ".")
    _sh(BIN / "lint-imports")
    # Three workers per core: the Pilot-driven tests spend most of their time waiting (Textual's
    # idle waits, screen switches). On 2 cores, the whole suite: 626 s with four workers, 552 s
    # with six (the workers then used 1.1 cores of CPU on average; with four, about 1).
    workers = str(3 * (os.cpu_count() or 1))
    _sh(BIN / "python", "-m", "pytest", "-n", workers, *args)


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in ("run", "test"):
        sys.exit(__doc__)
    {"run": run, "test": test}[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()

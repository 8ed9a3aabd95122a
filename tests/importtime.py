"""Reading `python -X importtime`: what a process imported (the import budgets' one reader)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(stderr: bytes) -> set[str]:
    """Every module named in an -X importtime report (stderr of the process)."""
    names = set()
    for line in stderr.decode().splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":  # the report's header
                names.add(name)
    return names


def settle_imports(args: list[str], stdin: str, env: dict[str, str]) -> set[str]:
    """Every module `python -m pos ARGS` imported answering a settle request on stdin (its answer,
    or the first line's under --jsonl, checked to be a settlement's)."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pos", *args],
        input=stdin.encode(),
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    out = proc.stdout.decode()
    assert json.loads(out.splitlines()[0] if "--jsonl" in args else out)["setlinfo"]
    return imported_modules(proc.stderr)

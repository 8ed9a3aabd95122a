"""Reading `python -X importtime`: what a process imported (the import budgets' one reader)."""

from __future__ import annotations


def imported_modules(stderr: bytes) -> set[str]:
    """Every module named in an -X importtime report (stderr of the process)."""
    names = set()
    for line in stderr.decode().splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":  # the report's header
                names.add(name)
    return names

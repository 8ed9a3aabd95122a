"""What the cashier's cold start imports (issue 14): a budget on WHAT `pos --db URL` imports until
the login screen is painted, and until its station list is loaded, read from `python -X
importtime`, never on how long it takes. The database, the migrations, the center and pydantic
load on the desk thread after that (pos.app), and the settings are read without pydantic
(pos.config)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pos.bench.ui import POS_CHILD
from tests.importtime import imported_modules

ROOT = Path(__file__).resolve().parent.parent.parent
NEVER = {
    "pydantic",
    "pydantic_core",
    "pydantic_settings",
    "sqlalchemy",
    "alembic",
    "psycopg",
    "reportlab",
    "escpos",
}
NEVER_MODULES = {
    "engine.center",
    "engine.models",
    "engine.policy",
    "pos.config_model",
    "pos.database",
    "pos.services.desk",
    "pos.migrations.env",
    "screens.cashier",
}
# Before the first paint the station list has not been asked for: nothing of the books at all.
NOT_BEFORE_PAINT = {"pos.store", "pos.migrations", "pos.services.views", "sqlite3"}

# The bench's child (`pos --db URL` through the CLI, leaving when ready), made deterministic:
# before the paint the station list is never asked for; for the list, the full desk (which the
# app opens on the desk thread once the list is drawn) never opens, so what is seen is the
# app and its first look at the database, whatever the threads' timing.
HOLD = """
import asyncio, threading
import pos.app

async def _never(self):
    await asyncio.Event().wait()

if sys.argv[2] == "shown":
    pos.app.PosApp.call_stations = _never
else:
    pos.app.PosApp._open_desk = lambda self: threading.Event().wait()
"""


def imported(db_url: str, until: str, tmp_path: Path) -> set[str]:
    """Every module the start imported, from its -X importtime report on stderr."""
    code = POS_CHILD.replace("import os, sys\n", "import os, sys\n" + HOLD, 1)
    env = {k: v for k, v in os.environ.items() if not k.lower().startswith("pos_")}
    env |= {"PYTHONPATH": str(ROOT), "POS_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code, db_url, until],
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    names = imported_modules(proc.stderr)
    assert {"textual.app", "pos.app", "pos.config", "screens.login"} <= names  # it was read
    return names


def forbidden(names: set[str], packages: set[str], modules: set[str]) -> list[str]:
    found = {n for n in names if n.split(".")[0] in packages}
    found |= {n for n in names for m in modules if n == m or n.startswith(m + ".")}
    return sorted(found)


def test_the_login_screen_is_painted_without_the_database_the_center_or_pydantic(db_url, tmp_path):
    names = imported(db_url, "shown", tmp_path)
    bad = forbidden(names, NEVER, NEVER_MODULES | NOT_BEFORE_PAINT)
    assert not bad, bad


def test_the_station_list_comes_without_the_orm_the_center_or_pydantic(db_url, tmp_path):
    names = imported(db_url, "stations", tmp_path)
    assert {"pos.store.firstlook", "sqlite3"} <= names  # the first look read the list
    bad = forbidden(names, NEVER, NEVER_MODULES)
    assert not bad, bad

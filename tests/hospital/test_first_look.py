"""Start-up: the login screen's station list read straight from an up-to-date database
(pos.store.firstlook), the schema check that needs no Alembic, and what neither may do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

from pos.database import MIGRATIONS, open_database
from pos.migrations import head
from pos.store.firstlook import stations


def test_the_head_read_from_the_files_is_alembics():
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert head() == ScriptDirectory.from_config(cfg).get_current_head()


def test_stations_of_an_up_to_date_database_are_the_desks(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'pos.sqlite3'}"
    db = open_database(url, pin_cost=2)
    try:
        from pos.services.desk import CashierDesk

        desk_view = [
            (s.station_id, s.station_name, s.institution_name) for s in CashierDesk(db).stations()
        ]
    finally:
        db.dispose()
    rows = stations(url, head())
    assert rows is not None
    assert [(r["station_id"], r["station_name"], r["institution_name"]) for r in rows] == desk_view
    assert all(isinstance(r["designated"], bool) for r in rows)


def test_no_first_look_at_a_missing_older_or_empty_database(tmp_path: Path):
    missing = tmp_path / "nothing.sqlite3"
    assert stations(f"sqlite:///{missing}", head()) is None
    assert not missing.exists()  # never created here: the full open creates it 0600
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    db = open_database(url, pin_cost=2)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0007'"))
    db.dispose()
    assert stations(url, head()) is None  # an older schema: the full open migrates it first


def test_opening_an_up_to_date_database_does_not_import_alembic(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'pos.sqlite3'}"
    open_database(url, pin_cost=2).dispose()
    code = (
        "import sys; from pos.database import open_database; "
        f"open_database({url!r}).dispose(); "
        "print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

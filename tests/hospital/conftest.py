"""Hospital test fixtures: a migrated, seeded database per test, desks with a clock the test moves.

SQLite: one template file is built per session and copied per test (seeding hashes PINs and loads
every fixture; copying keeps each test fast and isolated). PostgreSQL (tests marked `postgres`):
POS_TEST_PG_URL, wiped and re-seeded per test; skipped locally when unset, a failure when
POS_REQUIRE_PG=1 so CI can never pass without it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from engine.center import Center
from pos.database import Database, drop_everything, open_database
from pos.services.desk import CashierDesk
from pos.services.link import MsgIds
from tests.hospital.helpers import BT_HOSPITAL, NOW, PIN_COST, Clock, pg_url_or_skip


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "hospital.sqlite3"
    db = open_database(f"sqlite:///{path}", pin_cost=PIN_COST, year=NOW.year)
    db.dispose()  # the last connection closing checkpoints the WAL into the file we copy
    return path


def fresh_pg(url: str) -> Database:
    db = open_database(url, seed_if_empty=False)
    drop_everything(db.engine)
    db.dispose()
    return open_database(url, pin_cost=PIN_COST, year=NOW.year)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request, tmp_path: Path, template_db: Path):
    if request.param == "sqlite":
        path = tmp_path / "hospital.sqlite3"
        shutil.copyfile(template_db, path)
        database = open_database(f"sqlite:///{path}")
    else:
        database = fresh_pg(pg_url_or_skip())
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path, template_db: Path):
    path = tmp_path / "hospital.sqlite3"
    shutil.copyfile(template_db, path)
    database = open_database(f"sqlite:///{path}")
    yield database
    database.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def center_for(clock) -> Callable[[Database], Center]:
    centers: dict[int, Center] = {}

    def make(database: Database) -> Center:
        # One center per database, sharing the test's clock (and its fault switches).
        if id(database) not in centers:
            centers[id(database)] = Center(database.engine, clock=clock.naive)
        return centers[id(database)]

    return make


@pytest.fixture
def desk_at(db, clock, center_for) -> Callable[..., CashierDesk]:
    def make(
        station: str, cashier: str | None = None, pin: str | None = None, database=None
    ) -> CashierDesk:
        database = database or db
        station_no = int(station[-2:])
        desk = CashierDesk(
            database, station, clock=clock, center=center_for(database), msgids=MsgIds(station_no)
        )
        if cashier:
            desk.login(cashier, pin or "111111")
        return desk

    return make


@pytest.fixture
def desk(desk_at) -> CashierDesk:
    """王丽 (1001) at window 1 of the 博州 三级 hospital."""
    return desk_at(BT_HOSPITAL, "1001")

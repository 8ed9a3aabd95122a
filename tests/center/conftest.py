"""Center test fixtures: a fresh, seeded center on SQLite and (marked `postgres`) on PostgreSQL.

PostgreSQL comes from POS_TEST_PG_URL. Locally, without it, those tests skip; in CI
(POS_REQUIRE_PG=1) they fail instead, so a missing database can never pass silently.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from engine.center import Center, seed_center
from engine.center.models import CenterBase
from engine.center.seed import load_families
from engine.db import make_engine, normalize_url
from pos.bench.station import Station

NOW = datetime(2025, 6, 15, 9, 30)
BORTALA_HOSPITAL = "H65270100001"  # 三级
ZHAOTONG_HOSPITAL = "H53060200001"  # 三级
BORTALA_CLINIC = "H65270100009"  # not designated


PG_SCHEMA = "pos_center_test"


def pg_url_or_skip() -> str:
    """POS_TEST_PG_URL, pointed at a schema of our own, so these tests never leave center tables
    in the schema the hospital tests migrate (and never drop theirs)."""
    url = os.environ.get("POS_TEST_PG_URL")
    if url:
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {PG_SCHEMA}"))
        engine.dispose()
        u = make_url(normalize_url(url))
        return u.update_query_dict({"options": f"-csearch_path={PG_SCHEMA}"}).render_as_string(
            hide_password=False
        )
    if os.environ.get("POS_REQUIRE_PG") == "1":
        pytest.fail(
            "POS_REQUIRE_PG=1 but POS_TEST_PG_URL is not set: PostgreSQL tests must run in CI"
        )
    pytest.skip("POS_TEST_PG_URL not set (set it, or POS_REQUIRE_PG=1 to make this a failure)")


@pytest.fixture
def pg_url() -> str:
    return pg_url_or_skip()


class Clock:
    """An injectable clock the test can move."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now += timedelta(**kw)


def fresh_engine(url: str):
    engine = make_engine(url)
    CenterBase.metadata.drop_all(engine)
    CenterBase.metadata.create_all(engine)
    with Session(engine) as s:
        seed_center(s, year=NOW.year)
        s.commit()
    return engine


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'center.sqlite3'}"
    return pg_url_or_skip()


@pytest.fixture
def engine(db_url):
    engine = fresh_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def center(engine, clock) -> Center:
    return Center(engine, clock=clock)


@pytest.fixture
def bt(center) -> Station:
    return Station(center, BORTALA_HOSPITAL, prefix="BT")


@pytest.fixture
def zt(center) -> Station:
    return Station(center, ZHAOTONG_HOSPITAL, prefix="ZT")


class People(dict):
    """Demo persons by name: .psn_no, .certno, .card_no, .ecert_token, .enrolment …"""

    def __getattr__(self, name):
        return self[name]


@pytest.fixture(scope="session")
def people() -> People:
    return People({p.name: p for f in load_families() for p in f.person})

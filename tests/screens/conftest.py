"""Deterministic cashier apps for snapshot and Pilot tests.

- one seeded SQLite template per test session (fixtures/ → open_database), copied per test
- a frozen clock (2025-06-16 10:30 CST) for the app, the desk and the embedded center
- msgids and ids from counters that start fresh with every app
- cursor blink off, no live clock, printer → the test's tmp dir, training flag on
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from textual.widgets import Input

from pos.app import PosApp
from pos.config import PrinterSettings, Settings

CST = timezone(timedelta(hours=8), "CST")
FROZEN = datetime(2025, 6, 16, 10, 30, 0, tzinfo=CST)


def frozen_clock() -> datetime:
    return FROZEN


@pytest.fixture(autouse=True)
def _no_blink(monkeypatch):
    # Belt and braces: the settings turn blinking off; this also freezes any Input we did not create.
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    from pos.database import open_database

    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    db = open_database(f"sqlite:///{path}", pin_cost=2)
    db.dispose()
    return path


@pytest.fixture
def db_url(template_db: Path, tmp_path: Path) -> str:
    path = tmp_path / "pos.sqlite3"
    shutil.copy(template_db, path)
    for suffix in ("-wal", "-shm"):
        extra = template_db.with_name(template_db.name + suffix)
        if extra.exists():
            shutil.copy(extra, path.with_name(path.name + suffix))
    return f"sqlite:///{path}"


def ticking_clock(step: timedelta = timedelta(seconds=1)) -> Callable[[], datetime]:
    """A clock that moves one step per reading (msgids embed the second; long runs need it)."""
    now = [FROZEN]

    def clock() -> datetime:
        now[0] += step
        return now[0]

    return clock


def build_app(
    db_url: str,
    tmp_path: Path,
    *,
    lang: str = "zh",
    training: bool = True,
    clock: Callable[[], datetime] = frozen_clock,
) -> PosApp:
    from pos.database import open_database
    from pos.services.desk import CashierDesk
    from pos.services.link import MsgIds

    db = open_database(db_url, seed_if_empty=False)
    desk = CashierDesk(db, clock=clock, msgids=MsgIds(1), lang=lang)
    settings = Settings(
        lang=lang,
        cursor_blink=False,
        show_clock=False,
        training=training,
        printer=PrinterSettings(target=str(tmp_path / "receipts")),
        station="H65270100001-01",
    )
    return PosApp(settings, desk, clock=clock)


@pytest.fixture
def make_app(db_url: str, tmp_path: Path) -> Callable[..., PosApp]:
    def factory(lang: str = "zh", training: bool = True, clock=frozen_clock) -> PosApp:
        return build_app(db_url, tmp_path, lang=lang, training=training, clock=clock)

    return factory


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run `async def` tests here with asyncio.run (no pytest-asyncio in the pinned set)."""
    import asyncio
    import inspect

    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    kwargs = {name: pyfuncitem.funcargs[name] for name in names}
    asyncio.run(pyfuncitem.obj(**kwargs))
    return True

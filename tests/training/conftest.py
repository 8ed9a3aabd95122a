"""Training rooms for tests: one seeded template per session (cheap PINs), a fresh room per test,
attempts on a frozen clock start (2025-06-16 10:30 CST)."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from textual.widgets import Input

from pos.config import PrinterSettings, Settings

CST = timezone(timedelta(hours=8), "CST")
START = datetime(2025, 6, 16, 10, 30, 0, tzinfo=CST)


@pytest.fixture(autouse=True)
def _no_blink(monkeypatch):
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


@pytest.fixture
def no_frames(monkeypatch):
    """Headless, a frame is composed only to be thrown away (App._display ignores it when
    headless): the play tests skip composing them. Layout, focus, messages and workers run as
    ever, and export_screenshot still composes the whole screen when a test looks at it."""
    from textual.screen import Screen

    frame = Screen._compositor_refresh

    def refresh(self) -> None:
        app = self.app
        if app.is_headless and not app.is_inline and self is app.screen:
            self._dirty_widgets.clear()
            self._compositor._dirty_regions.clear()
            app._update_mouse_over(self)
            return
        frame(self)

    monkeypatch.setattr(Screen, "_compositor_refresh", refresh)


@pytest.fixture(scope="session")
def room_template(tmp_path_factory) -> Path:
    from pos.training.room import TrainingRoom

    directory = tmp_path_factory.mktemp("room-template")
    TrainingRoom(directory, pin_cost=2).template()
    return directory / "template.sqlite3"


@pytest.fixture
def room(room_template: Path, tmp_path: Path):
    from pos.training.room import TEMPLATE, TrainingRoom

    directory = tmp_path / "room"
    directory.mkdir()
    shutil.copyfile(room_template, directory / TEMPLATE)
    return TrainingRoom(directory, pin_cost=2)


def settings(tmp_path: Path, lang: str = "zh") -> Settings:
    return Settings(
        lang=lang,
        cursor_blink=False,
        show_clock=False,
        printer=PrinterSettings(target=str(tmp_path / "receipts")),
    )


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run `async def` tests with asyncio.run (no pytest-asyncio in the pinned set)."""
    import asyncio
    import inspect

    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{n: pyfuncitem.funcargs[n] for n in names}))
    return True

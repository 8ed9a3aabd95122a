"""`pos serve` without a browser: the session app (picker → brief → login in ONE app), the served
command, a session process driven the way textual-serve drives it (its own directory, removed
when it quits; the live database never opened), and the command line's refusals.
The browser itself: tests/test_serve_browser.py."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.widgets import Input

from pos.config import PrinterSettings, Settings
from pos.training.room import TEMPLATE, TrainingRoom
from pos.training.scenarios import load_scenarios

SCENARIO = "zt-family-account-trap"  # 昭通: 2001 / 111111


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("classroom")
    return TrainingRoom(directory, pin_cost=2).template()


@pytest.fixture(autouse=True)
def _no_blink(monkeypatch):
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


def test_one_app_goes_from_the_picker_to_a_logged_in_attempt(tmp_path, template):
    from pos.classroom.app import ClassroomApp
    from screens.cashier import CashierScreen
    from screens.login import LoginScreen
    from screens.training import BriefScreen, PickerScreen

    room_dir = tmp_path / "room"
    room_dir.mkdir()
    (room_dir / TEMPLATE).write_bytes(template.read_bytes())
    room = TrainingRoom(room_dir, pin_cost=2)
    settings = Settings(
        lang="zh",
        cursor_blink=False,
        printer=PrinterSettings(target=str(tmp_path / "receipts")),
    )
    scenarios = [s for s in load_scenarios() if s.id == SCENARIO]
    seen: list[tuple[str, str | None, str | None]] = []
    app = ClassroomApp(
        settings, room, scenarios, on_screen=lambda s, f, a: seen.append((s, f, a and a.id))
    )

    async def run() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, PickerScreen)
            assert app.attempt is None
            await pilot.press(*"ana", "tab", "down", "enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, BriefScreen)
            assert app.attempt is not None and app.attempt.trainee == "ana"
            assert app.attempt.db_path.parent.parent.parent == room_dir  # this room's own
            assert app.settings.station == scenarios[0].station and app.settings.training
            await pilot.press("enter")
            assert isinstance(app.screen, LoginScreen)
            await pilot.press(*"2001", "tab", *"111111", "enter")
            for _ in range(20):
                await app.workers.wait_for_complete()
                await pilot.pause()
                if isinstance(app.screen, CashierScreen):
                    break
            assert isinstance(app.screen, CashierScreen)
            assert app.desk is app.attempt.desk
            # The picker's keys are not the attempt's: a replay starts at the brief.
            assert app.attempt.keys[0] == "enter" and "a" not in app.attempt.keys

    asyncio.run(run())
    assert seen[0] == ("PickerScreen", "trainee", None)
    assert ("PickerScreen", "scenarios", None) in seen
    assert ("LoginScreen", "pin", app.attempt.id) in seen
    assert seen[-1][0] == "CashierScreen" and seen[-1][2] == app.attempt.id


def test_the_served_command_is_this_python_running_pos(tmp_path):
    from pos.classroom.serve import session_command

    cmd = session_command(tmp_path / "a dir", SCENARIO, "en")
    argv = shlex.split(cmd)
    assert argv[0] == "exec"  # the session is the shell's own process: quit reaches it
    assert argv[1:] == [
        sys.executable,
        "-m",
        "pos",
        "--lang",
        "en",
        "serve",
        "--session",
        str(tmp_path / "a dir"),
        "--scenario",
        SCENARIO,
    ]


def _packet(kind: bytes, payload: bytes) -> bytes:
    return kind + len(payload).to_bytes(4, "big") + payload


def test_a_session_has_its_own_directory_and_removes_it_when_it_quits(tmp_path, template):
    """Driven as textual-serve drives it: the web driver, packets on stdin, quit at the end."""
    workdir = tmp_path / "classroom"
    workdir.mkdir()
    (workdir / TEMPLATE).write_bytes(template.read_bytes())
    live = tmp_path / "live.sqlite3"
    env = {
        **os.environ,
        "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver",
        "COLUMNS": "120",
        "ROWS": "40",
        "POS_DATABASE_URL": f"sqlite:///{live}",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "pos", "serve", "--session", str(workdir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        state = None
        while state is None or state.get("screen") != "PickerScreen":
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail(f"no picker: {proc.stderr.read().decode() if proc.poll() else ''}")
            time.sleep(0.1)
            found = list((workdir / "sessions").glob("*/session.json"))
            if found:
                try:
                    state = json.loads(found[0].read_text("utf-8"))
                except ValueError:
                    continue
        (session,) = (workdir / "sessions").iterdir()
        assert state["pid"] == proc.pid
        assert (session / TEMPLATE).is_file()  # its own copy of the template
        proc.stdin.write(_packet(b"M", json.dumps({"type": "quit"}).encode()))
        proc.stdin.flush()
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not session.exists()  # the session's training database went with it
    assert not live.exists()  # and the live database was never opened


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["serve", "--host", "0.0.0.0"], "--public-url"),
        (["serve", "--scenario", "no-such"], "no-such"),
        (["serve", "--port", "0"], "--port"),
        (["--db", "sqlite:///x.sqlite3", "serve"], "--db"),
    ],
)
def test_refusals_are_one_line(args, needle, capsys):
    from pos.cli import main

    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and "\n" not in err


def test_help_says_another_host_exposes_the_app(capsys):
    from pos.cli import main

    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "default 127.0.0.1" in out
    assert "exposes the training app to the network" in out


ORPHAN_MAKER = """
import json, subprocess, sys, time
from pathlib import Path
workdir = Path(sys.argv[1])
p = subprocess.Popen(
    [sys.executable, "-m", "pos", "serve", "--session", str(workdir)],
    stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
)
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    found = list((workdir / "sessions").glob("*/session.json"))
    try:
        if found and json.loads(found[0].read_text()).get("screen") == "PickerScreen":
            break
    except ValueError:
        pass
    time.sleep(0.1)
print(p.pid, flush=True)
"""


def test_a_session_whose_server_died_ends_by_itself(tmp_path, template):
    """The server killed outright (no quit sent): the session notices its parent is gone."""
    workdir = tmp_path / "classroom"
    workdir.mkdir()
    (workdir / TEMPLATE).write_bytes(template.read_bytes())
    env = {**os.environ, "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver"}
    maker = subprocess.run(
        [sys.executable, "-c", ORPHAN_MAKER, str(workdir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    pid = int(maker.stdout.strip())  # the maker has exited: the session is an orphan now
    (session,) = (workdir / "sessions").iterdir()
    deadline = time.monotonic() + 30
    while session.exists() or Path(f"/proc/{pid}").exists():
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            pytest.fail("the orphaned session kept running")
        time.sleep(0.2)

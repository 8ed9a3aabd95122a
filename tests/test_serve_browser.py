"""`pos serve` in a real headless Chromium (Debian's chromium + chromium-driver, through selenium).

Two browser tabs open the classroom at once; each gets its own session process and its OWN
training database. In each, a trainee types a name and picks the scenario the way a person
would, then logs in with a cashier number and PIN typed into xterm.js. xterm.js draws on a
canvas, so what happened is read where it is true: each session's session.json (which screen is
up, which database) and the login entry in that session's training database's audit.

Without chromium (and CI unset) the test skips with the reason; under CI=true it fails, since
.ci/run installs chromium and chromium-driver.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import pytest

from pos.training.room import TEMPLATE

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCENARIO = "zt-family-account-trap"  # 昭通: 2001 / 111111, 2002 / 222222
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
)
WAIT = 20.0  # seconds any one step may take on a loaded machine before the test gives up

pytestmark = pytest.mark.slow


def _need_browser() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if not missing:
        return
    reason = f"{', '.join(missing)} missing: apt-get install chromium chromium-driver"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (.ci/run installs them)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _until(what: str, probe, timeout: float = WAIT):
    """Poll probe() until it returns something truthy; fail naming what never happened."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def _sessions(workdir: Path) -> dict[Path, dict]:
    out = {}
    for path in (workdir / "sessions").glob("*/session.json"):
        try:
            out[path.parent] = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue  # being replaced right now
    return out


def _logins(database: str) -> list[str]:
    con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT subject FROM hosp_audit_log WHERE action = 'login' ORDER BY seq"
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


@pytest.fixture
def server(tmp_path: Path):
    _need_browser()
    port = _free_port()
    workdir = tmp_path / "classroom"
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pos",
            "serve",
            "--port",
            str(port),
            "--workdir",
            str(workdir),
            "--scenario",
            SCENARIO,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # the server and its sessions: one group to end at the end
    )

    def listening() -> bool:
        if proc.poll() is not None:
            pytest.fail(
                f"pos serve exited {proc.returncode}: {(tmp_path / 'serve.log').read_text()}"
            )
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    try:
        _until("pos serve to listen", listening)
        yield f"http://127.0.0.1:{port}/", workdir
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


@pytest.fixture
def browser(tmp_path: Path):
    _need_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    options.page_load_strategy = "eager"  # the page asks for a web font it cannot reach here
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def _type(driver, *keys: str) -> None:
    """Keys into xterm.js's input textarea, as a person types them."""
    from selenium.webdriver.common.by import By

    box = driver.find_element(By.CSS_SELECTOR, "textarea.xterm-helper-textarea")
    for k in keys:
        box.send_keys(k)


def _new_picker(workdir: Path, known: set[Path]) -> Path | None:
    """A session not seen before, showing the picker."""
    for d, s in _sessions(workdir).items():
        if d not in known and s["screen"] == "PickerScreen":
            return d
    return None


def _on(workdir: Path, session: Path, screen: str, focus: str | None = None) -> dict:
    """Wait until the session shows `screen` with `focus` in the field that gets the keys: a
    person sees the cursor move before typing into the next field, and so does this test."""

    def probe():
        s = _sessions(workdir).get(session)
        return s if s and s["screen"] == screen and (focus is None or s["focus"] == focus) else None

    return _until(f"{screen} ({focus or 'any field'}) in {session.name}", probe)


def test_two_browsers_two_training_databases_and_a_real_login(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    url, workdir = server
    assert (workdir / TEMPLATE).is_file()  # made once by the server, copied per session
    tabs: dict[str, Path] = {}
    for n in (1, 2):
        if n == 2:
            browser.switch_to.new_window("tab")
        browser.get(url)
        _until("xterm.js", lambda: browser.find_elements(By.CSS_SELECTOR, ".xterm-helper-textarea"))
        known = frozenset(tabs.values())
        session = _until(f"session {n}'s picker", partial(_new_picker, workdir, known))
        tabs[browser.current_window_handle] = session

    # Each tab: a trainee name, Tab to the scenario list, ↓ and Enter to pick; Enter past the brief;
    # then the cashier number, Tab, the PIN and Enter.
    for (handle, session), (trainee, cashier, pin) in zip(
        tabs.items(),
        [("trainee-a", "2001", "111111"), ("trainee-b", "2002", "222222")],
        strict=True,
    ):
        browser.switch_to.window(handle)
        _on(workdir, session, "PickerScreen", "trainee")
        _type(browser, trainee, Keys.TAB)
        _on(workdir, session, "PickerScreen", "scenarios")
        _type(browser, Keys.ARROW_DOWN, Keys.ENTER)
        _on(workdir, session, "BriefScreen")
        _type(browser, Keys.ENTER)
        _on(workdir, session, "LoginScreen", "cashier-no")
        _type(browser, cashier, Keys.TAB)
        _on(workdir, session, "LoginScreen", "pin")
        _type(browser, pin, Keys.ENTER)

    databases = {}
    for session, (cashier, trainee) in zip(
        tabs.values(), [("2001", "trainee-a"), ("2002", "trainee-b")], strict=True
    ):
        state = _on(workdir, session, "CashierScreen")
        database = state["database"]
        assert Path(database).is_relative_to(session)  # inside this session's own directory
        assert trainee in state["attempt"]
        assert _logins(database) == [cashier]  # this login, and nobody else's, is in this database
        databases[session] = database
    assert len(set(databases.values())) == 2
    assert len(set(tabs.values())) == 2

    # Closing a tab ends its session: its directory (and database) goes away.
    first_handle, first_session = next(iter(tabs.items()))
    browser.switch_to.window(first_handle)
    browser.close()
    _until("the closed tab's session directory to be removed", lambda: not first_session.exists())
    assert Path(databases[list(tabs.values())[1]]).exists()  # the other session goes on

    # The class's records outlive the sessions: the trainer reads both attempts' records from
    # the classroom directory; the closed tab's keeps the keys typed until it closed.
    from pos.training.room import TrainingRoom

    history = TrainingRoom(workdir).history()
    assert sorted(h["trainee"] for h in history) == ["trainee-a", "trainee-b"]
    closed = next(h for h in history if h["trainee"] == "trainee-a")
    keys = TrainingRoom(workdir).load_record(closed["id"])["keys"]
    assert keys[-1] == "enter" and "2" in keys  # the cashier number and PIN, then Enter

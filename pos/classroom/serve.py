"""`pos serve`: the training app in browsers through textual-serve, one training database per
browser session.

    workdir/                       --workdir, else the user's data directory /classroom (kept)
        template.sqlite3           the seeded training template, made once when the server starts
        attempts/<id>/attempt.json every session's attempts: trainee, keys, messages, score card
                                   (kept: `pos train --history --dir WORKDIR`, `--replay ID`)
        sessions/<pid>-<random>/   one browser session: a room of its own (removed when it ends)
            template.sqlite3       a copy of the template
            attempts/<id>/training.sqlite3   the attempt's database (gone with the session)
            session.json           {pid, screen (on top), focus (its field), attempt, database}
            receipts/              what the file printer sink writes in this session

textual-serve starts the served command once per browser connection (a websocket) and asks it to
quit when the browser goes; that command is `python -m pos serve --session WORKDIR`, which makes
the session's directory, runs `ClassroomApp` there and removes the directory when the app ends.
No session ever opens the live database: the training room is the only database it knows.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

from pos.training.room import TEMPLATE, Attempt, copy_sqlite

SESSIONS = "sessions"
STATE = "session.json"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_wildcard(host: str) -> bool:
    return host in ("0.0.0.0", "::", "")


def session_command(workdir: Path, scenario_id: str | None, lang: str | None) -> str:
    """The shell command textual-serve runs per browser: this interpreter, `-m pos` (works from an
    installed wheel as from a checkout), exec'd so the session is the shell's own process."""
    argv = [sys.executable, "-m", "pos"]
    if lang:
        argv += ["--lang", lang]
    argv += ["serve", "--session", str(workdir)]
    if scenario_id:
        argv += ["--scenario", scenario_id]
    return "exec " + shlex.join(argv)


def default_classroom_dir() -> Path:
    from pos.training.room import default_room_dir

    return default_room_dir().parent / "classroom"


def serve(
    *,
    host: str,
    port: int,
    scenario_id: str | None,
    lang: str | None,
    workdir: Path | None = None,
    public_url: str | None = None,
) -> int:
    from textual_serve.server import Server

    from pos.training.room import TrainingRoom

    workdir = Path(workdir or default_classroom_dir()).resolve()
    try:
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / SESSIONS).mkdir(exist_ok=True)
        TrainingRoom(workdir, lang=lang or "zh").template()  # once, not per browser
        server = Server(
            session_command(workdir, scenario_id, lang),
            host=host,
            port=port,
            title="医保收费实训台 · 培训课堂 / classroom",
            public_url=public_url,
        )
        print(f"培训课堂 / classroom: {server.public_url}", flush=True)
        print(f"每个浏览器会话的培训数据库 / training databases: {workdir / SESSIONS}", flush=True)
        print(f"成绩与回放 / scores and replays: pos train --history --dir {workdir}", flush=True)
        server.serve()
    finally:
        shutil.rmtree(workdir / SESSIONS, ignore_errors=True)
    return 0


def _write_state(directory: Path, screen: str, focus: str | None, attempt: Attempt | None) -> None:
    record = {
        "pid": os.getpid(),
        "screen": screen,
        "focus": focus,
        "attempt": attempt.id if attempt else None,
        "database": str(attempt.db_path) if attempt else None,
    }
    tmp = directory / f".{STATE}.tmp"
    tmp.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    os.replace(tmp, directory / STATE)


def run_session(workdir: Path, scenario_id: str | None, lang: str | None) -> int:
    """One browser session (run by textual-serve): a room of its own, removed when it ends."""
    from pos.classroom.app import ClassroomApp
    from pos.config import load_settings
    from pos.training.room import TrainingRoom
    from pos.training.scenarios import load_scenarios

    template = Path(workdir) / TEMPLATE
    if not template.is_file():
        print(f"--session: no training template in {workdir}", file=sys.stderr)
        return 2
    scenarios = load_scenarios()
    if scenario_id:
        scenarios = [s for s in scenarios if s.id == scenario_id]
    sessions = Path(workdir) / SESSIONS
    sessions.mkdir(exist_ok=True)
    directory = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=sessions))
    app = None
    try:
        copy_sqlite(template, directory / TEMPLATE)  # the session's own, private (0600)
        settings = load_settings(lang=lang)
        if settings.printer.sink == "file":  # receipts stay with the session, not the server
            printer = settings.printer.model_copy(update={"target": str(directory / "receipts")})
            settings = settings.model_copy(update={"printer": printer})
        # The attempt's database lives and dies with the session; its record (keys, messages,
        # score card) goes to the classroom's directory, where the trainer reads the class.
        room = TrainingRoom(directory, lang=settings.lang, records=Path(workdir))
        app = ClassroomApp(
            settings,
            room,
            scenarios,
            on_screen=lambda screen, focus, attempt: _write_state(
                directory, screen, focus, attempt
            ),
        )
        app.run()
    finally:
        if app is not None and app.attempt is not None:
            # An attempt left without Ctrl+X keeps its keys and messages so far (no score card).
            with contextlib.suppress(Exception):
                room.save(app.attempt)
            with contextlib.suppress(Exception):
                app.attempt.desk.db.dispose()
        shutil.rmtree(directory, ignore_errors=True)
    return 0

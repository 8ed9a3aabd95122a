"""`pos txn`: talk to the embedded insurance center from the shell, JSON Lines in and out.

    echo '{"infno": "1101", "fixmedins_code": "H65270100001",
           "input": {"mdtrt_cert_type": "02", "mdtrt_cert_no": "652701198403120319"}}' | pos txn

Each input line is one message, in the platform's envelope ({"infno", "msgid", "fixmedins_code",
"opter", …, "input": {"data": {…}}}, or the flat "input" the project's own callers send); each
output line is the center's answer: {"infcode": 0, "inf_refmsgid": …, "refmsg_time": …,
"respond_time": …, "err_msg": null, "warn_msg": null, "output": {…}} with amounts as JSON numbers,
or {"infcode": -1, "err_msg": "…", …}. Many messages run in one process against one database
(default: the app's, see `pos --db`).
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import IO

from engine.center import Center, ResponseLost
from engine.center.jsontext import dumps
from pos.commands import jsonlines


def run_lines(center: Center, stdin: IO, stdout: IO[str]) -> int:
    """Answer every line, in order, one answer each: a blank, broken, over-long or non-UTF-8 line
    answers infcode -1 like any bad message and costs only its own answer."""
    for n, raw in enumerate(jsonlines.lines(stdin), 1):
        stdout.write(_dump(_answer(center, n, raw)) + "\n")
        stdout.flush()
    return 0


def _dump(answer: dict) -> str:
    """One line; amounts as the exact JSON numbers they are (escaped if the stream needs it)."""
    text = dumps(answer)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = dumps(answer, ensure_ascii=True)
    return text


def _answer(center: Center, n: int, raw: bytes | jsonlines.LineError) -> dict:
    try:
        if isinstance(raw, jsonlines.LineError):
            raise raw
        message = jsonlines.decode(raw)  # Decimal, never float: a JSON number stays exact
    except jsonlines.LineError as exc:
        return {"infcode": -1, "err_msg": f"line {n}: {exc}"}
    try:
        return center.handle(message)
    except ResponseLost as exc:
        # The fault switch: committed at the center, but the caller only sees a timeout.
        return {
            "infcode": -1,
            "err_msg": f"timeout: no response ({exc}); 请用 2601 冲正或 5203 查询",
        }
    except Exception as exc:  # Center.handle answers everything; a bug still costs one line only
        return {"infcode": -1, "err_msg": f"line {n}: internal error: {type(exc).__name__}"}


def _center(args) -> Center:
    from pos.clock import CHINA, china_now
    from pos.database import build_center

    clock = china_now
    if args.clock:
        # A fixed China time for reproducible transcripts (naive text is read as China time).
        fixed = datetime.fromisoformat(args.clock)
        fixed = fixed.astimezone(CHINA) if fixed.tzinfo else fixed.replace(tzinfo=CHINA)
        clock = lambda: fixed  # noqa: E731
    url = getattr(args, "txn_db", None) or args.db
    if args.no_init:
        from engine.db import make_engine

        engine = make_engine(url)
    else:
        from pos.database import open_existing

        engine = open_existing(url).engine  # never created here: `pos db init` does that
    center = build_center(engine, clock=clock, lang=args.lang)
    center.faults.lose_response_after_commit = set(args.lose_response or [])
    center.faults.once = args.once
    return center


def run(args) -> int:
    try:
        center = _center(args)
    except Exception as exc:  # a bad URL or an unreachable database: one line, exit 2
        print(f"pos txn: cannot open the database: {exc}".splitlines()[0], file=sys.stderr)
        return 2
    return run_lines(center, sys.stdin, sys.stdout)


def register(sub) -> None:
    p = sub.add_parser(
        "txn", help="send platform messages (JSON Lines) to the embedded insurance center"
    )
    p.add_argument("--clock", help="fixed center time, ISO format (e.g. 2025-06-15T09:30:00)")
    p.add_argument(
        "--lang", choices=["zh", "en"], default="zh", help="language of traces and reasons"
    )
    p.add_argument(
        "--lose-response",
        action="append",
        metavar="INFNO",
        help="fault switch: commit, then lose the response of this infno (the 冲正 training case)",
    )
    p.add_argument(
        "--once", action="store_true", help="the fault fires once, then turns itself off"
    )
    p.add_argument("--db", dest="txn_db", metavar="URL", help="database URL (same as `pos --db`)")
    p.add_argument(
        "--no-init", action="store_true", help="use --db as it is: no migration, no seeding"
    )
    p.set_defaults(func=run)

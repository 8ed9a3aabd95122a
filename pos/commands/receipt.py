"""`pos receipt list|show`: the books' receipts for trainers and scripts.

    pos receipt list [--date YYYY-MM-DD] [--institution CODE] [--json]
    pos receipt show NUMBER [--format text|pdf|escpos] [--width 32|48] [--page A5|A4]
                     [--doc all|receipt|slip] [--institution CODE] [-o FILE]

`show` is a 补打: the same receipt number, marked 补打 with its count, and one `receipt.reprint`
entry in the audit log. Output files are created 0600 and never overwritten (a taken name gets a
-2, -3 … suffix; the path written is printed on stderr). Bad input: one line on stderr, exit 2;
a missing database or receipt: one line, exit 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

FORMATS = ("text", "pdf", "escpos")


class Refused(Exception):
    """One line for stderr and the exit status."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


def _open(args):
    """The database as it is: never created, migrated or seeded from here."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import SQLAlchemyError

    from engine.db import is_sqlite, make_engine
    from pos.database import Database, redacted, resolve_url

    url = resolve_url(getattr(args, "db", None))
    if is_sqlite(url):
        path = url.removeprefix("sqlite:///")
        if path in ("", ":memory:") or not Path(path).is_file():
            raise Refused(
                f"数据库不存在 / no database at {redacted(url)} (pos db init creates one)", 1
            )
    db = Database(url, make_engine(url))
    try:
        with db.engine.connect() as conn:
            ready = inspect(conn).has_table("hosp_settlements")
    except SQLAlchemyError as exc:
        db.dispose()
        first = str(exc).splitlines()[0][:200]
        raise Refused(f"无法打开数据库 / cannot open the database: {first}", 1) from None
    if not ready:
        db.dispose()
        raise Refused(
            f"数据库未初始化 / no hospital tables in {redacted(url)} (pos db init creates them)", 1
        )
    return db


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Refused(f"--date: {text!r} is not a date YYYY-MM-DD") from None


def _table(rows) -> str:
    from pos.cells import pad, rpad

    kind = {"settle": "结算", "selfpay": "全自费", "refund": "冲红"}
    head = ["票据号 receipt", "结算ID setl_id", "姓名", "总费用", "时间 settled_at", "类型"]
    cols = [
        [r.receipt_no for r in rows],
        [r.setl_id for r in rows],
        [r.psn_name for r in rows],
        [f"{r.medfee_sumamt:,.2f}" for r in rows],
        [r.as_json()["settled_at"][:19].replace("T", " ") for r in rows],
        [kind.get(r.kind, r.kind) for r in rows],
    ]
    from rich.cells import cell_len

    widths = [
        max([cell_len(h), *(cell_len(x) for x in col)]) for h, col in zip(head, cols, strict=True)
    ]
    right = {3}

    def line(cells: list[str]) -> str:
        return "  ".join(
            rpad(c, w) if i in right else pad(c, w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [line(head), line(["-" * w for w in widths])]
    out += [line([col[i] for col in cols]) for i in range(len(rows))]
    return "\n".join(out) + "\n"


def cmd_list(args) -> int:
    from pos.printing.books import list_receipts

    day = _day(args.date)
    db = _open(args)
    try:
        rows = list_receipts(db, day, args.institution)
    finally:
        db.dispose()
    if args.json:
        sys.stdout.write(json.dumps([r.as_json() for r in rows], ensure_ascii=False) + "\n")
    elif rows:
        sys.stdout.write(_table(rows))
    else:
        print("没有结算 / no settlements", file=sys.stderr)
    return 0


def cmd_show(args) -> int:
    from pos.clock import china_now
    from pos.config import PrinterSettings, load_settings
    from pos.printing.books import reprint
    from pos.printing.builders import build_receipt, build_slip
    from pos.printing.sinks import EXTENSIONS, render, write_new

    if args.format not in FORMATS:
        raise Refused(f"--format: {args.format!r} is not one of {', '.join(FORMATS)}")
    if args.width not in ("32", "48"):
        raise Refused(f"--width: {args.width!r} must be 32 (58 mm) or 48 (80 mm)")
    if args.page not in ("A5", "A4"):
        raise Refused(f"--page: {args.page!r} must be A5 or A4")
    number = args.number.strip()
    if not number or len(number) > 30 or not number.isascii() or not number.isalnum():
        raise Refused(f"NUMBER: {args.number!r} is not a receipt number (e.g. MZ202500000001)")
    to_stdout = args.output in (None, "-")
    if to_stdout and args.format != "text" and sys.stdout.isatty():
        raise Refused(f"--format {args.format} is binary: give -o FILE")
    lang = args.lang or os.environ.get("POS_LANG") or "zh"
    if lang not in ("zh", "en"):
        raise Refused(f"--lang: {lang!r} must be zh or en")
    training = load_settings().training
    db = _open(args)
    try:
        data = reprint(
            db,
            number,
            institution=args.institution,
            actor="cli",
            at=china_now(),
            via="pos receipt show",
            training=training,
        )
    finally:
        db.dispose()
    builders = {"receipt": (build_receipt,), "slip": (build_slip,)}
    docs = [b(data, lang) for b in builders.get(args.doc, (build_receipt, build_slip))]
    printer = PrinterSettings(sink="file", width=int(args.width), page=args.page)
    payload = render(docs, args.format, printer)
    if to_stdout:
        sys.stdout.flush()
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
        return 0
    target = Path(args.output)
    if target.is_dir():
        target = (
            target
            / f"{data.station.fixmedins_code}_{number}_r{data.reprint}.{EXTENSIONS[args.format]}"
        )
    try:
        written = write_new(target, payload)
    except OSError as exc:
        raise Refused(f"-o: cannot write {args.output}: {exc.strerror or exc}", 1) from None
    print(f"补打（第{data.reprint}次）/ reprint #{data.reprint}: {written}", file=sys.stderr)
    return 0


def _guard(fn):
    def run(args) -> int:
        from pos.errors import PosError

        try:
            return fn(args)
        except Refused as exc:
            print(f"pos receipt: {exc}", file=sys.stderr)
            return exc.status
        except PosError as exc:
            print(f"pos receipt: {exc.message_zh} / {exc.message_en}", file=sys.stderr)
            return 1
        except ValueError as exc:  # a bad POS_* setting, a bad URL
            print(f"pos receipt: {str(exc).splitlines()[0]}", file=sys.stderr)
            return 2

    return run


def _one_line_errors(parser: argparse.ArgumentParser) -> None:
    def error(message: str) -> None:
        print(f"pos receipt: {message}", file=sys.stderr)
        raise SystemExit(2)

    parser.error = error  # type: ignore[method-assign]
    parse_known = parser.parse_known_args

    def strict(args=None, namespace=None):
        # Leftovers would reach the top parser, which prints its usage too: say it in one line.
        namespace, extras = parse_known(args, namespace)
        if extras:
            error(f"unrecognized arguments: {' '.join(extras)}")
        return namespace, extras

    parser.parse_known_args = strict  # type: ignore[method-assign]


def register(sub) -> None:
    p = sub.add_parser(
        "receipt", help="list receipts, or reprint one (补打) as text, PDF or ESC/POS"
    )
    _one_line_errors(p)
    rsub = p.add_subparsers(dest="receipt_command", metavar="ACTION", required=True)

    ls = rsub.add_parser("list", help="settlements and 冲红, oldest first")
    ls.add_argument("--date", default=None, help="one day (China time), YYYY-MM-DD")
    ls.add_argument("--institution", default=None, help="one institution's code (H65270100001)")
    ls.add_argument("--json", action="store_true", help="a JSON array instead of a table")
    ls.set_defaults(func=_guard(cmd_list))

    show = rsub.add_parser("show", help="reprint (补打) one receipt from the books")
    show.add_argument("number", help="the receipt number, e.g. MZ202500000001")
    show.add_argument("--format", default="text", help="text (default), pdf or escpos")
    show.add_argument("--width", default="48", help="paper columns: 32 (58 mm) or 48 (80 mm)")
    show.add_argument("--page", default="A5", help="PDF paper: A5 (default) or A4")
    show.add_argument(
        "--doc",
        default="all",
        choices=["all", "receipt", "slip"],
        help="门诊收费票据, 医保结算单, or both (default)",
    )
    show.add_argument("--institution", default=None, help="when the number exists at two")
    show.add_argument(
        "-o", "--output", default=None, help="file (never overwritten) or - for stdout"
    )
    show.set_defaults(func=_guard(cmd_show))

    for action in (ls, show):
        _one_line_errors(action)
        action.add_argument("--db", default=argparse.SUPPRESS, help="database URL")
        action.add_argument("--lang", default=argparse.SUPPRESS, choices=["zh", "en"])

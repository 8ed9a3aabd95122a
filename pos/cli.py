"""`pos`: with no arguments opens the cashier app; subcommands are the headless tools.

The app is what a cashier starts many times a day, so `pos` alone imports none of the
subcommands (SQLAlchemy, alembic and the center load later, on the backend thread): the global
options are parsed first, and the full parser is built only when a subcommand or --help is asked.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# modules under pos.commands, each with register(sub)
COMMANDS = (
    "settle",
    "bench",
    "txn",
    "db",
    "audit",
    "desk",
    "receipt",
    "train",
    "demo",
    "serve",
    "cards",
)


def _global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", choices=["zh", "en"], default=None, help="app language (default zh)"
    )
    parser.add_argument("--db", default=None, help="database URL (default: embedded SQLite)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pos",
        description="医保收费实训台 — hospital medical-insurance cashier trainer. "
        "With no subcommand, opens the cashier app.",
    )
    _global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"pos.commands.{name}").register(sub)
    return parser


def _app_options(argv: list[str]) -> argparse.Namespace | None:
    """The global options when argv asks for nothing but the app; None otherwise."""
    parser = argparse.ArgumentParser(prog="pos", add_help=False, exit_on_error=False)
    _global_options(parser)
    try:
        args, rest = parser.parse_known_args(argv)
    except argparse.ArgumentError:  # a bad --lang: let the full parser say so
        return None
    return None if rest else args


def main(argv: list[str] | None = None) -> int:
    # Chinese on every terminal and pipe, whatever the locale says.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(encoding="utf-8")
    argv = list(sys.argv[1:] if argv is None else argv)
    app = _app_options(argv)
    if app is not None:
        from pos.app import run_app

        return run_app(lang=app.lang, db_url=app.db)  # None: POS_LANG or the default (zh)
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())

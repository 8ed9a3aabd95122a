"""`pos`: with no arguments opens the cashier app; subcommands are the headless tools."""

from __future__ import annotations

import argparse
import sys

from pos.commands import bench, db, settle, txn

COMMANDS = (settle, bench, txn, db)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pos",
        description="医保收费实训台 — hospital medical-insurance cashier trainer. "
        "With no subcommand, opens the cashier app.",
    )
    parser.add_argument(
        "--lang", choices=["zh", "en"], default=None, help="app language (default zh)"
    )
    parser.add_argument("--db", default=None, help="database URL (default: embedded SQLite)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    # Chinese on every terminal and pipe, whatever the locale says.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(encoding="utf-8")
    args = build_parser().parse_args(argv)
    if args.command is None:
        from pos.app import run_app

        return run_app(lang=args.lang, db_url=args.db)  # None: POS_LANG or the default (zh)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())

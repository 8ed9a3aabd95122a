"""`pos`: with no arguments opens the cashier app; subcommands are the headless tools.

The app is what a cashier starts many times a day, so `pos` alone imports none of the
subcommands (SQLAlchemy, alembic and the center load later, on the backend thread): the global
options are parsed first, and the full parser is built only when a subcommand or --help is asked.
Even then only the chosen subcommand's module is imported (`pos settle` must start like a
script, docs/SETTLEMENT.md): the others appear in the help from the table below, by name and
one-line help, without being imported.
"""

from __future__ import annotations

import importlib
import sys

TYPE_CHECKING = False  # typing's own flag, without importing typing
if TYPE_CHECKING:
    import argparse

# Modules under pos.commands, each with register(sub), and the one-line help `pos --help` shows
# (the same words as the module's own add_parser help; tests/test_import_budget.py checks it).
COMMANDS: tuple[tuple[str, str], ...] = (
    ("settle", "settle one JSON request from stdin (docs/SETTLEMENT.md)"),
    ("bench", "benchmarks, reported as ratios against a baseline run side by side"),
    ("txn", "send platform messages (JSON Lines) to the embedded insurance center"),
    ("db", "create, seed, reset or check the database (--db URL or POS_DATABASE_URL)"),
    ("audit", "verify the audit log's keyed hash chain"),
    ("desk", "the co-pay desk: bind, review, quotas, 代缴, 异地就医备案, notices (trainers)"),
    ("receipt", "list receipts, or reprint one (补打) as text, PDF or ESC/POS"),
    ("train", "training mode: scenarios on an isolated training database, scored"),
    ("demo", "drive the app through scenarios unattended, with captions"),
    (
        "serve",
        "the training app in a browser (textual-serve), a fresh training database per session",
    ),
    ("cards", "printable A4 demo cards (QR 医保电子凭证, 社保卡, 身份证) of the fixture people"),
)
_GLOBAL_WITH_VALUE = ("--lang", "--db")


def _settle_forms() -> dict[tuple[str, ...], tuple[bool, str]]:
    """`pos settle`'s common spellings, each with what argparse makes of it: (jsonl, lang)."""
    forms = {}
    for jsonl in (False, True):
        for lang in (None, "zh", "en"):
            langs = [[]] if lang is None else [["--lang", lang], [f"--lang={lang}"]]
            for words in langs:
                for order in ([*words, "--jsonl"], ["--jsonl", *words]) if jsonl else (words,):
                    forms[("settle", *order)] = (jsonl, lang or "zh")
    return forms


# `pos settle` must start like a script, and argparse's import (with gettext, locale and shutil)
# is ≈ 4–5 ms of it: these exact argv run the settle command without it. Anything else (another
# spelling or abbreviation, a global option, --help, a mistake) takes argparse as before, which
# answers and refuses as it always did (tests/test_settle_argv.py holds the two to the same).
SETTLE_FORMS = _settle_forms()


def _global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", choices=["zh", "en"], default=None, help="app language (default zh)"
    )
    parser.add_argument("--db", default=None, help="database URL (default: embedded SQLite)")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full parser; with `only`, that subcommand is real and the others are names in the help
    (so nothing but the chosen module is imported)."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="pos",
        description="医保收费实训台 — hospital medical-insurance cashier trainer. "
        "With no subcommand, opens the cashier app.",
    )
    _global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS:
        if only is None or name == only:
            importlib.import_module(f"pos.commands.{name}").register(sub)
        else:
            sub.add_parser(name, help=help_text)
    return parser


def chosen_command(argv: list[str]) -> str | None:
    """The subcommand argv names (the first word that is not a global option or its value)."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token in _GLOBAL_WITH_VALUE:
            skip = True
        elif not token.startswith("-"):
            return token if token in dict(COMMANDS) else None
    return None


def _app_options(argv: list[str]) -> argparse.Namespace | None:
    """The global options when argv asks for nothing but the app; None otherwise."""
    import argparse

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
    settle = SETTLE_FORMS.get(tuple(argv))
    if settle is not None:
        from pos.commands.settle import run

        return run(*settle)
    app = _app_options(argv)
    if app is not None:
        from pos.app import run_app

        return run_app(lang=app.lang, db_url=app.db)  # None: POS_LANG or the default (zh)
    # No subcommand named (pos --help, a typo): every module stays unimported, the help lists all.
    args = build_parser(only=chosen_command(argv) or "").parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())

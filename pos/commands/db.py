"""`pos db init|seed|reset|check`: create, fill, wipe and audit the database.

The database is `--db URL`, else POS_DATABASE_URL, else the embedded SQLite file in the user's
data directory. `check` exits 1 and names every inconsistency it finds; 0 prints an OK summary.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from pos.database import (
    Database,
    is_seeded,
    open_database,
    open_existing,
    redacted,
    reset,
    resolve_url,
    seed,
)


def _open(args, *, seed_if_empty: bool) -> Database:
    """init creates; every other action opens only a database that exists (DatabaseMissing)."""
    if seed_if_empty:
        return open_database(args.db, seed_if_empty=True)
    return open_existing(args.db)


def cmd_init(args) -> int:
    fresh_url = resolve_url(args.db)
    db = _open(args, seed_if_empty=True)
    print(f"数据库就绪 / database ready: {redacted(fresh_url)}")
    db.dispose()
    return 0


def cmd_seed(args) -> int:
    history = getattr(args, "history", None)
    db = _open(args, seed_if_empty=False)
    try:
        if is_seeded(db):
            if history is None:
                print(
                    "已有种子数据，未重复写入（用 pos db reset 重建）/ already seeded; use `pos db reset` to start over"
                )
                return 0
        else:
            counts = seed(db)
            print("种子数据已写入 / seeded: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        if history is not None:
            return _history(db, args)
        return 0
    finally:
        db.dispose()


def _history(db: Database, args) -> int:
    """`--history N`: N past days made at the desks (pos.services.history), into fresh books."""
    from datetime import date

    from pos.clock import china_now
    from pos.errors import PosError
    from pos.services.history import MAX_DAYS, make_history
    from pos.store.models import Settlement

    if not 1 <= args.history <= MAX_DAYS:
        print(f"--history: 1 to {MAX_DAYS} days, not {args.history}", file=sys.stderr)
        return 2
    with db.reading() as s:
        if s.scalar(select(func.count()).select_from(Settlement)):
            print(
                "已有结算记录：历史数据只写入新库（pos db reset --yes 后再试）/ "
                "the books already hold settlements: history goes into a fresh database",
                file=sys.stderr,
            )
            return 1
    try:
        until = date.fromisoformat(args.until) if args.until else china_now().date()
    except ValueError:
        print(f"--until: {args.until!r} is not a date YYYY-MM-DD", file=sys.stderr)
        return 2
    try:
        counts = make_history(db, args.history, until=until, seed=args.history_seed)
    except PosError as exc:
        print(f"错误 / error: {exc.message_zh} / {exc.message_en}", file=sys.stderr)
        return 2
    print(
        f"历史数据 / history: {until.isoformat()} 之前 {counts.days} 天 / days before it: "
        + ", ".join(f"{k} {v}" for k, v in counts.as_dict().items())
    )
    return 0


def cmd_reset(args) -> int:
    url = resolve_url(args.db)
    if not args.yes:
        if not sys.stdin.isatty():
            print(
                "pos db reset 会删除全部数据；非交互使用请加 --yes / deletes everything: pass --yes",
                file=sys.stderr,
            )
            return 2
        answer = input(
            f"删除 {redacted(url)} 中的全部数据并重建？输入 yes 确认 / type yes to wipe: "
        )
        if answer.strip().lower() != "yes":
            print("已取消 / cancelled")
            return 1
    reset(args.db).dispose()
    print(f"已重建并写入种子数据 / reset and seeded: {redacted(url)}")
    return 0


def cmd_check(args) -> int:
    from engine.center import check_center
    from pos.store.check import check_hospital
    from pos.store.models import AuditEntry, Settlement
    from pos.store.seed import FIXTURES

    db = _open(args, seed_if_empty=False)
    try:
        with db.reading() as s:
            problems = [f"center: {p}" for p in check_center(s, FIXTURES)] + [
                f"hospital: {p}" for p in check_hospital(s)
            ]
            settlements = s.scalar(select(func.count()).select_from(Settlement)) or 0
            entries = s.scalar(select(func.count()).select_from(AuditEntry)) or 0
    finally:
        db.dispose()
    for p in problems:
        print(p)
    if problems:
        print(f"不一致 {len(problems)} 处 / {len(problems)} inconsistencies", file=sys.stderr)
        return 1
    print(
        f"OK: {settlements} 笔结算/冲红, 审计日志 {entries} 条, 余额、累计、额度、票据号、审计链均一致"
    )
    return 0


def _guard(fn):
    def run(args) -> int:
        try:
            return fn(args)
        except SQLAlchemyError as exc:
            print(f"数据库错误 / database error: {str(exc).splitlines()[0][:300]}", file=sys.stderr)
            return 2
        except ValueError as exc:  # a fixture problem (SeedError) or a bad URL
            print(f"错误 / error: {exc}", file=sys.stderr)
            return 2

    return run


def register(sub) -> None:
    p = sub.add_parser(
        "db", help="create, seed, reset or check the database (--db URL or POS_DATABASE_URL)"
    )
    dbsub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    actions = {
        "init": (cmd_init, "create and migrate; seed from fixtures/ if empty"),
        "seed": (cmd_seed, "seed from fixtures/ (only into an empty database)"),
        "reset": (cmd_reset, "delete everything, migrate and seed again"),
        "check": (
            cmd_check,
            "verify balances, accumulators, quotas, receipts and the audit chain; exit 1 if not",
        ),
    }
    for name, (fn, help_text) in actions.items():
        action = dbsub.add_parser(name, help=help_text)
        # Also accepted after the action (`pos db check --db URL`); SUPPRESS keeps `pos --db URL db check`.
        action.add_argument("--db", default=argparse.SUPPRESS, help="database URL")
        if name == "reset":
            action.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        if name == "seed":
            action.add_argument(
                "--history",
                type=int,
                metavar="N",
                help="also make N past days of settlements, refunds, reprints and day closes "
                "at the demo windows (through the cashier desk; deterministic)",
            )
            action.add_argument(
                "--until",
                metavar="YYYY-MM-DD",
                help="the day after the last day of history (default: today, China time)",
            )
            action.add_argument(
                "--history-seed", type=int, default=11, help="the random seed of the history"
            )
        action.set_defaults(func=_guard(fn))

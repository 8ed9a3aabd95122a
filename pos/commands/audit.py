"""`pos audit verify`: check the keyed audit chain (pos.audit). Exit 0 when it is intact; exit 1
naming every edited, missing or reordered entry and a rewound chain tip; 2 if it cannot be read."""

from __future__ import annotations

import argparse
import sys


def cmd_verify(args) -> int:
    from sqlalchemy import func, select
    from sqlalchemy.exc import SQLAlchemyError

    from pos import audit
    from pos.database import open_existing
    from pos.store.models import AuditEntry

    try:
        db = open_existing(args.db)
        try:
            with db.reading() as s:
                problems = audit.verify(s)
                count = s.scalar(select(func.count()).select_from(AuditEntry)) or 0
        finally:
            db.dispose()
    except (SQLAlchemyError, OSError, ValueError) as exc:
        print(f"错误 / error: {str(exc).splitlines()[0][:300]}", file=sys.stderr)
        return 2
    for p in problems:
        print(p)
    if problems:
        print(f"审计日志不一致 {len(problems)} 处 / {len(problems)} problems", file=sys.stderr)
        return 1
    print(f"OK: 审计日志 {count} 条，链与密钥校验一致 / {count} entries, keyed chain intact")
    return 0


def register(sub) -> None:
    p = sub.add_parser("audit", help="verify the audit log's keyed hash chain")
    asub = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = asub.add_parser(
        "verify", help="exit 1 naming any edited or deleted entry, 0 when the chain is intact"
    )
    verify.add_argument("--db", default=argparse.SUPPRESS, help="database URL")
    verify.set_defaults(func=cmd_verify)

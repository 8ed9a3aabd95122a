"""`pos cards --pdf FILE [--region R]`: printable A4 demo cards of the fixture people.

Each card: name, region, the 医保电子凭证 QR code (exactly the token the scan field accepts, so a
real USB scanner works in class), the 社保卡 and 身份证 numbers. Every person is fictional
(fixtures/families); the cards say 培训用 / for training only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "cards",
        help="printable A4 demo cards (QR 医保电子凭证, 社保卡, 身份证) of the fixture people",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--pdf", required=True, type=Path, metavar="FILE", help="the PDF to write")
    p.add_argument(
        "--region", default=None, help="only one region: bortala, zhaotong (or its admdvs)"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pos.classroom.cards import load_cards, regions, render_cards

    cards = load_cards(args.region)
    if not cards:
        known = ", ".join(r.key for r in regions())
        print(
            f"--region: 没有这个地区 / no region {args.region!r} (known: {known})", file=sys.stderr
        )
        return 2
    try:
        args.pdf.write_bytes(render_cards(cards))
    except OSError as exc:
        print(f"--pdf: {args.pdf}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    pages = -(-len(cards) // 10)
    print(f"{args.pdf}: {len(cards)} 张卡 / cards, {pages} 页 / pages (A4)")
    return 0

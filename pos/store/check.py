"""`pos db check`, hospital half: every inconsistency in the hospital's books, one sentence each.

- each settlement's identities hold to the fen, and its batch's lines add up to its total
- tenders add up to psn_cash_pay; a 冲红 row is the exact negation of what it reverses
- hospital settlements and the center's agree one-to-one (amounts, kind, who, where); a 全自费
  settlement (kind selfpay) is the hospital's alone and must have no fund, account or co-pay money
- receipt numbers are gap-free per institution × series × year, and match their counters
- day closes add up to the settlements they took
- no 2207/2208 is left with an unknown outcome (needs 冲正)
- every settlement and 冲红 has its audit entry, and its money (amounts, receipt, each tender's
  method, amount, tendered and change) is what that entry recorded; a 冲红's tenders are the
  exact negation of the original's
- the audit chain is intact (keyed: pos.audit)
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.center.models import CenterSettlement
from pos import audit
from pos.store.identities import identity_problems
from pos.store.models import (
    SETTLEMENT_MONEY,
    AuditEntry,
    CenterCall,
    ChargeBatch,
    Counter,
    DayClose,
    DayCloseItem,
    FeeLine,
    ReceiptReissue,
    Settlement,
    Tender,
)

ZERO = Decimal("0.00")
_COMPARED = (*SETTLEMENT_MONEY, "balc")
_SELFPAY_MONEY = ("medfee_sumamt", "fulamt_ownpay_amt", "psn_part_amt", "psn_cash_pay")


def check_hospital(session: Session) -> list[str]:
    problems: list[str] = []
    settlements = session.scalars(select(Settlement).order_by(Settlement.id)).all()
    problems += _settlements(session, settlements)
    problems += _against_center(session, settlements)
    problems += _receipts(session, settlements)
    problems += _day_closes(session, settlements)
    problems += _open_calls(session)
    problems += _against_audit(session, settlements)
    problems += audit.verify(session)
    return problems


def _amounts(row: Settlement) -> dict[str, Decimal]:
    return {name: getattr(row, name) for name in SETTLEMENT_MONEY}


def _settlements(session: Session, rows: list[Settlement]) -> list[str]:
    out = []
    tenders: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for t in session.scalars(select(Tender)):
        tenders[t.settlement_id] += t.amount
        if t.change != t.tendered - t.amount:
            out.append(
                f"settlement #{t.settlement_id} tender {t.seq}: change {t.change} ≠ tendered − amount"
            )
    batch_sums = dict(
        session.execute(select(FeeLine.chrg_bchno, func.count()).group_by(FeeLine.chrg_bchno)).all()
    )
    line_totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for chrg_bchno, fee in session.execute(select(FeeLine.chrg_bchno, FeeLine.det_item_fee_sumamt)):
        line_totals[chrg_bchno] += fee
    for batch in session.scalars(select(ChargeBatch)):
        if (
            line_totals[batch.chrg_bchno] != batch.medfee_sumamt
            or batch_sums.get(batch.chrg_bchno, 0) != batch.line_count
        ):
            out.append(
                f"batch {batch.chrg_bchno}: its fee lines do not add up to its total {batch.medfee_sumamt}"
            )
    by_id = {r.id: r for r in rows}
    for row in rows:
        name = f"settlement {row.setl_id} ({row.receipt_no})"
        sign = Decimal(-1) if row.kind == "refund" else Decimal(1)
        out += [f"{name}: {p}" for p in identity_problems(_amounts(row))]
        if _selfpay(row, by_id):
            insured = [
                n for n in SETTLEMENT_MONEY if n not in _SELFPAY_MONEY and getattr(row, n) != 0
            ]
            if insured or row.fulamt_ownpay_amt != row.medfee_sumamt:
                out.append(
                    f"{name}: a 全自费 settlement with insurance money ({', '.join(insured)})"
                )
        if tenders[row.id] != row.psn_cash_pay:
            out.append(
                f"{name}: tenders add up to {tenders[row.id]}, psn_cash_pay is {row.psn_cash_pay}"
            )
        batch = session.get(ChargeBatch, row.chrg_bchno)
        if batch is not None and batch.medfee_sumamt * sign != row.medfee_sumamt:
            out.append(
                f"{name}: medfee_sumamt {row.medfee_sumamt} ≠ its batch's lines {batch.medfee_sumamt * sign}"
            )
        if row.kind == "refund":
            orig = by_id.get(row.reverses_id)
            if orig is None:
                out.append(f"{name}: 冲红 of a settlement that is not on the books")
                continue
            wrong = [n for n in SETTLEMENT_MONEY if getattr(row, n) != -getattr(orig, n)]
            if wrong:
                out.append(f"{name}: not the negation of {orig.setl_id} in {', '.join(wrong)}")
    return out


def _selfpay(row: Settlement, by_id: dict[int, Settlement]) -> bool:
    """A 全自费 settlement, or the 冲红 of one."""
    orig = by_id.get(row.reverses_id) if row.reverses_id else None
    return "selfpay" in (row.kind, orig.kind if orig is not None else None)


def _against_center(session: Session, rows: list[Settlement]) -> list[str]:
    out = []
    center = {c.setl_id: c for c in session.scalars(select(CenterSettlement))}
    reversed_ids = {c.orig_setl_id for c in center.values() if c.kind == "reversal"}
    ours = {r.setl_id for r in rows}
    by_id = {r.id: r for r in rows}
    for row in rows:
        if _selfpay(row, by_id):  # 全自费 and its 冲红: the hospital's alone, unknown to the center
            continue
        name = f"settlement {row.setl_id} ({row.receipt_no})"
        theirs = center.get(row.setl_id)
        if theirs is None:
            out.append(f"{name}: the center has no such settlement")
            continue
        if row.setl_id in reversed_ids:
            out.append(f"{name}: the center reversed it (2601) but the hospital still counts it")
        if (theirs.kind, theirs.psn_no, theirs.mdtrt_id, theirs.fixmedins_code) != (
            row.kind,
            row.psn_no,
            row.mdtrt_id,
            row.fixmedins_code,
        ):
            out.append(
                f"{name}: kind, person, visit or institution differs from the center's record"
            )
        for field in _COMPARED:
            if hasattr(theirs, field) and getattr(theirs, field) != getattr(row, field):
                out.append(
                    f"{name}: {field} {getattr(row, field)} here, {getattr(theirs, field)} at the center"
                )
    for setl_id, c in center.items():
        if c.kind in ("settle", "refund") and setl_id not in ours and setl_id not in reversed_ids:
            out.append(
                f"center settlement {setl_id} ({c.kind}, {c.fixmedins_code}, medfee {c.medfee_sumamt}) "
                "is not on the hospital's books (a lost response never reversed?)"
            )
    return out


def _receipts(session: Session, rows: list[Settlement]) -> list[str]:
    out = []
    series: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    for r in rows:
        series[(r.fixmedins_code, r.receipt_series, r.receipt_year)].append(r.receipt_seq)
        if r.receipt_no != f"{r.receipt_series}{r.receipt_year}{r.receipt_seq:08d}":
            out.append(
                f"settlement {r.setl_id}: receipt number {r.receipt_no} does not match its series"
            )
    # 重打 takes numbers from the same series (the number it replaces is void, not missing).
    for again in session.scalars(select(ReceiptReissue)):
        series[(again.fixmedins_code, again.receipt_series, again.receipt_year)].append(
            again.receipt_seq
        )
    counters = {
        (c.fixmedins_code, c.series, c.year): c.last_no
        for c in session.scalars(select(Counter).where(Counter.series.in_(("MZ", "HC"))))
    }
    for key in sorted(set(series) | set(counters)):
        seqs = sorted(series.get(key, []))
        code, name, year = key
        missing = sorted(set(range(1, (seqs[-1] if seqs else 0) + 1)) - set(seqs))
        if missing:
            shown = ", ".join(str(n) for n in missing[:10]) + (" …" if len(missing) > 10 else "")
            out.append(f"receipts {code} {name}{year}: numbers missing: {shown}")
        if counters.get(key, 0) != len(seqs) or (seqs and counters.get(key) != seqs[-1]):
            out.append(
                f"receipts {code} {name}{year}: counter says {counters.get(key, 0)}, {len(seqs)} receipts issued"
            )
    return out


def _day_closes(session: Session, rows: list[Settlement]) -> list[str]:
    out = []
    by_id = {r.id: r for r in rows}
    members: dict[int, list[Settlement]] = defaultdict(list)
    for item in session.scalars(select(DayCloseItem)):
        members[item.day_close_id].append(by_id[item.settlement_id])
    tender_rows = defaultdict(list)
    for t in session.scalars(select(Tender)):
        tender_rows[t.settlement_id].append(t)
    for close in session.scalars(select(DayClose)):
        taken = members.get(close.id, [])
        for field in (
            "medfee_sumamt",
            "fund_pay_sumamt",
            "acct_pay",
            "acct_mulaid_pay",
            "psn_cash_pay",
        ):
            total = sum((getattr(r, field) for r in taken), ZERO)
            if total != getattr(close, field):
                out.append(
                    f"day close #{close.id}: {field} {getattr(close, field)} ≠ its settlements' {total}"
                )
        if any(r.cashier_no != close.cashier_no for r in taken):
            out.append(f"day close #{close.id}: took another cashier's settlement")
        tenders: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for r in taken:
            for t in tender_rows[r.id]:
                tenders[t.method] += t.amount
        if {k: str(v) for k, v in sorted(tenders.items())} != json.loads(close.tenders_json):
            out.append(f"day close #{close.id}: tender totals differ from its settlements' tenders")
    return out


def _open_calls(session: Session) -> list[str]:
    return [
        f"message {c.msgid} ({c.infno}, batch {c.chrg_bchno}) has an unknown outcome: 冲正 it (2601)"
        for c in session.scalars(
            select(CenterCall).where(CenterCall.status == "sent").order_by(CenterCall.sent_at)
        )
    ]


_AUDITED = ("medfee_sumamt", "fund_pay_sumamt", "acct_pay", "acct_mulaid_pay", "psn_cash_pay")


def _against_audit(session: Session, rows: list[Settlement]) -> list[str]:
    """Money rows against the (keyed, so unforgeable) audit entries that recorded them: a tender
    changed from cash to WeChat, or its tendered/change rewritten, no longer passes."""
    out = []
    entries: dict[tuple[str, str], dict] = {}
    for e in session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action.in_(("settle", "selfpay", "refund")))
        .order_by(AuditEntry.seq)
    ):
        try:
            entries[(e.action, e.subject)] = json.loads(e.payload)
        except ValueError:
            out.append(f"audit entry {e.seq}: payload is not JSON")
    tenders: dict[int, list[Tender]] = defaultdict(list)
    for t in session.scalars(select(Tender).order_by(Tender.settlement_id, Tender.seq)):
        tenders[t.settlement_id].append(t)
    by_id = {r.id: r for r in rows}
    for row in rows:
        name = f"settlement {row.setl_id} ({row.receipt_no})"
        entry = entries.get((row.kind, row.setl_id))
        if entry is None:
            out.append(f"{name}: no audit entry records this {row.kind}")
            continue
        if entry.get("receipt_no") != row.receipt_no:
            out.append(
                f"{name}: receipt {row.receipt_no}, the audit entry says {entry.get('receipt_no')}"
            )
        for field in _AUDITED if row.kind != "refund" else ("psn_cash_pay",):
            if field in entry and _dec(entry[field]) != getattr(row, field):
                out.append(
                    f"{name}: {field} {getattr(row, field)}, the audit entry says {entry[field]}"
                )
        mine = tenders.get(row.id, [])
        if row.kind != "refund":
            recorded = entry.get("tenders") or []
            if len(recorded) != len(mine):
                out.append(f"{name}: {len(mine)} tenders, the audit entry records {len(recorded)}")
            for t, rec in zip(mine, recorded, strict=False):
                want = [t.method, t.amount, t.tendered, t.change][: len(rec)]
                got = [rec[0], *(_dec(v) for v in rec[1:])]
                if got != want:
                    out.append(
                        f"{name}: tender {t.seq} is {t.method} {t.amount} (tendered {t.tendered}, "
                        f"change {t.change}), the audit entry records {' '.join(map(str, rec))}"
                    )
        else:
            orig = by_id.get(row.reverses_id)
            if orig is not None and entry.get("reverses") != orig.setl_id:
                out.append(f"{name}: the audit entry says it reverses {entry.get('reverses')}")
            theirs = tenders.get(orig.id, []) if orig is not None else []
            want = [(t.seq, t.method, -t.amount, -t.amount, ZERO) for t in theirs]
            have = [(t.seq, t.method, t.amount, t.tendered, t.change) for t in mine]
            if orig is not None and have != want:
                out.append(f"{name}: its tenders are not the negation of {orig.setl_id}'s")
    return out


def _dec(value: object) -> Decimal | None:
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None

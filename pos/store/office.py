"""The back office's SQL: finding settlements, receipt numbers after 重打, a cashier's period.

A settlement's receipt number is written once on its row; 重打 (reissue) adds a
`ReceiptReissue` row with the next number of the same series, and the number before it is void
(作废). So "the number now" is the newest reissue's, else the row's own, and a number found in
`void_receipt_no` is void. Nothing here updates a money row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from pos.store.books import RECEIPT_SERIES, next_number
from pos.store.models import (
    AuditEntry,
    DayClose,
    ReceiptReissue,
    Settlement,
)

REPRINT = "receipt.reprint"  # the audit action of each 补打 (pos.printing.books writes it)


def find(
    s: Session,
    fixmedins_code: str,
    *,
    station_id: str | None = None,
    cashier_no: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    psn_nos: Sequence[str] | None = None,
    name: str | None = None,
    ids: Sequence[int] | None = None,
    limit: int = 200,
) -> list[Settlement]:
    """Settlements and 冲红 rows at one institution, newest first, narrowed as asked."""
    query = select(Settlement).where(Settlement.fixmedins_code == fixmedins_code)
    if station_id:
        query = query.where(Settlement.station_id == station_id)
    if cashier_no:
        query = query.where(Settlement.cashier_no == cashier_no)
    if start is not None:
        query = query.where(Settlement.setl_time >= start)
    if end is not None:
        query = query.where(Settlement.setl_time < end)
    if psn_nos is not None:
        query = query.where(Settlement.psn_no.in_(list(psn_nos)))
    if name:
        query = query.where(Settlement.psn_name.contains(name, autoescape=True))
    if ids is not None:
        query = query.where(Settlement.id.in_(list(ids)))
    return list(s.scalars(query.order_by(Settlement.id.desc()).limit(limit)))


def ids_by_receipt(s: Session, fixmedins_code: str, receipt_no: str) -> list[int]:
    """Settlement ids whose receipt is (or was, before a 重打) this number."""
    first = select(Settlement.id).where(
        Settlement.fixmedins_code == fixmedins_code, Settlement.receipt_no == receipt_no
    )
    reissued = select(ReceiptReissue.settlement_id).where(
        ReceiptReissue.fixmedins_code == fixmedins_code,
        or_(ReceiptReissue.receipt_no == receipt_no, ReceiptReissue.void_receipt_no == receipt_no),
    )
    return sorted(set(s.scalars(first)) | set(s.scalars(reissued)))


def reissues(s: Session, settlement_id: int) -> list[ReceiptReissue]:
    return list(
        s.scalars(
            select(ReceiptReissue)
            .where(ReceiptReissue.settlement_id == settlement_id)
            .order_by(ReceiptReissue.id)
        )
    )


def numbers(s: Session, row: Settlement) -> tuple[str, tuple[str, ...]]:
    """(the receipt number now, the numbers it had before — each void)."""
    done = reissues(s, row.id)
    if not done:
        return row.receipt_no, ()
    return done[-1].receipt_no, tuple(r.void_receipt_no for r in done)


def reissue(
    s: Session,
    row: Settlement,
    *,
    cashier_no: str,
    station_id: str,
    reason: str,
    at: datetime,
) -> ReceiptReissue:
    """重打: the next number of the row's series; the current one becomes void. Caller commits."""
    current, _ = numbers(s, row)
    series = RECEIPT_SERIES[row.kind]
    seq = next_number(s, row.fixmedins_code, series, at.year)
    entry = ReceiptReissue(
        settlement_id=row.id,
        fixmedins_code=row.fixmedins_code,
        void_receipt_no=current,
        receipt_series=series,
        receipt_year=at.year,
        receipt_seq=seq,
        receipt_no=f"{series}{at.year}{seq:08d}",
        cashier_no=cashier_no,
        station_id=station_id,
        reason=reason,
        at=at,
    )
    s.add(entry)
    s.flush()
    return entry


def last_close(s: Session, cashier_no: str) -> DayClose | None:
    return s.scalar(
        select(DayClose)
        .where(DayClose.cashier_no == cashier_no)
        .order_by(DayClose.id.desc())
        .limit(1)
    )


def previous_close(s: Session, close: DayClose) -> DayClose | None:
    return s.scalar(
        select(DayClose)
        .where(DayClose.cashier_no == close.cashier_no, DayClose.id < close.id)
        .order_by(DayClose.id.desc())
        .limit(1)
    )


def receipts(
    s: Session, start: datetime | None, end: datetime | None, institution: str | None
) -> Sequence[Settlement]:
    """Settlements and 冲红 rows in [start, end), oldest first; one institution if given."""
    query = select(Settlement).order_by(Settlement.setl_time, Settlement.id)
    if start is not None:
        query = query.where(Settlement.setl_time >= start)
    if end is not None:
        query = query.where(Settlement.setl_time < end)
    if institution:
        query = query.where(Settlement.fixmedins_code == institution)
    return s.scalars(query).all()


def by_receipt_no(s: Session, receipt_no: str, institution: str | None) -> list[Settlement]:
    """The settlements whose first number is this one — else those a 重打 gave it or made void."""
    query = select(Settlement).where(Settlement.receipt_no == receipt_no)
    reissued = select(ReceiptReissue.settlement_id).where(
        or_(ReceiptReissue.receipt_no == receipt_no, ReceiptReissue.void_receipt_no == receipt_no)
    )
    if institution:
        query = query.where(Settlement.fixmedins_code == institution)
        reissued = reissued.where(ReceiptReissue.fixmedins_code == institution)
    rows = list(s.scalars(query))
    if rows:
        return rows
    return [s.get(Settlement, i) for i in sorted(set(s.scalars(reissued)))]


def reprint_subject(institution: str, receipt_no: str) -> str:
    return f"{institution}/{receipt_no}"


def reprint_count(s: Session, institution: str, receipt_no: str) -> int:
    """How many times this receipt has been reprinted (补打): its audit entries."""
    query = (
        select(func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.action == REPRINT,
            AuditEntry.subject == reprint_subject(institution, receipt_no),
        )
    )
    return s.scalar(query) or 0


def reprints_between(
    s: Session, cashier_no: str, start: datetime | None, end: datetime | None
) -> int:
    """补打 this cashier made in (start, end] (the audit log counts them; pos.printing.books)."""
    query = (
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == REPRINT, AuditEntry.actor == cashier_no)
    )
    if start is not None:
        query = query.where(AuditEntry.at > start)
    if end is not None:
        query = query.where(AuditEntry.at <= end)
    return s.scalar(query) or 0


def reissues_between(
    s: Session, cashier_no: str, start: datetime | None, end: datetime | None
) -> int:
    """重打 this cashier made in (start, end]."""
    query = (
        select(func.count())
        .select_from(ReceiptReissue)
        .where(ReceiptReissue.cashier_no == cashier_no)
    )
    if start is not None:
        query = query.where(ReceiptReissue.at > start)
    if end is not None:
        query = query.where(ReceiptReissue.at <= end)
    return s.scalar(query) or 0


def close_members(s: Session, close_id: int) -> list[Settlement]:
    from pos.store.models import DayCloseItem

    return list(
        s.scalars(
            select(Settlement)
            .join(DayCloseItem, DayCloseItem.settlement_id == Settlement.id)
            .where(DayCloseItem.day_close_id == close_id)
            .order_by(Settlement.id)
        )
    )

"""Documents from the books: a stored settlement (or its 冲红) found by receipt number, read-only,
and 补打 — the same number again, marked 补打 with its count, each one an audit entry.

The reprint count is the number of `receipt.reprint` entries in the hash-chained audit log for
that institution and number (pos.audit.append), so counting needs no table of its own: the n-th
reprint is the one whose entry makes n. Two stations reprinting at once queue on the audit chain's
head row, so no two reprints get the same count.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from engine import idcard
from engine.masking import mask_name
from pos import audit
from pos.clock import CHINA
from pos.database import Database
from pos.errors import PosError
from pos.printing.builders import Payer, ReceiptData, region_name
from pos.services.guard import guarded
from pos.services.rows import fee_line_view, settlement_view, station_view
from pos.services.views import CashierView
from pos.store import office, queries
from pos.store.models import Cashier, Institution, Settlement, Station, Visit
from pos.store.office import REPRINT, reprint_count

__all__ = ["REPRINT", "ReceiptSummary", "list_receipts", "load", "reprint", "reprint_count"]


@dataclass(frozen=True)
class ReceiptSummary:
    """One line of `pos receipt list`."""

    receipt_no: str
    setl_id: str
    psn_name: str  # masked
    medfee_sumamt: Decimal
    settled_at: datetime
    kind: str  # settle | selfpay | refund
    institution: str

    def as_json(self) -> dict:
        return {
            "receipt_no": self.receipt_no,
            "setl_id": self.setl_id,
            "psn_name": self.psn_name,
            "medfee_sumamt": str(self.medfee_sumamt),
            "settled_at": self.settled_at.astimezone(CHINA).isoformat(),
            "kind": self.kind,
            "institution": self.institution,
        }


def _day_range(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=CHINA)
    return start, start + timedelta(days=1)


@guarded
def list_receipts(
    db: Database, day: date | None = None, institution: str | None = None
) -> list[ReceiptSummary]:
    """Settlements and 冲红 rows, oldest first; one China-time day, one institution if given."""
    start, end = _day_range(day) if day is not None else (None, None)
    with db.reading() as s:
        return [
            ReceiptSummary(
                receipt_no=row.receipt_no,
                setl_id=row.setl_id,
                psn_name=mask_name(row.psn_name),
                medfee_sumamt=row.medfee_sumamt,
                settled_at=row.setl_time,
                kind=row.kind,
                institution=row.fixmedins_code,
            )
            for row in office.receipts(s, start, end, institution)
        ]


def _payer(visit: Visit) -> Payer:
    valid = idcard.is_valid(visit.certno)
    return Payer(
        name=visit.psn_name,
        certno=visit.certno,
        psn_type=visit.psn_type,
        insuplc_admdvs=visit.insuplc_admdvs,
        gend=idcard.gender(visit.certno) if valid else "9",
        birth=idcard.birth_date(visit.certno) if valid else None,
        region_name=region_name(visit.insuplc_admdvs),
        ipt_otp_no=visit.ipt_otp_no,
    )


def find_row(session: Session, receipt_no: str, institution: str | None = None) -> Settlement:
    """The settlement (or 冲红) with this receipt number — its first, or one a 重打 gave it or
    made void; PosError when none or ambiguous."""
    receipt_no = receipt_no.strip()
    rows = office.by_receipt_no(session, receipt_no, institution)
    if not rows:
        where = f"（{institution}）" if institution else ""
        raise PosError(
            "RECEIPT_NOT_FOUND",
            f"没有票据号 {receipt_no}{where} 的结算",
            f"No settlement with receipt number {receipt_no}"
            + (f" at {institution}" if institution else ""),
        )
    if len(rows) > 1:
        codes = ", ".join(sorted(r.fixmedins_code for r in rows))
        raise PosError(
            "RECEIPT_AMBIGUOUS",
            f"票据号 {receipt_no} 在多家机构存在（{codes}），请用 --institution 指定",
            f"Receipt number {receipt_no} exists at several institutions ({codes}): "
            "give --institution",
        )
    return rows[0]


def load(
    session: Session, receipt_no: str, institution: str | None = None, *, training: bool = False
) -> ReceiptData:
    """Everything both documents need, read from the books (no writes)."""
    row = find_row(session, receipt_no, institution)
    asked = receipt_no.strip()
    current, voids = office.numbers(session, row)
    view = replace(settlement_view(session, row), receipt_no=asked)
    lines = tuple(fee_line_view(f, item) for f, item in queries.fee_lines(session, row.chrg_bchno))
    station_row = session.get(Station, row.station_id)
    inst = session.get(Institution, row.fixmedins_code)
    station = station_view(station_row, inst)
    cashier_row = session.get(Cashier, row.cashier_no)
    cashier = CashierView(
        cashier_row.cashier_no, cashier_row.name, cashier_row.role, cashier_row.fixmedins_code
    )
    original = session.get(Settlement, row.reverses_id) if row.reverses_id else None
    return ReceiptData(
        settlement=view,
        lines=lines,
        station=station,
        cashier=cashier,
        payer=_payer(session.get(Visit, row.visit_id)),
        original_receipt_no=original.receipt_no if original else None,
        training=training,
        void=asked != current,
        reissue_of=voids[-1] if voids and asked == current else None,
    )


@guarded
def reprint(
    db: Database,
    receipt_no: str,
    *,
    institution: str | None = None,
    actor: str,
    at: datetime,
    via: str,
    station: str | None = None,
    training: bool = False,
) -> ReceiptData:
    """补打: load the receipt, count this reprint and append its audit entry, in one transaction.

    The entry is written before the caller renders and sends the job, so a reprint that then
    fails to print still counts (the next one says 第n+1次): the log never under-reports.
    """
    with db.transaction() as s:
        audit.lock(s)  # first: concurrent reprints count one after another
        data = load(s, receipt_no, institution, training=training)
        inst = data.station.fixmedins_code
        count = reprint_count(s, inst, data.settlement.receipt_no) + 1
        audit.append(
            s,
            at=at,
            actor=actor,
            action=REPRINT,
            subject=office.reprint_subject(inst, data.settlement.receipt_no),
            data={
                "count": count,
                "kind": data.settlement.kind,
                "setl_id": data.settlement.setl_id,
                "station": station,
                "via": via,
            },
        )
    return data.reprinted(count, at)

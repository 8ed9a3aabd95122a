"""The hospital's books: number series and the one writer of settlement, tender and receipt rows.

Settlement (2207), 全自费 settlement (no center) and refund (2208, 冲红) all come here, so a money row is written one way only:
the settlement row with its receipt number from a gap-free series, its tender rows, in the caller's
transaction (all of it or none of it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pos.store.models import SETTLEMENT_MONEY, Counter, Settlement, Tender


def next_number(session: Session, fixmedins_code: str, series: str, year: int) -> int:
    """The next number of a gap-free series, taken under a row lock in the caller's transaction."""
    query = (
        select(Counter)
        .where(
            Counter.fixmedins_code == fixmedins_code, Counter.series == series, Counter.year == year
        )
        .with_for_update()
    )
    counter = session.scalars(query).one_or_none()
    if counter is None:
        # First number of a new year: two stations may both try to create the row; the loser's
        # savepoint rolls back and it locks the winner's row instead.
        try:
            with session.begin_nested():
                session.add(
                    Counter(fixmedins_code=fixmedins_code, series=series, year=year, last_no=0)
                )
        except IntegrityError:
            pass
        counter = session.scalars(query).one()
    counter.last_no += 1
    return counter.last_no


@dataclass(frozen=True)
class TenderRow:
    """One way the cash part was paid: amount due that way, what was handed over, the change."""

    method: str  # cash | bank_card | wechat | alipay
    amount: Decimal
    tendered: Decimal
    change: Decimal


@dataclass(frozen=True)
class SettlementRecord:
    """Everything a settlement or 冲红 row says, apart from the receipt number the books assign."""

    kind: str  # settle | refund | selfpay (全自费: the hospital's books alone, no center)
    setl_id: str
    msgid: str
    visit_id: int
    chrg_bchno: str
    mdtrt_id: str
    fixmedins_code: str
    station_id: str
    cashier_no: str
    psn_no: str
    psn_name: str
    insutype: str
    med_type: str
    clr_type: str
    setl_time: datetime
    pool_prop_selfpay: Decimal
    balc: Decimal
    mulaid_detail: Sequence[Mapping]
    amounts: Mapping[str, Decimal]  # every SETTLEMENT_MONEY field, signed
    reverses_id: int | None = None
    training: bool = False  # a training desk's row: its own number series (PXMZ / PXHC)


# 门诊收费 / 红冲; a 全自费 settlement is a 门诊收费 receipt like any other (one gap-free series)
RECEIPT_SERIES = {"settle": "MZ", "selfpay": "MZ", "refund": "HC"}
# Training (培训) receipts never take a live number: a series of their own.
TRAINING_SERIES = {"settle": "PXMZ", "selfpay": "PXMZ", "refund": "PXHC"}


def write_settlement(
    session: Session, record: SettlementRecord, tenders: Sequence[TenderRow]
) -> Settlement:
    """Insert the settlement (with its next receipt number) and its tenders; the caller commits."""
    series = (TRAINING_SERIES if record.training else RECEIPT_SERIES)[record.kind]
    year = record.setl_time.year
    seq = next_number(session, record.fixmedins_code, series, year)
    row = Settlement(
        kind=record.kind,
        setl_id=record.setl_id,
        msgid=record.msgid,
        reverses_id=record.reverses_id,
        visit_id=record.visit_id,
        chrg_bchno=record.chrg_bchno,
        mdtrt_id=record.mdtrt_id,
        fixmedins_code=record.fixmedins_code,
        station_id=record.station_id,
        cashier_no=record.cashier_no,
        psn_no=record.psn_no,
        psn_name=record.psn_name,
        insutype=record.insutype,
        med_type=record.med_type,
        clr_type=record.clr_type,
        setl_time=record.setl_time,
        receipt_series=series,
        receipt_year=year,
        receipt_seq=seq,
        receipt_no=f"{series}{year}{seq:08d}",
        pool_prop_selfpay=record.pool_prop_selfpay,
        balc=record.balc,
        mulaid_detail=json.dumps(list(record.mulaid_detail), ensure_ascii=False, default=str),
        **{name: record.amounts[name] for name in SETTLEMENT_MONEY},
    )
    session.add(row)
    session.flush()
    for seq_no, tender in enumerate(tenders, start=1):
        session.add(
            Tender(
                settlement_id=row.id,
                seq=seq_no,
                method=tender.method,
                amount=tender.amount,
                tendered=tender.tendered,
                change=tender.change,
            )
        )
    return row


def tenders_of(session: Session, settlement_id: int) -> list[Tender]:
    return list(
        session.scalars(
            select(Tender).where(Tender.settlement_id == settlement_id).order_by(Tender.seq)
        )
    )

"""The hospital side's reads and small row changes, as functions of a session.

Services decide and own the transaction (`db.transaction()` / `db.reading()`); the SQL is here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from pos.store.models import (
    CatalogItem,
    CenterCall,
    ChargeBatch,
    DayCloseItem,
    Department,
    DraftLine,
    FeeLine,
    Institution,
    OrderLine,
    PendingOrder,
    Settlement,
    Station,
    Visit,
)

# ------------------------------------------------------------------ stations


def stations(s: Session) -> list[tuple[Station, Institution]]:
    rows = s.execute(
        select(Station, Institution)
        .join(Institution, Institution.fixmedins_code == Station.fixmedins_code)
        .order_by(Station.station_id)
    ).all()
    return [(station, inst) for station, inst in rows]


def station(s: Session, station_id: str) -> tuple[Station, Institution] | None:
    row = s.get(Station, station_id)
    return None if row is None else (row, s.get(Institution, row.fixmedins_code))


def first_station(s: Session, fixmedins_code: str | None) -> str | None:
    """The first window of an institution (of any institution when None)."""
    query = select(Station.station_id).order_by(Station.station_id).limit(1)
    if fixmedins_code is not None:
        query = query.where(Station.fixmedins_code == fixmedins_code)
    return s.scalar(query)


def department(s: Session, fixmedins_code: str, dept_code: str | None) -> Department | None:
    """The named department of the institution, or its first one when no code is given."""
    query = select(Department).where(Department.fixmedins_code == fixmedins_code)
    if dept_code:
        return s.scalars(query.where(Department.dept_code == dept_code)).one_or_none()
    return s.scalars(query.order_by(Department.dept_code).limit(1)).one_or_none()


# ------------------------------------------------------------------ catalog


def catalog_items(s: Session, *, pharmacy: bool) -> list[CatalogItem]:
    query = select(CatalogItem).order_by(CatalogItem.medins_list_codg)
    if pharmacy:
        query = query.where(CatalogItem.pharmacy_ok.is_(True))
    return list(s.scalars(query))


def search_catalog(s: Session, text: str, *, pharmacy: bool, limit: int) -> list[CatalogItem]:
    like = f"%{text.lower()}%"
    query = select(CatalogItem).where(
        or_(
            func.lower(CatalogItem.medins_list_codg).like(like),
            CatalogItem.name.like(f"%{text}%"),
            func.lower(CatalogItem.pinyin).like(like),
        )
    )
    if pharmacy:
        query = query.where(CatalogItem.pharmacy_ok.is_(True))
    return list(s.scalars(query.order_by(CatalogItem.medins_list_codg).limit(limit)))


def catalog_item(s: Session, code: str) -> CatalogItem | None:
    return s.get(CatalogItem, code)


# ------------------------------------------------------------------ orders and visits


def waiting_order_nos(s: Session, certno: str, fixmedins_code: str) -> list[str]:
    return list(
        s.scalars(
            select(PendingOrder.order_no).where(
                PendingOrder.certno == certno,
                PendingOrder.fixmedins_code == fixmedins_code,
                PendingOrder.visit_id.is_(None),
            )
        )
    )


def waiting_orders(
    s: Session, certno: str, fixmedins_code: str, *, med_type: str
) -> list[PendingOrder]:
    return list(
        s.scalars(
            select(PendingOrder)
            .where(
                PendingOrder.certno == certno,
                PendingOrder.fixmedins_code == fixmedins_code,
                PendingOrder.med_type == med_type,
                PendingOrder.visit_id.is_(None),
            )
            .order_by(PendingOrder.order_no)
        )
    )


def claim_orders(s: Session, visit_id: int, order_nos: list[str]) -> None:
    """Attach the still-unclaimed orders to the visit and copy their lines into its draft lines."""
    line_no = 0
    orders = s.scalars(
        select(PendingOrder).where(
            PendingOrder.order_no.in_(order_nos), PendingOrder.visit_id.is_(None)
        )
    ).all()
    for order in orders:
        order.visit_id = visit_id
        for ol in s.scalars(
            select(OrderLine)
            .where(OrderLine.order_no == order.order_no)
            .order_by(OrderLine.line_no)
        ):
            line_no += 1
            s.add(
                DraftLine(
                    visit_id=visit_id,
                    line_no=line_no,
                    medins_list_codg=ol.medins_list_codg,
                    cnt=ol.cnt,
                    order_no=order.order_no,
                )
            )


def release_visit(s: Session, visit_id: int) -> None:
    """Give a visit's orders back to the waiting list and drop its draft lines."""
    for order in s.scalars(select(PendingOrder).where(PendingOrder.visit_id == visit_id)):
        order.visit_id = None
    replace_draft_lines(s, visit_id, [])


def claimed_order_nos(s: Session, visit_id: int) -> list[str]:
    return list(s.scalars(select(PendingOrder.order_no).where(PendingOrder.visit_id == visit_id)))


def draft_lines(s: Session, visit_id: int) -> list[tuple[DraftLine, CatalogItem]]:
    rows = s.execute(
        select(DraftLine, CatalogItem)
        .join(CatalogItem, CatalogItem.medins_list_codg == DraftLine.medins_list_codg)
        .where(DraftLine.visit_id == visit_id)
        .order_by(DraftLine.line_no)
    ).all()
    return [(line, item) for line, item in rows]


def draft_line_count_and_last(s: Session, visit_id: int) -> tuple[int, int]:
    count, last = s.execute(
        select(func.count(), func.max(DraftLine.line_no)).where(DraftLine.visit_id == visit_id)
    ).one()
    return count or 0, last or 0


def replace_draft_lines(s: Session, visit_id: int, lines: list[tuple[str, object]]) -> None:
    """The visit's draft lines become `lines` [(medins_list_codg, cnt)], numbered from 1."""
    for line in s.scalars(select(DraftLine).where(DraftLine.visit_id == visit_id)).all():
        s.delete(line)
    s.flush()
    for n, (code, cnt) in enumerate(lines, start=1):
        s.add(DraftLine(visit_id=visit_id, line_no=n, medins_list_codg=code, cnt=cnt))


# ------------------------------------------------------------------ charge batches and settlements


def batches(s: Session, visit_id: int) -> list[ChargeBatch]:
    return list(
        s.scalars(
            select(ChargeBatch)
            .where(ChargeBatch.visit_id == visit_id)
            .order_by(ChargeBatch.uploaded_at)
        )
    )


def settled_batch_nos(s: Session, visit_id: int) -> set[str]:
    return set(s.scalars(select(Settlement.chrg_bchno).where(Settlement.visit_id == visit_id)))


def fee_lines(s: Session, batch_no: str) -> list[tuple[FeeLine, CatalogItem | None]]:
    rows = s.execute(
        select(FeeLine, CatalogItem)
        .outerjoin(CatalogItem, CatalogItem.medins_list_codg == FeeLine.medins_list_codg)
        .where(FeeLine.chrg_bchno == batch_no)
        .order_by(FeeLine.line_no)
    ).all()
    return [(line, item) for line, item in rows]


def settlement_of_batch(s: Session, batch_no: str, kind: str = "settle") -> int | None:
    return s.scalar(
        select(Settlement.id).where(Settlement.chrg_bchno == batch_no, Settlement.kind == kind)
    )


def settlement_by_setl_id(s: Session, setl_id: str, kind: str | None = None) -> Settlement | None:
    query = select(Settlement).where(Settlement.setl_id == setl_id)
    if kind is not None:
        query = query.where(Settlement.kind == kind)
    return s.scalar(query)


def refund_of(s: Session, settlement_id: int) -> Settlement | None:
    return s.scalar(select(Settlement).where(Settlement.reverses_id == settlement_id))


def latest_settlements(
    s: Session, fixmedins_code: str, *, psn_no: str | None, limit: int
) -> list[Settlement]:
    query = select(Settlement).where(Settlement.fixmedins_code == fixmedins_code)
    if psn_no:
        query = query.where(Settlement.psn_no == psn_no)
    return list(s.scalars(query.order_by(Settlement.id.desc()).limit(limit)))


def settlements_between(
    s: Session, fixmedins_code: str, start: datetime, end: datetime
) -> list[Settlement]:
    return list(
        s.scalars(
            select(Settlement).where(
                Settlement.fixmedins_code == fixmedins_code,
                Settlement.setl_time >= start,
                Settlement.setl_time <= end,
            )
        )
    )


def unclosed_settlements(s: Session, cashier_no: str) -> list[Settlement]:
    """This cashier's settlements and 冲红 not yet in a day close, oldest first."""
    return list(
        s.scalars(
            select(Settlement)
            .outerjoin(DayCloseItem, DayCloseItem.settlement_id == Settlement.id)
            .where(Settlement.cashier_no == cashier_no, DayCloseItem.settlement_id.is_(None))
            .order_by(Settlement.id)
        )
    )


# ------------------------------------------------------------------ messages in flight


def open_calls(s: Session, fixmedins_code: str) -> list[CenterCall]:
    """2207/2208 whose outcome is unknown at this institution, oldest first."""
    return list(
        s.scalars(
            select(CenterCall)
            .join(Visit, Visit.visit_id == CenterCall.visit_id)
            .where(CenterCall.status == "sent", Visit.fixmedins_code == fixmedins_code)
            .order_by(CenterCall.sent_at)
        )
    )


def visit_has_open_call(s: Session, visit_id: int) -> bool:
    """A 2207/2208 of this visit whose outcome is unknown (the center may have settled it)."""
    found = s.scalar(
        select(CenterCall.msgid)
        .where(CenterCall.status == "sent", CenterCall.visit_id == visit_id)
        .limit(1)
    )
    return found is not None


def open_call_of_cashier(s: Session, cashier_no: str) -> str | None:
    return s.scalar(
        select(CenterCall.msgid).where(
            CenterCall.status == "sent", CenterCall.cashier_no == cashier_no
        )
    )

"""Small pieces the desk's modules share: the clock, error fencing, number series, row → view."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import ParamSpec, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from engine.money import round2, to_decimal
from pos.clock import CHINA
from pos.errors import PosError
from pos.services.link import ResponseUnknown
from pos.services.views import LineView, SettlementView, TenderView
from pos.store.models import (
    SETTLEMENT_MONEY,
    CatalogItem,
    Counter,
    DraftLine,
    FeeLine,
    Settlement,
    Tender,
)

Clock = Callable[[], datetime]
P = ParamSpec("P")
R = TypeVar("R")


def china_now() -> datetime:
    return datetime.now(CHINA)


def local_date(instant: datetime):
    return instant.astimezone(CHINA).date()


def guarded(fn: Callable[P, R]) -> Callable[P, R]:
    """Callers see PosError and nothing else: storage failures become a clear, retryable message."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except PosError:
            raise
        except ResponseUnknown as exc:
            raise PosError(
                "CENTER_NO_RESPONSE",
                "医保中心无响应，请重试",
                "No answer from the insurance center; try again",
            ) from exc
        except OperationalError as exc:
            raise PosError(
                "STORE_BUSY",
                "数据库忙或不可用，请稍后重试（未保存任何内容）",
                "The database is busy or unavailable; nothing was saved, try again",
            ) from exc
        except (SQLAlchemyError, PermissionError) as exc:
            raise PosError(
                "STORE_ERROR",
                f"数据保存失败（{type(exc).__name__}），未保存任何内容",
                f"Could not save ({type(exc).__name__}); nothing was saved",
            ) from exc

    return wrapper


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


def amount(value: object, what: str) -> Decimal:
    """A signed two-decimal amount from the center's output; PosError if it is not one."""
    try:
        return to_decimal(value if value is not None else "0", places=2, what=what).quantize(
            Decimal("0.01")
        )
    except ValueError as exc:
        raise PosError(
            "CENTER_BAD_OUTPUT",
            f"医保中心返回的金额无效：{exc}",
            f"The center returned a bad amount: {exc}",
        ) from None


def draft_line_view(line: DraftLine, item: CatalogItem, split: dict | None = None) -> LineView:
    return LineView(
        line_no=line.line_no,
        medins_list_codg=item.medins_list_codg,
        name=item.name,
        spec=item.spec,
        unit=item.unit,
        pric=item.pric,
        cnt=line.cnt,
        amount=round2(item.pric * line.cnt),
        chrgitm_lv=item.chrgitm_lv,
        med_chrgitm_type=item.med_chrgitm_type,
        acct_payable=item.acct_payable,
        order_no=line.order_no,
        split=split,
    )


SPLIT_FIELDS = ("fulamt_ownpay_amt", "overlmt_amt", "preselfpay_amt", "inscp_scp_amt")


def fee_line_view(line: FeeLine, item: CatalogItem | None) -> LineView:
    return LineView(
        line_no=line.line_no,
        medins_list_codg=line.medins_list_codg,
        name=line.name,
        spec=item.spec if item else "",
        unit=item.unit if item else "",
        pric=line.pric,
        cnt=line.cnt,
        amount=line.det_item_fee_sumamt,
        chrgitm_lv=line.chrgitm_lv,
        med_chrgitm_type=line.med_chrgitm_type,
        acct_payable=item.acct_payable if item else True,
        order_no=None,
        split={name: getattr(line, name) for name in SPLIT_FIELDS},
    )


def settlement_view(session: Session, row: Settlement) -> SettlementView:
    tenders = session.scalars(
        select(Tender).where(Tender.settlement_id == row.id).order_by(Tender.seq)
    ).all()
    reverses = session.get(Settlement, row.reverses_id) if row.reverses_id else None
    refunded_by = session.scalar(select(Settlement.setl_id).where(Settlement.reverses_id == row.id))
    amounts = {name: getattr(row, name) for name in SETTLEMENT_MONEY}
    amounts["balc"] = row.balc
    return SettlementView(
        id=row.id,
        kind=row.kind,
        setl_id=row.setl_id,
        msgid=row.msgid,
        receipt_no=row.receipt_no,
        visit_id=row.visit_id,
        mdtrt_id=row.mdtrt_id,
        chrg_bchno=row.chrg_bchno,
        psn_no=row.psn_no,
        psn_name=row.psn_name,
        insutype=row.insutype,
        med_type=row.med_type,
        setl_time=row.setl_time,
        cashier_no=row.cashier_no,
        amounts=amounts,
        mulaid_detail=tuple(json.loads(row.mulaid_detail or "[]")),
        tenders=tuple(TenderView(t.seq, t.method, t.amount, t.tendered, t.change) for t in tenders),
        reverses_setl_id=reverses.setl_id if reverses else None,
        refunded_by=refunded_by,
    )

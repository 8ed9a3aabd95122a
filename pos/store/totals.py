"""A day's settlement totals, summed by the database (GROUP BY), never row by row in Python.

Reconciliation (3201) and the day-close report read these; `pos bench totals` holds them to within
a small factor of a bare SUM over the same rows, however many settlements the day had.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.orm import Session

from pos.store.models import Settlement

ZERO = Decimal("0.00")
# What 3201 reconciles (count + these three); the covering index ix_hosp_settlements_day holds them.
SUMMED = ("medfee_sumamt", "fund_pay_sumamt", "acct_pay")
GROUPS = {"insutype": ("310", "390"), "clr_type": ("11", "21", "41")}


@dataclass(frozen=True)
class Totals:
    count: int = 0
    medfee_sumamt: Decimal = ZERO
    fund_pay_sumamt: Decimal = ZERO
    acct_pay: Decimal = ZERO


def _day_query():
    columns = [getattr(Settlement, name) for name in SUMMED]
    groups = " AND ".join(
        f"hosp_settlements.{col} IN ({', '.join(repr(v) for v in values)})"
        for col, values in GROUPS.items()
    )
    return (
        select(
            Settlement.insutype,
            Settlement.clr_type,
            func.count(),
            # SUM keeps the column's type, so SQLite's fen integers come back as Decimal yuan;
            # a group exists only when it has rows, so no SUM is NULL.
            *(func.sum(c) for c in columns),
        )
        .where(
            Settlement.fixmedins_code == bindparam("code"),
            # Naming every group as a constant lets the database seek each (险种, 清算类别) range
            # of the covering index in order: no sort for the GROUP BY, no table rows read; and
            # the statement text never changes, so it is compiled once.
            text(groups),
            Settlement.setl_time >= bindparam("start", type_=Settlement.setl_time.type),
            Settlement.setl_time <= bindparam("end", type_=Settlement.setl_time.type),
        )
        .group_by(Settlement.insutype, Settlement.clr_type)
    )


_DAY = _day_query()


def day_totals(
    session: Session, fixmedins_code: str, start: datetime, end: datetime
) -> dict[tuple[str, str], Totals]:
    """{(insutype, clr_type): Totals} of settlements and 冲红 with start <= setl_time <= end."""
    rows = session.execute(_DAY, {"code": fixmedins_code, "start": start, "end": end})
    return {(insutype, clr_type): Totals(count, *sums) for insutype, clr_type, count, *sums in rows}

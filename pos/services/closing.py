"""End of shift: the cashier's 日结 and the institution's 对账 with the center (3201, then 3202).

A day close takes every settlement and 冲红 of this cashier not yet in a close (the DayCloseItem
primary key makes "closed exactly once" a database fact, not a convention). Reconciliation compares
the institution's totals for one day per 险种 × 清算类别 with the center's (3201); where they
disagree (不平) it sends the detail (3202) and returns the settlements the center marks wrong.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime, time
from decimal import Decimal

from engine.models import HEADLINE_MONEY_FIELDS
from pos.clock import CHINA
from pos.errors import PosError
from pos.services.views import DayCloseView, ReconcileLine, ReconcileView
from pos.services.window import Window
from pos.store import queries
from pos.store.books import tenders_of
from pos.store.models import DayClose, DayCloseItem, Reconciliation, Settlement
from pos.store.totals import Totals, day_totals

ZERO = Decimal("0.00")


def _sums(rows: list[Settlement]) -> dict[str, Decimal]:
    return {
        k: sum((getattr(r, k) for r in rows), ZERO)
        for k in ("medfee_sumamt", "fund_pay_sumamt", "acct_pay", "psn_cash_pay")
    }


def _in_group(mismatch: dict, line: ReconcileLine, rows: list[Settlement]) -> bool:
    """Is a 3202 row about this 险种 × 清算类别? (Rows only the center has: judged by its fields.)"""
    ours = next((r for r in rows if r.setl_id == mismatch.get("setl_id")), None)
    if ours is not None:
        return (ours.insutype, ours.clr_type) == (line.insutype, line.clr_type)
    return (
        mismatch.get("insutype", line.insutype) == line.insutype
        and mismatch.get("clr_type", line.clr_type) == line.clr_type
    )


def _ranges(rows: list[Settlement]) -> str:
    """'MZ202600000001–MZ202600000007; HC202600000001' — first and last receipt per series."""
    by_series: dict[str, list[str]] = defaultdict(list)
    for r in sorted(rows, key=lambda r: (r.receipt_series, r.receipt_seq)):
        by_series[r.receipt_series].append(r.receipt_no)
    return "; ".join(
        nos[0] if len(nos) == 1 else f"{nos[0]}–{nos[-1]}" for nos in by_series.values()
    )


class Closing:
    """Uses the window's books and link; no counter state but who is signed in."""

    def __init__(self, window: Window) -> None:
        self.window = window

    def day_close(self) -> DayCloseView:
        """日结 for the logged-in cashier: everything they settled or refunded since their last close."""
        window = self.window
        cashier = window.require_cashier()
        now = window.clock()
        with window.db.transaction() as s:
            open_calls = queries.open_call_of_cashier(s, cashier.cashier_no)
            if open_calls:
                raise PosError(
                    "DAYCLOSE_OPEN_CALLS",
                    f"有结果未知的交易（报文 {open_calls}），请先冲正再日结",
                    f"A message has an unknown outcome ({open_calls}): reverse it before closing",
                )
            rows = queries.unclosed_settlements(s, cashier.cashier_no)
            tenders: dict[str, Decimal] = defaultdict(lambda: ZERO)
            ids = [r.id for r in rows]
            for settlement_id in ids:
                for t in tenders_of(s, settlement_id):
                    tenders[t.method] += t.amount
            totals = {k: sum((getattr(r, k) for r in rows), ZERO) for k in HEADLINE_MONEY_FIELDS}
            close = DayClose(
                cashier_no=cashier.cashier_no,
                fixmedins_code=window.station.fixmedins_code,
                station_id=window.station.station_id,
                closed_at=now,
                settle_count=sum(r.kind != "refund" for r in rows),  # 全自费 included
                refund_count=sum(r.kind == "refund" for r in rows),
                tenders_json=json.dumps({k: str(v) for k, v in sorted(tenders.items())}),
                receipts=_ranges(list(rows))[:200],
                **totals,
            )
            s.add(close)
            s.flush()
            s.add_all(DayCloseItem(settlement_id=i, day_close_id=close.id) for i in ids)
            window.audit(s, "day_close", str(close.id), {"settlements": len(ids), **totals})
            return DayCloseView(
                id=close.id,
                cashier_no=close.cashier_no,
                closed_at=close.closed_at,
                settle_count=close.settle_count,
                refund_count=close.refund_count,
                tenders=dict(sorted(tenders.items())),
                receipts=close.receipts,
                **totals,
            )

    def reconcile(self, day: date | None = None) -> ReconcileView:
        """对账 for one day (default today): 3201 per 险种 × 清算类别, and 3202 where 不平."""
        window = self.window
        cashier = window.require_cashier()
        day = day or window.clock().astimezone(CHINA).date()
        start = datetime.combine(day, time.min, CHINA)
        end = datetime.combine(day, time.max, CHINA)
        with window.db.reading() as s:
            totals = day_totals(s, window.station.fixmedins_code, start, end)
        # Every 险种 × 清算类别 this institution can settle, even with no local rows: a settlement
        # only the center recorded must still show up as 不平.
        clr_types = ("41",) if window.station.is_pharmacy else ("11", "21")
        for key in ((i, c) for i in ("310", "390") for c in clr_types):
            totals.setdefault(key, Totals())
        period = {
            "setl_optins": window.station.admdvs,
            "stmt_begndate": day.isoformat(),
            "stmt_enddate": day.isoformat(),
        }
        lines = []
        for (insutype, clr_type), sums in sorted(totals.items()):
            out = window.link.call(
                "3201",
                {
                    **period,
                    "insutype": insutype,
                    "clr_type": clr_type,
                    "medfee_sumamt": sums.medfee_sumamt,
                    "fund_pay_sumamt": sums.fund_pay_sumamt,
                    "acct_pay": sums.acct_pay,
                    "fixmedins_setl_cnt": sums.count,
                },
                opter=cashier.cashier_no,
            )
            info = out.get("stmtinfo") or {}
            rslt = str(info.get("stmt_rslt", "1"))
            if sums.count or rslt != "0":
                lines.append(
                    ReconcileLine(
                        insutype=insutype,
                        clr_type=clr_type,
                        medfee_sumamt=sums.medfee_sumamt,
                        fund_pay_sumamt=sums.fund_pay_sumamt,
                        acct_pay=sums.acct_pay,
                        setl_cnt=sums.count,
                        stmt_rslt=rslt,
                        stmt_rslt_dscr=str(info.get("stmt_rslt_dscr", "")),
                    )
                )
        rows: list[Settlement] = []
        mismatches: tuple[dict, ...] = ()
        if any(not line.balanced for line in lines):
            # Only a day that does not balance needs its rows: 3202 sends them one by one.
            with window.db.reading() as s:
                rows = queries.settlements_between(s, window.station.fixmedins_code, start, end)
            mismatches = self._detail(period, rows, cashier.cashier_no)
        with window.db.transaction() as s:
            for line in lines:
                s.add(
                    Reconciliation(
                        fixmedins_code=window.station.fixmedins_code,
                        cashier_no=cashier.cashier_no,
                        run_at=window.clock(),
                        stmt_begndate=day.isoformat(),
                        stmt_enddate=day.isoformat(),
                        insutype=line.insutype,
                        clr_type=line.clr_type,
                        medfee_sumamt=line.medfee_sumamt,
                        fund_pay_sumamt=line.fund_pay_sumamt,
                        acct_pay=line.acct_pay,
                        setl_cnt=line.setl_cnt,
                        stmt_rslt=line.stmt_rslt,
                        stmt_rslt_dscr=line.stmt_rslt_dscr[:500],
                        details_json=json.dumps(
                            [m for m in mismatches if _in_group(m, line, rows)],
                            ensure_ascii=False,
                            default=str,
                        ),
                    )
                )
            window.audit(
                s,
                "reconcile",
                day.isoformat(),
                {"groups": [[ln.insutype, ln.clr_type, ln.stmt_rslt] for ln in lines]},
            )
        return ReconcileView(day, tuple(lines), mismatches)

    def _detail(self, period: dict, members: list[Settlement], opter: str) -> tuple[dict, ...]:
        sums = _sums(members)
        out = self.window.link.call(
            "3202",
            {
                **period,
                "medfee_sumamt": sums["medfee_sumamt"],
                "fund_pay_sumamt": sums["fund_pay_sumamt"],
                "cash_payamt": sums["psn_cash_pay"],
                "fixmedins_setl_cnt": len(members),
                "details": [
                    {
                        "psn_no": r.psn_no,
                        "mdtrt_id": r.mdtrt_id,
                        "setl_id": r.setl_id,
                        "msgid": r.msgid,
                        "medfee_sumamt": r.medfee_sumamt,
                        "fund_pay_sumamt": r.fund_pay_sumamt,
                        "acct_pay": r.acct_pay,
                        "refd_setl_flag": "1" if r.kind == "refund" else "0",
                    }
                    for r in members
                ],
            },
            opter=opter,
        )
        return tuple(
            row
            for row in out.get("result") or []
            if isinstance(row, dict) and str(row.get("stmt_rslt")) != "0"
        )

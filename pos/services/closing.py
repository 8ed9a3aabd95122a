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
from pos.services.views import (
    DENOMINATIONS,
    DayCloseView,
    DayReportView,
    DrawerCount,
    ReconcileLine,
    ReconcileView,
)
from pos.services.window import Window
from pos.store import office, queries
from pos.store.books import tenders_of
from pos.store.models import Cashier, DayClose, DayCloseItem, Reconciliation, Settlement
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


def _tenders(s, rows: list[Settlement]) -> dict[str, Decimal]:
    """Σ per channel of what was taken (a 冲红's tenders are negative: paid back the same way)."""
    tenders: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        for t in tenders_of(s, row.id):
            tenders[t.method] += t.amount
    return dict(sorted(tenders.items()))


FUNDS = (
    "hifp_pay",
    "cvlserv_pay",
    "hifes_pay",
    "hifmi_pay",
    "hifob_pay",
    "maf_pay",
    "oth_pay",
)


def _report(
    s,
    kind: str,
    rows: list[Settlement],
    *,
    cashier_no: str,
    cashier_name: str,
    station_id: str,
    made_at: datetime,
    since: datetime | None,
    close: DayClose | None = None,
    drawer: DrawerCount | None = None,
) -> DayReportView:
    hours: dict[int, list] = {}
    for r in rows:
        hour = r.setl_time.astimezone(CHINA).hour
        got = hours.setdefault(hour, [ZERO, 0])
        got[0] += r.psn_cash_pay
        got[1] += 1 if r.kind == "settle" else 0
    funds = {f: sum((getattr(r, f) for r in rows), ZERO) for f in FUNDS}
    if close is not None:
        reprints, reissues = close.reprint_count or 0, close.reissue_count or 0
    else:
        reprints = office.reprints_between(s, cashier_no, since, made_at)
        reissues = office.reissues_between(s, cashier_no, since, made_at)
    return DayReportView(
        kind=kind,
        cashier_no=cashier_no,
        cashier_name=cashier_name,
        station_id=station_id,
        made_at=made_at,
        since=since,
        settle_count=sum(r.kind == "settle" for r in rows),
        refund_count=sum(r.kind == "refund" for r in rows),
        reprint_count=reprints,
        reissue_count=reissues,
        totals={k: sum((getattr(r, k) for r in rows), ZERO) for k in HEADLINE_MONEY_FIELDS},
        funds={f: v for f, v in funds.items() if v or f == "hifp_pay"},
        tenders=_tenders(s, rows),
        receipts=_ranges(rows),
        by_hour=tuple((h, v[0], v[1]) for h, v in sorted(hours.items())),
        close_id=close.id if close is not None else None,
        drawer=drawer,
        drawer_expected=close.drawer_expected if close is not None else None,
    )


class Closing:
    """Uses the window's books and link; no counter state but who is signed in."""

    def __init__(self, window: Window) -> None:
        self.window = window

    def day_close(self, count: DrawerCount | None = None) -> DayCloseView:
        """日结 for the logged-in cashier: everything they settled or refunded since their last close.

        count: the blind count of the drawer, taken before the expected cash was shown; stored
        with the close, and the view says over (长款) or short (短款). A period that was closed and
        has had nothing since cannot be closed again.
        """
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
            last = office.last_close(s, cashier.cashier_no)
            if not rows and last is not None:
                at = last.closed_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
                raise PosError(
                    "DAYCLOSE_ALREADY",
                    f"本时段已日结（第 {last.id} 号，{at}），其后没有新的收费，不能重复日结",
                    f"This period was closed already (close {last.id}, {at}) and nothing "
                    "happened since: it cannot be closed twice",
                )
            since = last.closed_at if last is not None else None
            tenders = _tenders(s, rows)
            totals = {k: sum((getattr(r, k) for r in rows), ZERO) for k in HEADLINE_MONEY_FIELDS}
            expected = tenders.get("cash", ZERO) if count is not None else None
            reprints = office.reprints_between(s, cashier.cashier_no, since, now)
            reissues = office.reissues_between(s, cashier.cashier_no, since, now)
            close = DayClose(
                cashier_no=cashier.cashier_no,
                fixmedins_code=window.station.fixmedins_code,
                station_id=window.station.station_id,
                closed_at=now,
                settle_count=sum(r.kind != "refund" for r in rows),  # 全自费 included
                refund_count=sum(r.kind == "refund" for r in rows),
                tenders_json=json.dumps({k: str(v) for k, v in sorted(tenders.items())}),
                receipts=_ranges(list(rows))[:200],
                drawer_json=json.dumps(count.as_dict()) if count is not None else None,
                drawer_counted=count.total if count is not None else None,
                drawer_expected=expected,
                reprint_count=reprints,
                reissue_count=reissues,
                **totals,
            )
            s.add(close)
            s.flush()
            ids = [r.id for r in rows]
            s.add_all(DayCloseItem(settlement_id=i, day_close_id=close.id) for i in ids)
            drawer = {}
            if count is not None:
                drawer = {
                    "drawer_counted": count.total,
                    "drawer_expected": expected,
                    "over_short": count.total - expected,
                }
            window.audit(
                s, "day_close", str(close.id), {"settlements": len(ids), **totals, **drawer}
            )
            return DayCloseView(
                id=close.id,
                cashier_no=close.cashier_no,
                closed_at=close.closed_at,
                settle_count=close.settle_count,
                refund_count=close.refund_count,
                tenders=dict(sorted(tenders.items())),
                receipts=close.receipts,
                drawer_counted=close.drawer_counted,
                drawer_expected=expected,
                reprint_count=reprints,
                reissue_count=reissues,
                **totals,
            )

    def x_report(self) -> DayReportView:
        """X 报表: this cashier's takings since their last close, closing nothing (audited)."""
        window = self.window
        cashier = window.require_cashier()
        now = window.clock()
        with window.db.transaction() as s:
            rows = queries.unclosed_settlements(s, cashier.cashier_no)
            last = office.last_close(s, cashier.cashier_no)
            since = last.closed_at if last is not None else None
            report = _report(
                s,
                "X",
                rows,
                cashier_no=cashier.cashier_no,
                cashier_name=cashier.name,
                station_id=window.station.station_id,
                made_at=now,
                since=since,
            )
            window.audit(s, "report.x", cashier.cashier_no, {"settlements": len(rows)})
        return report

    def z_report(self, close_id: int | None = None) -> DayReportView:
        """Z 报表 of a day close (default: this cashier's last), from the rows it took."""
        window = self.window
        cashier = window.require_cashier()
        with window.db.reading() as s:
            close = (
                s.get(DayClose, close_id)
                if close_id is not None
                else office.last_close(s, cashier.cashier_no)
            )
            if close is None or close.fixmedins_code != window.station.fixmedins_code:
                raise PosError(
                    "DAYCLOSE_UNKNOWN",
                    "没有这次日结" if close_id is not None else "还没有日结",
                    "No such day close" if close_id is not None else "No day close yet",
                )
            before = office.previous_close(s, close)
            name = s.get(Cashier, close.cashier_no)
            drawer = None
            if close.drawer_json is not None:
                pieces = json.loads(close.drawer_json)
                drawer = DrawerCount(tuple((d, int(pieces.get(d, 0))) for d in DENOMINATIONS))
            return _report(
                s,
                "Z",
                office.close_members(s, close.id),
                cashier_no=close.cashier_no,
                cashier_name=name.name if name is not None else "",
                station_id=close.station_id,
                made_at=close.closed_at,
                since=before.closed_at if before is not None else None,
                close=close,
                drawer=drawer,
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

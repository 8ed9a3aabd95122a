"""Refunds (退费): 2208 冲红 — a negated copy of the settlement, never an edit.

A partial refund reverses everything and re-charges the lines the patient keeps (the visit is
reopened with them, ready to pre-settle and settle again), as insured HIS systems do.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select

from pos.errors import PosError
from pos.services.common import guarded, next_number, settlement_view
from pos.services.inflight import AlreadyDone
from pos.services.link import ResponseUnknown
from pos.services.views import RefundOutcome
from pos.services.wire import setlinfo_amounts
from pos.store.models import (
    SETTLEMENT_MONEY,
    CenterCall,
    ChargeBatch,
    DraftLine,
    FeeLine,
    Settlement,
    Tender,
    Visit,
)

ZERO = Decimal("0.00")


class RefundMixin:
    """Methods of CashierDesk (see desk.py)."""

    @guarded
    def refund(self, setl_id: str, *, keep_line_nos: Sequence[int] = ()) -> RefundOutcome:
        """Reverse a settlement (2208) and pay the cash part back by the same tenders.

        keep_line_nos: lines of the original to charge again (partial refund = reverse everything,
        then re-settle the rest): they come back as the open visit's lines, ready to pre-settle.
        """
        cashier = self._require_cashier()
        with self.db.reading() as s:
            orig = s.scalar(
                select(Settlement).where(Settlement.setl_id == setl_id, Settlement.kind == "settle")
            )
            if orig is None or orig.fixmedins_code != self.station.fixmedins_code:
                raise PosError(
                    "SETTLEMENT_UNKNOWN",
                    f"本机构没有结算 {setl_id}",
                    f"No settlement {setl_id} here",
                )
            if s.scalar(select(Settlement.id).where(Settlement.reverses_id == orig.id)) is not None:
                raise PosError(
                    "REFUND_ALREADY",
                    "该结算已冲红，不能重复退费",
                    "This settlement was already refunded",
                )
            kept = s.scalars(
                select(FeeLine).where(
                    FeeLine.chrg_bchno == orig.chrg_bchno, FeeLine.line_no.in_(list(keep_line_nos))
                )
            ).all()
            if len(kept) != len(set(keep_line_nos)):
                raise PosError(
                    "REFUND_BAD_LINES",
                    "要保留的行号不在原结算中",
                    "Some kept lines are not in the settlement",
                )
            if len(kept) == s.scalar(
                select(ChargeBatch.line_count).where(ChargeBatch.chrg_bchno == orig.chrg_bchno)
            ):
                raise PosError(
                    "REFUND_NOTHING", "保留全部项目等于不退费", "Keeping every line refunds nothing"
                )
            visit = s.get(Visit, orig.visit_id)
            keep = [(f.medins_list_codg, f.cnt) for f in sorted(kept, key=lambda f: f.line_no)]
        try:
            msgid = self._open_call("2208", visit, orig.chrg_bchno, cashier.cashier_no)
        except AlreadyDone:
            raise PosError(
                "REFUND_ALREADY",
                "该结算已冲红，不能重复退费",
                "This settlement was already refunded",
            ) from None
        try:
            out = self.link.call(
                "2208",
                {"setl_id": orig.setl_id, "mdtrt_id": orig.mdtrt_id, "psn_no": orig.psn_no},
                opter=cashier.cashier_no,
                msgid=msgid,
                insuplc=visit.insuplc_admdvs,
            )
        except ResponseUnknown:
            raise PosError(
                "REFUND_RESPONSE_LOST",
                f"退费（2208）响应丢失，结果未知。请先冲正（2601，报文 {msgid}）再退费",
                f"The 2208 response was lost; reverse it (2601, msgid {msgid}) and refund again",
            ) from None
        except PosError:
            self._close_call(msgid, "refused")
            raise
        setlinfo = out.get("setlinfo") or {}
        amounts = setlinfo_amounts(setlinfo)
        refund_id = self._record_refund(orig.id, msgid, setlinfo, amounts, keep)
        with self.db.reading() as s:
            refund_view = settlement_view(s, s.get(Settlement, refund_id))
            orig_view = settlement_view(s, s.get(Settlement, orig.id))
        reopened = None
        if keep:
            self.visit_id, self._presettle = orig.visit_id, None
            reopened = self.current_visit()
        return RefundOutcome(refund_view, orig_view, reopened)

    def _record_refund(
        self, orig_id: int, msgid: str, setlinfo: dict, amounts: dict, keep: list
    ) -> int:
        now = self.clock()
        with self.db.transaction() as s:
            orig = s.get(Settlement, orig_id)
            mismatched = [n for n in SETTLEMENT_MONEY if amounts[n] != -getattr(orig, n)]
            seq = next_number(s, orig.fixmedins_code, "HC", now.year)
            row = Settlement(
                kind="refund",
                setl_id=str(setlinfo.get("setl_id") or f"{orig.setl_id}-R"),
                msgid=msgid,
                reverses_id=orig.id,
                visit_id=orig.visit_id,
                chrg_bchno=orig.chrg_bchno,
                mdtrt_id=orig.mdtrt_id,
                fixmedins_code=orig.fixmedins_code,
                station_id=self.station.station_id,
                cashier_no=self.cashier.cashier_no,
                psn_no=orig.psn_no,
                psn_name=orig.psn_name,
                insutype=orig.insutype,
                med_type=orig.med_type,
                clr_type=orig.clr_type,
                setl_time=now,
                receipt_series="HC",
                receipt_year=now.year,
                receipt_seq=seq,
                receipt_no=f"HC{now.year}{seq:08d}",
                pool_prop_selfpay=orig.pool_prop_selfpay,
                balc=amounts["balc"],
                mulaid_detail=json.dumps(
                    [
                        {**d, "amount": str(-Decimal(str(d.get("amount", "0"))))}
                        for d in json.loads(orig.mulaid_detail)
                    ],
                    ensure_ascii=False,
                ),
                **{name: amounts[name] for name in SETTLEMENT_MONEY},
            )
            s.add(row)
            s.flush()
            # The cash part goes back the way it came: each tender negated, no change given.
            for t in s.scalars(
                select(Tender).where(Tender.settlement_id == orig.id).order_by(Tender.seq)
            ).all():
                s.add(
                    Tender(
                        settlement_id=row.id,
                        seq=t.seq,
                        method=t.method,
                        amount=-t.amount,
                        tendered=-t.amount,
                        change=ZERO,
                    )
                )
            visit = s.get(Visit, orig.visit_id)
            visit.status = "open" if keep else "refunded"
            if keep:
                for line in s.scalars(
                    select(DraftLine).where(DraftLine.visit_id == visit.visit_id)
                ).all():
                    s.delete(line)
                s.flush()
                for n, (code, cnt) in enumerate(keep, start=1):
                    s.add(
                        DraftLine(
                            visit_id=visit.visit_id, line_no=n, medins_list_codg=code, cnt=cnt
                        )
                    )
            call = s.get(CenterCall, msgid)
            call.status, call.open_key, call.setl_id = "ok", None, row.setl_id
            self._audit(
                s,
                "refund",
                row.setl_id,
                {
                    "reverses": orig.setl_id,
                    "receipt_no": row.receipt_no,
                    "psn_cash_pay": amounts["psn_cash_pay"],
                    "kept_lines": len(keep),
                    "mismatched": mismatched,
                },
            )
            return row.id

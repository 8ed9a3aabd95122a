"""Refunds (退费): 冲红 — a negated copy of the settlement, never an edit.

An insured settlement is reversed at the center first (2208); a 全自费 one is the hospital's alone,
so its 冲红 is written to the books only (no message). A partial refund reverses everything and
re-charges the lines the patient keeps (the visit is reopened with them, ready to pre-settle and
settle again), as insured HIS systems do.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal

from pos.database import storage_error
from pos.errors import PosError
from pos.services.bill import Bill
from pos.services.inflight import AlreadyDone, InFlight, not_recorded
from pos.services.link import ResponseUnknown
from pos.services.rows import settlement_view
from pos.services.views import ApprovalView, RefundOutcome
from pos.services.window import Window
from pos.services.wire import setlinfo_amounts
from pos.store import queries
from pos.store.books import SettlementRecord, TenderRow, tenders_of, write_settlement
from pos.store.models import SETTLEMENT_MONEY, CenterCall, ChargeBatch, Settlement, Visit

ZERO = Decimal("0.00")


def _already() -> PosError:
    return PosError(
        "REFUND_ALREADY", "该结算已冲红，不能重复退费", "This settlement was already refunded"
    )


class Refunds:
    """Uses the window, the bill (to reopen a partly refunded visit) and the in-flight record."""

    def __init__(self, window: Window, bill: Bill, inflight: InFlight) -> None:
        self.window = window
        self.bill = bill
        self.inflight = inflight

    def refund(
        self,
        setl_id: str,
        *,
        keep_line_nos: Sequence[int] = (),
        approval: ApprovalView | None = None,
    ) -> RefundOutcome:
        """Reverse a settlement (2208; a 全自费 one in the books alone) and pay the cash part back
        by the same tenders.

        keep_line_nos: lines of the original to charge again (partial refund = reverse everything,
        then re-settle the rest): they come back as the open visit's lines, ready to pre-settle.
        approval: the supervisor's yes for this settlement (desk.approve); its number and reason
        go into the refund's audit entry. The screens always ask for one.
        """
        window = self.window
        cashier = window.require_cashier()
        if approval is not None and (approval.action, approval.subject) != ("refund", setl_id):
            raise PosError(
                "APPROVAL_MISMATCH",
                "组长授权不是针对这笔退费的，请重新授权",
                "The supervisor's approval is for another action: approve this refund again",
            )
        with window.db.reading() as s:
            orig = queries.settlement_by_setl_id(s, setl_id)
            if orig is not None and orig.kind not in ("settle", "selfpay"):
                orig = None  # a 冲红 row is not refunded
            if orig is None or orig.fixmedins_code != window.station.fixmedins_code:
                raise PosError(
                    "SETTLEMENT_UNKNOWN",
                    f"本机构没有结算 {setl_id}",
                    f"No settlement {setl_id} here",
                )
            if queries.refund_of(s, orig.id) is not None:
                raise _already()
            wanted = set(keep_line_nos)
            kept = [f for f, _ in queries.fee_lines(s, orig.chrg_bchno) if f.line_no in wanted]
            if len(kept) != len(wanted):
                raise PosError(
                    "REFUND_BAD_LINES",
                    "要保留的行号不在原结算中",
                    "Some kept lines are not in the settlement",
                )
            if len(kept) == s.get(ChargeBatch, orig.chrg_bchno).line_count:
                raise PosError(
                    "REFUND_NOTHING", "保留全部项目等于不退费", "Keeping every line refunds nothing"
                )
            visit = s.get(Visit, orig.visit_id)
            keep = [(f.medins_list_codg, f.cnt) for f in sorted(kept, key=lambda f: f.line_no)]
        if orig.kind == "selfpay":
            # The center never saw it: nothing to send, so nothing can be lost in between. The
            # 冲红 is written whole (rows, tenders, visit, audit) or not at all.
            try:
                refund_id = self._record(orig.id, None, {}, _negated(orig), keep, approval)
            except PosError:
                raise
            except Exception as exc:  # (a second 冲红 of the batch breaks a unique key)
                raise storage_error(exc) from exc
            return self._outcome(orig, refund_id, keep)
        try:
            msgid = self.inflight.open_call("2208", visit, orig.chrg_bchno, cashier.cashier_no)
        except AlreadyDone:
            raise _already() from None
        try:
            out = window.link.call(
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
            self.inflight.close_call(msgid, "refused")
            raise
        setlinfo = out.get("setlinfo") or {}
        try:
            refund_id = self._record(
                orig.id, msgid, setlinfo, setlinfo_amounts(setlinfo), keep, approval
            )
        except Exception as exc:
            cause = exc if isinstance(exc, PosError) else storage_error(exc)
            reversed_ = self.inflight.reverse(msgid, "2208", orig.psn_no, cashier.cashier_no)
            raise not_recorded("2208", msgid, cause, reversed_) from exc
        return self._outcome(orig, refund_id, keep)

    def _outcome(self, orig: Settlement, refund_id: int, keep: list) -> RefundOutcome:
        window = self.window
        with window.db.reading() as s:
            refund_view = settlement_view(s, s.get(Settlement, refund_id))
            orig_view = settlement_view(s, s.get(Settlement, orig.id))
        reopened = None
        if keep:
            window.counter.open_visit(orig.visit_id)
            reopened = self.bill.current_visit()
        return RefundOutcome(refund_view, orig_view, reopened)

    def _record(
        self,
        orig_id: int,
        msgid: str | None,
        setlinfo: dict,
        amounts: dict,
        keep: list,
        approval: ApprovalView | None = None,
    ) -> int:
        window = self.window
        with window.db.transaction() as s:
            orig = s.get(Settlement, orig_id)
            if queries.refund_of(s, orig.id) is not None:  # another window was quicker
                raise _already()
            mismatched = [n for n in SETTLEMENT_MONEY if amounts[n] != -getattr(orig, n)]
            setl_id = str(setlinfo.get("setl_id") or f"{orig.setl_id}-R")
            record = SettlementRecord(
                kind="refund",
                setl_id=setl_id,
                msgid=msgid or setl_id,  # 全自费: no message; the hospital's own id, as its settle
                reverses_id=orig.id,
                visit_id=orig.visit_id,
                chrg_bchno=orig.chrg_bchno,
                mdtrt_id=orig.mdtrt_id,
                fixmedins_code=orig.fixmedins_code,
                station_id=window.station.station_id,
                cashier_no=window.require_cashier().cashier_no,
                psn_no=orig.psn_no,
                psn_name=orig.psn_name,
                insutype=orig.insutype,
                med_type=orig.med_type,
                clr_type=orig.clr_type,
                setl_time=window.clock(),
                pool_prop_selfpay=orig.pool_prop_selfpay,
                balc=amounts["balc"],
                mulaid_detail=[
                    {**d, "amount": str(-Decimal(str(d.get("amount", "0"))))}
                    for d in json.loads(orig.mulaid_detail)
                ],
                amounts={name: amounts[name] for name in SETTLEMENT_MONEY},
                training=window.training,
            )
            # The cash part goes back the way it came: each tender negated, no change given.
            tenders = [
                TenderRow(t.method, -t.amount, -t.amount, ZERO) for t in tenders_of(s, orig.id)
            ]
            row = write_settlement(s, record, tenders)
            visit = s.get(Visit, orig.visit_id)
            visit.status = "open" if keep else "refunded"
            if keep:
                queries.replace_draft_lines(s, visit.visit_id, keep)
            if msgid is not None:
                call = s.get(CenterCall, msgid)
                call.status, call.open_key, call.setl_id = "ok", None, row.setl_id
            window.audit(
                s,
                "refund",
                row.setl_id,
                {
                    "reverses": orig.setl_id,
                    "selfpay": orig.kind == "selfpay",
                    "receipt_no": row.receipt_no,
                    "psn_cash_pay": amounts["psn_cash_pay"],
                    "kept_lines": len(keep),
                    "mismatched": mismatched,
                    "approved_by": approval.supervisor_no if approval else None,
                    "reason": approval.reason if approval else None,
                },
            )
            return row.id


def _negated(orig: Settlement) -> dict[str, Decimal]:
    """A 全自费 settlement's amounts turned round (balc stays: no account was touched)."""
    return {**{n: -getattr(orig, n) for n in SETTLEMENT_MONEY}, "balc": orig.balc}

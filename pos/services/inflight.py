"""Money-moving messages whose outcome may be unknown: recorded before sending, 冲正'd if lost.

A `CenterCall` row is committed *before* a 2207 or 2208 goes out. If the response is lost (or our
own write after it fails), the row stays `sent`: the center may or may not have acted, and only a
2601 冲正 by the original msgid settles it. While it is open, its unique open_key blocks another
2207/2208 for the same batch from any window or process.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from pos.errors import PosError
from pos.services.link import ResponseUnknown
from pos.services.views import LostCall
from pos.services.window import Window
from pos.store import queries
from pos.store.models import CenterCall, Visit


def not_recorded(infno: str, msgid: str, cause: PosError, reversed_: bool) -> PosError:
    """The center did it, our books could not record it: say exactly that, and what now.

    Reversed: nothing stands anywhere, the cashier may do it again. Not reversed: it stands at the
    center only; the call stays open, so the bill cannot be settled (or refunded) a second time
    until a 冲正 (F12 / the in-flight list) goes through.
    """
    what_zh, what_en = ("结算", "settlement") if infno == "2207" else ("退费", "refund")
    if reversed_:
        return PosError(
            "STORE_NOT_RECORDED_REVERSED",
            f"{what_zh}已在医保中心完成，但本地未能记账（{cause.message_zh}）；已冲正，可重新办理",
            f"The {what_en} went through at the center but could not be recorded here "
            f"({cause.message_en}); it was reversed, you may do it again",
        )
    return PosError(
        "STORE_NOT_RECORDED",
        f"{what_zh}已在医保中心完成，但本地未能记账（{cause.message_zh}），冲正也未成功："
        f"请勿重新办理，待数据库恢复后按 F12 冲正（报文 {msgid}）",
        f"The {what_en} stands at the center but is not on our books ({cause.message_en}) and "
        f"the 冲正 did not go through: do not do it again; once the database is back, reverse it "
        f"with F12 (msgid {msgid})",
    )


class AlreadyDone(Exception):
    """The batch already has the settlement (or refund) this message would make."""

    def __init__(self, settlement_id: int) -> None:
        super().__init__(settlement_id)
        self.settlement_id = settlement_id


class InFlight:
    """Uses the window's link and books; no counter state of its own."""

    def __init__(self, window: Window) -> None:
        self.window = window

    def open_call(self, infno: str, visit: Visit, batch_no: str, opter: str) -> str:
        """Record the message as in flight, or refuse: another is in flight, or it is already done.

        The done-check runs *after* the insert: an insert that waited on another window's
        unique open_key sees that window's settlement once it proceeds (the check must not run
        on a snapshot taken before the wait).
        """
        window = self.window
        msgid = window.link.new_msgid()
        kind = "settle" if infno == "2207" else "refund"
        try:
            with window.db.transaction() as s:
                s.add(
                    CenterCall(
                        msgid=msgid,
                        infno=infno,
                        chrg_bchno=batch_no,
                        visit_id=visit.visit_id,
                        psn_no=visit.psn_no,
                        cashier_no=opter,
                        sent_at=window.clock(),
                        status="sent",
                        open_key=f"{batch_no}/{infno}",
                    )
                )
                s.flush()
                done = queries.settlement_of_batch(s, batch_no, kind)
                if done is not None:
                    raise AlreadyDone(done)
        except IntegrityError:
            raise PosError(
                "SETTLE_IN_FLIGHT",
                "该批次有一笔结果未知的交易，请先冲正（或另一窗口正在办理）",
                "This batch has a message with an unknown outcome: reverse it first (or another window is on it)",
            ) from None
        return msgid

    def close_call(self, msgid: str, status: str, err: str = "") -> None:
        with self.window.db.transaction() as s:
            call = s.get(CenterCall, msgid)
            call.status, call.open_key, call.err_msg = status, None, err[:500]
            self.window.audit(
                s, f"call.{status}", msgid, {"infno": call.infno, "chrg_bchno": call.chrg_bchno}
            )

    def reverse(self, msgid: str, infno: str, psn_no: str, opter: str) -> bool:
        """2601 by msgid; True when the center reversed it and our record says so. On any failure
        the call stays open (`sent`): it blocks the batch and shows in pending_reversals()."""
        try:
            self.window.link.call(
                "2601", {"psn_no": psn_no, "omsgid": msgid, "oinfno": infno}, opter=opter
            )
        except (PosError, ResponseUnknown):
            return False
        try:
            self.close_call(msgid, "reversed")
        except Exception:
            return False  # reversed at the center; reversing it again is harmless
        return True

    def pending_reversals(self) -> list[LostCall]:
        """Messages whose outcome is unknown at this institution: each needs a 冲正."""
        with self.window.db.reading() as s:
            return [
                LostCall(c.msgid, c.infno, c.chrg_bchno, c.psn_no, c.cashier_no, c.sent_at)
                for c in queries.open_calls(s, self.window.station.fixmedins_code)
            ]

    def reverse_lost(self, msgid: str) -> None:
        """冲正 (2601) a 2207/2208 whose response was lost; afterwards the batch can be settled again."""
        window = self.window
        cashier = window.require_cashier()
        with window.db.reading() as s:
            call = s.get(CenterCall, msgid)
            if call is None or call.status != "sent":
                raise PosError(
                    "REVERSAL_NOTHING", f"报文 {msgid} 无需冲正", f"Nothing to reverse for {msgid}"
                )
            infno, psn_no = call.infno, call.psn_no
        try:
            window.link.call(
                "2601",
                {"psn_no": psn_no, "omsgid": msgid, "oinfno": infno},
                opter=cashier.cashier_no,
            )
        except ResponseUnknown:
            raise PosError(
                "REVERSAL_RESPONSE_LOST",
                "冲正响应丢失，请再次冲正",
                "The 2601 response was lost: reverse again",
            ) from None
        self.close_call(msgid, "reversed")

    def reverse_lost_of_patient(self) -> list[LostCall]:
        """F12: 冲正 every lost message of the patient on the counter (of any, with none there)."""
        patient = self.window.counter.patient
        lost = [
            call
            for call in self.pending_reversals()
            if patient is None or call.psn_no == patient.psn_no
        ]
        if not lost:
            raise PosError("REVERSAL_NOTHING", "没有需要冲正的交易", "Nothing to reverse")
        for call in lost:
            self.reverse_lost(call.msgid)
        return lost

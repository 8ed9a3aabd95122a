"""Pre-settle (2204 + 2206) and settle (2207): where the money moves.

Settlement is all-or-nothing on both sides. The center commits its half inside 2207; the hospital
commits its half (settlement row, tenders, receipt number, audit entry) in one transaction after.
Between the two sits a `CenterCall` row committed *before* the message goes out: if the response is
lost, or our write fails, that row says "the center may have settled this: 冲正 it (2601)". Only one
2207 per batch can be in flight (unique open_key), and a batch that has a settlement is never sent
again: a second settle() returns the first result.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy.orm import Session

from engine.codes import MedType, clr_type_for
from engine.masking import mask_name
from engine.models import HEADLINE_MONEY_FIELDS
from engine.money import round2, to_decimal
from pos.database import storage_error
from pos.errors import PosError
from pos.services.bill import Bill
from pos.services.inflight import AlreadyDone, InFlight, not_recorded
from pos.services.link import ResponseUnknown
from pos.services.rows import batch_line_views, settlement_view
from pos.services.views import (
    TENDER_METHODS,
    LineView,
    PresettleView,
    SettlementView,
    SettleOutcome,
    TenderInput,
)
from pos.services.window import Window
from pos.services.wire import amount, copay_option, setlinfo_amounts
from pos.services.wire import ceiling as wire_ceiling
from pos.store import queries
from pos.store.books import SettlementRecord, TenderRow, next_number, write_settlement
from pos.store.identities import identity_problems
from pos.store.models import (
    SETTLEMENT_MONEY,
    CatalogItem,
    CenterCall,
    ChargeBatch,
    DraftLine,
    FeeLine,
    Settlement,
    Visit,
)

ZERO = Decimal("0.00")


def _fingerprint(lines: Sequence[tuple[int, str, Decimal]]) -> str:
    text = json.dumps([[n, c, str(q)] for n, c, q in lines], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _exact(value: Decimal) -> str:
    """A fixed-point Decimal as plain text, never in exponent form."""
    return format(value, "f")


def validate_tenders(tenders: Sequence[TenderInput], due: Decimal) -> list[TenderRow]:
    """Tender rows whose amounts add up to `due` exactly."""
    rows = []
    for n, t in enumerate(tenders, start=1):
        if t.method not in TENDER_METHODS:
            raise PosError(
                "TENDER_BAD_METHOD",
                f"第 {n} 笔：未知支付方式 {t.method}",
                f"Tender {n}: unknown method {t.method}",
            )
        try:
            amt = to_decimal(t.amount, what="amount")
            given = amt if t.tendered is None else to_decimal(t.tendered, what="tendered")
        except ValueError as exc:
            raise PosError(
                "TENDER_BAD_AMOUNT", f"第 {n} 笔金额无效：{exc}", f"Tender {n}: {exc}"
            ) from None
        if amt == 0 and given == 0:
            continue  # an empty tender line (nothing due that way) is no tender at all
        if amt <= 0:
            raise PosError(
                "TENDER_BAD_AMOUNT",
                f"第 {n} 笔金额应大于 0",
                f"Tender {n}: amount must be more than 0",
            )
        if given < amt:
            raise PosError(
                "TENDER_SHORT", f"第 {n} 笔：实收少于应收", f"Tender {n}: less handed over than due"
            )
        if given != amt and t.method != "cash":
            raise PosError("TENDER_CHANGE", "只有现金可以找零", "Only cash can give change")
        rows.append(TenderRow(t.method, round2(amt), round2(given), round2(given - amt)))
    total = sum((r.amount for r in rows), ZERO)
    if total != due:
        raise PosError(
            "TENDER_MISMATCH",
            f"收款合计 {total} 与个人现金支付 {due} 不符",
            f"Tenders add up to {total}, but the cash due is {due}",
        )
    return rows


class Checkout:
    """Uses the window, the bill (the open visit) and the in-flight record; sets
    `counter.presettle`."""

    def __init__(self, window: Window, bill: Bill, inflight: InFlight) -> None:
        self.window = window
        self.bill = bill
        self.inflight = inflight

    # ------------------------------------------------------------------ 2204 + 2206

    def presettle(
        self,
        *,
        acct_used: bool = True,
        copay_givers: Sequence[str] | None = None,
        copay_proof_checked: bool = False,
    ) -> PresettleView:
        """Upload the lines (2204, only if they changed) and pre-settle (2206); nothing is committed.

        copay_givers: giver psn_nos in deduction order; None or () = no family co-pay this time
        (the returned copay_options list who could pay, for the 使用家庭共济账户支付? prompt).
        """
        window = self.window
        cashier = window.require_cashier()
        if self._selfpay_visit():
            return self._presettle_selfpay(cashier.cashier_no)
        givers = tuple(dict.fromkeys(copay_givers or ()))
        batch_no, lines = self._current_batch(cashier.cashier_no)
        with window.db.reading() as s:
            visit = s.get(Visit, window.counter.visit_id)
            medfee = s.get(ChargeBatch, batch_no).medfee_sumamt
        out = window.link.call(
            "2206",
            _settle_input(visit, batch_no, medfee, acct_used, givers, copay_proof_checked),
            opter=cashier.cashier_no,
            insuplc=visit.insuplc_admdvs,
        )
        exp = out.get("exp_content") or {}
        setlinfo = out.get("setlinfo") or {}
        amounts: dict[str, Decimal | str] = dict(setlinfo_amounts(setlinfo))
        for key in ("pool_prop_selfpay", "insutype", "med_type"):
            if setlinfo.get(key) is not None:
                amounts[key] = str(setlinfo[key])
        detail = tuple(d for d in exp.get("mulaid_detail") or () if isinstance(d, dict))
        used = {str(d.get("binding_id")): amount(d.get("amount"), "amount") for d in detail}
        options = tuple(
            copay_option(o, o.get("giver_psn_no") in givers, used.get(str(o.get("binding_id"))))
            for o in exp.get("mulaid_options") or []
            if isinstance(o, dict)
        )
        # The center's trace names givers by psn_no; the cashier sees them masked, as everywhere.
        names = {o.giver_psn_no: o.giver_name_masked for o in options}
        trace = []
        for line in exp.get("trace") or ():
            line = str(line)
            for psn_no, name in names.items():
                line = line.replace(psn_no, name)
            trace.append(line)
        window.counter.presettle = PresettleView(
            chrg_bchno=batch_no,
            setlinfo=amounts,
            lines=tuple(lines),
            copay_options=options,
            mulaid_detail=detail,
            acct_used=acct_used,
            copay_givers=givers,
            copay_proof_checked=copay_proof_checked,
            proof_required=window.station.proof_at_counter,
            trace=tuple(trace),
        )
        return window.counter.presettle

    def _selfpay_visit(self) -> bool:
        """Is the counter's visit 全自费 (never registered at the center)?"""
        visit_id = self.window.counter.visit_id
        if visit_id is None:
            return False
        with self.window.db.reading() as s:
            visit = s.get(Visit, visit_id)
            return visit is not None and visit.mdtrt_id is None

    def _presettle_selfpay(self, opter: str) -> PresettleView:
        """全自费: the whole bill is the patient's, in cash/card/WeChat/Alipay; nothing is asked
        of the center (the batch's lines are split locally: everything 全自费)."""
        window = self.window
        batch_no, lines = self._current_batch(opter, selfpay=True)
        total = sum((ln.amount for ln in lines), ZERO)
        amounts: dict[str, Decimal | str] = dict(selfpay_amounts(total))
        amounts["balc"] = ZERO
        why = (
            f"全自费：不经医保结算，医疗费用 {total} 元全部由个人支付"
            if window.lang == "zh"
            else f"Self-pay: not settled through insurance; the patient pays all {total}"
        )
        window.counter.presettle = PresettleView(
            chrg_bchno=batch_no,
            setlinfo=amounts,
            lines=tuple(lines),
            copay_options=(),
            mulaid_detail=(),
            acct_used=False,
            copay_givers=(),
            copay_proof_checked=False,
            proof_required=False,
            trace=(why,),
        )
        return window.counter.presettle

    def _current_batch(self, opter: str, *, selfpay: bool = False) -> tuple[str, list[LineView]]:
        """The uploaded batch matching the draft lines now, uploading (2204) a new one if needed
        (全自费: the batch is the hospital's alone, every line wholly self-paid, no 2204)."""
        window = self.window
        with window.db.reading() as s:
            visit = self.bill.editable_visit(s)
            rows = queries.draft_lines(s, visit.visit_id)
            if not rows:
                raise PosError("VISIT_EMPTY", "没有收费项目", "There are no charge lines")
            fingerprint = _fingerprint([(d.line_no, d.medins_list_codg, d.cnt) for d, _ in rows])
            settled = queries.settled_batch_nos(s, visit.visit_id)
            for batch in reversed(queries.batches(s, visit.visit_id)):
                if batch.fingerprint == fingerprint and batch.chrg_bchno not in settled:
                    return batch.chrg_bchno, batch_line_views(s, batch.chrg_bchno)
            visit_id, mdtrt_id, psn_no = visit.visit_id, visit.mdtrt_id, visit.psn_no
            insuplc = visit.insuplc_admdvs
        now = window.clock()
        # A fresh number per upload: an upload whose answer was lost is never re-sent under the
        # same number with other lines (the center would refuse it as a changed re-upload).
        with window.db.transaction() as s:
            seq = next_number(s, window.station.fixmedins_code, "BCH", now.year)
        batch_no = f"{window.station.fixmedins_code}{now:%y}{seq:08d}"
        feedetail = [
            {
                "feedetl_sn": f"{batch_no[12:]}{d.line_no:03d}",
                "mdtrt_id": mdtrt_id,
                "psn_no": psn_no,
                "chrg_bchno": batch_no,
                "med_list_codg": item.med_list_codg,
                "medins_list_codg": item.medins_list_codg,
                "pric": _exact(item.pric),
                "cnt": _exact(d.cnt),
                "det_item_fee_sumamt": str(round2(item.pric * d.cnt)),
                "fee_ocur_time": now,
            }
            for d, item in rows
        ]
        if selfpay:
            out = {"result": [_selfpay_split(sent) for sent in feedetail]}
        else:
            out = window.link.call("2204", {"feedetail": feedetail}, opter=opter, insuplc=insuplc)
        results = {
            str(r.get("feedetl_sn")): r for r in out.get("result") or [] if isinstance(r, dict)
        }
        with window.db.transaction() as s:
            fee_rows = []
            for (d, item), sent in zip(rows, feedetail, strict=True):
                got = results.get(sent["feedetl_sn"])
                if got is None:
                    raise PosError(
                        "CENTER_BAD_OUTPUT",
                        f"2204 未返回第 {d.line_no} 行的分割",
                        f"2204 returned no split for line {d.line_no}",
                    )
                fee_rows.append(_fee_line(batch_no, d, item, sent, got))
            total = sum((f.det_item_fee_sumamt for f in fee_rows), ZERO)
            s.add(
                ChargeBatch(
                    chrg_bchno=batch_no,
                    visit_id=visit_id,
                    cashier_no=opter,
                    uploaded_at=now,
                    line_count=len(fee_rows),
                    medfee_sumamt=total,
                    fingerprint=fingerprint,
                )
            )
            s.flush()
            s.add_all(fee_rows)
            window.audit(
                s,
                "batch.upload",
                batch_no,
                {
                    "lines": len(fee_rows),
                    "medfee_sumamt": total,
                    **({"selfpay": True} if selfpay else {}),
                },
            )
            s.flush()
            return batch_no, batch_line_views(s, batch_no)

    # ------------------------------------------------------------------ 2207

    def settle(self, tenders: Sequence[TenderInput]) -> SettleOutcome:
        """Settle the pre-settled batch (2207) and take the tenders; all of it or none of it."""
        window = self.window
        cashier = window.require_cashier()
        pre = window.counter.presettle
        if window.counter.visit_id is None or pre is None:
            raise PosError("PRESETTLE_REQUIRED", "请先预结算", "Pre-settle first")
        done = self._settled_outcome(pre.chrg_bchno, kind="selfpay")
        if done is not None:
            return done
        if self._selfpay_visit():
            return self._settle_selfpay(pre, tenders)
        done = self._settled_outcome(pre.chrg_bchno)
        if done is not None:
            return done
        visit, batch, totals = self._still_current(pre.chrg_bchno)
        rows = validate_tenders(tenders, pre.psn_cash_pay)
        data = _settle_input(
            visit,
            batch.chrg_bchno,
            batch.medfee_sumamt,
            pre.acct_used,
            pre.copay_givers,
            pre.copay_proof_checked,
        )
        data.update(totals)  # the hospital's own split totals: the center checks they agree
        try:
            msgid = self.inflight.open_call("2207", visit, batch.chrg_bchno, cashier.cashier_no)
        except AlreadyDone as already:
            return self._outcome(already.settlement_id, already=True)
        try:
            out = window.link.call(
                "2207", data, opter=cashier.cashier_no, msgid=msgid, insuplc=visit.insuplc_admdvs
            )
        except ResponseUnknown:
            raise PosError(
                "SETTLE_RESPONSE_LOST",
                f"结算（2207）响应丢失，结果未知。请先冲正（2601，报文 {msgid}，按 F12）再重新结算",
                f"The 2207 response was lost; the outcome is unknown. Reverse it (2601, msgid {msgid}, F12) first",
            ) from None
        except PosError as refused:
            # The center said no: nothing was settled, and the split it was built on is no
            # longer one to take money for (a giver's quota or balance may have moved since
            # 2206). It is dropped, so the next step can only be a fresh pre-settlement.
            self.inflight.close_call(msgid, "refused")
            window.counter.presettle = None
            raise PosError(
                "SETTLE_REFUSED",
                f"{refused.message_zh.rstrip('。')}。本次预结算已作废，请按 F5 重新预结算",
                f"{refused.message_en.rstrip('.')}. This pre-settlement is void: press F5 to "
                "pre-settle again",
                field=refused.field,
            ) from None
        setlinfo = out.get("setlinfo") or {}
        with window.db.reading() as s:
            known = queries.settlement_by_setl_id(s, str(setlinfo.get("setl_id")))
            known_id = known.id if known is not None else None
        if known_id is not None:
            # The center replayed a settlement we already hold: nothing new happened, and this
            # msgid must never be 冲正'd (that would reverse the original).
            self.inflight.close_call(msgid, "ok", "replayed an existing settlement")
            return self._outcome(known_id, already=True)
        amounts = setlinfo_amounts(setlinfo)
        problems = identity_problems(amounts)
        if amounts["psn_cash_pay"] != pre.psn_cash_pay:
            problems.append(
                f"psn_cash_pay {amounts['psn_cash_pay']} ≠ pre-settled {pre.psn_cash_pay}"
            )
        if problems or not setlinfo.get("setl_id"):
            self.inflight.reverse(msgid, "2207", visit.psn_no, cashier.cashier_no)
            window.counter.presettle = None  # as for a refusal: only a fresh split may settle
            raise PosError(
                "SETTLE_AMOUNT_CHANGED",
                "结算结果与预结算不一致（如共济人余额刚被使用），已自动冲正，请重新预结算",
                "The settlement differs from the pre-settlement (e.g. a giver's balance just changed); "
                "it was reversed automatically, pre-settle again",
            )
        detail = (out.get("exp_content") or {}).get("mulaid_detail") or []
        record = SettlementRecord(
            kind="settle",
            setl_id=str(setlinfo["setl_id"]),
            msgid=msgid,
            visit_id=visit.visit_id,
            chrg_bchno=batch.chrg_bchno,
            mdtrt_id=visit.mdtrt_id,
            fixmedins_code=visit.fixmedins_code,
            station_id=window.station.station_id,
            cashier_no=cashier.cashier_no,
            psn_no=visit.psn_no,
            psn_name=visit.psn_name,
            insutype=visit.insutype,
            med_type=visit.med_type,
            clr_type=clr_type_for(MedType(visit.med_type)).value,
            setl_time=window.clock(),
            pool_prop_selfpay=_ratio(setlinfo.get("pool_prop_selfpay")),
            balc=amounts["balc"],
            mulaid_detail=[_masked_detail(d) for d in detail if isinstance(d, dict)],
            amounts={name: amounts[name] for name in SETTLEMENT_MONEY},
            training=window.training,
        )
        try:
            settlement_id = self._record(record, rows)
        except Exception as exc:
            cause = exc if isinstance(exc, PosError) else storage_error(exc)
            reversed_ = self.inflight.reverse(msgid, "2207", visit.psn_no, cashier.cashier_no)
            raise not_recorded("2207", msgid, cause, reversed_) from exc
        return self._outcome(settlement_id, already=False)

    def _settle_selfpay(self, pre: PresettleView, tenders: Sequence[TenderInput]) -> SettleOutcome:
        """全自费 settlement: the hospital's books alone (no 2207), through the one writer of
        settlement, tender and receipt rows; kind "selfpay", a 门诊收费 (MZ) receipt number."""
        window = self.window
        cashier = window.require_cashier()
        visit, batch, _ = self._still_current(pre.chrg_bchno)
        rows = validate_tenders(tenders, pre.psn_cash_pay)
        now = window.clock()
        code = window.station.fixmedins_code
        with window.db.transaction() as s:
            seq = next_number(s, code, "ZF", now.year)
            setl_id = f"ZF{code}{now.year}{seq:08d}"  # the hospital's own: the center has none
            record = SettlementRecord(
                kind="selfpay",
                setl_id=setl_id,
                msgid=setl_id,
                visit_id=visit.visit_id,
                chrg_bchno=batch.chrg_bchno,
                mdtrt_id="",
                fixmedins_code=code,
                station_id=window.station.station_id,
                cashier_no=cashier.cashier_no,
                psn_no=visit.psn_no,
                psn_name=visit.psn_name,
                insutype="",
                med_type=visit.med_type,
                clr_type="",
                setl_time=now,
                pool_prop_selfpay=Decimal("0.0000"),
                balc=ZERO,
                mulaid_detail=[],
                amounts=selfpay_amounts(batch.medfee_sumamt),
                training=window.training,
            )
            row = write_settlement(s, record, rows)
            s.get(Visit, visit.visit_id).status = "settled"
            _audit_settlement(window, s, "selfpay", row, record, rows)
            settlement_id = row.id
        return self._outcome(settlement_id, already=False)

    def _record(self, record: SettlementRecord, tenders: list[TenderRow]) -> int:
        window = self.window
        with window.db.transaction() as s:
            row = write_settlement(s, record, tenders)
            s.get(Visit, record.visit_id).status = "settled"
            call = s.get(CenterCall, record.msgid)
            call.status, call.open_key, call.setl_id = "ok", None, row.setl_id
            _audit_settlement(window, s, "settle", row, record, tenders)
            return row.id

    def _still_current(self, batch_no: str) -> tuple[Visit, ChargeBatch, dict[str, Decimal]]:
        """The visit and the pre-settled batch, refusing if the lines changed since; plus the
        batch's 2204 split totals under their setlinfo names."""
        with self.window.db.reading() as s:
            visit = self.bill.editable_visit(s)
            drafts = [d for d, _ in queries.draft_lines(s, visit.visit_id)]
            batch = s.get(ChargeBatch, batch_no)
            if batch.fingerprint != _fingerprint(
                [(d.line_no, d.medins_list_codg, d.cnt) for d in drafts]
            ):
                raise PosError(
                    "PRESETTLE_STALE",
                    "收费项目已修改，请重新预结算",
                    "The lines changed: pre-settle again",
                )
            lines = [f for f, _ in queries.fee_lines(s, batch_no)]
            totals = {
                setl_name: sum((getattr(f, line_name) for f in lines), ZERO)
                for setl_name, line_name in SPLIT_TOTALS.items()
            }
            return visit, batch, totals

    def _settled_outcome(self, batch_no: str, kind: str = "settle") -> SettleOutcome | None:
        with self.window.db.reading() as s:
            settlement_id = queries.settlement_of_batch(s, batch_no, kind)
        return None if settlement_id is None else self._outcome(settlement_id, already=True)

    def _outcome(self, settlement_id: int, *, already: bool) -> SettleOutcome:
        stored = self.settlement_detail(settlement_id=settlement_id)
        return SettleOutcome(
            stored.settlement,
            stored.fee_lines,
            already=already,
            patient=self.window.counter.patient,
        )

    # ------------------------------------------------------------------ the books

    def settlement_detail(
        self, setl_id: str | None = None, *, settlement_id: int | None = None
    ) -> SettleOutcome:
        """A stored settlement (or 冲红) with its lines: for the receipt, a reprint, a refund screen."""
        with self.window.db.reading() as s:
            if settlement_id is not None:
                row = s.get(Settlement, settlement_id)
            else:
                row = queries.settlement_by_setl_id(s, str(setl_id))
            if row is None or row.fixmedins_code != self.window.station.fixmedins_code:
                raise PosError(
                    "SETTLEMENT_UNKNOWN",
                    f"本机构没有结算 {setl_id}",
                    f"No settlement {setl_id} here",
                )
            return SettleOutcome(
                settlement_view(s, row), tuple(batch_line_views(s, row.chrg_bchno)), already=False
            )

    def settlements(self, *, psn_no: str | None = None, limit: int = 50) -> list[SettlementView]:
        """Latest settlements and 冲红 at this institution (newest first), optionally one patient's."""
        with self.window.db.reading() as s:
            rows = queries.latest_settlements(
                s,
                self.window.station.fixmedins_code,
                psn_no=psn_no,
                limit=max(1, min(limit, 500)),
            )
            return [settlement_view(s, r) for r in rows]


# The 2204 split summed over a batch, under its setlinfo name (setlinfo → fee line field).
SPLIT_TOTALS = {
    "fulamt_ownpay_amt": "fulamt_ownpay_amt",
    "overlmt_selfpay": "overlmt_amt",
    "preselfpay_amt": "preselfpay_amt",
    "inscp_scp_amt": "inscp_scp_amt",
}


def _audit_settlement(
    window: Window,
    session: Session,
    action: str,
    row: Settlement,
    record: SettlementRecord,
    tenders: Sequence[TenderRow],
) -> None:
    """The audit entry of a settlement: its receipt, headline totals and every tender as paid
    (method, amount, tendered, change), which `pos db check` compares with the money rows."""
    window.audit(
        session,
        action,
        row.setl_id,
        {
            "receipt_no": row.receipt_no,
            "chrg_bchno": record.chrg_bchno,
            **{k: record.amounts[k] for k in HEADLINE_MONEY_FIELDS},
            "tenders": [[t.method, t.amount, t.tendered, t.change] for t in tenders],
        },
    )


def _settle_input(
    visit: Visit, batch_no: str, medfee: Decimal, acct_used: bool, givers: tuple, proof: bool
) -> dict:
    return {
        "psn_no": visit.psn_no,
        "mdtrt_cert_type": visit.mdtrt_cert_type,
        "mdtrt_cert_no": visit.mdtrt_cert_no,
        "med_type": visit.med_type,
        "medfee_sumamt": medfee,
        "psn_setlway": "01",
        "mdtrt_id": visit.mdtrt_id,
        "chrg_bchno": batch_no,
        "insutype": visit.insutype,
        "acct_used_flag": "1" if acct_used else "0",
        # Always the explicit list: the givers the cashier chose, [] when declined (no co-pay).
        # No account money at all when the account is off (acct_used_flag 0: none, family too).
        "exp_content": {
            "mulaid_psn_nos": list(givers) if acct_used else [],
            "copay_proof_checked": bool(proof),
        },
    }


def selfpay_amounts(total: Decimal) -> dict[str, Decimal]:
    """A 全自费 settlement's amounts: all of it 全自费 and paid by the patient, no fund, no account;
    both identities hold (medfee = 全自费 = psn_part = psn_cash)."""
    amounts = dict.fromkeys(SETTLEMENT_MONEY, ZERO)
    for name in ("medfee_sumamt", "fulamt_ownpay_amt", "psn_part_amt", "psn_cash_pay"):
        amounts[name] = total
    return amounts


def _selfpay_split(sent: dict) -> dict:
    """A line's split when nobody but the hospital prices it: wholly 全自费."""
    fee = sent["det_item_fee_sumamt"]
    return {
        "feedetl_sn": sent["feedetl_sn"],
        "det_item_fee_sumamt": fee,
        "fulamt_ownpay_amt": fee,
        "overlmt_amt": "0.00",
        "preselfpay_amt": "0.00",
        "inscp_scp_amt": "0.00",
        "selfpay_prop": "1",
    }


def _masked_detail(detail: dict) -> dict:
    """A co-pay detail row as the books keep it: the giver's name masked once, here."""
    name = detail.get("giver_name_masked") or detail.get("giver") or ""
    return {**detail, "giver_name_masked": mask_name(str(name))}


def _fee_line(batch_no: str, d: DraftLine, item: CatalogItem, sent: dict, got: dict) -> FeeLine:
    split = {
        k: amount(got.get(k), k)
        for k in ("fulamt_ownpay_amt", "overlmt_amt", "preselfpay_amt", "inscp_scp_amt")
    }
    fee = amount(got.get("det_item_fee_sumamt", sent["det_item_fee_sumamt"]), "det_item_fee_sumamt")
    if fee != Decimal(sent["det_item_fee_sumamt"]) or sum(split.values(), ZERO) != fee:
        raise PosError(
            "CENTER_BAD_OUTPUT",
            f"第 {d.line_no} 行：医保中心的分割与金额不符",
            f"Line {d.line_no}: the center's split does not add up to the line amount",
        )
    ceiling = got.get("pric_uplmt_amt")
    return FeeLine(
        chrg_bchno=batch_no,
        feedetl_sn=sent["feedetl_sn"],
        line_no=d.line_no,
        medins_list_codg=item.medins_list_codg,
        med_list_codg=item.med_list_codg,
        name=item.name,
        pric=item.pric,
        cnt=d.cnt,
        det_item_fee_sumamt=fee,
        chrgitm_lv=str(got.get("chrgitm_lv") or item.chrgitm_lv),
        med_chrgitm_type=str(got.get("med_chrgitm_type") or item.med_chrgitm_type),
        selfpay_prop=Decimal(str(got.get("selfpay_prop") or "0")).quantize(Decimal("0.0001")),
        pric_uplmt_amt=wire_ceiling(ceiling),
        **split,
    )


def _ratio(value: object) -> Decimal:
    try:
        return Decimal(str(value)).quantize(Decimal("0.0001"))
    except Exception:
        return Decimal("0.0000")

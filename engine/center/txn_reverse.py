"""【2208】门诊结算撤销 (冲红: a negated copy, never an edit) and 【2601】冲正 by original msgid."""

from __future__ import annotations

from engine.center.context import CenterError, Ctx
from engine.center.inputs import In2208, In2601
from engine.center.ledger import insert_settlement, undo
from engine.center.models import CenterMessage, CenterSettlement
from engine.models import SETLINFO_MONEY_FIELDS
from engine.money import fmt, to_decimal

# Every amount of a settlement's answer that a 冲红 negates (2208 answers the original's negation,
# inscp_scp_amt included, as the platform does: captured in openhis ClassHelper.cs). balc is not
# an amount of the settlement but the balance after it, and is written anew.
_SETLDETAIL_AMOUNTS = ("inscp_scp_amt", "fund_payamt")  # crt_payb_lmt_amt is a limit, kept


def _neg(value: object) -> str | None:
    return None if value is None else fmt(-to_decimal(value))


def _negated_output(orig: CenterSettlement, row: dict, ctx: Ctx) -> dict:
    info = dict(orig.output["setlinfo"])
    for name in SETLINFO_MONEY_FIELDS:
        if name != "balc" and info.get(name) is not None:
            info[name] = _neg(info[name])
    # Answers stored before #10 carried these in setlinfo; they now live in exp_content.
    moved = {
        k: info.pop(k) for k in ("own_acct_pay", "insuplc_admdvs", "mdtrtarea_admvs") if k in info
    }
    info.update(
        setl_id=row["setl_id"],
        orig_setl_id=orig.setl_id,
        balc=fmt(row["balc"]),
        setl_time=ctx.now.strftime("%Y-%m-%d %H:%M:%S"),
        medins_setl_id=ctx.env.msgid,
    )
    detail = [
        {**d, **{k: _neg(d.get(k)) for k in _SETLDETAIL_AMOUNTS if k in d}}
        for d in orig.output.get("setldetail", [])
    ]
    exp = orig.output.get("exp_content") or {}
    mulaid = [{**m, "amount": _neg(m["amount"])} for m in exp.get("mulaid_detail", [])]
    own = exp.get("own_acct_pay", moved.get("own_acct_pay", "0.00"))
    return {
        "setlinfo": info,
        "setldetail": detail,
        "exp_content": {
            "mulaid_detail": mulaid,
            "own_acct_pay": _neg(own),
            "insuplc_admdvs": exp.get("insuplc_admdvs", moved.get("insuplc_admdvs")),
            "mdtrtarea_admvs": exp.get("mdtrtarea_admvs", moved.get("mdtrtarea_admvs")),
        },
    }


def handle_2208(ctx: Ctx, raw: dict) -> dict:
    inp = In2208.model_validate(raw)
    ctx.visit(inp.mdtrt_id, inp.psn_no, lock=True)
    orig = ctx.session.get(CenterSettlement, inp.setl_id)
    if orig is None or orig.kind != "settle" or orig.mdtrt_id != inp.mdtrt_id:
        raise CenterError(
            f"setl_id: 本次就诊没有结算 {inp.setl_id} / no such settlement for this visit"
        )
    done = ctx.undone(orig.setl_id)
    if done is not None:
        if done.kind == "refund":
            return done.output  # idempotent: already refunded
        raise CenterError("setl_id: 该结算已冲正，无需撤销 / the settlement was reversed (2601)")
    setl_id = ctx.registry.ids.setl_id(ctx.conn, ctx.now, orig.setl_id[:6])
    row = undo(ctx, orig, "refund", setl_id)
    row["output"] = _negated_output(orig, row, ctx)
    insert_settlement(ctx, row)
    return row["output"]


def handle_2601(ctx: Ctx, raw: dict) -> dict:
    inp = In2601.model_validate(raw)
    answer = {"omsgid": inp.omsgid, "oinfno": inp.oinfno}
    msg = ctx.session.get(CenterMessage, inp.omsgid)
    if msg is None:
        # Nothing was committed under that msgid: the original never happened at the center.
        return {**answer, "rvs_stas": "0", "memo": "中心无此原交易，无需冲正 / nothing to reverse"}
    if msg.fixmedins_code != ctx.env.fixmedins_code:
        raise CenterError(
            f"omsgid: 原报文 {inp.omsgid} 不是本机构发出的 / not sent by this institution"
        )
    if msg.infno != inp.oinfno:
        raise CenterError(
            f"oinfno: 原报文 {inp.omsgid} 的交易是 {msg.infno} / the original was {msg.infno}"
        )
    if msg.psn_no != inp.psn_no:
        raise CenterError("psn_no: 与原交易人员不符 / does not match the original")
    orig = ctx.session.get(CenterSettlement, msg.setl_id or "")
    if orig is None:
        raise CenterError("omsgid: 原交易没有结算记录 / the original has no settlement")
    ctx.visit(orig.mdtrt_id, orig.psn_no, lock=True)
    done = ctx.undone(orig.setl_id)
    if done is not None and done.kind == "reversal":
        return {
            **answer,
            "rvs_stas": "1",
            "rvs_setl_id": done.setl_id,
            "memo": "已冲正 / already reversed",
        }
    if done is not None:
        raise CenterError(
            "omsgid: 该结算已退费，请先冲正退费交易 / refunded: reverse the 2208 first"
        )
    setl_id = ctx.registry.ids.setl_id(ctx.conn, ctx.now, orig.setl_id[:6])
    row = undo(ctx, orig, "reversal", setl_id)
    row["output"] = {
        **answer,
        "rvs_stas": "1",
        "rvs_setl_id": setl_id,
        "orig_setl_id": orig.setl_id,
    }
    insert_settlement(ctx, row)
    return {**row["output"], "memo": "冲正成功 / reversed"}

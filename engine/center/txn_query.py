"""【3201】对总账, 【3202】对明细账, 【5203】结算信息查询.

3202 on the platform: the hospital uploads its detail rows as a file (9101 文件上传), sends 3202
with the file's `file_qury_no` and the period's totals, and downloads the result file (9102)
named in the answer's `fileinfo`. The simulator has no file service, so it shortens the path:
- the real shape (file_qury_no, no `details`): the totals are compared (medfee_sumamt,
  fund_pay_sumamt, cash_payamt, fixmedins_setl_cnt; clr_type if given), `result` is empty and
  `fileinfo` is null — nothing is reported missing, since the rows were never seen;
- the simulator's extension (`details` inline, what the file would hold): row by row, plus one row
  per settlement the hospital did not send.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from engine.center.context import CenterError, Ctx
from engine.center.inputs import In3201, In3202, In5203, Period
from engine.center.models import CenterSettlement
from engine.money import ZERO, fmt


def counted(ctx: Ctx, period: Period) -> list[CenterSettlement]:
    """What the institution settled in the period: settlements and refunds, minus anything a 2601
    reversed (a reversed row and its reversal both vanish, as if it never happened)."""
    q = (
        select(CenterSettlement)
        .where(*_counted_filter(ctx, period))
        .order_by(CenterSettlement.setl_time, CenterSettlement.setl_id)
    )
    return list(ctx.session.execute(q).scalars())


def _counted_filter(ctx: Ctx, period: Period) -> list:
    inst = ctx.institution()
    begin = datetime.combine(period.stmt_begndate, time.min)
    end = datetime.combine(period.stmt_enddate + timedelta(days=1), time.min)
    reversed_ids = select(CenterSettlement.orig_setl_id).where(CenterSettlement.kind == "reversal")
    return [
        CenterSettlement.fixmedins_code == inst.fixmedins_code,
        CenterSettlement.kind.in_(("settle", "refund")),
        CenterSettlement.setl_time >= begin,
        CenterSettlement.setl_time < end,
        CenterSettlement.setl_id.not_in(reversed_ids),
    ]


def handle_3201(ctx: Ctx, raw: dict) -> dict:
    inp = In3201.model_validate(raw)
    # Summed by the database: a busy day has tens of thousands of rows.
    amounts = (
        CenterSettlement.medfee_sumamt,
        CenterSettlement.fund_pay_sumamt,
        CenterSettlement.acct_pay,
    )
    row = ctx.session.execute(
        select(func.count(), *(func.sum(c) for c in amounts)).where(
            *_counted_filter(ctx, inp),
            CenterSettlement.insutype == inp.insutype.value,
            CenterSettlement.clr_type == inp.clr_type,
        )
    ).one()
    count, *sums = row
    center = {
        "medfee_sumamt": sums[0] if count else ZERO,
        "fund_pay_sumamt": sums[1] if count else ZERO,
        "acct_pay": sums[2] if count else ZERO,
        "fixmedins_setl_cnt": count,
    }
    theirs = {k: getattr(inp, k) for k in center}
    diffs = [f"{k} 医院 {theirs[k]} / 中心 {center[k]}" for k in center if theirs[k] != center[k]]
    return {
        "stmtinfo": {
            "setl_optins": inp.setl_optins,
            "stmt_rslt": "1" if diffs else "0",
            "stmt_rslt_dscr": "不平：" + "；".join(diffs) if diffs else "平",
        },
        "exp_content": {k: (v if isinstance(v, int) else fmt(v)) for k, v in center.items()},
    }


def handle_3202(ctx: Ctx, raw: dict) -> dict:
    inp = In3202.model_validate(raw)
    if inp.details is None:
        return _3202_totals(ctx, inp)
    rows = {r.setl_id: r for r in counted(ctx, inp)}
    result = []
    seen = set()
    for d in inp.details:
        seen.add(d.setl_id)
        row = rows.get(d.setl_id)
        memo = ""
        if row is None:
            memo = "中心无此结算（未结算或已冲正）/ not at the center (never settled, or reversed)"
        elif (row.psn_no, row.mdtrt_id) != (d.psn_no, d.mdtrt_id):
            memo = "人员或就诊ID不符 / psn_no or mdtrt_id differs"
        else:
            wrong = [
                f"{k} 中心 {fmt(getattr(row, k))}"
                for k in ("medfee_sumamt", "fund_pay_sumamt", "acct_pay")
                if getattr(row, k) != getattr(d, k)
            ]
            if (row.kind == "refund") != (d.refd_setl_flag == "1"):
                wrong.append(f"refd_setl_flag 中心 {'1' if row.kind == 'refund' else '0'}")
            memo = "；".join(wrong)
        result.append(
            {
                "psn_no": d.psn_no,
                "mdtrt_id": d.mdtrt_id,
                "setl_id": d.setl_id,
                "msgid": d.msgid,
                "stmt_rslt": "1" if memo else "0",
                "refd_setl_flag": d.refd_setl_flag,
                "memo": memo or "平",
            }
        )
    for setl_id, row in rows.items():
        if setl_id not in seen:
            result.append(
                {
                    "psn_no": row.psn_no,
                    "mdtrt_id": row.mdtrt_id,
                    "setl_id": setl_id,
                    "msgid": row.msgid,
                    "stmt_rslt": "1",
                    "refd_setl_flag": "1" if row.kind == "refund" else "0",
                    "memo": f"医院未上传此结算 / missing at the hospital (medfee {fmt(row.medfee_sumamt)})",
                }
            )
    bad = [r for r in result if r["stmt_rslt"] != "0"]
    return {
        "stmtinfo": {
            "setl_optins": inp.setl_optins,
            "stmt_rslt": "1" if bad else "0",
            "stmt_rslt_dscr": f"不平：{len(bad)} 笔不符" if bad else "平",
        },
        "result": result,
    }


def _3202_totals(ctx: Ctx, inp: In3202) -> dict:
    rows = [r for r in counted(ctx, inp) if inp.clr_type is None or r.clr_type == inp.clr_type]
    center = {
        "medfee_sumamt": sum((r.medfee_sumamt for r in rows), ZERO),
        "fund_pay_sumamt": sum((r.fund_pay_sumamt for r in rows), ZERO),
        "cash_payamt": sum((r.psn_cash_pay for r in rows), ZERO),
        "fixmedins_setl_cnt": len(rows),
    }
    diffs = [
        f"{k} 医院 {getattr(inp, k)} / 中心 {v}" for k, v in center.items() if getattr(inp, k) != v
    ]
    return {
        "stmtinfo": {
            "setl_optins": inp.setl_optins,
            "stmt_rslt": "1" if diffs else "0",
            "stmt_rslt_dscr": "不平：" + "；".join(diffs) if diffs else "平",
        },
        "fileinfo": None,  # no result file: the simulator has no 9102 (see the module's doc)
        "result": [],
        "exp_content": {k: (v if isinstance(v, int) else fmt(v)) for k, v in center.items()},
    }


def handle_5203(ctx: Ctx, raw: dict) -> dict:
    inp = In5203.model_validate(raw)
    if inp.setl_id:
        row = ctx.session.get(CenterSettlement, inp.setl_id)
    else:
        row = (
            ctx.session.execute(
                select(CenterSettlement)
                .where(CenterSettlement.mdtrt_id == inp.mdtrt_id, CenterSettlement.kind == "settle")
                .order_by(CenterSettlement.attempt.desc())
            )
            .scalars()
            .first()
        )
    inst = ctx.institution()
    if (
        row is None
        or row.fixmedins_code != inst.fixmedins_code  # never another institution's business
        or row.psn_no != inp.psn_no
        or (inp.mdtrt_id and row.mdtrt_id != inp.mdtrt_id)
    ):
        raise CenterError("setl_id: 查无此结算 / no such settlement for this person")
    done = ctx.undone(row.setl_id)
    status = (
        "reversed"
        if done is not None and done.kind == "reversal"
        else "refunded"
        if done
        else "settled"
    )
    out = row.output if row.kind != "reversal" else {}
    return {
        "setlinfo": out.get("setlinfo", {}),
        "setldetail": out.get("setldetail", []),
        "exp_content": {
            "kind": row.kind,
            "status": status,
            "undone_by": done.setl_id if done is not None else None,
            "mulaid_detail": out.get("exp_content", {}).get("mulaid_detail", []),
        },
    }

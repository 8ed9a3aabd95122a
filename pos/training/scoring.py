"""The score card: an attempt graded from its books (the training database) and its message log
(every platform message the attempt sent, as the TrainingCenter recorded it).

One item per thing the scenario expects (pos.training.scenarios.Expect), 10 points each: the
outcome, the amounts, the givers and their order, the refusal reasons the center gave (and that
no refused giver paid), the co-pay proof confirmed, the 冲正 done, the refund, the 补打, the
drawer's 短款, the reconciliation, the binding, the 代缴. A hint costs 5 points. Each item says
what was right or wrong and why, in both languages.
"""

from __future__ import annotations

from decimal import Decimal

from pos.errors import PosError
from pos.training.desk import Exchange, TrainingDesk
from pos.training.scenarios import Scenario
from pos.training.views import ScoreCard, ScoreItem

POINTS = 10
HINT_COST = 5
AMOUNTS = ("medfee_sumamt", "fund_pay_sumamt", "acct_pay", "acct_mulaid_pay", "psn_cash_pay")


def _item(key: str, ok: bool, zh: str, en: str) -> ScoreItem:
    return ScoreItem(key, ok, POINTS if ok else 0, POINTS, zh, en)


def _ok(log: list[Exchange], infno: str) -> list[Exchange]:
    return [e for e in log if e.infno == infno and e.ok]


def _refusal_codes(log: list[Exchange]) -> set[str]:
    """Every reason the center gave for a giver not paying, in a 2206 answer."""
    codes: set[str] = set()
    for e in _ok(log, "2206"):
        for option in (e.output.get("exp_content") or {}).get("mulaid_options") or []:
            if isinstance(option, dict) and not option.get("usable"):
                for r in option.get("reasons") or []:
                    if isinstance(r, dict) and r.get("code"):
                        codes.add(str(r["code"]))
    return codes


def _reconciliations(log: list[Exchange]) -> list[list[Exchange]]:
    """Each 对账 in the log: a run of 3201 (and its 3202) answers; only the 3201s are kept."""
    runs: list[list[Exchange]] = []
    inside = False
    for e in log:
        if e.infno in ("3201", "3202"):
            if not inside:
                runs.append([])
                inside = True
            if e.infno == "3201" and e.ok:
                runs[-1].append(e)
        else:
            inside = False
    return [run for run in runs if run]


def _balanced(e: Exchange) -> bool:
    return str((e.output.get("stmtinfo") or {}).get("stmt_rslt")) == "0"


def _last_close(desk: TrainingDesk):
    """The last 日结's Z report (its blind count and expected cash), or None."""
    if not desk.seated:
        return None
    try:
        return desk.z_report()
    except PosError:  # no close yet (or nobody signed in)
        return None


def _quietly(fn) -> list:
    """A desk read; nothing when the trainee never sat down at the window."""
    try:
        return list(fn())
    except PosError:  # AUTH_REQUIRED: no window was ever opened
        return []


def grade(scenario: Scenario, desk: TrainingDesk, *, hints: int = 0, seconds: int = 0) -> ScoreCard:
    ex = scenario.expect
    log = list(desk.training_center.log)
    rows = _quietly(lambda: desk.settlements(limit=200)) if desk.seated else []
    settles = [r for r in rows if r.kind == "settle"]
    live = [r for r in settles if r.refunded_by is None]
    refunds = [r for r in rows if r.kind == "refund"]
    # 补打 as the books count them (receipt.reprint audit entries), newest first in the list.
    records = _quietly(lambda: desk.find_settlements("")) if desk.seated else []
    reprinted = [r.receipt_no for r in records if r.reprints][::-1]
    close = _last_close(desk)
    items: list[ScoreItem] = []

    # -------------------------------------------------------------- the outcome
    target = None
    if ex.outcome == "settled":
        mine = [r for r in live if ex.psn_no is None or r.psn_no == ex.psn_no]
        target = mine[0] if mine else None
        ok = len(mine) == 1
        items.append(
            _item(
                "outcome",
                ok,
                "结算完成：一笔结算已入账" if ok else f"应有一笔结算，实有 {len(mine)} 笔",
                "Settled: one settlement in the books"
                if ok
                else f"One settlement was due; the books have {len(mine)}",
            )
        )
    elif ex.outcome == "nothing_settled":
        ok = not settles
        asked = any(e.infno == "1101" and e.ok for e in log)
        items.append(
            _item(
                "outcome",
                ok,
                "未结算：正确，此人不能医保结算" if ok else "不应有医保结算，却结算了",
                "Nothing settled: right, this person cannot settle on insurance"
                if ok
                else "Nothing should have been settled on insurance, but it was",
            )
        )
        items.append(
            _item(
                "identified",
                asked,
                "已识别患者（1101）并看到不能医保结算的原因"
                if asked
                else "没有识别患者（未扫码/读卡），不知道为何不能结算",
                "The patient was identified (1101) and the reason seen"
                if asked
                else "The patient was never identified (no scan or card), so the reason is unknown",
            )
        )
    elif ex.outcome == "refunded":
        ok = bool(refunds) and (
            ex.refund_amount is None or -refunds[0].amounts["medfee_sumamt"] == ex.refund_amount
        )
        got = -refunds[0].amounts["medfee_sumamt"] if refunds else Decimal("0.00")
        items.append(
            _item(
                "refund",
                ok,
                f"退费（冲红）{got} 元：正确"
                if ok
                else f"应退 {ex.refund_amount} 元，实退 {got} 元",
                f"Refunded (冲红) {got}: right"
                if ok
                else f"{ex.refund_amount} was due back; {got} was refunded",
            )
        )
        if ex.kept_lines is not None:
            kept = [r for r in live if r.visit_id == (refunds[0].visit_id if refunds else None)]
            ok = len(kept) == 1
            items.append(
                _item(
                    "kept",
                    ok,
                    "保留的项目已重新结算" if ok else "保留的项目没有重新结算",
                    "The kept lines were settled again"
                    if ok
                    else "The kept lines were not settled again",
                )
            )
            target = kept[0] if kept else None
    elif ex.outcome == "reprinted":
        ok = bool(reprinted)
        items.append(
            _item(
                "reprint",
                ok,
                f"已补打 {reprinted[-1]}（同号、标补打）" if ok else "没有补打票据",
                f"Reprinted {reprinted[-1]} (same number, marked 补打)"
                if ok
                else "No receipt was reprinted",
            )
        )
    elif ex.outcome == "day_closed":
        ok = close is not None
        items.append(
            _item(
                "day_close",
                ok,
                "已日结" if ok else "没有日结",
                "The day was closed" if ok else "The day was not closed",
            )
        )
    elif ex.outcome == "reconciled":
        runs = _reconciliations(log)
        ok = bool(runs) and all(_balanced(e) for e in runs[-1])
        items.append(
            _item(
                "reconciled",
                ok,
                "对账已平" if ok else "对账未平（或没有对账）",
                "Reconciliation balanced" if ok else "Reconciliation not balanced (or not done)",
            )
        )
        saw = any(not _balanced(e) for run in runs for e in run)
        items.append(
            _item(
                "found",
                saw,
                "先发现了不平（3201/3202）" if saw else "没有先对账发现不平",
                "Found the 不平 first (3201/3202)"
                if saw
                else "Never reconciled to find the 不平 first",
            )
        )
    elif ex.outcome == "bound":
        made = _ok(log, "J101")
        approved = _ok(log, "J102")
        status = (approved[-1].output if approved else made[-1].output if made else {}).get(
            "status"
        )
        ok = status == (ex.binding_status or "active")
        items.append(
            _item(
                "binding",
                ok,
                f"共济绑定状态 {status}：正确"
                if ok
                else f"共济绑定应为 {ex.binding_status}，实为 {status}",
                f"Binding status {status}: right"
                if ok
                else f"The binding should be {ex.binding_status}; it is {status}",
            )
        )
    elif ex.outcome == "premium_paid":
        paid = _ok(log, "J201")
        amt = Decimal(str(paid[-1].output.get("amount"))) if paid else None
        ok = bool(paid) and (ex.premium_amount is None or amt == ex.premium_amount)
        items.append(
            _item(
                "premium",
                ok,
                f"代缴 {amt} 元：正确" if ok else f"代缴应为 {ex.premium_amount} 元，实为 {amt}",
                f"代缴 of {amt}: right"
                if ok
                else f"The 代缴 should be {ex.premium_amount}; it is {amt}",
            )
        )

    # -------------------------------------------------------------- amounts and givers
    wanted = {k: getattr(ex, k) for k in AMOUNTS if getattr(ex, k) is not None}
    if wanted:
        got = target.amounts if target is not None else {}
        wrong = [f"{k} {got.get(k, '—')}≠{v}" for k, v in wanted.items() if got.get(k) != v]
        items.append(
            _item(
                "amounts",
                not wrong,
                "金额正确：" + "、".join(f"{k} {v}" for k, v in wanted.items())
                if not wrong
                else "金额不对：" + "；".join(wrong),
                "Amounts right: " + ", ".join(f"{k} {v}" for k, v in wanted.items())
                if not wrong
                else "Amounts wrong: " + "; ".join(wrong),
            )
        )
    if ex.givers is not None:
        got_givers = (
            [(m.get("giver_psn_no"), Decimal(str(m.get("amount")))) for m in target.mulaid_detail]
            if target is not None
            else None
        )
        want = [(g.psn_no, g.amount) for g in ex.givers]
        ok = got_givers == want
        if not want:
            zh = "没有动用任何共济人的钱：正确" if ok else "不该动用共济人的钱"
            en = "No giver's money moved: right" if ok else "No giver's money should have moved"
        else:
            listed = "、".join(f"{p} {a}" for p, a in want)
            zh = f"共济人及顺序正确：{listed}" if ok else f"共济人或顺序不对，应为 {listed}"
            en = (
                f"Givers and order right: {listed}"
                if ok
                else f"Wrong givers or order; due: {listed}"
            )
        items.append(_item("givers", ok, zh, en))

    # -------------------------------------------------------------- refusals, proof, 冲正
    if ex.refusals:
        seen = _refusal_codes(log)
        missing = [c for c in ex.refusals if c not in seen]
        items.append(
            _item(
                "refusals",
                not missing,
                "拒绝原因已查明：" + "、".join(ex.refusals)
                if not missing
                else "没有预结算查看共济人，未得知：" + "、".join(missing),
                "Refusal reasons found: " + ", ".join(ex.refusals)
                if not missing
                else "Never pre-settled to see why; missing: " + ", ".join(missing),
            )
        )
    if ex.proof_checked is not None:
        sent = [
            bool((_input(e.request).get("exp_content") or {}).get("copay_proof_checked"))
            for e in _ok(log, "2207")
        ]
        ok = bool(sent) and sent[-1] == ex.proof_checked
        items.append(
            _item(
                "proof",
                ok,
                "已核验共济证明（昭通柜台核验）" if ok else "结算时没有确认已核验共济证明",
                "The co-pay proof was confirmed (昭通 counter check)"
                if ok
                else "The co-pay proof was not confirmed at settlement",
            )
        )
    if ex.reversal:
        done = _ok(log, "2601")
        pending = _quietly(desk.pending_reversals) if desk.seated else []
        ok = bool(done) and not pending
        items.append(
            _item(
                "reversal",
                ok,
                "已冲正（2601），没有结果未知的交易" if ok else "丢失应答的交易没有冲正（2601）",
                "Reversed (2601); nothing left with an unknown outcome"
                if ok
                else "The lost message was not reversed (2601)",
            )
        )
    if ex.reprinted and ex.outcome != "reprinted":
        ok = bool(reprinted)
        items.append(
            _item(
                "reprint",
                ok,
                "缺纸后已补打" if ok else "缺纸后没有补打",
                "Reprinted after the paper ran out"
                if ok
                else "Not reprinted after the paper ran out",
            )
        )
    if ex.drawer_short is not None:
        # What the blind count made of the drawer: expected cash minus the cash counted.
        counted = close.drawer.total if close is not None and close.drawer else None
        declared = (
            close.drawer_expected - counted
            if counted is not None and close.drawer_expected is not None
            else None
        )
        ok = declared == ex.drawer_short
        items.append(
            _item(
                "drawer",
                ok,
                f"实点 {counted} 元，短款 {declared} 元：正确"
                if ok
                else f"短款应为 {ex.drawer_short} 元，日结实点 {counted} 元得出 {declared}",
                f"Counted {counted}, short {declared}: right"
                if ok
                else f"The drawer is short {ex.drawer_short}; the close counted {counted}, "
                f"which makes {declared}",
            )
        )
    return ScoreCard(
        scenario=scenario.id,
        items=tuple(items),
        hints=hints,
        hint_penalty=hints * HINT_COST,
        seconds=seconds,
    )


def _input(request: dict) -> dict:
    """A request's input as the platform sends it: inside `input.data` where the platform wraps it."""
    raw = request.get("input") or {}
    data = raw.get("data") if isinstance(raw, dict) else None
    return data if isinstance(data, dict) else raw if isinstance(raw, dict) else {}

"""The human-readable "why" of a settlement (setl_proc_info), in zh-CN or English.

The TUI's why-panel and `pos settle` show the same sentences, so a trainer can point at a number
and read how it came about.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from engine.money import fmt

_ZERO = Decimal(0)
_PCT: dict[Decimal, str] = {}  # by value: a policy has a few ratios (bounded all the same)


def _pct(ratio: Decimal) -> str:
    text = _PCT.get(ratio)
    if text is None:
        if len(_PCT) >= 1024:
            _PCT.clear()
        text = _PCT[ratio] = f"{(ratio * 100).normalize():f}%"
    return text


class TraceWriter:
    """`fmt`: how an amount is written (engine.money.fmt, or a caller's cache of it by value)."""

    def __init__(self, lang: str = "zh", fmt: Callable[[Decimal], str] = fmt) -> None:
        self.zh = lang != "en"
        self.fmt = fmt

    def items(
        self, medfee: Decimal, ownpay: Decimal, over: Decimal, pre: Decimal, inscp: Decimal
    ) -> str:
        fmt = self.fmt
        if self.zh:
            return (
                f"医疗费总额 {fmt(medfee)} = 全自费 {fmt(ownpay)} + 超限价 {fmt(over)}"
                f" + 先行自付 {fmt(pre)} + 符合范围 {fmt(inscp)}"
            )
        return (
            f"total {fmt(medfee)} = fully self-paid {fmt(ownpay)} + over ceiling {fmt(over)}"
            f" + class-B first self-pay {fmt(pre)} + in scope {fmt(inscp)}"
        )

    def pool(
        self,
        *,
        inscp: Decimal,
        dedc: Decimal,
        dedc_paid: Decimal,
        act_pay_dedc: Decimal,
        ratio: Decimal,
        cap: Decimal | None,
        cap_used: Decimal,
        hifp: Decimal,
    ) -> str:
        fmt = self.fmt
        a, d = fmt(inscp), fmt(act_pay_dedc)
        step = f"({a} − {d}) × {_pct(ratio)} = {fmt((inscp - act_pay_dedc) * ratio)}"
        if self.zh:
            if cap is None:
                capped = "无年度封顶"
            else:
                left = max(_ZERO, cap - cap_used)
                capped = f"年度封顶 {fmt(cap)}（已付 {fmt(cap_used)}，余 {fmt(left)}）"
            return (
                f"符合范围 {a}；起付线 {fmt(dedc)}（本年已付 {fmt(dedc_paid)}，本次 {d}）；"
                f"{step}；{capped} → 统筹基金支付 {fmt(hifp)}"
            )
        if cap is None:
            capped = "no annual cap"
        else:
            left = max(_ZERO, cap - cap_used)
            capped = f"annual cap {fmt(cap)} (used {fmt(cap_used)}, left {fmt(left)})"
        return (
            f"in scope {a}; deductible {fmt(dedc)} (paid this year {fmt(dedc_paid)},"
            f" this visit {d}); {step}; {capped} → pooled fund {fmt(hifp)}"
        )

    def big_illness(
        self,
        *,
        inscp: Decimal,
        hifp: Decimal,
        threshold: Decimal,
        ratio: Decimal,
        amount: Decimal,
        fund_name: str,
    ) -> str:
        fmt = self.fmt
        rest = inscp - hifp
        if self.zh:
            return (
                f"{fund_name}：符合范围个人负担 {fmt(rest)}，超过 {fmt(threshold)} 的部分 × {_pct(ratio)}"
                f" → {fmt(amount)}"
            )
        return (
            f"{fund_name}: in-scope personal share {fmt(rest)}, the part above {fmt(threshold)}"
            f" × {_pct(ratio)} → {fmt(amount)}"
        )

    def payment(
        self,
        *,
        psn_part: Decimal,
        not_acct: Decimal,
        ownpay_barred: Decimal,
        payable: Decimal,
        acct_used: bool,
        employee: bool,
        balc: Decimal,
        own: Decimal,
        mulaid: Sequence[tuple[str, Decimal]],
        cash: Decimal,
    ) -> str:
        fmt = self.fmt
        z = self.zh
        parts = [f"个人负担 {fmt(psn_part)}" if z else f"personal burden {fmt(psn_part)}"]
        if not_acct:
            parts.append(
                f"非医疗用品 {fmt(not_acct)} 只能现金"
                if z
                else f"non-medical goods {fmt(not_acct)} cash only"
            )
        if ownpay_barred:
            parts.append(
                f"本地区账户不支付全自费 {fmt(ownpay_barred)}"
                if z
                else f"this region's accounts do not pay fully self-paid {fmt(ownpay_barred)}"
            )
        parts.append(f"账户可支付 {fmt(payable)}" if z else f"account-payable {fmt(payable)}")
        if not employee:
            parts.append(
                "居民医保无个人账户" if z else "resident insurance has no personal account"
            )
        elif not acct_used:
            parts.append("未使用个人账户" if z else "personal account not used")
        else:
            parts.append(
                f"本人账户 {fmt(own)}（余额 {fmt(balc)}）"
                if z
                else f"own account {fmt(own)} (balance {fmt(balc)})"
            )
        for giver, amount in mulaid:
            parts.append(f"共济 {giver} {fmt(amount)}" if z else f"co-pay {giver} {fmt(amount)}")
        parts.append(f"现金 {fmt(cash)}" if z else f"cash {fmt(cash)}")
        return ("；" if z else "; ").join(parts)


class Templates:
    """TraceWriter's sentences as %-templates in one language, for a writer that has the amounts
    as text already (the batch path, engine.settle.settle_lines): each sentence is filled once,
    with no call per amount. The words are TraceWriter's; tests hold the two to the same text."""

    __slots__ = (
        "big",
        "burden",
        "cap",
        "cash",
        "copay",
        "items",
        "no_acct",
        "no_cap",
        "not_acct",
        "not_used",
        "own",
        "own_barred",
        "payable",
        "pool",
        "sep",
    )

    def __init__(self, zh: bool) -> None:
        if zh:
            self.items = "医疗费总额 %s = 全自费 %s + 超限价 %s + 先行自付 %s + 符合范围 %s"
            self.pool = "符合范围 %s；起付线 %s（本年已付 %s，本次 %s）；(%s − %s) × %s = %s；%s → 统筹基金支付 %s"
            self.no_cap = "无年度封顶"
            self.cap = "年度封顶 %s（已付 %s，余 %s）"
            self.big = "%s：符合范围个人负担 %s，超过 %s 的部分 × %s → %s"
            self.burden = "个人负担 %s"
            self.not_acct = "非医疗用品 %s 只能现金"
            self.own_barred = "本地区账户不支付全自费 %s"
            self.payable = "账户可支付 %s"
            self.no_acct = "居民医保无个人账户"
            self.not_used = "未使用个人账户"
            self.own = "本人账户 %s（余额 %s）"
            self.copay = "共济 %s %s"
            self.cash = "现金 %s"
            self.sep = "；"
        else:
            self.items = (
                "total %s = fully self-paid %s + over ceiling %s"
                " + class-B first self-pay %s + in scope %s"
            )
            self.pool = (
                "in scope %s; deductible %s (paid this year %s, this visit %s);"
                " (%s − %s) × %s = %s; %s → pooled fund %s"
            )
            self.no_cap = "no annual cap"
            self.cap = "annual cap %s (used %s, left %s)"
            self.big = "%s: in-scope personal share %s, the part above %s × %s → %s"
            self.burden = "personal burden %s"
            self.not_acct = "non-medical goods %s cash only"
            self.own_barred = "this region's accounts do not pay fully self-paid %s"
            self.payable = "account-payable %s"
            self.no_acct = "resident insurance has no personal account"
            self.not_used = "personal account not used"
            self.own = "own account %s (balance %s)"
            self.copay = "co-pay %s %s"
            self.cash = "cash %s"
            self.sep = "; "


TEMPLATES = {"zh": Templates(True), "en": Templates(False)}
pct = _pct  # a ratio as the sentences write it ("60%")

"""合计 in 大写 (Chinese uppercase money, as the 支付结算办法 writes it) and in 小写.

    daxie(Decimal("105.00"))  == "壹佰零伍圆整"
    daxie(Decimal("16409.02")) == "壹万陆仟肆佰零玖圆零贰分"
    daxie(Decimal("0.05"))    == "伍分"
    daxie(Decimal("-95.00"))  == "负玖拾伍圆整"        # a 冲红 document

Rules kept: 整 after 圆 (and after 角) when there are no 分; one 零 for a run of zeros inside the
number; 零 between 圆 and 分 when the 角 is zero; 拾 always carries its digit (壹拾, never 拾);
no 零 between 圆 and a non-zero 角 (both forms are allowed, this one is the shorter);
a group of four zeros (万/亿) is skipped with a single 零 before what follows.
"""

from __future__ import annotations

from decimal import Decimal

from engine.money import round2

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_IN_GROUP = ("仟", "佰", "拾", "")
_GROUPS = ("", "万", "亿", "万亿")
LIMIT = Decimal("9999999999999999.99")


def _integer(n: int) -> str:
    """The integer part in 大写 (without 圆); "" for 0."""
    groups: list[int] = []
    while n:
        groups.append(n % 10_000)
        n //= 10_000
    out = ""
    pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = bool(out)
            continue
        digits = f"{group:04d}"
        if out and digits[0] == "0":
            pending_zero = True
        written = False
        for pos, ch in enumerate(digits):
            d = int(ch)
            if d == 0:
                if written:
                    pending_zero = True
                continue
            if pending_zero:
                out += "零"
                pending_zero = False
            out += DIGITS[d] + _IN_GROUP[pos]
            written = True
        pending_zero = False  # trailing zeros of a group read as nothing (壹拾万柒仟)
        out += _GROUPS[index]
    return out


def daxie(amount: Decimal) -> str:
    """`amount` (yuan, rounded half-up to the fen) in Chinese uppercase money."""
    if not isinstance(amount, Decimal):
        raise TypeError("daxie needs a Decimal (money is never float)")
    value = round2(amount)
    if abs(value) > LIMIT:
        raise ValueError(f"amount {value} is too large to write in 大写")
    sign = "负" if value < 0 else ""
    fen_total = int(abs(value) * 100)
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)
    head = _integer(yuan)
    if not head and not jiao and not fen:
        return "零圆整"
    out = head + "圆" if head else ""
    if jiao:
        out += DIGITS[jiao] + "角"
    elif fen and head:
        out += "零"
    if fen:
        out += DIGITS[fen] + "分"
    else:
        out += "整"
    return sign + out


def xiaoxie(amount: Decimal) -> str:
    """The same amount in figures, as the 票据 prints it: ¥1,234.50 (¥-95.00 for a 冲红)."""
    value = round2(amount)
    return f"¥{value:,.2f}"

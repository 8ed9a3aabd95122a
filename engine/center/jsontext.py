"""JSON as the platform writes it: amounts are JSON numbers, written exactly from Decimal.

The center computes in Decimal and keeps its rows as decimal strings ("12.50"); on the wire an
amount is a JSON number (`12.50`, never a binary float such as 12.5 or 12.499999), as the
national platform's answers are (captured responses in newtouch-cloud/openhis ClassHelper.cs).
`numbers()` turns the amount fields of an output into Decimal; `dumps()` writes Decimal as the
number it is. Readers use `json.loads(text, parse_float=Decimal)`, so nothing is ever a float.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

from engine.models import SETLINFO_MONEY_FIELDS

# Field names whose values are numbers on the wire (数值型 in the interface tables), wherever they
# occur: setlinfo, setldetail, 2204 result lines, insuinfo, the simulator's extensions.
NUMBER_FIELDS = frozenset(
    {
        *SETLINFO_MONEY_FIELDS,
        "pool_prop_selfpay",
        "crt_payb_lmt_amt",
        "fund_payamt",
        "det_item_fee_sumamt",
        "pric",
        "cnt",
        "pric_uplmt_amt",
        "selfpay_prop",
        "overlmt_amt",
        "cash_payamt",
        # simulator extensions (exp_content)
        "own_acct_pay",
        "quota",
        "quota_used",
        "quota_left",
        "quota_returned",
        "available",
        "amount",
        "ring_fenced",
    }
)
_PLAIN = re.compile(r"-?[0-9]+(?:\.[0-9]+)?", re.ASCII)


def numbers(value: object) -> object:
    """A copy of `value` with every decimal string under a NUMBER_FIELDS key as a Decimal."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if isinstance(v, str):
                if k in NUMBER_FIELDS and _PLAIN.fullmatch(v):
                    v = Decimal(v)
            elif isinstance(v, dict | list):  # only containers hold more (one call per leaf less)
                v = numbers(v)
            out[k] = v
        return out
    if isinstance(value, list):
        return [numbers(v) if isinstance(v, dict | list) else v for v in value]
    return value


def dumps(value: object, *, ensure_ascii: bool = False) -> str:
    """Compact JSON text; a Decimal is written as its exact number ("10.00" → 10.00)."""
    parts: list[str] = []
    _write(value, parts, ensure_ascii)
    return "".join(parts)


def _write(value: object, out: list[str], ascii_only: bool) -> None:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value}")
        out.append(format(value, "f"))
    elif isinstance(value, dict):
        out.append("{")
        for n, (k, v) in enumerate(value.items()):
            if n:
                out.append(",")
            out.append(json.dumps(str(k), ensure_ascii=ascii_only))
            out.append(":")
            _write(v, out, ascii_only)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for n, v in enumerate(value):
            if n:
                out.append(",")
            _write(v, out, ascii_only)
        out.append("]")
    elif isinstance(value, float):
        raise TypeError("a float has no place on this wire (use Decimal)")
    elif isinstance(value, str | int | bool) or value is None:
        out.append(json.dumps(value, ensure_ascii=ascii_only))
    else:
        out.append(json.dumps(str(value), ensure_ascii=ascii_only))  # dates, enums: their text

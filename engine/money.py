"""Money as Decimal, never float: parsing at the edge, rounding where the contract says."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
# A bill line or balance beyond this is a typo or an attack, not a hospital charge.
MAX_AMOUNT = Decimal("99999999.99")
MAX_QUANTITY = Decimal("99999")
# A period's total (3201/3202, signed): many bills, still far from this.
MAX_TOTAL = Decimal("999999999999.99")


def round2(value: Decimal) -> Decimal:
    """ROUND_HALF_UP to the fen, the only rounding the settlement contract allows."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


# The one grammar of an amount on a machine interface: plain ASCII digits, an optional leading
# minus, an optional fraction. No "+", exponent, "_", thousands separator, full-width, Arabic-Indic
# or Devanagari digit, and no whitespace but ASCII spaces and tabs around it.
_PLAIN = re.compile(r"-?[0-9]+(?:\.[0-9]+)?", re.ASCII)
MAX_TEXT = 32  # characters: no amount, price or quantity needs more


def to_decimal(
    value: object, *, places: int = 2, what: str = "amount", numbers: bool = True
) -> Decimal:
    """Parse a person's or a message's number: the one parser of every amount, price and quantity.

    Text must be a plain ASCII decimal ("12.50", "-3", "0.125"). `numbers`: whether a JSON number
    (read exactly as Decimal or int, never float) is accepted too; a Python float or bool never is.
    -0 is normalised to 0, so "-0.00" never comes back out. Raises ValueError with a short reason
    (the caller adds the field name).
    """
    if isinstance(value, bool | float):
        raise ValueError(
            f'{what} must be a decimal string such as "12.50", not {type(value).__name__}'
        )
    if isinstance(value, int | Decimal):
        if not numbers:
            raise ValueError(f'{what} must be a decimal string such as "12.50", not a JSON number')
        number = Decimal(value)
    elif isinstance(value, str):
        text = value.strip(" \t")
        if not text:
            raise ValueError(f"{what} is empty")
        if len(text) > MAX_TEXT:
            raise ValueError(f"{what} is longer than {MAX_TEXT} characters")
        if not _PLAIN.fullmatch(text):
            raise ValueError(
                f'{what} {value!r} is not a plain decimal such as "12.50" '
                "(ASCII digits, no sign but -, no exponent)"
            )
        number = Decimal(text)
    else:
        raise ValueError(f"{what} must be a decimal string, not {type(value).__name__}")
    if not number.is_finite():
        raise ValueError(f"{what} {value!r} is not a finite number")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        raise ValueError(f"{what} {value!r} has more than {places} decimal places")
    if number.adjusted() > 15:
        raise ValueError(f"{what} {value!r} is out of range")
    if isinstance(exponent, int) and exponent > 0:
        number = number.quantize(Decimal(1))  # a JSON 1e2 is 100, written out as "100"
    return abs(number) if number.is_zero() else number  # -0 → 0


def fmt(value: Decimal) -> str:
    """Two-decimal string, the wire format for every amount ("12.50")."""
    rounded = round2(value)
    return str(abs(rounded) if rounded.is_zero() else rounded)  # never "-0.00"


def fmt_ratio(value: Decimal, places: int = 4) -> str:
    return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def yuan(value: Decimal) -> str:
    """Display form with a thousands separator: 12,345.60."""
    rounded = round2(value)
    return f"{abs(rounded) if rounded.is_zero() else rounded:,.2f}"

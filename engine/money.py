"""Money as Decimal, never float: parsing at the edge, rounding where the contract says."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
# A bill line or balance beyond this is a typo or an attack, not a hospital charge.
MAX_AMOUNT = Decimal("99999999.99")
MAX_QUANTITY = Decimal("99999")


def round2(value: Decimal) -> Decimal:
    """ROUND_HALF_UP to the fen, the only rounding the settlement contract allows."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def to_decimal(value: object, *, places: int = 2, what: str = "amount") -> Decimal:
    """Parse a person's or a message's number: str, int or Decimal, never float or bool.

    Raises ValueError with a short reason (the caller adds the field name).
    """
    if isinstance(value, bool | float):
        raise ValueError(
            f'{what} must be a decimal string such as "12.50", not {type(value).__name__}'
        )
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValueError(f"{what} is empty")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{what} {value!r} is not a number") from None
    else:
        raise ValueError(f"{what} must be a decimal string, not {type(value).__name__}")
    if not number.is_finite():
        raise ValueError(f"{what} {value!r} is not a finite number")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        raise ValueError(f"{what} {value!r} has more than {places} decimal places")
    return number


def fmt(value: Decimal) -> str:
    """Two-decimal string, the wire format for every amount ("12.50")."""
    return str(round2(value))


def fmt_ratio(value: Decimal, places: int = 4) -> str:
    return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def yuan(value: Decimal) -> str:
    """Display form with a thousands separator: 12,345.60."""
    return f"{round2(value):,.2f}"

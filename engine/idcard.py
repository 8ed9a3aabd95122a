"""居民身份证 numbers (GB 11643-1999): the check digit, the birth date, masking.

Shared by the center (1101 with mdtrt_cert_type 02), the cashier screens (a keyed-in number is
checked before it is sent) and the fixtures (every demo number carries a valid check digit).
"""

from __future__ import annotations

import re
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"  # indexed by (Σ digit × weight) mod 11
_SHAPE = re.compile(r"[1-9][0-9]{16}[0-9X]")  # ASCII only: full-width digits are not digits here


class IdCardError(ValueError):
    """Why a 身份证 number is not valid, in one short sentence."""


def check_digit(first17: str) -> str:
    """The 18th character for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise IdCardError("需要前 17 位数字 / need the first 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def normalize(certno: str) -> str:
    """Trim and upper-case the final x (scanners and people type both)."""
    return certno.strip().upper()


def validate(certno: str) -> str:
    """The normalized number, or IdCardError saying what is wrong (shape, date, check digit)."""
    number = normalize(certno)
    if len(number) != 18:
        raise IdCardError(f"身份证号应为 18 位，实为 {len(number)} 位 / must be 18 characters")
    if not _SHAPE.fullmatch(number):
        raise IdCardError("身份证号只能是 17 位数字加数字或 X / 17 digits then a digit or X")
    birth_date(number)
    if check_digit(number[:17]) != number[17]:
        raise IdCardError("身份证号校验位错误 / check digit does not match")
    return number


def is_valid(certno: str) -> bool:
    try:
        validate(certno)
    except IdCardError:
        return False
    return True


def birth_date(certno: str) -> date:
    """Digits 7–14 as a date (YYYYMMDD)."""
    text = certno[6:14]
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise IdCardError(f"身份证号中的出生日期 {text} 无效 / invalid birth date") from None


def gender(certno: str) -> str:
    """The platform's gend code: "1" male (odd 17th digit), "2" female."""
    return "1" if int(certno[16]) % 2 else "2"


def make(area: str, born: date, seq: int) -> str:
    """A valid number from a 6-digit area code, a birth date and a 3-digit sequence (for fixtures)."""
    first17 = f"{area}{born:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)

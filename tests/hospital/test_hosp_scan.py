"""What the scanner typed: e-voucher token, 身份证 (GB 11643 check digit), 社保卡, or nonsense."""

from __future__ import annotations

from datetime import date

import pytest

from engine.idcard import make
from pos.errors import PosError
from pos.services.scan import classify


@pytest.mark.parametrize(
    ("text", "cert_type", "number"),
    [
        ("YB652700HS4JYSK92Q99KZ963TZBM3", "01", "YB652700HS4JYSK92Q99KZ963TZBM3"),
        ("yb652700hs4jysk92q99kz963tzbm3\r\n", "01", "YB652700HS4JYSK92Q99KZ963TZBM3"),
        ("652701198403120319", "02", "652701198403120319"),
        (" 652701198403120319\n", "02", "652701198403120319"),
        ("X65270001", "03", "X65270001"),
        ("x65270001\r", "03", "X65270001"),
    ],
)
def test_classifies(text, cert_type, number):
    kind, value = classify(text)
    assert (kind.value, value) == (cert_type, number)


def test_lowercase_x_check_digit_is_accepted():
    candidates = (make("652701", date(1990, 1, day), 1) for day in range(1, 29))
    certno = next(c for c in candidates if c.endswith("X"))
    assert classify(certno.lower())[1] == certno


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "SCAN_EMPTY"),
        ("\r\n", "SCAN_EMPTY"),
        ("652701198403120318", "SCAN_BAD_IDCARD"),  # check digit
        ("652701198413120319", "SCAN_BAD_IDCARD"),  # month 13
        ("65270119840312031", "SCAN_BAD_IDCARD"),  # 17 digits
        ("hello world", "SCAN_UNKNOWN"),
        ("YB65270", "SCAN_UNKNOWN"),
        ("A" * 500, "SCAN_UNKNOWN"),
    ],
)
def test_refuses_with_a_code_and_both_languages(text, code):
    with pytest.raises(PosError) as e:
        classify(text)
    assert e.value.code == code and e.value.message_zh and e.value.message_en

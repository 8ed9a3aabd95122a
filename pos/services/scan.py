"""What did the scanner (or the cashier) just type? Classify it into a 1101 credential.

A keyboard-wedge scanner types the code and Enter; a card reader types the card number; a cashier
keys a 身份证 number. The shapes do not overlap, so the text alone decides:

  医保电子凭证 token  "YB" + 6-digit 参保地 + 22 upper-case letters/digits     → mdtrt_cert_type 01
  居民身份证          18 characters, GB 11643 check digit                      → 02
  社会保障卡 卡号      one letter + 8 digits                                     → 03
"""

from __future__ import annotations

import re

from engine.codes import MdtrtCertType
from engine.idcard import IdCardError, validate
from pos.errors import PosError

_TOKEN = re.compile(r"YB[0-9]{6}[A-Z0-9]{22}")
_CARD = re.compile(r"[A-Z][0-9]{8}")
_ID_LIKE = re.compile(r"[0-9]{17}[0-9X]")
MAX_SCAN = 200  # anything longer is a stuck key or a pasted document, not a credential


def classify(scan_text: str) -> tuple[MdtrtCertType, str]:
    """(cert type, normalised number) or PosError with a zh/en reason."""
    if not isinstance(scan_text, str):
        raise PosError(
            "SCAN_EMPTY",
            "请扫码、读卡或输入身份证号",
            "Scan a code, read a card or key an ID number",
        )
    # Wedge scanners end with CR/LF (sometimes as literal control characters) and may pad spaces.
    text = "".join(ch for ch in scan_text if ch.isprintable()).strip().upper()
    if not text:
        raise PosError(
            "SCAN_EMPTY",
            "请扫码、读卡或输入身份证号",
            "Scan a code, read a card or key an ID number",
        )
    if len(text) > MAX_SCAN:
        raise PosError(
            "SCAN_UNKNOWN", "无法识别的凭证（内容过长）", "Unrecognised credential (too long)"
        )
    if _TOKEN.fullmatch(text):
        return MdtrtCertType.ECERT, text
    if _CARD.fullmatch(text):
        return MdtrtCertType.SSC, text
    if _ID_LIKE.fullmatch(text) or (len(text) == 18 and text[:17].isdigit()):
        try:
            return MdtrtCertType.ID_CARD, validate(text)
        except IdCardError as exc:
            zh, _, en = str(exc).partition(" / ")
            raise PosError(
                "SCAN_BAD_IDCARD", f"身份证号无效：{zh}", f"Invalid ID number: {en or zh}"
            ) from None
    if text.isdigit() and 15 <= len(text) <= 19:
        raise PosError(
            "SCAN_BAD_IDCARD",
            f"身份证号应为 18 位，实为 {len(text)} 位",
            f"An ID number has 18 characters, this has {len(text)}",
        )
    raise PosError(
        "SCAN_UNKNOWN",
        "无法识别的凭证：请扫医保电子凭证、读社保卡或输入 18 位身份证号",
        "Unrecognised credential: scan the e-voucher, read the social-security card or key the 18-character ID",
    )

"""Cashier PINs: scrypt with a per-cashier salt, constant-time compare, and a lockout after failures.

The stored form carries its own cost parameters ("scrypt$n$r$p$salt$hash"), so the cost can be
raised later without invalidating existing PINs. Lockout: MAX_FAILURES wrong PINs in a row lock the
cashier for LOCK_MINUTES by the injected clock; a supervisor can unlock early.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from pos.errors import PosError
from pos.store.models import Cashier

SCRYPT_N, SCRYPT_R, SCRYPT_P, DKLEN = 2**14, 8, 1, 32
MAX_FAILURES = 5
LOCK_MINUTES = 15
_PIN = re.compile(r"[0-9]{6}")
# Verified against when the cashier number is unknown, so a wrong number costs as long as a wrong PIN.
_DUMMY = "scrypt$16384$8$1$00000000000000000000000000000000$" + "0" * 64


def hash_pin(pin: str, *, salt: bytes | None = None, n: int = SCRYPT_N) -> str:
    check_pin_shape(pin)
    salt = os.urandom(16) if salt is None else salt
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P, dklen=DKLEN)
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        want = bytes.fromhex(digest)
        got = hashlib.scrypt(
            pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=len(want)
        )
    except ValueError:
        return False
    return hmac.compare_digest(got, want)


def check_pin_shape(pin: str) -> None:
    if not isinstance(pin, str) or not _PIN.fullmatch(pin):
        raise PosError("AUTH_PIN_FORMAT", "密码应为 6 位数字", "The PIN must be 6 digits")


def _bad_login() -> PosError:
    # One message for a wrong number and a wrong PIN: do not tell a guesser which one was right.
    return PosError("AUTH_FAILED", "工号或密码错误", "Wrong cashier number or PIN")


def _locked(until: datetime, now: datetime) -> PosError:
    """Locked, and until when (China time, to the minute; the minutes left rounded up)."""
    from pos.clock import in_china

    minutes = max(1, int((until - now).total_seconds() + 59) // 60)
    at = in_china(until).strftime("%H:%M")
    return PosError(
        "AUTH_LOCKED",
        f"连续输错密码，工号已锁定至 {at}（{minutes} 分钟后可再试），或请组长解锁",
        f"Too many wrong PINs: this number is locked until {at} ({minutes} min), "
        "or ask a supervisor to unlock it",
    )


def authenticate(
    session: Session,
    cashier_no: str,
    pin: str,
    now: datetime,
    *,
    fixmedins_code: str | None = None,
) -> Cashier:
    """The cashier, or PosError; records the failure count in the caller's transaction.

    fixmedins_code: the institution of the window. A cashier of another institution is answered
    exactly as an unknown number (same message, same cost, no lockout notice), and their failure
    counter is neither reset nor raised: a window cannot be used to test another hospital's PINs.
    """
    cashier = session.get(Cashier, cashier_no.strip()) if isinstance(cashier_no, str) else None
    if cashier is not None and fixmedins_code not in (None, cashier.fixmedins_code):
        cashier = None  # another institution's cashier: exactly as if the number were unknown
    if cashier is None or not cashier.active:
        verify_pin(pin if isinstance(pin, str) else "", _DUMMY)
        raise _bad_login()
    if cashier.locked_until is not None and now < cashier.locked_until:
        raise _locked(cashier.locked_until, now)
    if isinstance(pin, str) and verify_pin(pin, cashier.pin_hash):
        cashier.failed_logins, cashier.locked_until = 0, None
        return cashier
    cashier.failed_logins += 1
    if cashier.failed_logins >= MAX_FAILURES:
        cashier.failed_logins, cashier.locked_until = 0, now + timedelta(minutes=LOCK_MINUTES)
        raise _locked(cashier.locked_until, now)  # the failure that locks it says so at once
    raise _bad_login()


def unlock(cashier: Cashier) -> None:
    cashier.failed_logins, cashier.locked_until = 0, None


def unlock_by_supervisor(
    session: Session,
    supervisor_no: str,
    pin: str,
    cashier_no: str,
    now: datetime,
    *,
    fixmedins_code: str,
) -> tuple[Cashier, Cashier, datetime | None]:
    """A supervisor, with their own number and PIN, lifts a cashier's lockout (at the login
    screen: nobody is signed in). Returns (supervisor, cashier, until when it was locked — None if
    it was not); PosError otherwise, in the caller's transaction (a wrong supervisor PIN counts
    towards the supervisor's own lockout, exactly as at login).

    Both must belong to the window's institution; another institution's supervisor is answered as
    a wrong number, and a cashier there as unknown here.
    """
    supervisor = authenticate(session, supervisor_no, pin, now, fixmedins_code=fixmedins_code)
    if supervisor.role != "supervisor":
        raise PosError(
            "AUTH_SUPERVISOR",
            f"工号 {supervisor.cashier_no} 不是收费组长，不能解锁",
            f"{supervisor.cashier_no} is not a supervisor and cannot unlock",
        )
    wanted = cashier_no.strip() if isinstance(cashier_no, str) else ""
    cashier = session.get(Cashier, wanted) if wanted else None
    if cashier is None or cashier.fixmedins_code != fixmedins_code or not cashier.active:
        shown = wanted if len(wanted) <= 10 else wanted[:10] + "…"
        raise PosError(
            "CASHIER_UNKNOWN",
            f"本机构没有工号 {shown}",
            f"No cashier {shown} here",
            field="cashier_no",
        )
    was = cashier.locked_until if cashier.locked_until and now < cashier.locked_until else None
    unlock(cashier)
    return supervisor, cashier, was

"""Cashier PINs: a real KDF with per-cashier salt, constant-time checks, lockout on a clock."""

from __future__ import annotations

import pytest

from pos.auth import LOCK_MINUTES, MAX_FAILURES, hash_pin, verify_pin
from pos.errors import PosError
from tests.hospital.helpers import BT_HOSPITAL, BT_PHARMACY


def test_hash_is_salted_scrypt_and_verifies():
    a, b = hash_pin("123456"), hash_pin("123456")
    assert a.startswith("scrypt$16384$8$1$") and a != b  # same PIN, different salt, different hash
    assert verify_pin("123456", a) and verify_pin("123456", b)
    assert not verify_pin("123457", a)
    assert not verify_pin("123456", "md5$abc") and not verify_pin("123456", "garbage")


@pytest.mark.parametrize("pin", ["12345", "1234567", "abcdef", "", "12 456", "１２３４５６"])
def test_pin_shape_is_checked(pin):
    with pytest.raises(PosError) as e:
        hash_pin(pin)
    assert e.value.code == "AUTH_PIN_FORMAT"


def test_demo_pins_are_stored_hashed(db):
    from pos.store.models import Cashier

    with db.reading() as s:
        hashes = [c.pin_hash for c in s.query(Cashier)]
    assert hashes and all(h.startswith("scrypt$") and "111111" not in h for h in hashes)


def test_wrong_number_and_wrong_pin_look_the_same(desk_at):
    desk = desk_at(BT_HOSPITAL)
    for number, pin in (("9999", "111111"), ("1001", "000000")):
        with pytest.raises(PosError) as e:
            desk.login(number, pin)
        assert e.value.code == "AUTH_FAILED"
    assert desk.cashier is None


def test_lockout_after_five_failures_then_time_or_supervisor(desk_at, clock):
    desk = desk_at(BT_HOSPITAL)
    for _ in range(MAX_FAILURES):
        with pytest.raises(PosError):
            desk.login("1002", "000000")
    with pytest.raises(PosError) as e:
        desk.login("1002", "222222")  # the right PIN does not help while locked
    assert e.value.code == "AUTH_LOCKED" and f"{LOCK_MINUTES} 分钟" in e.value.message_zh
    clock.advance(minutes=LOCK_MINUTES, seconds=1)
    assert desk.login("1002", "222222").cashier.name == "阿依古丽"

    for _ in range(MAX_FAILURES):
        with pytest.raises(PosError):
            desk.login("1002", "000000")
    boss = desk_at(BT_HOSPITAL, "1009", "999999")
    assert boss.cashier.supervisor
    boss.unlock_cashier("1002")
    assert desk.login("1002", "222222").cashier.cashier_no == "1002"


def test_a_success_resets_the_failure_count(desk_at):
    desk = desk_at(BT_HOSPITAL)
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(PosError):
            desk.login("1001", "000000")
    desk.login("1001", "111111")
    with pytest.raises(PosError) as e:
        desk.login("1001", "000000")
    assert e.value.code == "AUTH_FAILED"  # counting starts again, not locked


def test_cashiers_log_in_only_at_their_institution_and_only_supervisors_unlock(desk_at):
    with pytest.raises(PosError) as e:
        desk_at(BT_PHARMACY).login("1001", "111111")
    assert e.value.code == "AUTH_FAILED"  # answered as a wrong PIN: no oracle (issue 9)
    with pytest.raises(PosError) as e:
        desk_at(BT_HOSPITAL, "1001").unlock_cashier("1002")
    assert e.value.code == "AUTH_SUPERVISOR"


def test_logins_are_audited(db, desk_at):
    from pos.store.models import AuditEntry

    desk = desk_at(BT_HOSPITAL)
    with pytest.raises(PosError):
        desk.login("1001", "000000")
    desk.login("1001", "111111")
    desk.logout()
    with db.reading() as s:
        actions = [e.action for e in s.query(AuditEntry).order_by(AuditEntry.seq)]
    assert actions == ["login.failed", "login", "logout"]


# ---------------------------------------------------------------- issue 9, item 7


def _answer(desk, number: str, pin: str) -> tuple[str, str, str]:
    with pytest.raises(PosError) as e:
        desk.login(number, pin)
    return e.value.code, e.value.message_zh, e.value.message_en


def test_a_right_pin_at_another_institution_answers_like_a_wrong_one(desk_at):
    pharmacy = desk_at(BT_PHARMACY)
    assert _answer(pharmacy, "1001", "111111") == _answer(pharmacy, "1001", "000000")
    assert _answer(pharmacy, "1001", "111111") == _answer(pharmacy, "9999", "111111")


def test_another_institutions_window_neither_resets_nor_raises_the_failure_count(desk_at):
    own, other = desk_at(BT_HOSPITAL), desk_at(BT_PHARMACY)
    for _ in range(MAX_FAILURES - 1):
        _answer(own, "1001", "000000")
    _answer(other, "1001", "111111")  # the right PIN, at the wrong window: no reset
    _answer(own, "1001", "000000")  # the fifth wrong PIN in a row
    assert _answer(own, "1001", "111111")[0] == "AUTH_LOCKED"
    for _ in range(MAX_FAILURES * 2):  # guessing at the pharmacy locks nobody out at the hospital
        _answer(other, "1002", "000000")
    assert own.login("1002", "222222").cashier.cashier_no == "1002"


def test_a_pin_typed_as_the_cashier_number_is_never_stored(db, desk_at):
    from pos.store.models import AuditEntry

    desk = desk_at(BT_HOSPITAL)
    for number in ("111111", " 222222 ", "1234567890123", "王丽"):
        _answer(desk, number, "111111")
    with db.reading() as s:
        entries = s.query(AuditEntry).order_by(AuditEntry.seq).all()
    assert [e.actor for e in entries] == ["?"] * 4
    assert not any("111111" in f"{e.actor}{e.subject}{e.payload}" for e in entries)


def test_database_and_receipt_files_are_readable_by_their_owner_only(tmp_path):
    import os

    from pos.database import open_database
    from pos.printing.sinks import write_new

    old = os.umask(0o022)
    try:
        db = open_database(f"sqlite:///{tmp_path / 'data' / 'pos.sqlite3'}", seed_if_empty=False)
        db.dispose()
        receipt = write_new(tmp_path / "r" / "MZ1.txt", "票据".encode())
    finally:
        os.umask(old)
    for path in (tmp_path / "data" / "pos.sqlite3", receipt):
        assert path is not None and (path.stat().st_mode & 0o077) == 0, oct(path.stat().st_mode)

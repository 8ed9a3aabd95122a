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
    assert e.value.code == "AUTH_WRONG_INSTITUTION"
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

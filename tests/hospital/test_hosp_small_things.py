"""Issue #8.6 at the desk: the smaller things a cashier hit (each failed before its fix)."""

from __future__ import annotations

from tests.hospital.helpers import AILI, AIZMAT, checkout

# ------------------------------------------------------------------ the giver's new amount


def test_after_settling_a_fresh_read_shows_the_givers_new_available_amount(desk):
    before = desk.identify(AIZMAT)
    [option] = before.bindings
    _, done = checkout(desk, AIZMAT)
    used = done.settlement.amounts["acct_mulaid_pay"]
    assert used > 0
    after = desk.refresh_patient()
    assert after.psn_no == before.psn_no
    assert [o.available for o in after.bindings] == [option.available - used]
    assert desk.current_visit().visit_id == done.settlement.visit_id  # the visit stays


def test_the_giver_is_said_from_the_patients_side(desk):
    [option] = desk.identify(AIZMAT).bindings
    assert option.relationship == "child"  # the binding: 艾孜买提 is his father's child
    assert option.giver_is == "parent"  # so the giver shown beside him is a parent


# ------------------------------------------------------------------ a supervisor unlocks at login


def _lock(desk, number: str) -> None:
    import pytest

    from pos.auth import MAX_FAILURES
    from pos.errors import PosError

    for _ in range(MAX_FAILURES):
        with pytest.raises(PosError):
            desk.login(number, "000000")


def test_a_supervisor_unlocks_a_locked_cashier_from_the_login_screen(db, desk_at, clock):
    import pytest
    from sqlalchemy import select

    from pos.errors import PosError
    from pos.store.models import AuditEntry
    from tests.hospital.helpers import BT_HOSPITAL

    window = desk_at(BT_HOSPITAL)  # the login screen: nobody signed in
    _lock(window, "1002")
    with pytest.raises(PosError) as e:
        window.login("1002", "222222")
    assert e.value.code == "AUTH_LOCKED"
    done = window.unlock_with_supervisor("1009", "999999", "1002")
    assert (done.cashier_no, done.cashier_name) == ("1002", "阿依古丽")
    assert (done.supervisor_no, done.supervisor_name) == ("1009", "张红梅")
    assert done.was_locked_until is not None and done.at == clock()
    assert window.cashier is None  # unlocking signs nobody in
    assert window.login("1002", "222222").cashier.cashier_no == "1002"
    with db.reading() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "cashier.unlock")).one()
    assert (entry.actor, entry.subject) == ("1009", "1002")  # who, whom
    assert (
        '"supervisor":"1009"' in entry.payload.replace(" ", "") and "locked_until" in entry.payload
    )
    assert entry.at is not None  # when


def test_only_a_supervisor_of_this_institution_with_their_own_pin_unlocks(db, desk_at):
    import pytest
    from sqlalchemy import select

    from pos.errors import PosError
    from pos.store.models import AuditEntry
    from tests.hospital.helpers import BT_HOSPITAL, ZT_HOSPITAL

    window = desk_at(BT_HOSPITAL)
    _lock(window, "1002")
    attempts = [
        (window, "1001", "111111", "AUTH_SUPERVISOR"),  # a cashier, with a right PIN
        (window, "1009", "000000", "AUTH_FAILED"),  # the supervisor, a wrong PIN
        (window, "2009", "999999", "AUTH_FAILED"),  # 昭通's supervisor: a stranger here
        (desk_at(ZT_HOSPITAL), "2009", "999999", "CASHIER_UNKNOWN"),  # 1002 is not 昭通's
    ]
    for where, number, pin, code in attempts:
        with pytest.raises(PosError) as e:
            where.unlock_with_supervisor(number, pin, "1002")
        assert e.value.code == code, (number, pin)
    with pytest.raises(PosError) as e:
        window.login("1002", "222222")
    assert e.value.code == "AUTH_LOCKED"  # still locked
    with db.reading() as s:
        refused = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "cashier.unlock.refused")
        ).all()
    assert len(refused) == len(attempts)
    assert not any("999999" in f"{e.actor}{e.subject}{e.payload}" for e in refused)


def test_a_supervisors_wrong_pins_lock_the_supervisor(desk_at):
    import pytest

    from pos.auth import MAX_FAILURES
    from pos.errors import PosError
    from tests.hospital.helpers import BT_HOSPITAL

    window = desk_at(BT_HOSPITAL)
    for _ in range(MAX_FAILURES):
        with pytest.raises(PosError):
            window.unlock_with_supervisor("1009", "000000", "1002")
    with pytest.raises(PosError) as e:
        window.unlock_with_supervisor("1009", "999999", "1002")
    assert e.value.code == "AUTH_LOCKED"


# ------------------------------------------------------------------ 全自费 refunds (not yet)


def test_refunding_a_selfpay_settlement_is_refused_plainly(db, desk):
    import pytest

    from pos.errors import PosError
    from pos.services.views import TenderInput
    from tests.hospital.helpers import WUYUN, problems

    desk.identify(WUYUN)
    desk.open_selfpay_visit("11")
    pre = desk.presettle()
    done = desk.settle([TenderInput("cash", pre.psn_cash_pay)])
    sent = len(desk.exchanges())
    with pytest.raises(PosError) as e:
        desk.refund(done.settlement.setl_id)
    assert e.value.code == "REFUND_SELFPAY" and "全自费" in e.value.message_zh
    assert "not supported" in e.value.message_en
    assert len(desk.exchanges()) == sent  # nothing went to the center
    assert [s.kind for s in desk.settlements()] == ["selfpay"]
    assert problems(db) == []


# ------------------------------------------------------------------ 急诊 and 门诊挂号 at the window


def test_the_window_offers_emergency_and_registration_and_they_settle_as_outpatient(desk):
    # Was: the picker offered 11, 14 and 21 only, though both regions settle 12 and 13.
    assert {"12", "13"} <= set(desk.med_types())
    desk.identify(AILI)
    desk.open_visit("11")
    desk.add_line("HS00045", "50")
    outpatient = desk.presettle()
    desk.cancel_visit()
    desk.identify(AILI)
    visit = desk.open_visit("13")
    assert visit.med_type == "13"
    desk.add_line("HS00045", "50")
    emergency = desk.presettle()
    assert emergency.money == outpatient.money  # the same outpatient rules and accumulators
    assert emergency.amount("hifp_pay") > 0

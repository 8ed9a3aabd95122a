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


# ------------------------------------------------------------------ 全自费 refunds


def _selfpay_settled(desk, lines: int = 1):
    from pos.services.views import TenderInput
    from tests.hospital.helpers import WUYUN

    desk.identify(WUYUN)  # insurance terminated: charged as 全自费
    visit = desk.open_selfpay_visit("11")
    for _ in range(max(0, lines - len(visit.lines))):
        desk.add_line("HS00045", "2")
    pre = desk.presettle()
    return desk.settle([TenderInput("cash", pre.psn_cash_pay, pre.psn_cash_pay + 50)])


def test_a_selfpay_settlement_is_refunded_in_the_books_alone(db, desk):
    # Was: refused with REFUND_SELFPAY ("refund it by the hospital's own procedure").
    import pytest

    from pos.errors import PosError
    from pos.printing import build_documents, render_text
    from pos.printing.books import load
    from tests.hospital.helpers import problems

    done = _selfpay_settled(desk)
    setl_id = done.settlement.setl_id
    paid = done.settlement.amount("psn_cash_pay")
    sent = len(desk.exchanges())
    ok = desk.approve("1009", "999999", action="refund", subject=setl_id, reason="退药")
    out = desk.refund(setl_id, approval=ok)
    assert len(desk.exchanges()) == sent  # the center never saw it: nothing sent
    refund = out.refund
    assert refund.kind == "refund" and refund.selfpay and out.original.selfpay
    assert refund.reverses_setl_id == setl_id and out.original.refunded_by == refund.setl_id
    assert refund.amount("psn_cash_pay") == -paid and refund.amount("fund_pay_sumamt") == 0
    assert [(t.method, t.amount, t.change) for t in refund.tenders] == [("cash", -paid, 0)]
    assert refund.receipt_no.startswith("HC")
    assert desk.visit_view(done.settlement.visit_id).status == "refunded"
    assert problems(db) == []  # books, tenders, audit entries; the center left alone
    assert desk.reconcile().balanced  # nothing of it in the day's 3201 totals
    close = desk.day_close()
    assert (close.settle_count, close.refund_count, close.psn_cash_pay) == (1, 1, 0)
    assert close.tenders.get("cash", 0) == 0  # paid in, paid back
    with db.reading() as s:
        data = load(s, refund.receipt_no)
    text = render_text(build_documents(data, "zh"), 48)
    assert "冲红" in text and "全自费" in text and done.settlement.receipt_no in text
    assert "统筹" not in text  # no insurance lines on a 全自费 paper
    listed = text[text.index("收费明细（全自费）") :]  # its second paper: every line turned round
    assert done.settlement.receipt_no in listed and f"-{paid:.2f}" in listed
    assert all(
        f"{line.amount:.2f}" not in listed.replace(f"-{line.amount:.2f}", "") for line in data.lines
    )
    with pytest.raises(PosError) as e:
        desk.refund(setl_id, approval=ok)
    assert e.value.code == "REFUND_ALREADY"


def test_a_selfpay_partial_refund_reopens_the_kept_lines_as_selfpay(db, desk):
    from pos.services.views import TenderInput
    from tests.hospital.helpers import problems

    done = _selfpay_settled(desk, lines=2)
    lines = desk.settlement_record(done.settlement.id).fee_lines
    assert len(lines) >= 2
    kept = lines[-1]
    setl_id = done.settlement.setl_id
    ok = desk.approve("1009", "999999", action="refund", subject=setl_id, reason="少收一项")
    out = desk.refund(setl_id, keep_line_nos=[kept.line_no], approval=ok)
    assert out.reopened_visit is not None and out.reopened_visit.selfpay
    assert [x.medins_list_codg for x in out.reopened_visit.lines] == [kept.medins_list_codg]
    pre = desk.presettle()
    again = desk.settle([TenderInput("cash", pre.psn_cash_pay)])
    assert again.settlement.kind == "selfpay"
    assert again.settlement.amount("medfee_sumamt") == kept.amount
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

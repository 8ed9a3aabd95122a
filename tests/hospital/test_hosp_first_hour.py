"""Issue #8 at the desk: what a new user met in the first hour, each with its regression."""

from __future__ import annotations

from tests.hospital.helpers import AILI, AIZMAT, checkout, problems

# ------------------------------------------------------------------ #8.1 an abandoned visit


def test_next_patient_gives_the_orders_back(db, desk):
    desk.identify(AIZMAT)
    assert len(desk.open_visit("11").lines) == 5
    desk.clear_patient()  # F10 (twice) or quit
    patient = desk.identify(AIZMAT)
    assert patient.pending_orders == ("RX-BT-001",)
    assert len(desk.open_visit("11").lines) == 5
    assert problems(db) == []


def test_a_new_scan_gives_the_previous_visits_orders_back(desk):
    desk.identify(AIZMAT)
    desk.open_visit("11")
    desk.identify(AILI)  # the cashier moved on without settling
    assert desk.identify(AIZMAT).pending_orders == ("RX-BT-001",)
    assert len(desk.open_visit("11").lines) == 5


def test_another_med_type_gives_the_orders_back(desk):
    desk.identify(AIZMAT)
    desk.open_visit("11")
    desk.open_visit("11")  # F3: the same or another 医疗类别 opens a new visit
    assert len(desk.current_visit().lines) == 5


def test_a_settled_visit_is_not_abandoned(db, desk):
    _, done = checkout(desk, AIZMAT)
    desk.clear_patient()
    assert desk.visit_view(done.settlement.visit_id).status == "settled"
    assert desk.identify(AIZMAT).pending_orders == ()
    assert problems(db) == []


def test_abandoning_is_audited(db, desk):
    from sqlalchemy import select

    from pos.store.models import AuditEntry

    desk.identify(AIZMAT)
    visit = desk.open_visit("11")
    desk.clear_patient()
    with db.reading() as s:
        actions = s.scalars(
            select(AuditEntry.action).where(AuditEntry.subject == visit.ipt_otp_no)
        ).all()
    assert actions[-1] == "visit.cancel"

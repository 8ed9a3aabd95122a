"""Issue #8.6 at the desk: the smaller things a cashier hit (each failed before its fix)."""

from __future__ import annotations

from tests.hospital.helpers import AIZMAT, checkout

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

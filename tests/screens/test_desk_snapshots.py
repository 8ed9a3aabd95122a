"""SVG snapshots of every co-pay desk screen and every refusal (zh at 120×36; the main desk also
at 80×24 and in English). Deterministic like the cashier's: seeded SQLite copy per test, frozen
clock, no cursor blink. Review changed SVGs before --snapshot-update."""

from __future__ import annotations

import pytest

from tests.screens import desk_flow as F
from tests.screens.flow import press, settle_ui, type_text

BIG = (120, 36)
SMALL = (80, 24)


async def _giver(pilot, text=F.GULI):
    await F.open_desk(pilot)
    await F.find_giver(pilot, text)


def test_desk_empty(snap_compare, make_app):
    assert snap_compare(make_app(), run_before=F.open_desk, terminal_size=BIG)


def test_desk_giver(snap_compare, make_app):
    async def run(pilot):
        await _giver(pilot, F.ALI)

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_desk_giver_80x24(snap_compare, make_app):
    async def run(pilot):
        await _giver(pilot, F.ALI)

    assert snap_compare(make_app(), run_before=run, terminal_size=SMALL)


def test_desk_giver_en(snap_compare, make_app):
    async def run(pilot):
        await _giver(pilot, F.ALI)

    assert snap_compare(make_app(lang="en"), run_before=run, terminal_size=BIG)


def test_desk_unknown_person(snap_compare, make_app):
    async def run(pilot):
        await _giver(pilot, "110101199003077571")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_desk_frozen_giver(snap_compare, make_app):
    async def run(pilot):
        await _giver(pilot, F.WANG_LEI)

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


async def _bind_form(pilot):
    await _giver(pilot)
    await press(pilot, "f2")
    await F.fill_bind(
        pilot,
        beneficiary=F.AZMAT,
        relationship="child",
        proof="出生证明",
        proof_no="Q652701201406",
        quota="300",
        valid_to="2026-12-31",
    )


def test_desk_bind_form(snap_compare, make_app):
    assert snap_compare(make_app(), run_before=_bind_form, terminal_size=BIG)


def test_desk_bind_form_80x24(snap_compare, make_app):
    assert snap_compare(make_app(), run_before=_bind_form, terminal_size=SMALL)


async def _pending(pilot):
    await _bind_form(pilot)
    await press(pilot, "f8")


def test_desk_bind_pending(snap_compare, make_app):
    assert snap_compare(make_app(), run_before=_pending, terminal_size=BIG)


def test_desk_approved(snap_compare, make_app):
    async def run(pilot):
        await _pending(pilot)
        await F.select_binding(pilot, "BND-6527-000001")
        await press(pilot, "f3")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_desk_reject_form(snap_compare, make_app):
    async def run(pilot):
        await _pending(pilot)
        await F.select_binding(pilot, "BND-6527-000001")
        await press(pilot, "f4")
        await type_text(pilot, "出生证明信息不符")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_desk_rejected(snap_compare, make_app):
    async def run(pilot):
        await _pending(pilot)
        await F.select_binding(pilot, "BND-6527-000001")
        await press(pilot, "f4")
        await type_text(pilot, "proof unreadable")
        await press(pilot, "f8")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_desk_edit_form(snap_compare, make_app):
    async def run(pilot):
        await _giver(pilot, F.ALI)
        await F.select_binding(pilot, "BND-BT-0101")
        await press(pilot, "f5")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_desk_edit_below_used_refused(snap_compare, make_app):
    async def run(pilot):
        await _giver(pilot, F.ALI)
        await F.select_binding(pilot, "BND-BT-0101")
        await press(pilot, "f5")
        pilot.app.screen.query_one("#edit-quota").value = "100"
        await press(pilot, "f8")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_desk_unbind_confirm(snap_compare, make_app):
    async def run(pilot):
        await _giver(pilot, F.ALI)
        await F.select_binding(pilot, "BND-BT-0101")
        await press(pilot, "f6")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_desk_unbound(snap_compare, make_app):
    async def run(pilot):
        await _giver(pilot, F.ALI)
        await F.select_binding(pilot, "BND-BT-0101")
        await press(pilot, "f6", "f8")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_desk_by_beneficiary(snap_compare, make_app):
    """Two givers of one child, in deduction order (F12)."""

    async def run(pilot):
        await _giver(pilot, F.ALI)
        await F.select_binding(pilot, "BND-BT-0102")
        await press(pilot, "f12")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_desk_premium_receipt(snap_compare, make_app):
    async def run(pilot):
        await _giver(pilot, F.ALI)
        await F.select_binding(pilot, "BND-BT-0101")
        await press(pilot, "f7")
        pilot.app.screen.query_one("#premium-year").value = "2025"
        await press(pilot, "f8")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_desk_premium_already_paid(snap_compare, make_app):
    async def run(pilot):
        await _giver(pilot, F.ALI)
        await F.select_binding(pilot, "BND-BT-0101")
        for _ in range(2):
            await press(pilot, "f7")
            pilot.app.screen.query_one("#premium-year").value = "2025"
            await press(pilot, "f8")
            if pilot.app.screen.receipt is not None:
                await press(pilot, "escape")
        await settle_ui(pilot)  # the second payment's refusal has arrived on a busy machine too

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_desk_notices(snap_compare, make_app):
    async def run(pilot):
        await _giver(pilot, F.ALI)
        await F.select_binding(pilot, "BND-BT-0101")
        await press(pilot, "f7")
        pilot.app.screen.query_one("#premium-year").value = "2025"
        await press(pilot, "f8", "escape", "f9")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_desk_filing(snap_compare, make_app):
    async def run(pilot):
        await _giver(pilot, F.GRANDPA_ZH)
        await press(pilot, "f8")
        screen = pilot.app.screen
        screen.query_one("#filing-dest").value = "530600"
        screen.query_one("#filing-from").value = "2025-06-01"
        screen.query_one("#filing-to").value = "2025-12-31"
        await press(pilot, "f8")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_desk_filing_not_needed(snap_compare, make_app):
    async def run(pilot):
        await _giver(pilot, F.GRANDPA_ZH)
        await press(pilot, "f8")
        screen = pilot.app.screen
        screen.query_one("#filing-dest").value = "652700"
        screen.query_one("#filing-from").value = "2025-06-01"
        screen.query_one("#filing-to").value = "2025-12-31"
        await press(pilot, "f8")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_desk_online(snap_compare, make_app):
    async def run(pilot):
        await _giver(pilot, F.ZHOU)
        await press(pilot, "f10")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_desk_online_apply(snap_compare, make_app):
    async def run(pilot):
        await _giver(pilot)
        await press(pilot, "f10", "f2")
        await F.fill_bind(
            pilot,
            beneficiary=F.AZMAT,
            relationship="child",
            proof="户口本",
            proof_no="H0001",
            quota="100",
        )
        await press(pilot, "f8")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_desk_enrolment_form(snap_compare, make_app):
    async def run(pilot):
        await _giver(pilot, F.ALI)
        await F.select_binding(pilot, "BND-BT-0101")
        await press(pilot, "f11")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_desk_enrolment_ends_binding(snap_compare, make_app):
    async def run(pilot):
        await _giver(pilot, F.ALI)
        await F.select_binding(pilot, "BND-BT-0101")
        await press(pilot, "f11")
        pilot.app.screen.query_one("#enrolment-status").value = "4"
        await press(pilot, "f8")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_desk_help(snap_compare, make_app):
    async def run(pilot):
        await F.open_desk(pilot)
        await press(pilot, "f1")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


# ------------------------------------------------------------------ every refusal of a binding

REFUSALS = {
    # 博州 allows spouse, parents, children only: a grandfather may not give to a grandchild
    "relationship-not-allowed": (F.ALI, F.WANG_XY, "grandchild", "户口本", "H1", "100"),
    # 昭通's giver, a 博州-insured beneficiary: outside 云南's scope (cross-province from 2026)
    "beneficiary-out-of-scope": (
        "530602198305210320",
        "652701200509160407",
        "child",
        "户口本",
        "H2",
        "100",
    ),
    "beneficiary-not-insured": (F.ALI, F.WUYUN, "parent", "户口本", "H3", "100"),
    "giver-frozen": (F.WANG_LEI, "652701196107300228", "parent", "户口本", "H4", "100"),
    "giver-in-arrears": (F.BATEER, F.QIQIGE, "spouse", "结婚证", "H5", "100"),
    "quota-exceeded": (F.GULI, F.AZMAT, "child", "出生证明", "Q6", "600"),
    "proof-missing": (F.GULI, F.AZMAT, "child", None, "", "100"),
    "proof-not-for-relationship": (F.GULI, F.AZMAT, "child", "结婚证", "M7", "100"),
    "duplicate": (F.ALI, F.AZMAT, "child", "户口本", "H8", "100"),
}


def _refusal(giver, ben, rel, proof, number, quota, pledge=True):
    async def run(pilot):
        await _giver(pilot, giver)
        await press(pilot, "f2")
        await F.fill_bind(
            pilot,
            beneficiary=ben,
            relationship=rel,
            proof=proof,
            proof_no=number,
            quota=quota,
            pledge=pledge,
        )
        await press(pilot, "f8")
        await settle_ui(pilot)

    return run


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_desk_bind_refused(snap_compare, make_app, case):
    run = _refusal(*REFUSALS[case])
    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_desk_bind_refused_pledge_and_proof(snap_compare, make_app):
    run = _refusal(F.GULI, F.AZMAT, "child", None, "", "100", pledge=False)
    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_desk_bind_refused_en(snap_compare, make_app):
    run = _refusal(F.WANG_LEI, F.WUYUN, "grandparent", None, "", "9999", pledge=False)
    assert snap_compare(make_app(lang="en"), run_before=run, terminal_size=BIG)

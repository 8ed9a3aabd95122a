"""SVG snapshots of every screen and key state (zh at 120×36; the main flow in en and at 80×24).

Deterministic: seeded SQLite copy per test, frozen clock, fresh id counters, no cursor blink.
Review changed SVGs (snapshot_report.html) before running --snapshot-update.
"""

from __future__ import annotations

import pytest

from tests.screens import personas as P
from tests.screens.flow import add_item, login, press, scan, settle_ui, type_text

BIG = (120, 36)
SMALL = (80, 24)


# ------------------------------------------------------------------ login


def test_login_screen(snap_compare, make_app):
    assert snap_compare(make_app(), run_before=settle_ui, terminal_size=BIG)


def test_login_wrong_pin(snap_compare, make_app):
    async def run(pilot):
        await login(pilot, pin="000000")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_login_locked_after_repeated_wrong_pins(snap_compare, make_app):
    async def run(pilot):
        for _ in range(6):
            await login(pilot, pin="000000")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_login_missing_pin(snap_compare, make_app):
    async def run(pilot):
        await settle_ui(pilot)
        await type_text(pilot, "1001")
        await pilot.press("enter", "enter")
        await settle_ui(pilot)

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


# ------------------------------------------------------------------ identify


def test_cashier_ready(snap_compare, make_app):
    assert snap_compare(make_app(), run_before=login, terminal_size=BIG)


def _scan_case(text: str, where: str = "bortala"):
    async def run(pilot):
        await login(pilot, where)
        await scan(pilot, text)

    return run


@pytest.mark.parametrize(
    "text",
    [P.UNKNOWN_ID, P.BAD_CHECK_DIGIT, P.UNKNOWN_TOKEN, "12345", "ab\x1b[31mcd"],
    ids=["unknown-id", "bad-check-digit", "unknown-token", "garbage", "control-chars"],
)
def test_identify_errors(snap_compare, make_app, text):
    assert snap_compare(make_app(), run_before=_scan_case(text), terminal_size=BIG)


def test_identify_terminated_insurance(snap_compare, make_app):
    assert snap_compare(make_app(), run_before=_scan_case(P.GRANDMA_TERMINATED), terminal_size=BIG)


def test_identify_family_account_code(snap_compare, make_app):
    run = _scan_case(P.ZT_FAMILY_ACCOUNT_TOKEN, "zhaotong")
    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_identify_by_ecert_token(snap_compare, make_app):
    assert snap_compare(make_app(), run_before=_scan_case(P.FATHER_ECERT), terminal_size=BIG)


def test_patient_with_orders_two_givers(snap_compare, make_app):
    assert snap_compare(make_app(), run_before=_scan_case(P.MINOR_TWO_GIVERS), terminal_size=BIG)


def test_card_reader(snap_compare, make_app):
    async def run(pilot):
        await login(pilot)
        await press(pilot, "f2", "down", "down", "down")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_card_reader_reads_card(snap_compare, make_app):
    async def run(pilot):
        await login(pilot)
        await press(pilot, "f2")
        cards = pilot.app.screen.cards
        index = next(i for i, c in enumerate(cards) if c.scan_text == P.MINOR_TWO_GIVERS_CARD)
        await press(pilot, *["down"] * index, "enter")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


# ------------------------------------------------------------------ visit and itemize


def test_med_type_modal(snap_compare, make_app):
    async def run(pilot):
        await _scan_case(P.RETIREE_OWN_ACCOUNT)(pilot)
        await press(pilot, "f3")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_chronic_visit_loads_its_orders(snap_compare, make_app):
    async def run(pilot):
        await _scan_case(P.RETIREE_OWN_ACCOUNT)(pilot)
        await press(pilot, "f3", "down", "enter")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_add_item_suggestions(snap_compare, make_app):
    async def run(pilot):
        await _scan_case(P.MOTHER_UNBOUND)(pilot)
        await press(pilot, "f4")
        await type_text(pilot, "amx")
        await settle_ui(pilot)

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_add_item_not_found(snap_compare, make_app):
    async def run(pilot):
        await _scan_case(P.MOTHER_UNBOUND)(pilot)
        await press(pilot, "f4")
        await type_text(pilot, "zzzz")
        await press(pilot, "enter")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_quantity_modal(snap_compare, make_app):
    async def run(pilot):
        await _scan_case(P.MINOR_ONE_GIVER)(pilot)
        await press(pilot, "down", "down", "down", "f7", "backspace")
        await type_text(pilot, "4")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_quantity_rejected(snap_compare, make_app):
    async def run(pilot):
        await _scan_case(P.MINOR_ONE_GIVER)(pilot)
        await press(pilot, "f7", "backspace")
        await type_text(pilot, "-3")
        await press(pilot, "enter")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


# ------------------------------------------------------------------ pre-settle and co-pay


def test_presettle_own_account(snap_compare, make_app):
    async def run(pilot):
        await _scan_case(P.RETIREE_OWN_ACCOUNT)(pilot)
        await press(pilot, "f3", "down", "enter", "f5")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_copay_prompt_two_givers(snap_compare, make_app):
    async def run(pilot):
        await _scan_case(P.MINOR_TWO_GIVERS)(pilot)
        await press(pilot, "f5")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_split_after_two_givers(snap_compare, make_app):
    async def run(pilot):
        await _scan_case(P.MINOR_TWO_GIVERS)(pilot)
        await press(pilot, "f5", "f8")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (P.GRANDSON_REFUSED, "bortala"),  # giver frozen; grandchild not allowed in 博州
        (P.SON_ARREARS_EXPIRED, "bortala"),  # giver in arrears; binding expired
        (P.ZT_GRANDPA_NO_FILING, "zhaotong"),  # 异地 without filing
        (P.ZT_DAUGHTER_QUOTA_10, "zhaotong"),  # giver balance zero (and a 10-yuan quota)
    ],
    ids=["frozen-and-relationship", "arrears-and-expired", "no-filing", "balance-zero"],
)
def test_copay_refusals(snap_compare, make_app, text, where):
    async def run(pilot):
        await _scan_case(text, where)(pilot)
        if not pilot.app.screen.state.visit.lines:  # no pending order at this hospital
            await add_item(pilot, "HD00001")
        await press(pilot, "f5")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_copay_zhaotong_asks_for_proof(snap_compare, make_app):
    async def run(pilot):
        await _scan_case(P.ZT_SON_TWO_GIVERS, "zhaotong")(pilot)
        await press(pilot, "f5", "f8")  # accept without ticking the proof box

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_copay_declined(snap_compare, make_app):
    async def run(pilot):
        await _scan_case(P.MINOR_ONE_GIVER)(pilot)
        await press(pilot, "f5", "ctrl+n")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


# ------------------------------------------------------------------ tender, settle, receipt


def test_tender_modal(snap_compare, make_app):
    async def run(pilot):
        await _scan_case(P.SON_ARREARS_EXPIRED)(pilot)
        await press(pilot, "f5", "escape", "f8")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_tender_with_change(snap_compare, make_app):
    async def run(pilot):
        await _scan_case(P.SON_ARREARS_EXPIRED)(pilot)
        await press(pilot, "f5", "escape", "f8")
        await type_text(pilot, "500")
        await settle_ui(pilot)

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_tender_split_mismatch(snap_compare, make_app):
    async def run(pilot):
        await _scan_case(P.SON_ARREARS_EXPIRED)(pilot)
        await press(pilot, "f5", "escape", "f8")
        screen = pilot.app.screen
        screen.query_one("#amt-cash").value = "50.00"
        screen.query_one("#amt-wechat").value = "20.00"
        await press(pilot, "f8")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_tender_split_cash_and_wechat(snap_compare, make_app):
    async def run(pilot):
        await _scan_case(P.SON_ARREARS_EXPIRED)(pilot)
        await press(pilot, "f5", "escape", "f8")
        screen = pilot.app.screen
        screen.query_one("#amt-cash").value = "100.00"
        screen.query_one("#amt-wechat").value = "39.00"
        screen.query_one("#received").focus()
        await type_text(pilot, "200")
        await settle_ui(pilot)

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_own_account_switched_off(snap_compare, make_app):
    async def run(pilot):
        await _scan_case(P.RETIREE_OWN_ACCOUNT)(pilot)
        await press(pilot, "f3", "down", "enter", "f5", "f11")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_copay_zhaotong_proof_ticked(snap_compare, make_app):
    async def run(pilot):
        await _scan_case(P.ZT_SON_TWO_GIVERS, "zhaotong")(pilot)
        await press(pilot, "f5", "f2")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_receipt_preview(snap_compare, make_app):
    async def run(pilot):
        await _scan_case(P.MINOR_TWO_GIVERS)(pilot)
        await press(pilot, "f5", "f8", "f8", "f8")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_receipt_slip_shows_the_copay_of_which_line(snap_compare, make_app):
    async def run(pilot):
        await _scan_case(P.MINOR_TWO_GIVERS)(pilot)
        await press(pilot, "f5", "f8", "f8", "f8")
        papers = pilot.app.screen.query(".paper")
        papers[1].focus()
        await press(pilot, "end")  # keyboard scroll: the 五、费用结算信息 block with 共济

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_settled_screen_after_receipt(snap_compare, make_app):
    async def run(pilot):
        await _scan_case(P.SON_ARREARS_EXPIRED)(pilot)
        await press(pilot, "f5", "escape", "f8")
        await type_text(pilot, "500")
        await press(pilot, "enter", "escape")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_settle_response_lost_asks_for_reversal(snap_compare, make_app):
    async def run(pilot):
        await login(pilot)
        center = pilot.app.desk.center
        center.faults.lose_response_after_commit = {"2207"}
        center.faults.once = True
        await scan(pilot, P.SON_ARREARS_EXPIRED)
        await press(pilot, "f5", "ctrl+n", "f8", "f8", "f9")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_non_designated_clinic_refuses(snap_compare, make_app):
    run = _scan_case(P.MOTHER_UNBOUND, "clinic")
    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


# ------------------------------------------------------------------ keyboard aids


def test_help(snap_compare, make_app):
    async def run(pilot):
        await login(pilot)
        await press(pilot, "f1")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_message_log(snap_compare, make_app):
    async def run(pilot):
        await _scan_case(P.MINOR_ONE_GIVER)(pilot)
        await press(pilot, "f5", "ctrl+n", "f9")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_next_patient_asks_before_discarding(snap_compare, make_app):
    async def run(pilot):
        await _scan_case(P.MINOR_ONE_GIVER)(pilot)
        await press(pilot, "f10")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


# ------------------------------------------------------------------ main flow in English, and at 80×24

MAIN_FLOW = {
    "login": [],
    "patient": ["scan"],
    "copay": ["scan", "f5"],
    "split": ["scan", "f5", "f8"],
    "tender": ["scan", "f5", "f8", "f8"],
    "receipt": ["scan", "f5", "f8", "f8", "f8"],
}


def _main_flow(steps):
    async def run(pilot):
        await login(pilot)
        for step in steps:
            if step == "scan":
                await scan(pilot, P.MINOR_TWO_GIVERS)
            else:
                await press(pilot, step)

    return run


@pytest.mark.parametrize("step", list(MAIN_FLOW))
def test_main_flow_en(snap_compare, make_app, step):
    assert snap_compare(
        make_app(lang="en"), run_before=_main_flow(MAIN_FLOW[step]), terminal_size=BIG
    )


@pytest.mark.parametrize("step", list(MAIN_FLOW))
def test_main_flow_80x24(snap_compare, make_app, step):
    assert snap_compare(make_app(), run_before=_main_flow(MAIN_FLOW[step]), terminal_size=SMALL)


def test_live_mode_has_no_watermark(snap_compare, make_app):
    assert snap_compare(make_app(training=False), run_before=login, terminal_size=BIG)

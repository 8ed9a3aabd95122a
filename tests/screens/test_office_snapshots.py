"""SVG snapshots of the back office (zh at 120×36, the records and the day close also at 80×24).

Deterministic like the rest (frozen clock, seeded copy, fresh ids); settlements are made through
the desk the window uses before the back office opens."""

from __future__ import annotations

import pytest

from tests.screens import personas as P
from tests.screens.flow import login, press, settle_ui, type_text
from tests.screens.test_office import checkout, count_drawer

BIG = (120, 36)
SMALL = (80, 24)


async def two_settled(pilot) -> None:
    await login(pilot)
    await checkout(pilot.app, P.MINOR_TWO_GIVERS)
    await checkout(pilot.app, P.MINOR_ONE_GIVER, givers=False, method="wechat")
    await press(pilot, "ctrl+u")


@pytest.mark.parametrize("size", [BIG, SMALL], ids=["120x36", "80x24"])
def test_office_records(snap_compare, make_app, size):
    assert snap_compare(make_app(), run_before=two_settled, terminal_size=size)


def test_office_record(snap_compare, make_app):
    async def run(pilot):
        await two_settled(pilot)
        await press(pilot, "down", "enter")  # 阿依努尔's, with two givers

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_office_refund_modal(snap_compare, make_app):
    async def run(pilot):
        await two_settled(pilot)
        await press(pilot, "down", "enter", "f7", "space", "down", "space")
        pilot.app.screen.query_one("#refund-reason").focus()
        await type_text(pilot, "检查未做")
        await press(pilot, "enter")
        await type_text(pilot, "1009")
        await press(pilot, "enter")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_office_blind_count(snap_compare, make_app):
    async def run(pilot):
        await two_settled(pilot)
        await press(pilot, "f5", "f6")  # an X report first: the count still hides it
        for keys in ("", "1", "", "1", "1", "3"):
            if keys:
                await type_text(pilot, keys)
            await press(pilot, "enter")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


@pytest.mark.parametrize("size", [BIG, SMALL], ids=["120x36", "80x24"])
def test_office_day_closed_short(snap_compare, make_app, size):
    async def run(pilot):
        await two_settled(pilot)
        await count_drawer(pilot, {"50": 1, "10": 1, "5": 1, "1": 3})

    assert snap_compare(make_app(), run_before=run, terminal_size=size)


def test_office_reconcile_not_balanced(snap_compare, make_app):
    async def run(pilot):
        from tests.screens.flow import scan
        from tests.screens.test_e2e import settle_all_cash

        await login(pilot)
        await checkout(pilot.app, P.MINOR_ONE_GIVER)
        center = pilot.app.desk.center
        center.faults.lose_response_after_commit = {"2207"}
        center.faults.once = True
        await scan(pilot, P.SON_ARREARS_EXPIRED)
        await press(pilot, "f5", "ctrl+n")
        await settle_all_cash(pilot)
        await press(pilot, "ctrl+u", "f7")
        await settle_ui(pilot)

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)


def test_office_help(snap_compare, make_app):
    async def run(pilot):
        await login(pilot)
        await press(pilot, "ctrl+u", "f1")

    assert snap_compare(make_app(), run_before=run, terminal_size=BIG)

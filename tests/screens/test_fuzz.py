"""Hostile input through Pilot into the scan, item, quantity and amount fields.

For every string: the app keeps running, the status line shows an error (never a traceback), and
nothing is written (no settlement; the bill is unchanged).
"""

from __future__ import annotations

import random

from textual import events
from textual.widgets import Input

from screens.cashier import CashierScreen
from screens.common import StatusLine
from screens.modals import QuantityModal
from screens.tender import TenderModal
from tests.screens import personas as P
from tests.screens.flow import login, press, scan

HOSTILE = [
    "",
    " ",
    "\x00",
    "\x1b[2J\x1b[31mred",
    "\r\n\t",
    "'; DROP TABLE hosp_visits; --",
    "{0}{1}%s%n",
    "[bold red]markup[/]",
    "‮652701201406010152",  # right-to-left override
    "６５２７０１２０１４０６０１０１５２",  # full-width digits
    "652701201406010152" * 3,
    "YB652700" + "Ä" * 22,
    "😀" * 40,
    "-1",
    "1e9999",
    "NaN",
    "Infinity",
    "0x10",
    "1_000",
    "9" * 400,
    "٣",  # Arabic-Indic digit three
    "１",
    "1.23456789",
    "99999999999",
    "\u200b\u200b",
]


def random_strings(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = [chr(c) for c in range(0, 0x3000)] + list("0123456789.-*×xXYB ")
    out = []
    for _ in range(n):
        size = rng.choice([1, 3, 8, 18, 30, 120])
        out.append("".join(rng.choice(alphabet) for _ in range(size)))
    return out


HUGE_PASTE = ("652701201406010152" * 5000) + "\x07" * 100  # one 90 kB line


def status(app) -> StatusLine:
    return app.screen.query_one(StatusLine)


def stored(app):
    return app.desk.settlements()


async def feed(pilot, widget: Input, text: str, *, paste: bool = False) -> None:
    """Type (or paste) one string and Enter, the status line reset first so a stale error from
    the previous string cannot pass for this one's."""
    widget.screen.query_one(StatusLine).show("")
    widget.focus()
    widget.value = ""
    if paste:
        widget.post_message(events.Paste(text))
    else:
        widget.value = text
    await pilot.pause()
    await pilot.press("enter")
    await quick(pilot)


async def quick(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def keys(pilot, *names: str) -> None:
    for name in names:
        await pilot.press(name)
        await quick(pilot)
    await pilot.pause(0.06)  # a modal may have opened or closed (Textual 8's 50 ms switch delay)


async def test_scan_field_survives_hostile_input(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        screen = app.screen
        assert isinstance(screen, CashierScreen)
        scan_input = screen.query_one("#scan", Input)
        for text in [*HOSTILE, *random_strings(11, 40)]:
            await feed(pilot, scan_input, text)
            assert app.is_running and app.screen is screen
            assert screen.state.patient is None, repr(text)
            assert status(app).has_class("-error"), repr(text)
        await feed(pilot, scan_input, HUGE_PASTE, paste=True)
        assert app.is_running and screen.state.patient is None
        assert stored(app) == []


async def open_bill(pilot):
    await login(pilot)
    await scan(pilot, P.MINOR_ONE_GIVER)
    return pilot.app.screen


async def test_item_entry_survives(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_bill(pilot)
        before = screen.state.visit.lines
        entry = screen.query_one("#item-entry", Input)
        bad_qty = ["HD00001*-1", "HD00001*0", "HD00001*1e9", "HD00001*NaN", "HD00001*99999"]
        for text in [*HOSTILE, *random_strings(12, 20), *bad_qty]:
            await feed(pilot, entry, text)
            assert app.is_running
            assert screen.state.visit.lines == before, repr(text)
            assert status(app).has_class("-error"), repr(text)
        await feed(pilot, entry, HUGE_PASTE, paste=True)
        assert screen.state.visit.lines == before
        assert stored(app) == []


async def test_quantity_field_survives(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_bill(pilot)
        before = screen.state.visit.lines
        screen.query_one("#bill-table").focus()
        await keys(pilot, "f7")
        modal = app.screen
        assert isinstance(modal, QuantityModal)
        qty = modal.query_one("#qty", Input)
        for text in [*HOSTILE[1:], "0", "-2", "10000", "1.23456", *random_strings(13, 10)]:
            await feed(pilot, qty, text)
            assert app.screen is modal, repr(text)  # refused, stays open
            assert modal.query_one(StatusLine).has_class("-error"), repr(text)
        await keys(pilot, "escape")
        assert isinstance(app.screen, CashierScreen)
        assert screen.state.visit.lines == before
        assert stored(app) == []


async def test_tender_amounts_survive(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_bill(pilot)
        before = screen.state.visit.lines
        await press(pilot, "f5", "ctrl+n", "f8")
        assert isinstance(app.screen, TenderModal)
        tender = app.screen
        for field in ("#amt-cash", "#amt-bank_card", "#received"):
            for text in [*HOSTILE[1:], *random_strings(14, 6), "-5", "0.001", "1e3"]:
                if not text.strip():
                    continue  # an empty amount field is a valid "nothing this way"
                box = tender.query_one(field, Input)
                tender.query_one(StatusLine).show("")
                box.value = text
                await pilot.pause()
                await pilot.press("f8")
                await quick(pilot)
                assert app.screen is tender, (field, repr(text))
                assert tender.query_one(StatusLine).has_class("-error"), (field, repr(text))
                box.value = "" if field != "#amt-cash" else f"{tender.due:.2f}"
        assert stored(app) == []
        await press(pilot, "escape")
        assert isinstance(app.screen, CashierScreen) and screen.state.visit.lines == before

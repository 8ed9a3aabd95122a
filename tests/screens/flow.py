"""Pilot steps shared by the snapshot and end-to-end tests (keyboard only, like a cashier)."""

from __future__ import annotations

from textual.pilot import Pilot

from screens.cashier import CashierScreen

STATIONS = {
    "bortala": ("H65270100001-01", "1001", "111111"),
    "zhaotong": ("H53060200001-01", "2001", "111111"),
    "township_zt": ("H53060200002-01", "2101", "111111"),
    "clinic": ("H65270100009-01", "1901", "111111"),
}


async def settle_ui(pilot: Pilot, rounds: int = 3) -> None:
    """Let workers finish and the screen (and any screen switch, 50 ms in Textual 8) settle."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.06)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*[("space" if ch == " " else ch) for ch in text])


async def login(pilot: Pilot, where: str = "bortala", pin: str | None = None) -> None:
    station, cashier, good_pin = STATIONS[where]
    await settle_ui(pilot)
    app = pilot.app
    select = app.screen.query_one("#station")
    select.value = station
    await pilot.pause()
    app.screen.query_one("#cashier-no").value = ""
    app.screen.query_one("#cashier-no").focus()
    await type_text(pilot, cashier)
    await pilot.press("enter")
    await type_text(pilot, pin if pin is not None else good_pin)
    await pilot.press("enter")
    await settle_ui(pilot)


async def scan(pilot: Pilot, text: str) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, CashierScreen)
    screen.query_one("#scan").focus()
    await pilot.pause()
    # A wedge scanner types the whole token then Enter; set the value the way a paste would.
    screen.query_one("#scan").value = text
    await pilot.press("enter")
    await settle_ui(pilot)


async def wedge(pilot: Pilot, text: str) -> None:
    """A keyboard-wedge scanner: the characters and Enter, wherever focus is."""
    await type_text(pilot, text)
    await pilot.press("enter")
    await settle_ui(pilot)


async def press(pilot: Pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle_ui(pilot, rounds=1)
    await settle_ui(pilot)


async def add_item(pilot: Pilot, text: str) -> None:
    await press(pilot, "f4")
    await type_text(pilot, text)
    await press(pilot, "enter", "escape")

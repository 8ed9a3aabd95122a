"""Playing a scenario's model play on the running app: demo mode, replays and the scenario tests.

Every step is what a person does at the keyboard — log in, scan, press keys, type — sent as key
events exactly as Textual's Pilot sends them (so the app records them like a trainee's). The
back office (Shift+F12 / Ctrl+U from the till) and the co-pay desk (F2 from the login screen) are
worked the same way, on their real screens: a play is keys and text, nothing done behind the
screens' back. `on_caption` shows the step's caption first (demo mode); `delay` is the human pace.

Waiting is by events, not by the clock: after a key the player waits until the app and the screen
have handled every message, no worker runs and the screen stack is still (`quiesce`). A run of
typed characters goes to the focused field in one go and is waited for once.
"""

from __future__ import annotations

import asyncio
import contextlib
import unicodedata
from collections.abc import Awaitable, Callable

from textual import events
from textual.app import App
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed

from pos.i18n import get_lang
from pos.training.scenarios import PlayStep, Scenario


def key_event(key: str) -> events.Key:
    """The event Textual's Pilot would send for `key` (a key name or one character)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    original = REPLACED_KEYS.get(key, key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


def _pending(app: App) -> bool:
    """Is a message waiting anywhere (the app, any screen on the stack, any widget on them)?"""
    nodes = [app]
    for screen in app.screen_stack:
        nodes.extend(screen.walk_children(with_self=True))
    return any(not node._message_queue.empty() or node._next_callbacks for node in nodes)


async def quiesce(app: App, *, limit: int = 1000) -> None:
    """Until the app is still: no message waiting anywhere, every queue handled to the end, no
    worker running, and the screen stack unchanged, twice in a row. (A message bubbles one widget
    per round; a worker's message may start another worker or push a screen.)"""
    pilot = Pilot(app)
    still = 0
    for _ in range(limit):
        stack = tuple(app.screen_stack)
        await pilot._wait_for_screen()
        running = [w for w in app.workers if not w.is_finished]
        if running:
            for worker in running:
                # A cancelled (exclusive) or failed worker is finished too: the screen shows it.
                with contextlib.suppress(WorkerCancelled, WorkerFailed):
                    await worker.wait()
            still = 0
            continue
        await asyncio.sleep(0)
        if tuple(app.screen_stack) != stack or _pending(app):
            still = 0
            continue
        still += 1
        if still >= 2:
            return


async def send_keys(app: App, keys: list[str]) -> None:
    """Send keys to the app as its driver would; the caller waits (quiesce)."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        event = key_event(key)
        event.set_sender(app)
        driver.send_message(event)


def typed(text: str) -> list[str]:
    return [("space" if ch == " " else ch) for ch in text]


class Player:
    def __init__(
        self,
        app: App,
        scenario: Scenario,
        *,
        on_caption: Callable[[str], None] | None = None,
        delay: float = 0.0,
        press: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self.app = app
        self._press = press
        self.scenario = scenario
        self.on_caption = on_caption
        self.delay = delay
        self.stopped = False

    async def settle(self) -> None:
        """Let every worker finish and every screen switch land."""
        await quiesce(self.app)

    async def press(self, *keys: str) -> None:
        """Each key on its own, waited for (a key may move the focus or open a screen)."""
        for key in keys:
            if self.stopped:
                return
            if self._press is not None:
                await self._press(key)
            else:
                await send_keys(self.app, [key])
                await quiesce(self.app)
            if self.delay:
                await asyncio.sleep(self.delay / 4)

    async def type(self, text: str) -> None:
        """Characters into the focused field: at human pace one by one, else in one go."""
        if self.stopped:
            return
        if self.delay or self._press is not None:
            await self.press(*typed(text))
            return
        await send_keys(self.app, typed(text))
        await quiesce(self.app)

    async def play(self, steps: list[PlayStep] | None = None) -> None:
        for step in steps if steps is not None else self.scenario.play:
            if self.stopped:
                return
            await self.step(step)

    async def step(self, step: PlayStep) -> None:
        if self.on_caption is not None:
            self.on_caption(step.caption_en if get_lang() == "en" else step.caption_zh)
            if self.delay:
                await asyncio.sleep(self.delay)
        await self.settle()
        screen = self.app.screen
        if step.login:
            box = screen.query_one("#cashier-no")
            box.value = ""
            box.focus()
            await self.type(self.scenario.cashier)
            await self.press("enter")
            await self.type(self.scenario.pin)
            await self.press("enter")
        elif step.scan is not None:
            # Into the till's scan field; elsewhere (the co-pay desk) into the focused field.
            scan = screen.query("#scan")
            if scan:
                scan.first().focus()
            await self.type(step.scan)
            await self.press("enter")
        elif step.keys is not None:
            await self.press(*step.keys)
        elif step.text is not None:
            await self.type(step.text)
        await self.settle()

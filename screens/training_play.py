"""Playing a scenario's model play on the running app: demo mode and the scenario tests.

A step is what a cashier does — log in, scan, press keys, type — sent as key events exactly as
Textual's Pilot sends them (so the app records them like a trainee's), or a back-office step
(refund, 补打, 日结, 对账, 冲正, 共济绑定, 代缴) done through the training desk on the desk thread.
`on_caption` shows the step's caption first (demo mode); `delay` is the human pace.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from textual.app import App

from pos.i18n import get_lang
from pos.training.scenarios import PlayStep, Scenario


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

    async def settle(self, rounds: int = 3) -> None:
        """Let workers finish and screen switches (50 ms in Textual 8) complete."""
        for _ in range(rounds):
            await self.app.workers.wait_for_complete()
            await asyncio.sleep(0.06)
        await self.app.workers.wait_for_complete()

    async def press(self, *keys: str) -> None:
        for key in keys:
            if self.stopped:
                return
            if self._press is not None:
                await self._press(key)
            else:
                await self.app._press_keys([key])  # what Pilot.press does
                await self.settle(rounds=1)
            if self.delay:
                await asyncio.sleep(self.delay / 4)
        await self.settle()

    async def type(self, text: str) -> None:
        await self.press(*[("space" if ch == " " else ch) for ch in text])

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
            screen.query_one("#scan").focus()
            await self.type(step.scan)
            await self.press("enter")
        elif step.keys is not None:
            await self.press(*step.keys)
        elif step.text is not None:
            await self.type(step.text)
        elif step.desk is not None:
            app = self.app
            try:
                await app.call(app.desk.backoffice, step.desk, dict(step.args))  # type: ignore[attr-defined]
            except Exception as exc:  # shown, like any refusal at the window
                from screens.common import error_text

                app.notify(error_text(exc), severity="error")
        await self.settle()

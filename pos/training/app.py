"""The training app: the real cashier screens on an attempt's training database.

    TrainingApp(settings, room, attempt)

What changes from the live app (pos.app.PosApp): `training` is forced on (the tinted theme, the
培训 marks, receipts marked 培训 in their own PX series, no drawer kick) and cannot be turned
off — the desk is the attempt's `TrainingDesk`, whose database is the attempt's own file, and
nothing in this app can open another (the co-pay desk, F2 on the login screen, is the attempt's
own over its recording center); every key is recorded for the replay; Ctrl+T gives a hint (it
costs points) and Ctrl+X ends the attempt with its score card.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType

from pos import i18n
from pos.app import PosApp
from pos.config import Settings
from pos.errors import PosError
from pos.training.room import Attempt, TrainingRoom


def _no_attempt_yet():
    raise PosError(
        "TRAINEE_REQUIRED", "请先选择学员和场景", "Choose a trainee and a scenario first"
    )


class TrainingApp(PosApp):
    BINDINGS: ClassVar[list[BindingType]] = [
        *PosApp.BINDINGS,
        Binding("ctrl+t", "hint", "key.train.hint", id="train-hint", priority=True),
        Binding("ctrl+x", "finish", "key.train.finish", id="train-finish", priority=True),
    ]

    def __init__(
        self,
        settings: Settings,
        room: TrainingRoom,
        attempt: Attempt | None,
        *,
        record: bool = True,
        replay_keys: list[str] | None = None,
        demo: bool = False,
        pace: float = 0.0,
    ) -> None:
        """`attempt` None: the app starts before its attempt (the classroom's picker chooses it,
        then `begin_attempt`); until then nothing can reach a desk."""
        update: dict = {"training": True, "show_clock": False}
        if attempt is not None:
            update["station"] = attempt.scenario.station
        settings = settings.model_copy(update=update)
        if attempt is None:
            super().__init__(settings, _no_attempt_yet)
        else:
            super().__init__(settings, attempt.desk, clock=attempt.desk.clock)
        self.room = room
        self.attempt = attempt
        self.record = record
        self.card = None
        self.replay_keys = replay_keys
        self.demo = demo
        self.pace = pace
        self._driven: set[events.Key] = set()  # key events sent by the replay or the demo
        self.captions: list[str] = []  # the demo's captions, as shown
        self._driver_task: asyncio.Task | None = None
        self.player = None
        self._last_key: events.Key | None = None

    def begin_attempt(self, attempt: Attempt) -> None:
        """Take an attempt started after the app: its desk, clock and station."""
        self.attempt = attempt
        self._desk = attempt.desk
        self.clock = attempt.desk.clock
        self.settings = self.settings.model_copy(update={"station": attempt.scenario.station})

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and event is not self._last_key:
            # A key reaches the app from the driver, and again when it bubbles up: count it once.
            self._last_key = event
            driven = event in self._driven
            self._driven.discard(event)
            if self.player is not None and not driven and not self.player.stopped:
                # Any key a person presses hands control back (demo mode).
                self.player.stopped = True
                self.notify(i18n.t("train.demo_handback"))
            if self.record:
                self.attempt.keys.append(event.key)
        await super().on_event(event)

    async def drive(self, keys: list[str]) -> None:
        """Send keys as a person would (the replay; the demo's player calls press_driven)."""
        for key_name in keys:
            await self.press_driven(key_name)
            if self.pace:
                await asyncio.sleep(self.pace)

    async def press_driven(self, key_name: str) -> None:
        """One key from the replay or the demo (marked as theirs, not a person's), waited for."""
        from screens.training_play import key_event, quiesce

        event = key_event(key_name)
        event.set_sender(self)
        self._driven.add(event)
        assert self._driver is not None
        self._driver.send_message(event)
        await quiesce(self)

    def caption(self, text: str) -> None:
        self.captions.append(text)
        self.notify(text, title=i18n.t("train.demo_caption"), timeout=max(3.0, self.pace * 3))

    async def _run_demo(self) -> None:
        from screens.training_play import Player

        self.player = Player(
            self,
            self.attempt.scenario,
            on_caption=self.caption,
            delay=self.pace,
            press=self.press_driven,
        )
        await self.player.press("enter")  # past the brief
        await self.player.play()
        if not self.player.stopped:
            await self.player.press("ctrl+x")  # the score card, shown a while
            await asyncio.sleep(self.pace * 4)
            if not self.player.stopped:
                self.exit()

    def _open_copay(self):
        """The co-pay desk (F2 on the login screen) on this attempt's database and recording
        center: its binding and 代缴 messages are graded and replayed like the window's."""
        if self._copay is None:
            code = self.attempt.scenario.station.rsplit("-", 1)[0]
            self._copay = self.attempt.desk.copay_desk(code)
        return self._copay

    def on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # PosApp.on_mount would push a second login screen
        self.set_class(True, "-training")
        from screens.login import LoginScreen
        from screens.training import BriefScreen

        self.push_screen(LoginScreen())
        self.push_screen(BriefScreen(self.attempt.scenario))
        if self.replay_keys is not None:
            self._driver_task = asyncio.get_running_loop().create_task(self.drive(self.replay_keys))
        elif self.demo:
            self._driver_task = asyncio.get_running_loop().create_task(self._run_demo())

    def action_hint(self) -> None:
        text = self.attempt.hint(i18n.get_lang())
        if text is None:
            self.notify(i18n.t("train.no_more_hints"))
        else:
            self.notify(text, title=i18n.t("train.hint_title"), timeout=20)

    async def action_finish(self) -> None:
        from screens.training import ScoreScreen

        if self.card is not None:
            return
        self.card = await self.call(self.room.finish, self.attempt)
        self.push_screen(ScoreScreen(self.card, self.attempt.scenario))

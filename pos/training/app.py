"""The training app: the real cashier screens on an attempt's training database.

    TrainingApp(settings, room, attempt)

What changes from the live app (pos.app.PosApp): `training` is forced on (the tinted theme, the
培训 marks, receipts marked 培训 in their own PX series, no drawer kick) and cannot be turned
off — the desk is the attempt's `TrainingDesk`, whose database is the attempt's own file, and
nothing in this app can open another; every key is recorded for the replay; Ctrl+Y gives a hint
(it costs points) and Ctrl+E ends the attempt with its score card.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType

from pos import i18n
from pos.app import PosApp
from pos.config import Settings
from pos.training.room import Attempt, TrainingRoom


class TrainingApp(PosApp):
    BINDINGS: ClassVar[list[BindingType]] = [
        *PosApp.BINDINGS,
        Binding("ctrl+y", "hint", "key.train.hint", id="train-hint", priority=True),
        Binding("ctrl+e", "finish", "key.train.finish", id="train-finish", priority=True),
    ]

    def __init__(
        self, settings: Settings, room: TrainingRoom, attempt: Attempt, *, record: bool = True
    ) -> None:
        settings = settings.model_copy(
            update={"training": True, "station": attempt.scenario.station, "show_clock": False}
        )
        super().__init__(settings, attempt.desk, clock=attempt.desk.clock)
        self.room = room
        self.attempt = attempt
        self.record = record
        self.card = None

    async def on_event(self, event: events.Event) -> None:
        if self.record and isinstance(event, events.Key):
            self.attempt.keys.append(event.key)
        await super().on_event(event)

    def on_mount(self) -> None:
        self.set_class(True, "-training")
        from screens.login import LoginScreen
        from screens.training import BriefScreen

        self.push_screen(LoginScreen())
        self.push_screen(BriefScreen(self.attempt.scenario))

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

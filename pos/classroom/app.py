"""One browser session of `pos serve`: the scenario picker, then the attempt, in ONE app.

`pos train` runs the picker as an app of its own and then the attempt's `TrainingApp`. In a
browser that cannot work: textual-serve ends the browser's session as soon as its app exits. So
`ClassroomApp` is a `TrainingApp` that starts without an attempt, shows the picker, and only then
starts the attempt (its own copy of the training template, in this session's own room) and takes
its desk, clock and station — the rest is the training app as it is (marks, hints, score card).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from textual import events

from pos.config import Settings
from pos.errors import PosError
from pos.training.app import TrainingApp
from pos.training.room import Attempt, TrainingRoom
from pos.training.scenarios import Scenario


class ClassroomApp(TrainingApp):
    def __init__(
        self,
        settings: Settings,
        room: TrainingRoom,
        scenarios: list[Scenario],
        *,
        on_screen: Callable[[str, str | None, Attempt | None], None] | None = None,
    ) -> None:
        # The picker's keys are not the attempt's: a replay starts at the brief.
        super().__init__(settings, room, None, record=False)
        self.scenarios = scenarios
        self.on_screen = on_screen
        self._server_pid = os.getppid()

    def on_mount(self, event: events.Mount) -> None:
        event.prevent_default()
        self.set_class(True, "-training")
        self.screen_change_signal.subscribe(self, self._screen_changed)
        self.call_after_refresh(self._show_picker)
        self.set_interval(2.0, self._check_server)

    def _check_server(self) -> None:
        """A server killed outright (SIGKILL) cannot send quit: a session whose parent is gone
        ends by itself, so no orphan keeps running (its room is removed on the way out)."""
        if os.getppid() != self._server_pid:
            self.exit()

    def _show_picker(self) -> None:
        from screens.training import PickerScreen

        self.push_screen(PickerScreen(self.scenarios), self._picked)

    def _screen_changed(self, screen) -> None:
        self.call_after_refresh(self._report)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.call_after_refresh(self._report)

    def _report(self) -> None:
        """Tell the session (its session.json) which screen is up and which field has the
        keys, once drawn: what a trainer (or a test) can see of a browser without its canvas."""
        if self.on_screen is not None:
            focused = self.screen.focused
            self.on_screen(
                type(self.screen).__name__, focused.id if focused else None, self.attempt
            )

    def _picked(self, chosen: tuple[str, str] | None) -> None:
        if chosen:
            self.run_worker(self._begin(*chosen), group="classroom", exclusive=True)

    async def _begin(self, trainee: str, scenario_id: str) -> None:
        from screens.login import LoginScreen
        from screens.training import BriefScreen

        sc = next(s for s in self.scenarios if s.id == scenario_id)
        try:
            attempt = await self.call(self.room.start, trainee, sc)
        except PosError as exc:
            self.notify(exc.message(self.settings.lang), severity="error")
            self._show_picker()
            return
        self.begin_attempt(attempt)
        self.record = True
        await self.push_screen(LoginScreen())
        await self.push_screen(BriefScreen(sc))

    def action_hint(self) -> None:
        if self.attempt is not None:
            super().action_hint()

    async def action_finish(self) -> None:
        if self.attempt is not None:
            await super().action_finish()

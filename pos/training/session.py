"""`pos train` in a terminal: the picker (trainee, scenario), then the attempt in a TrainingApp."""

from __future__ import annotations

from pos.config import Settings
from pos.training.room import TrainingRoom
from pos.training.scenarios import Scenario


def picker_app(settings: Settings, scenarios: list[Scenario], trainee: str | None = None):
    """The picker as a small app of its own; it exits with (trainee, scenario id)."""
    from textual.app import App

    from pos import i18n
    from pos.app import SCREENS_DIR
    from screens.training import PickerScreen

    class Picker(App[tuple[str, str]]):
        CSS_PATH = str(SCREENS_DIR / "app.tcss")
        ENABLE_COMMAND_PALETTE = False

        def on_mount(self) -> None:
            self.set_class(True, "-training")
            self.push_screen(PickerScreen(scenarios, trainee or ""), self.exit)

    i18n.set_lang(settings.lang)
    return Picker()


def pick(
    settings: Settings, scenarios: list[Scenario], trainee: str | None
) -> tuple[str, str] | None:
    """(trainee, scenario id), or None when the picker was quit."""
    return picker_app(settings, scenarios, trainee).run()


def run_training(
    room: TrainingRoom,
    settings: Settings,
    scenarios: list[Scenario],
    *,
    trainee: str | None = None,
    scenario_id: str | None = None,
) -> int:
    from pos.training.app import TrainingApp
    from pos.training.scenarios import scenario

    if trainee and scenario_id:
        chosen = (trainee, scenario_id)
    else:
        chosen = pick(settings, scenarios, trainee)
        if chosen is None:
            return 0
    attempt = room.start(chosen[0], scenario(chosen[1]))
    app = TrainingApp(settings, room, attempt)
    app.run()
    if app.card is None:  # quit before Ctrl+X: still graded (once), so the history is complete
        card = room.finish(attempt)
    else:
        card = app.card
        room.save(attempt, card.as_json())
    print(f"{attempt.id}: {card.points} points")
    return 0

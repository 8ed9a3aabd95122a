"""Play a scenario through the real screens (Pilot) in a TrainingApp; return the app and card.
The final screen is composed only when asked (`screenshot`)."""

from __future__ import annotations

from pos.training.app import TrainingApp
from pos.training.scenarios import PlayStep, Scenario
from screens.training_play import Player
from tests.training.conftest import START, settings


def step(**kw) -> PlayStep:
    return PlayStep(caption_zh="步骤", caption_en="step", **kw)


async def play(
    room,
    scenario: Scenario,
    tmp_path,
    steps: list[PlayStep] | None = None,
    *,
    hints: int = 0,
    screenshot: bool = False,
):
    attempt = room.start("学员甲", scenario, clock_start=START)
    app = TrainingApp(settings(tmp_path), room, attempt)
    async with app.run_test(size=(120, 36)):
        player = Player(app, scenario)
        await player.settle()
        await player.press("enter")  # past the brief
        await player.play(steps)
        for _ in range(hints):
            await player.press("ctrl+t")
        await player.press("ctrl+x")
        if screenshot:  # composed only when a test compares it
            app.final_screen = app.export_screenshot()
    return app, app.card

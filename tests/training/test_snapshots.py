"""Snapshots: the scenario picker, a brief, the training marks on the cashier screen, a score card."""

from __future__ import annotations

from pos.training.app import TrainingApp
from pos.training.scenarios import load_scenarios, scenario
from pos.training.session import picker_app
from screens.training_play import Player
from tests.training.conftest import START, settings

SIZE = (120, 36)


def test_picker(snap_compare, tmp_path):
    app = picker_app(settings(tmp_path), load_scenarios(), "学员甲")
    assert snap_compare(app, terminal_size=SIZE)


def test_brief(snap_compare, room, tmp_path):
    attempt = room.start("学员甲", scenario("zt-proof-two-givers"), clock_start=START)
    assert snap_compare(TrainingApp(settings(tmp_path), room, attempt), terminal_size=SIZE)


def test_training_marks_on_the_cashier_screen(snap_compare, room, tmp_path):
    sc = scenario("bt-copay-father")
    attempt = room.start("学员甲", sc, clock_start=START)

    async def run_before(pilot):
        player = Player(pilot.app, sc)
        await player.settle()
        await player.press("enter")
        await player.play(sc.play[:2])

    app = TrainingApp(settings(tmp_path), room, attempt)
    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_score_card(snap_compare, room, tmp_path):
    sc = scenario("zt-proof-two-givers")
    attempt = room.start("学员甲", sc, clock_start=START)
    attempt.seconds = 75  # the time taken, fixed for the snapshot

    async def run_before(pilot):
        player = Player(pilot.app, sc)
        await player.settle()
        await player.press("enter")
        await player.play(sc.play[:3])  # no settlement: the card shows what is wrong and why
        await player.press("ctrl+t", "ctrl+x")

    app = TrainingApp(settings(tmp_path), room, attempt)
    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)

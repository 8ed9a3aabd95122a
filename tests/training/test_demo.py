"""`pos demo`: the real app driven unattended through a scenario, a caption per step; any key a
person presses hands control back and the app stays theirs."""

from __future__ import annotations

import pytest

from pos.commands.demo import demo_app
from pos.training.scenarios import scenario
from screens.cashier import CashierScreen
from tests.training.conftest import settings

pytestmark = pytest.mark.usefixtures("no_frames")

SPEED = 10_000  # 0.12 ms a step: the same play, no human pace


async def test_the_demo_drives_a_scenario_to_the_end(room, tmp_path):
    sc = scenario("bt-two-givers-cash")
    app = demo_app(settings(tmp_path), room, sc, SPEED)
    async with app.run_test(size=(120, 36)) as pilot:
        while not app._driver_task.done():
            await pilot.pause(0.05)
        assert app._driver_task.exception() is None
    assert app.return_code == 0  # it ended by itself, after the score card
    assert app.captions == [s.caption_zh for s in sc.play]
    assert app.card is not None and app.card.full_marks, [i.en for i in app.card.items]
    assert not app.player.stopped
    rows = app.attempt.desk.settlements(limit=5)
    assert [r.receipt_no[:4] for r in rows] == ["PXMZ"]  # the training series


async def test_any_key_hands_control_back(room, tmp_path):
    sc = scenario("bt-two-givers-cash")
    app = demo_app(settings(tmp_path), room, sc, 12)  # 0.1 s a step: time to take over
    async with app.run_test(size=(120, 36)) as pilot:
        while not isinstance(app.screen, CashierScreen) or app.session is None:
            await pilot.pause(0.02)  # the demo has logged in
        await pilot.press("escape")  # a person's key
        assert app.player.stopped
        while not app._driver_task.done():
            await pilot.pause(0.05)
        driven = len(app.attempt.keys)
        await pilot.pause(0.3)
        assert len(app.attempt.keys) == driven  # nothing is driven any more
        assert app.card is None and app.is_running  # no score card, no exit: the person's
        # ... and the app is the person's: they scan the patient themselves.
        screen = app.screen
        assert isinstance(screen, CashierScreen)
        log = app.attempt.desk.training_center.log
        asked = sum(e.infno == "1101" for e in log)
        screen.query_one("#scan").focus()
        await pilot.press(*sc.credential.text, "enter")
        for _ in range(200):
            if sum(e.infno == "1101" for e in log) > asked and app.attempt.desk.visit_id:
                break
            await pilot.pause(0.05)
        assert sum(e.infno == "1101" for e in log) == asked + 1
        assert app.attempt.desk.patient.psn_no == "6527000000000004"
        assert len(app.captions) < len(sc.play)

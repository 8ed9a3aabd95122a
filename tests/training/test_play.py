"""Every scenario played through the real screens (Pilot) to its expected outcome scores full
marks; a deliberately wrong play loses the points it should; hints cost points; a replay
reproduces the attempt."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pos.training.scenarios import load_scenarios, scenario
from tests.training.play import play, step

pytestmark = pytest.mark.usefixtures("no_frames")

SCENARIOS = load_scenarios()


@pytest.mark.parametrize("sc", SCENARIOS, ids=[s.id for s in SCENARIOS])
async def test_the_model_play_scores_full_marks(room, tmp_path, sc):
    app, card = await play(room, sc, tmp_path)
    wrong = [(i.key, i.en) for i in card.items if not i.ok]
    assert card.full_marks and not wrong, wrong
    assert card.max_points >= 10
    record = room.load_record(app.attempt.id)
    assert record["score"]["points"] == card.points and record["keys"]
    # Training receipts have their own series: nothing takes a live MZ/HC number.
    rows = app.attempt.desk.settlements(limit=50) if app.attempt.desk.seated else []
    assert all(r.receipt_no.startswith(("PXMZ", "PXHC")) for r in rows)


def lost(card) -> set[str]:
    return {i.key for i in card.items if not i.ok}


async def test_declining_a_usable_giver_loses_givers_and_amounts(room, tmp_path):
    sc = scenario("bt-copay-father")
    steps = [
        *sc.play[:2],
        step(keys=["f5", "ctrl+n"]),
        step(keys=["f8"]),
        step(text="100"),
        step(keys=["f8"]),
    ]
    _, card = await play(room, sc, tmp_path, steps)
    assert lost(card) == {"givers", "amounts"}
    assert card.points == card.max_points - 20


async def test_skipping_the_proof_in_zhaotong_loses_proof_and_givers(room, tmp_path):
    sc = scenario("zt-proof-two-givers")
    steps = [
        *sc.play[:2],
        step(keys=["f5", "f8", "ctrl+n"]),
        step(keys=["f8"]),
        step(text="100"),
        step(keys=["f8"]),
    ]
    _, card = await play(room, sc, tmp_path, steps)
    assert {"proof", "givers", "amounts"} <= lost(card)
    assert "outcome" not in lost(card)


async def test_not_reversing_a_lost_settlement_loses_outcome_and_reversal(room, tmp_path):
    sc = scenario("bt-lost-2207")
    steps = sc.play[:-4]  # everything up to the lost 2207; no F12, no second settle
    _, card = await play(room, sc, tmp_path, steps)
    assert {"outcome", "reversal", "amounts"} <= lost(card)


async def test_a_wrong_drawer_count_loses_the_drawer(room, tmp_path):
    """The blind count as if the drawer held the cash due (203.00): the close shows no shortfall."""
    sc = scenario("bt-day-close-short")
    steps = [*sc.play[:2], step(keys=["2", "enter", "enter", "enter", "enter", "enter", "3"]),
             sc.play[-1]]  # fmt: skip
    _, card = await play(room, sc, tmp_path, steps)
    assert lost(card) == {"drawer"}
    item = next(i for i in card.items if i.key == "drawer")
    assert "20.00" in item.zh and "203.00" in item.en and "0.00" in item.en


async def test_the_old_split_cannot_be_forced_after_the_balance_changed(room, tmp_path):
    """balance_changes: after the refusal the old pre-settlement is void, so F8 F8 again cannot
    re-send it: F8 pre-settles afresh (the sister no longer pays) and settles the new cash."""
    sc = scenario("zt-balance-changes")
    steps = [*sc.play[:4], step(keys=["f8", "f8", "f8"])]
    app, card = await play(room, sc, tmp_path, steps)
    settles = [e for e in app.attempt.desk.training_center.log if e.infno == "2207"]
    assert [e.ok for e in settles] == [False, True]
    assert "共济额度已用完" in str(settles[0].response)
    assert card.full_marks


async def test_hints_cost_points(room, tmp_path):
    sc = scenario("bt-two-givers-cash")
    _, card = await play(room, sc, tmp_path, hints=2)
    assert card.hints == 2 and card.points == card.max_points - 10
    assert not card.full_marks
    assert room.history("学员甲")[-1]["points"] == card.points


async def test_a_replay_reproduces_the_attempt(room, tmp_path):
    from pos.training.app import TrainingApp
    from pos.training.replay import start_replay
    from screens.training_play import quiesce
    from tests.training.conftest import settings

    sc = scenario("bt-lost-2207")
    first, card = await play(room, sc, tmp_path, screenshot=True)
    attempt, keys, record = start_replay(room, first.attempt.id)
    assert keys == first.attempt.keys
    app = TrainingApp(settings(tmp_path), room, attempt, record=False, replay_keys=keys)
    async with app.run_test(size=(120, 36)) as pilot:
        while not app._driver_task.done():
            await pilot.pause(0.05)
        await quiesce(app)
        final = app.export_screenshot()
    assert attempt.messages == record["messages"]
    assert app.card.as_json() == card.as_json()
    assert final == first.final_screen


def test_an_amount_mismatch_names_both_values(room):
    from pos.training.scoring import grade
    from tests.training.conftest import START

    sc = scenario("bt-copay-father")
    attempt = room.start("学员乙", sc, clock_start=START)
    card = grade(sc, attempt.desk)  # nothing done at all
    assert lost(card) == {"outcome", "amounts", "givers"}
    amounts = next(i for i in card.items if i.key == "amounts")
    assert "79.60" in amounts.zh and card.points == 0
    assert Decimal("79.60") == sc.expect.medfee_sumamt

"""`pos train --replay ATTEMPT`: the attempt played back exactly for the debrief.

A fresh attempt (replay_of = the original) starts from the same template, on the same injected
clock start, with the same faults and setup; the recorded keys are sent again in order, at a
readable pace. Ids, msgids and times come from the same injected sources in the same order, so
the platform messages match the recording and the screens end as the trainee left them.
"""

from __future__ import annotations

from datetime import datetime

from pos.config import Settings
from pos.training.room import Attempt, TrainingRoom
from pos.training.scenarios import scenario


def start_replay(room: TrainingRoom, attempt_id: str) -> tuple[Attempt, list[str], dict]:
    record = room.load_record(attempt_id)
    sc = scenario(record["scenario"])
    attempt = room.start(
        record["trainee"],
        sc,
        clock_start=datetime.fromisoformat(record["clock_start"]),
        replay_of=attempt_id,
    )
    # Hints come back with their recorded keys (Ctrl+Y), so the card counts them again.
    seconds = (record.get("score") or {}).get("seconds")
    attempt.seconds = seconds
    return attempt, list(record.get("keys") or []), record


def replay(room: TrainingRoom, attempt_id: str, settings: Settings, *, speed: float = 1.0) -> int:
    from pos.training.app import TrainingApp

    attempt, keys, _ = start_replay(room, attempt_id)
    app = TrainingApp(settings, room, attempt, replay_keys=keys, pace=0.4 / max(speed, 0.05))
    app.run()
    return 0

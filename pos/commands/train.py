"""`pos train`: training mode, chosen explicitly (live is the default everywhere else).

    pos train                                   the picker: trainee name, scenario, then the brief
    pos train --trainee NAME --scenario ID      straight to that scenario's brief
    pos train --list [--json]                   the scenario library
    pos train --history [--trainee NAME] [--json]   attempts and their scores
    pos train --replay ATTEMPT                  play an attempt back exactly (the debrief)

Every attempt works on its own training database (a copy of the seeded template in the training
directory, `--dir` or POS_TRAINING_DIR; default: the user's data directory /training), so nothing
reaches the live database or its totals; `--db` is refused here for that reason.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train",
        help="training mode: scenarios on an isolated training database, scored",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--list", action="store_true", help="list the scenarios")
    p.add_argument("--json", action="store_true", help="with --list/--history: JSON")
    p.add_argument("--history", action="store_true", help="attempts (of --trainee) and scores")
    p.add_argument("--trainee", default=None, help="the trainee's name")
    p.add_argument("--scenario", default=None, help="scenario id (see --list)")
    p.add_argument("--replay", default=None, metavar="ATTEMPT", help="play an attempt back")
    p.add_argument("--dir", default=None, type=Path, help="the training directory")
    p.add_argument("--speed", type=float, default=1.0, help="--replay pace (2 = twice as fast)")
    p.set_defaults(func=run)


def _fail(message: str, status: int = 2) -> int:
    print(message, file=sys.stderr)
    return status


def run(args: argparse.Namespace) -> int:
    from pos.training.scenarios import ScenarioError, load_scenarios

    lang = args.lang or "zh"
    if getattr(args, "db", None):
        return _fail(
            "pos train 使用独立的培训数据库，不接受 --db / training never opens a live database"
        )
    try:
        scenarios = load_scenarios()
    except ScenarioError as exc:
        return _fail(str(exc), 1)
    if args.list:
        if args.json:
            print(json.dumps([s.listing(lang) for s in scenarios], ensure_ascii=False, indent=1))
        else:
            for s in scenarios:
                print(f"{s.id:<26} {s.title(lang)}")
        return 0
    from pos.training.room import TrainingRoom

    room = TrainingRoom(args.dir, lang=lang)
    if args.history:
        rows = room.history(args.trainee)
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=1))
        else:
            for r in rows:
                score = "—" if r["points"] is None else f"{r['points']}/{r['max_points']}"
                print(f"{r['id']:<60} {r['trainee']:<10} {r['scenario']:<26} {score}")
        return 0
    from pos.config import load_settings
    from pos.errors import PosError

    settings = load_settings(lang=lang)
    try:
        if args.replay:
            from pos.training.replay import replay

            return replay(room, args.replay, settings, speed=args.speed)
        from pos.training.session import run_training

        return run_training(
            room, settings, scenarios, trainee=args.trainee, scenario_id=args.scenario
        )
    except (PosError, ScenarioError) as exc:
        return _fail(exc.message(lang) if isinstance(exc, PosError) else str(exc), 1)

"""`pos demo [--scenario ID] [--speed X] [--loop]`: the real app driven through scenarios
unattended, at human pace, with a caption for each step. Any key hands control back.

Each run is a training attempt of the trainee "demo" on its own training database (nothing
reaches live data). Without --scenario every scenario is shown in turn; --loop starts again.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="drive the app through scenarios unattended, with captions")
    p.add_argument("--scenario", default=None, help="one scenario id (default: all, in turn)")
    p.add_argument("--speed", type=float, default=1.0, help="2 = twice as fast")
    p.add_argument("--loop", action="store_true", help="start again after the last one")
    p.add_argument("--dir", default=None, type=Path, help="the training directory")
    p.set_defaults(func=run)


PACE = 1.2  # seconds per step at --speed 1


def demo_app(settings, room, sc, speed: float = 1.0):
    """One scenario's demo: a fresh attempt of the trainee "demo", driven by its model play."""
    from pos.training.app import TrainingApp

    attempt = room.start("demo", sc)
    return TrainingApp(settings, room, attempt, demo=True, pace=PACE / speed)


def run(args: argparse.Namespace) -> int:
    from pos.config import load_settings
    from pos.training.room import TrainingRoom
    from pos.training.scenarios import ScenarioError, load_scenarios

    if args.speed <= 0:
        print("--speed: 应大于 0 / must be more than 0", file=sys.stderr)
        return 2
    try:
        scenarios = load_scenarios()
    except ScenarioError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.scenario:
        scenarios = [s for s in scenarios if s.id == args.scenario]
        if not scenarios:
            print(f"--scenario: 没有场景 / no scenario {args.scenario!r}", file=sys.stderr)
            return 2
    settings = load_settings(lang=args.lang)
    room = TrainingRoom(args.dir, lang=settings.lang)
    while True:
        for sc in scenarios:
            app = demo_app(settings, room, sc, args.speed)
            app.run()
            if app.player is not None and app.player.stopped:
                return 0  # a person took over and then quit
        if not args.loop:
            return 0

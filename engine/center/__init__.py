"""The embedded insurance center (医保中心): storage, the message interface, seed and check."""

from engine.center.center import Center, Faults, ResponseLost
from engine.center.check import check_center
from engine.center.seed import seed_center

__all__ = ["Center", "Faults", "ResponseLost", "check_center", "seed_center"]

"""The hospital's wall clock is engine.clock's China time (re-exported for the pos layers)."""

from engine.clock import CHINA, Clock, center_view, china_now, in_china

__all__ = ["CHINA", "Clock", "center_view", "china_now", "in_china"]

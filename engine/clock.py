"""The one wall clock: China Standard Time (UTC+8), whatever zone the host is set to.

The hospital keeps aware instants (`china_now`); the center keeps the same instant as naive China
time (`center_view`), the way the platform writes times. Everything that needs "now" takes a clock
callable, so tests inject one and every layer agrees on the day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")

Clock = Callable[[], datetime]


def china_now() -> datetime:
    return datetime.now(CHINA)


def in_china(instant: datetime) -> datetime:
    """An aware instant in China time; a naive one is taken as China time already."""
    return instant.astimezone(CHINA) if instant.tzinfo else instant.replace(tzinfo=CHINA)


def center_view(clock: Clock) -> Clock:
    """The same clock as naive China time, for the center."""

    def now() -> datetime:
        return in_china(clock()).replace(tzinfo=None)

    return now

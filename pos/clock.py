"""The hospital's wall clock: China Standard Time, whatever zone the machine is set to."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")


def china_now() -> datetime:
    return datetime.now(CHINA)

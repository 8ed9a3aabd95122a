"""`pos bench ui`'s stopwatch stops on the frame that shows the result (behaviour, no timings)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from pos.bench.ui import _latencies, _Stopwatch


class Message:
    pass


class Identified(Message):
    pass


def _screen(*ids: str) -> SimpleNamespace:
    return SimpleNamespace(_dirty_widgets=[SimpleNamespace(id=i) for i in ids])


def test_the_watch_stops_only_on_a_frame_that_repaints_the_result():
    # It stopped on "the first refresh after the result message", which could come before the
    # updated panel had asked for its repaint: a frame without the patient on it.
    watch = _Stopwatch()
    frames: list[str] = []
    watch.start("Identified")
    watch.frame(_screen("patient"), lambda: frames.append("before"))  # not arrived yet
    watch.hook(Identified())
    watch.frame(_screen("scan", "status"), lambda: frames.append("input"))  # not the panel
    assert watch.samples["Identified"] == []
    watch.frame(_screen("scan", "patient"), lambda: frames.append("panel"))
    assert len(watch.samples["Identified"]) == 1
    watch.frame(_screen("patient"), lambda: frames.append("later"))  # one sample per press
    assert len(watch.samples["Identified"]) == 1
    assert frames == ["before", "input", "panel", "later"]  # every frame is still drawn


def test_the_latency_run_measures_every_press(tmp_path):
    # The frame is seen by wrapping the pinned Textual's compositor refresh: a Textual that
    # renamed it would leave the watch running for ever; this says so instead.
    from pos.database import open_database

    url = f"sqlite:///{tmp_path / 'pos.sqlite3'}"
    open_database(url, pin_cost=2).dispose()
    result = asyncio.run(_latencies(url, 2))
    assert result["measured"] == [2, 2]

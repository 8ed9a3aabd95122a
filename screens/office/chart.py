"""A picture of the day with Textual's own widgets: the cash part taken hour by hour (Sparkline,
07:00–20:00) and what came in by channel (a ProgressBar per channel, scaled to the largest)."""

from __future__ import annotations

from decimal import Decimal

from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import Label, ProgressBar, Sparkline, Static

from engine.money import yuan
from pos.i18n import t
from pos.services.views import TENDER_METHODS, DayReportView

FIRST_HOUR, LAST_HOUR = 7, 20  # the outpatient day shown on the axis (others are added if used)


def hours_of(report: DayReportView) -> list[int]:
    used = [h for h, _, _ in report.by_hour]
    low = min([FIRST_HOUR, *used])
    high = max([LAST_HOUR, *used])
    return list(range(low, high + 1))


def hourly(report: DayReportView) -> list[float]:
    """The cash part per hour as plain numbers for the Sparkline (a picture, not money)."""
    got = {h: v for h, v, _ in report.by_hour}
    return [float(max(got.get(h, Decimal(0)), Decimal(0))) for h in hours_of(report)]


def axis(report: DayReportView) -> str:
    """Hour marks under the sparkline: one column per hour, a label every three."""
    hours = hours_of(report)
    out = ""
    for i, h in enumerate(hours):
        if i % 3 == 0 and len(out) <= i:
            out = out.ljust(i) + f"{h}"
    return out[: len(hours) + 2]


class DayPicture(Vertical):
    def compose(self) -> ComposeResult:
        yield Label(t("office.picture.by_hour"), classes="picture-title")
        yield Sparkline([], id="hour-spark")
        yield Static("", id="hour-axis")
        yield Label(t("office.picture.by_channel"), classes="picture-title")
        with Grid(id="channel-bars"):
            for method in TENDER_METHODS:
                yield Label(t(f"print.method.{method}"), classes="bar-label")
                yield ProgressBar(
                    total=100, show_eta=False, show_percentage=False, id=f"bar-{method}"
                )
                yield Label("", id=f"amount-{method}", classes="bar-amount")

    def show(self, report: DayReportView) -> None:
        spark = self.query_one("#hour-spark", Sparkline)
        spark.data = hourly(report)
        spark.styles.width = len(spark.data)
        self.query_one("#hour-axis", Static).update(axis(report))
        top = max([abs(v) for v in report.tenders.values()] + [Decimal("0.01")])
        for method in TENDER_METHODS:
            value = report.tenders.get(method, Decimal("0.00"))
            bar = self.query_one(f"#bar-{method}", ProgressBar)
            bar.update(total=100, progress=float(max(value, Decimal(0)) / top * 100))
            self.query_one(f"#amount-{method}", Label).update(yuan(value))

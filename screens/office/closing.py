"""日结: F5 an X report (mid-shift, nothing closed); F6 the day close — the blind count first, then
the close, the Z report and over/short; F8 prints the report shown. Beside it, the day's picture.

Until a report is asked for, no money is on this tab: the count is blind."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from engine.money import yuan
from pos.i18n import t
from pos.services.views import DayCloseView, DayReportView, DrawerCount
from screens.common import error_text
from screens.office.chart import DayPicture


class ReportReady(Message):
    def __init__(self, report: DayReportView, text: str, close: DayCloseView | None = None):
        super().__init__()
        self.report = report
        self.text = text
        self.close = close


class ClosingFailed(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class ReportPrinted(Message):
    def __init__(self, text: str, ok: bool) -> None:
        super().__init__()
        self.text = text
        self.ok = ok


def over_short_text(diff) -> tuple[str, str]:
    """(the sentence, its class): 长款 / 短款 / 相符."""
    if diff > 0:
        return t("office.close.over", amount=yuan(diff)), "-over"
    if diff < 0:
        return t("office.close.short", amount=yuan(-diff)), "-short"
    return t("office.close.even"), "-even"


class ClosingPane(Vertical):
    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.report: DayReportView | None = None
        self._busy = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="closing-body"):
            with VerticalScroll(id="report-scroll"):
                yield Static(t("office.close.empty"), id="report-text", markup=False)
            with Vertical(id="closing-side"):
                yield Static(t("office.close.hint"), id="closing-hint")
                yield Static("", id="closing-result")
                yield DayPicture(id="picture")

    def on_mount(self) -> None:
        self.query_one(DayPicture).display = False

    @property
    def status(self):
        return self.screen.status

    def _start(self, text: str) -> bool:
        if self._busy:
            self.status.show(t("status.busy"), "busy")
            return False
        self._busy = True
        self.status.show(text, "busy")
        return True

    # ------------------------------------------------------------------ workers (post only)

    @work(group="office-closing")
    async def run_x(self) -> None:
        desk = self.app.desk
        try:
            report = await self.app.call(desk.x_report)
            text = await self.app.call(desk.report_text, report, self.app.settings.printer.width)
        except Exception as exc:
            self.post_message(ClosingFailed(error_text(exc)))
            return
        self.post_message(ReportReady(report, text))

    @work(group="office-closing")
    async def run_close(self, count: DrawerCount) -> None:
        desk = self.app.desk
        try:
            close = await self.app.call(desk.day_close, count)
            report = await self.app.call(desk.z_report, close.id)
            text = await self.app.call(desk.report_text, report, self.app.settings.printer.width)
        except Exception as exc:
            self.post_message(ClosingFailed(error_text(exc)))
            return
        self.post_message(ReportReady(report, text, close))

    @work(group="office-closing")
    async def run_print(self, report: DayReportView) -> None:
        try:
            papers = await self.app.call(
                self.app.desk.print_report, report, self.app.settings.printer
            )
        except Exception as exc:
            self.post_message(ReportPrinted(error_text(exc), False))
            return
        if papers.printed_to is None:
            self.post_message(ReportPrinted(t("receipt.printer_off"), False))
        else:
            self.post_message(ReportPrinted(t("receipt.printed", path=papers.printed_to), True))

    # ------------------------------------------------------------------ handlers (own the state)

    @on(ClosingFailed)
    def _failed(self, msg: ClosingFailed) -> None:
        self._busy = False
        self.status.show(msg.text, "error")

    @on(ReportPrinted)
    def _printed(self, msg: ReportPrinted) -> None:
        self._busy = False
        self.status.show(msg.text, "ok" if msg.ok else "error")

    @on(ReportReady)
    def _ready(self, msg: ReportReady) -> None:
        self._busy = False
        self.report = msg.report
        self.query_one("#report-text", Static).update(msg.text)
        picture = self.query_one(DayPicture)
        picture.display = True
        picture.show(msg.report)
        result = self.query_one("#closing-result", Static)
        for cls in ("-over", "-short", "-even"):
            result.remove_class(cls)
        if msg.close is None:
            result.update(
                t(
                    "office.close.x_done",
                    n=msg.report.settle_count,
                    refunds=msg.report.refund_count,
                )
            )
            self.status.show(t("office.close.x_status"), "ok")
            return
        diff = msg.close.over_short
        sentence, cls = over_short_text(diff)
        result.update(
            t(
                "office.close.z_done",
                id=msg.close.id,
                counted=yuan(msg.close.drawer_counted),
                expected=yuan(msg.close.drawer_expected),
            )
            + "\n"
            + sentence
        )
        result.add_class(cls)
        self.status.show(t("office.close.z_status", id=msg.close.id) + " " + sentence, "ok")

    # ------------------------------------------------------------------ actions (from the screen)

    def x_report(self) -> None:
        if self._start(t("office.close.x_working")):
            self.run_x()

    def start_close(self) -> None:
        if self._busy:
            self.status.show(t("status.busy"), "busy")
            return
        from screens.office.count import BlindCountModal

        # Blind: nothing of the money stays on screen while the drawer is counted.
        self.report = None
        self.query_one("#report-text", Static).update(t("office.close.empty"))
        self.query_one("#closing-result", Static).update("")
        self.query_one(DayPicture).display = False

        def counted(count: DrawerCount | None) -> None:
            if count is None:
                self.status.show(t("office.close.cancelled"), "info")
                return
            if self._start(t("office.close.working")):
                self.run_close(count)

        self.app.push_screen(BlindCountModal(), counted)

    def print_report(self) -> None:
        if self.report is None:
            self.status.show(t("office.close.nothing_to_print"), "error")
            return
        if self._start(t("receipt.printing")):
            self.run_print(self.report)

"""The back-office screen: three tabs — 收费记录 (find, open, 补打 / 重打 / 退费), 日结 (blind count,
X and Z reports, the day's picture) and 对账 (3201 / 3202, 2601 冲正). Esc or F10 goes back to
the cashier screen, which is left as it was."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane

from pos.clock import in_china
from pos.i18n import get_lang, t
from screens.common import StatusLine, TranslatedBindings, key
from screens.office.closing import ClosingPane
from screens.office.keys import fkey
from screens.office.reconcile import ReconcilePane
from screens.office.records import RecordsPane


class BackOfficeScreen(TranslatedBindings, Screen[None]):
    CSS_PATH: ClassVar = ["office.tcss", "records.tcss", "closing.tcss", "reconcile.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        fkey("f2", "ctrl+f", "records", "key.office.records", id="office-records", show=False),
        fkey("f3", "ctrl+g", "closing", "key.office.closing", id="office-closing", show=False),
        fkey("f4", "ctrl+l", "reconcile_tab", "key.office.reconcile", id="office-reconcile-tab", show=False),
        fkey("f5", "ctrl+y", "x_report", "key.office.x_report", id="office-x-report"),
        fkey("f6", "ctrl+t", "day_close", "key.office.day_close", id="office-day-close"),
        fkey("f7", "ctrl+r", "reconcile", "key.office.run_reconcile", id="office-reconcile"),
        fkey("f8", "ctrl+p", "print_report", "key.office.print_report", id="office-print"),
        fkey("f12", "ctrl+s", "reverse", "key.office.reverse", id="office-reverse"),
        key("escape,f10,ctrl+y", "leave", "key.office.leave", id="office-leave"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self._translate_bindings()

    def compose(self) -> ComposeResult:
        with Horizontal(id="office-top"):
            yield Static(self._top_text(), id="office-info")
            yield Static(t("app.training_mark"), id="watermark")
        with TabbedContent(initial="tab-records", id="office-tabs"):
            with TabPane(t("office.tab.records"), id="tab-records"):
                yield RecordsPane(id="records")
            with TabPane(t("office.tab.closing"), id="tab-closing"):
                yield ClosingPane(id="closing")
            with TabPane(t("office.tab.reconcile"), id="tab-reconcile"):
                yield ReconcilePane(id="reconcile")
        yield StatusLine(t("office.ready"), id="office-status")
        yield Footer(compact=True)

    def _top_text(self) -> str:
        session = self.app.session
        now = in_china(self.app.clock()).strftime("%Y-%m-%d %H:%M")
        if session is None:
            return t("office.title")
        return t(
            "office.top",
            inst=session.station.institution_label(get_lang()),
            station=session.station.station_name,
            cashier=f"{session.cashier.cashier_no} {session.cashier.name}",
            now=now,
        )

    @property
    def status(self) -> StatusLine:
        return self.query_one("#office-status", StatusLine)

    def _tab(self, name: str) -> None:
        self.query_one(TabbedContent).active = f"tab-{name}"

    # ------------------------------------------------------------------ actions

    def action_records(self) -> None:
        self._tab("records")
        self.query_one(RecordsPane).focus_find()

    def action_closing(self) -> None:
        self._tab("closing")

    def action_reconcile_tab(self) -> None:
        self._tab("reconcile")

    def action_x_report(self) -> None:
        self._tab("closing")
        self.query_one(ClosingPane).x_report()

    def action_day_close(self) -> None:
        self._tab("closing")
        self.query_one(ClosingPane).start_close()

    def action_print_report(self) -> None:
        self._tab("closing")
        self.query_one(ClosingPane).print_report()

    def action_reconcile(self) -> None:
        self._tab("reconcile")
        self.query_one(ReconcilePane).run()

    def action_reverse(self) -> None:
        self._tab("reconcile")
        self.query_one(ReconcilePane).reverse()

    def action_leave(self) -> None:
        self.app.pop_screen()

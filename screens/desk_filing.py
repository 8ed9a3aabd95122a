"""异地就医备案: a person's filings (J303), register one (J301: destination region, period) or
cancel one (J302; it stays on file, cancelled). The cashier checks them when the patient is
treated outside the insured prefecture."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, Static

from pos.i18n import t
from pos.services.copay_desk import FilingView
from screens.common import StatusLine, TranslatedBindings, key
from screens.desk_common import DeskDone, DeskFailed, RefusalBox, failed, parse_day

MAX_SCAN = 200


def _regions() -> str:
    from engine.policy import list_policies, load_policy

    return " · ".join(f"{p.admdvs} {p.region_name}" for p in map(load_policy, list_policies()))


class FilingScreen(TranslatedBindings, Screen[None]):
    CSS_PATH = "desk_filing.tcss"
    HELP_FLOW = "desk.help_flow"
    BINDINGS: ClassVar[list[BindingType]] = [
        key("f8", "add", "key.filing_add", id="filing-add", priority=True),
        key("f6", "cancel", "key.filing_cancel", id="filing-cancel"),
        key("escape", "close", "key.back", id="filing-close"),
    ]

    def __init__(self, who: tuple[str, str] | None) -> None:
        """`who`: (psn_no, masked name) of the person to start with, or None (scan first)."""
        super().__init__()
        self._translate_bindings()
        self.who = who
        self.rows: tuple[FilingView, ...] = ()

    def compose(self) -> ComposeResult:
        with Horizontal(classes="mark-bar"):
            yield Static(t("filing.title"), id="filing-top")
            yield Static(t("app.training_mark"), id="watermark")
        with Horizontal(id="filing-scan-row"):
            yield Label(t("filing.person_scan"), id="filing-scan-label")
            yield Input(placeholder=t("desk.scan_ph"), id="filing-scan", max_length=MAX_SCAN)
        yield Static("", id="filing-who")
        table: DataTable = DataTable(id="filing-table", cursor_type="row")
        yield table
        with Vertical(id="filing-form"):
            yield Static(t("filing.new"), classes="filing-head")
            with Grid(id="filing-grid"):
                yield Label(t("filing.dest"))
                yield Input(placeholder="530600", id="filing-dest", max_length=6, compact=True)
                yield Label(t("filing.from"))
                yield Input(placeholder="YYYY-MM-DD", id="filing-from", max_length=10, compact=True)
                yield Label(t("filing.to"))
                yield Input(placeholder="YYYY-MM-DD", id="filing-to", max_length=10, compact=True)
            yield Static(t("filing.regions", regions=_regions()), id="filing-regions")
            yield RefusalBox()
        yield StatusLine(t("filing.hint"), id="status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for col in ("id", "from_region", "dest", "valid_from", "valid_to", "status"):
            table.add_column(t(f"filing.col.{col}"))
        for inp in self.query(Input):
            inp.cursor_blink = self.app.settings.cursor_blink
        if self.who is not None:
            self._show_who()
            self.run_list(self.who[0])
            self.query_one("#filing-dest", Input).focus()
        else:
            self.query_one("#filing-scan", Input).focus()

    def _show_who(self) -> None:
        psn, name = self.who  # type: ignore[misc]
        self.query_one("#filing-who", Static).update(t("filing.who", name=name, psn=psn))

    def _status(self, text: str, kind: str = "info") -> None:
        self.query_one(StatusLine).show(text, kind)

    # ------------------------------------------------------------------ workers

    @work(group="filing-list", exclusive=True)
    async def run_lookup(self, text: str) -> None:
        try:
            person = await self.app.call_copay("lookup", text)
            rows = await self.app.call_copay("filings", person.psn_no)
        except Exception as exc:
            self.post_message(failed("lookup", exc))
            return
        self.post_message(DeskDone("who", ((person.psn_no, person.name_masked), rows)))

    @work(group="filing-list", exclusive=True)
    async def run_list(self, psn_no: str) -> None:
        try:
            rows = await self.app.call_copay("filings", psn_no)
        except Exception as exc:
            self.post_message(failed("list", exc))
            return
        self.post_message(DeskDone("list", rows))

    @work(group="filing-call")
    async def run_call(self, what: str, method: str, **kwargs) -> None:
        try:
            f = await self.app.call_copay(method, **kwargs)
            rows = await self.app.call_copay("filings", kwargs["psn_no"])
        except Exception as exc:
            self.post_message(failed(what, exc))
            return
        self.post_message(DeskDone(what, (f, rows)))

    # ------------------------------------------------------------------ handlers

    def _show(self, rows: tuple[FilingView, ...]) -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        for f in rows:
            table.add_row(
                f"#{f.filing_id}",
                f.insuplc_admdvs,
                f.mdtrtarea_admvs,
                f.valid_from.isoformat(),
                f.valid_to.isoformat(),
                t(f"filing.status.{f.status}"),
                key=str(f.filing_id),
            )

    @on(DeskDone)
    def _done(self, msg: DeskDone) -> None:
        self.query_one(RefusalBox).clear()
        if msg.what == "who":
            self.who, rows = msg.value
            self._show_who()
            self._show(rows)
            self._status(t("filing.listed", n=len(rows)), "ok")
            self.query_one("#filing-dest", Input).focus()
        elif msg.what == "list":
            self._show(msg.value)
            self._status(t("filing.listed", n=len(msg.value)), "ok")
        else:
            f, rows = msg.value
            self._show(rows)
            self._status(t(f"filing.done_{msg.what}", id=f.filing_id, dest=f.mdtrtarea_admvs), "ok")

    @on(DeskFailed)
    def _failed(self, msg: DeskFailed) -> None:
        self.query_one(RefusalBox).show_reasons(msg.lines)
        self._status(msg.lines[0], "error")

    @on(Input.Submitted, "#filing-scan")
    def _scanned(self, event: Input.Submitted) -> None:
        text = event.value
        if not text.strip() or len(text) > MAX_SCAN or any(not c.isprintable() for c in text):
            self._status(t("scan.bad_input") if text.strip() else t("scan.empty"), "error")
            return
        self._status(t("desk.looking_up"), "busy")
        self.run_lookup(text)

    @on(Input.Submitted, "#filing-dest, #filing-from")
    def _next_field(self) -> None:
        self.focus_next()

    @on(Input.Submitted, "#filing-to")
    def _to_submitted(self) -> None:
        self.action_add()

    # ------------------------------------------------------------------ actions

    def action_add(self) -> None:
        if self.who is None:
            self._status(t("filing.need_person"), "error")
            self.query_one("#filing-scan", Input).focus()
            return
        dest = self.query_one("#filing-dest", Input).value.strip()
        if not (len(dest) == 6 and dest.isascii() and dest.isdigit()):
            self._status(t("filing.bad_dest"), "error")
            self.query_one("#filing-dest", Input).focus()
            return
        start = parse_day(self.query_one("#filing-from", Input).value)
        end = parse_day(self.query_one("#filing-to", Input).value)
        if start is None or end is None:
            self._status(t("bind.bad_day"), "error")
            return
        if end < start:
            self._status(t("filing.bad_period"), "error")
            return
        self._status(t("desk.working"), "busy")
        self.run_call(
            "add", "add_filing", psn_no=self.who[0], to_admdvs=dest, valid_from=start, valid_to=end
        )

    def action_cancel(self) -> None:
        table = self.query_one(DataTable)
        if self.who is None or not self.rows or table.cursor_row >= len(self.rows):
            self._status(t("filing.need_filing"), "error")
            return
        f = self.rows[table.cursor_row]
        self._status(t("desk.working"), "busy")
        self.run_call("cancel", "cancel_filing", psn_no=self.who[0], filing_id=f.filing_id)

    def action_close(self) -> None:
        self.dismiss(None)

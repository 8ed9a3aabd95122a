"""家庭共济经办台: the desk officer's counter (the insurer's service hall, not the hospital's).

Find the giver (scan / 社保卡 / 身份证 → 1101), see their bindings, bind a relative at the counter
(承诺书, relationship proof, quota, validity), review what the giver applied for online (approve or
reject with a reason), change a quota or the deduction order, unbind (the unused quota is
released), 代缴 a relative's resident premium, 异地就医备案, the giver's balance-change notices,
and the trainer's enrolment switch (a binding ends by itself when either side's enrolment
changes). F12 turns the table round: every giver of the selected beneficiary, in deduction order.

Reached from the login screen (F2 共济经办台). Every call goes to `CopayDesk` through
`app.call_copay` from a worker that only posts `DeskDone` / `DeskFailed`.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, Static

from pos.i18n import t
from pos.services.copay_desk import BindingView, EnrolmentView, PersonView
from screens.common import StatusLine, TranslatedBindings, key
from screens.desk_common import (
    BINDING_COLUMNS,
    DeskDone,
    DeskFailed,
    RefusalBox,
    binding_cells,
    binding_detail,
    failed,
    person_text,
)

MAX_SCAN = 200


def _cells(cell: object) -> int:
    return cell.cell_len if isinstance(cell, Text) else cell_len(str(cell))


class DeskScreen(TranslatedBindings, Screen[None]):
    CSS_PATH = "desk.tcss"
    HELP_FLOW = "desk.help_flow"
    BINDINGS: ClassVar[list[BindingType]] = [
        key("f2", "bind", "key.desk_bind", id="desk-bind"),
        key("f3", "approve", "key.desk_approve", id="desk-approve"),
        key("f4", "reject", "key.desk_reject", id="desk-reject"),
        key("f5", "edit", "key.desk_edit", id="desk-edit"),
        key("f6", "unbind", "key.desk_unbind", id="desk-unbind"),
        key("f7", "premium", "key.desk_premium", id="desk-premium"),
        key("f8", "filing", "key.desk_filing", id="desk-filing"),
        key("f9", "notices", "key.desk_notices", id="desk-notices"),
        key("f10", "online", "key.desk_online", id="desk-online"),
        key("f11", "enrolment", "key.desk_enrolment", id="desk-enrolment"),
        key("f12", "turn", "key.desk_turn", id="desk-turn"),
        key("escape", "back", "key.desk_logout", id="desk-back"),
    ]
    # Twelve actions do not fit one footer line: it shows the counter's everyday ones (at 80
    # columns fewer); 备案, 提醒, the enrolment switch and F12 still work, F1 lists every key.
    FOOTER_KEYS = frozenset(
        {"desk-bind", "desk-approve", "desk-reject", "desk-edit", "desk-unbind", "desk-premium"}
        | {"desk-online", "desk-back"}
    )
    NARROW_FOOTER_KEYS = FOOTER_KEYS - {"desk-online"}

    def __init__(self) -> None:
        super().__init__()
        self._translate_bindings()
        self.giver: PersonView | None = None
        self.giver_scan = ""  # the credential that found the giver (to read them again)
        self.rows: tuple[BindingView, ...] = ()
        self.by_beneficiary: str | None = (
            None  # psn_no when the table shows one beneficiary's givers
        )

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        with Horizontal(classes="mark-bar"):
            yield Static(t("desk.top", officer="DESK"), id="desk-top")
            yield Static(t("app.training_mark"), id="watermark")
        with Horizontal(id="desk-scan-row"):
            yield Label(t("desk.giver_scan"), id="desk-scan-label")
            yield Input(placeholder=t("desk.scan_ph"), id="desk-scan", max_length=MAX_SCAN)
        yield Static(t("desk.no_giver"), id="desk-giver")
        yield Static(t("desk.table_giver"), id="desk-table-title")
        table: DataTable = DataTable(id="desk-bindings", cursor_type="row", zebra_stripes=True)
        yield table
        with Vertical(id="desk-foot"):
            yield Static("", id="desk-detail")
            yield RefusalBox(id="desk-refusal")
        yield StatusLine(t("desk.ready"), id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.fit_footer(self.app.has_class("-narrow"))
        self._fill_table(())
        scan = self.query_one("#desk-scan", Input)
        scan.cursor_blink = self.app.settings.cursor_blink
        scan.focus()

    # ------------------------------------------------------------------ helpers

    def _columns(self) -> list[str]:
        """The table's columns for what it shows now (one giver, or one beneficiary's givers)."""
        left_out = "beneficiary" if self.by_beneficiary else "giver"
        return [c for c in BINDING_COLUMNS if c != left_out]

    def _fill_table(self, rows: tuple[BindingView, ...]) -> DataTable:
        """Header and rows, each column as wide as what it shows now. The widths are measured
        here, not left to the table's next idle moment: a table refilled under a modal would
        otherwise keep its old widths for as long as the modal is up."""
        table = self.query_one(DataTable)
        table.clear(columns=True)
        cols = self._columns()
        rows_cells = [binding_cells(b) for b in rows]
        for col in cols:
            label = t(f"desk.col.{col}")
            width = max([cell_len(label)] + [_cells(r[col]) for r in rows_cells])
            table.add_column(label, key=col, width=width)
        for b, cells in zip(rows, rows_cells, strict=True):
            table.add_row(*(cells[c] for c in cols), key=b.binding_id)
        return table

    def _status(self, text: str, kind: str = "info") -> None:
        self.query_one(StatusLine).show(text, kind)

    def _refuse(self, msg: DeskFailed) -> None:
        self.query_one(RefusalBox).show_reasons(msg.lines)
        self._status(msg.lines[0], "error")

    def selected(self) -> BindingView | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def _need_giver(self) -> bool:
        if self.giver is None:
            self._status(t("desk.need_giver"), "error")
            self.query_one("#desk-scan", Input).focus()
            return False
        return True

    def _need_selected(self, *statuses: str) -> BindingView | None:
        b = self.selected()
        if b is None:
            self._status(t("desk.need_binding"), "error")
            return None
        if statuses and b.status not in statuses:
            self._status(t("desk.wrong_status", status=t(f"desk.status.{b.status}")), "error")
            return None
        return b

    def show_rows(self, rows: tuple[BindingView, ...], keep: str | None = None) -> None:
        if self.by_beneficiary:  # one beneficiary's givers: in deduction order, live ones first
            live = ("active", "pending")
            rows = tuple(sorted(rows, key=lambda b: (b.status not in live, b.order, b.binding_id)))
        self.rows = rows
        table = self._fill_table(rows)
        if keep is not None:
            ids = [b.binding_id for b in rows]
            if keep in ids:
                table.move_cursor(row=ids.index(keep))
        if self.by_beneficiary:
            name = rows[0].beneficiary_name_masked if rows else self.by_beneficiary
            title = t("desk.table_beneficiary", name=name)
        else:
            title = t("desk.table_giver")
        self.query_one("#desk-table-title", Static).update(title)
        if not rows:
            self.query_one("#desk-detail", Static).update(t("desk.no_bindings"))
        else:
            self._show_detail()

    def _show_detail(self) -> None:
        b = self.selected()
        self.query_one("#desk-detail", Static).update(binding_detail(b) if b else "")

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    # ------------------------------------------------------------------ workers (post only)

    @work(group="desk-lookup", exclusive=True)
    async def run_lookup(self, text: str) -> None:
        try:
            person = await self.app.call_copay("lookup", text)
            rows = await self.app.call_copay("bindings", giver_psn_no=person.psn_no)
        except Exception as exc:
            self.post_message(failed("lookup", exc))
            return
        self.post_message(DeskDone("lookup", (person, rows, text)))

    @work(group="desk-call")
    async def run_call(self, what: str, method: str, *args, **kwargs) -> None:
        try:
            value = await self.app.call_copay(method, *args, **kwargs)
        except Exception as exc:
            self.post_message(failed(what, exc))
            return
        self.post_message(DeskDone(what, value))

    @work(group="desk-refresh", exclusive=True)
    async def run_refresh(self, keep: str | None = None) -> None:
        """Re-read the giver (balance, ring-fenced) and the table as it is shown."""
        try:
            giver = self.giver
            if giver is not None:
                giver = await self.app.call_copay("lookup", self.giver_scan)
            if self.by_beneficiary:
                rows = await self.app.call_copay("bindings", beneficiary_psn_no=self.by_beneficiary)
            elif giver is not None:
                rows = await self.app.call_copay("bindings", giver_psn_no=giver.psn_no)
            else:
                rows = ()
        except Exception as exc:
            self.post_message(failed("refresh", exc))
            return
        self.post_message(DeskDone("refresh", (giver, rows, keep)))

    # ------------------------------------------------------------------ handlers (own the state)

    @on(Input.Submitted, "#desk-scan")
    def _scanned(self, event: Input.Submitted) -> None:
        text = event.value
        if not text.strip():
            self._status(t("scan.empty"), "error")
            return
        if len(text) > MAX_SCAN or any(not ch.isprintable() for ch in text):
            self._status(t("scan.bad_input"), "error")
            return
        self._status(t("desk.looking_up"), "busy")
        self.run_lookup(text)

    @on(DeskDone)
    def _done(self, msg: DeskDone) -> None:
        self.query_one(RefusalBox).clear()
        if msg.what == "lookup":
            person, rows, scanned = msg.value
            self.giver, self.giver_scan = person, scanned
            self.by_beneficiary = None
            self.query_one("#desk-giver", Static).update(person_text(person))
            self.show_rows(rows)
            self._status(t("desk.found", name=person.name_masked, n=len(rows)), "ok")
            self.query_one(DataTable).focus()
        elif msg.what == "refresh":
            giver, rows, keep = msg.value
            if giver is not None:
                self.giver = giver
                self.query_one("#desk-giver", Static).update(person_text(giver))
            self.show_rows(rows, keep)
        elif msg.what == "turn":
            psn, rows = msg.value
            self.by_beneficiary = psn
            self.show_rows(rows)
            self._status(t("desk.turned", n=len(rows)), "ok")
        elif msg.what in ("approve", "reject", "edit", "unbind"):
            b: BindingView = msg.value
            text = t(f"desk.done_{msg.what}", id=b.binding_id)
            if msg.what == "unbind":
                text = t("desk.done_unbind", id=b.binding_id, amount=f"{b.quota_returned:.2f}")
            self._status(text, "ok")
            self.run_refresh(b.binding_id)

    @on(DeskFailed)
    def _failed(self, msg: DeskFailed) -> None:
        self._refuse(msg)

    # ------------------------------------------------------------------ actions

    def action_bind(self) -> None:
        if not self._need_giver():
            return
        from screens.desk_bind import BindModal

        def bound(b: BindingView | None) -> None:
            if b is not None:
                self.query_one(RefusalBox).clear()
                self._status(t("desk.done_bind", id=b.binding_id), "ok")
                self.by_beneficiary = None
                self.run_refresh(b.binding_id)

        self.app.push_screen(BindModal(self.giver, "counter"), bound)

    def action_approve(self) -> None:
        b = self._need_selected("pending")
        if b is not None:
            self._status(t("desk.working"), "busy")
            self.run_call("approve", "approve", b.binding_id)

    def action_reject(self) -> None:
        b = self._need_selected("pending")
        if b is None:
            return
        from screens.desk_forms import RejectModal

        def rejected(reason: str | None) -> None:
            if reason:
                self.run_call("reject", "reject", b.binding_id, reason)

        self.app.push_screen(RejectModal(b), rejected)

    def action_edit(self) -> None:
        b = self._need_selected("active")
        if b is None:
            return
        from screens.desk_forms import EditModal

        def edited(change: tuple | None) -> None:
            if change is not None:
                quota, order = change
                self.run_call("edit", "edit", b.binding_id, quota=quota, order=order)

        self.app.push_screen(EditModal(b), edited)

    def action_unbind(self) -> None:
        b = self._need_selected("active", "pending")
        if b is None:
            return
        from screens.desk_forms import UnbindModal

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.run_call("unbind", "unbind", b.binding_id)

        self.app.push_screen(UnbindModal(b), confirmed)

    def action_premium(self) -> None:
        b = self._need_selected("active")
        if b is None:
            return
        from screens.desk_premium import PremiumModal

        def paid(done: bool | None) -> None:
            if done:
                self.run_refresh(b.binding_id)

        self.app.push_screen(PremiumModal(b), paid)

    def action_filing(self) -> None:
        from screens.desk_filing import FilingScreen

        b = self.selected()
        if b is not None and self.by_beneficiary:
            who = (b.beneficiary_psn_no, b.beneficiary_name_masked)
        elif self.giver is not None:
            who = (self.giver.psn_no, self.giver.name_masked)
        else:
            who = None
        self.app.push_screen(FilingScreen(who))

    def action_notices(self) -> None:
        if not self._need_giver():
            return
        from screens.desk_notices import NoticesModal

        g = self.giver
        assert g is not None
        self.app.push_screen(NoticesModal(g.psn_no, g.name_masked))

    def action_online(self) -> None:
        if not self._need_giver():
            return
        from screens.desk_online import OnlineScreen

        def back(_: None) -> None:
            self.by_beneficiary = None
            self.run_refresh(None)

        self.app.push_screen(OnlineScreen(self.giver, self.giver_scan), back)

    def action_enrolment(self) -> None:
        from screens.desk_forms import EnrolmentModal

        b = self.selected()
        choices = []
        if self.giver is not None:
            choices.append((self.giver.psn_no, self.giver.name_masked))
        if b is not None:
            for psn, name in (
                (b.beneficiary_psn_no, b.beneficiary_name_masked),
                (b.giver_psn_no, b.giver_name_masked),
            ):
                if psn not in [c[0] for c in choices]:
                    choices.append((psn, name))
        if not choices:
            self._need_giver()
            return

        def changed(e: EnrolmentView | None) -> None:
            if e is None:
                return
            ids = "、".join(x.binding_id for x in e.ended) or "—"
            self._status(t("desk.enrolment_done", psn=e.psn_no, n=len(e.ended), ids=ids), "ok")
            self.run_refresh(b.binding_id if b else None)

        self.app.push_screen(EnrolmentModal(tuple(choices)), changed)

    def action_turn(self) -> None:
        if self.by_beneficiary:
            self.by_beneficiary = None
            self.run_refresh(None)
            return
        b = self._need_selected()
        if b is not None:
            self.run_turn(b.beneficiary_psn_no)

    @work(group="desk-refresh", exclusive=True)
    async def run_turn(self, psn_no: str) -> None:
        try:
            rows = await self.app.call_copay("bindings", beneficiary_psn_no=psn_no)
        except Exception as exc:
            self.post_message(failed("turn", exc))
            return
        self.post_message(DeskDone("turn", (psn_no, rows)))

    def action_back(self) -> None:
        from screens.login import LoginScreen

        self.app.switch_screen(LoginScreen())

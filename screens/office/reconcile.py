"""对账: F7 sends 3201 per 险种 × 清算类别 for today (平 / 不平); where 不平, 3202's mismatched
settlements are listed, with the messages whose answer was lost (the usual cause). F12 reverses
the highlighted one (2601 冲正) and reconciles again."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from engine.codes import Insutype
from engine.money import yuan
from pos.clock import in_china
from pos.i18n import t
from pos.services.views import LostCall, ReconcileView
from screens.common import error_text
from screens.widgets import code_label

CLR_TYPES = {"11": "office.clr.11", "21": "office.clr.21", "41": "office.clr.41"}


class Reconciled(Message):
    def __init__(self, view: ReconcileView, lost: list[LostCall], note: str = "") -> None:
        super().__init__()
        self.view = view
        self.lost = lost
        self.note = note


class ReconcileFailed(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class ReconcilePane(Vertical):
    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.lost: list[LostCall] = []
        self._busy = False

    def compose(self) -> ComposeResult:
        yield Static(t("office.recon.hint"), id="recon-hint")
        yield Static("", id="recon-result")
        yield DataTable(id="recon-table", cursor_type="row", show_cursor=False)
        yield Label(t("office.recon.mismatches"), classes="recon-title")
        yield DataTable(id="mismatch-table", cursor_type="row", show_cursor=False)
        yield Label(t("office.recon.lost"), classes="recon-title")
        yield DataTable(id="lost-table", cursor_type="row")

    def on_mount(self) -> None:
        groups = self.query_one("#recon-table", DataTable)
        for col in ("insutype", "clr_type", "count", "medfee", "fund", "acct", "result", "dscr"):
            groups.add_column(t(f"office.recon.col.{col}"), key=col)
        wrong = self.query_one("#mismatch-table", DataTable)
        for col in ("setl_id", "msgid", "refd", "result", "memo"):
            wrong.add_column(t(f"office.recon.col.{col}"), key=col)
        lost = self.query_one("#lost-table", DataTable)
        for col in ("infno", "msgid", "psn_no", "sent_at"):
            lost.add_column(t(f"office.recon.col.{col}"), key=col)

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

    @work(group="office-reconcile")
    async def run_reconcile(self, note: str = "") -> None:
        desk = self.app.desk
        try:
            view = await self.app.call(desk.reconcile)
            lost = await self.app.call(desk.pending_reversals)
        except Exception as exc:
            self.post_message(ReconcileFailed(note + error_text(exc)))
            return
        self.post_message(Reconciled(view, list(lost), note))

    @work(group="office-reconcile")
    async def run_reverse(self, call: LostCall) -> None:
        try:
            await self.app.call(self.app.desk.reverse_lost, call.msgid)
        except Exception as exc:
            self.post_message(ReconcileFailed(error_text(exc)))
            return
        self.run_reconcile(t("office.recon.reversed", infno=call.infno, msgid=call.msgid) + " ")

    # ------------------------------------------------------------------ handlers (own the state)

    @on(ReconcileFailed)
    def _failed(self, msg: ReconcileFailed) -> None:
        self._busy = False
        self.status.show(msg.text, "error")

    @on(Reconciled)
    def _reconciled(self, msg: Reconciled) -> None:
        self._busy = False
        view = msg.view
        groups = self.query_one("#recon-table", DataTable)
        groups.clear()
        for line in view.lines:
            groups.add_row(
                code_label(Insutype, line.insutype),
                t(CLR_TYPES.get(line.clr_type, "office.clr.other"), code=line.clr_type),
                str(line.setl_cnt),
                yuan(line.medfee_sumamt),
                yuan(line.fund_pay_sumamt),
                yuan(line.acct_pay),
                t("office.recon.balanced") if line.balanced else t("office.recon.unbalanced"),
                line.stmt_rslt_dscr,
            )
        wrong = self.query_one("#mismatch-table", DataTable)
        wrong.clear()
        for row in view.mismatches:
            wrong.add_row(
                str(row.get("setl_id", "")),
                str(row.get("msgid", "")),
                t("office.recon.refd") if str(row.get("refd_setl_flag")) == "1" else "",
                t("office.recon.unbalanced"),
                str(row.get("memo", "")),
            )
        self.lost = msg.lost
        lost = self.query_one("#lost-table", DataTable)
        lost.clear()
        for call in msg.lost:
            lost.add_row(
                call.infno,
                call.msgid,
                call.psn_no,
                in_china(call.sent_at).strftime("%m-%d %H:%M:%S"),
            )
        day = view.day.isoformat()
        if view.balanced:
            result = t("office.recon.all_balanced", day=day, n=len(view.lines))
        else:
            bad = sum(not line.balanced for line in view.lines)
            result = t("office.recon.some_unbalanced", day=day, n=bad, rows=len(view.mismatches))
            if msg.lost:
                result += " " + t("office.recon.fix_hint", n=len(msg.lost))
        shown = self.query_one("#recon-result", Static)
        shown.update(result)
        shown.set_class(not view.balanced, "-unbalanced")
        self.status.show(msg.note + result, "ok" if view.balanced else "error")
        if msg.lost:
            lost.focus()

    # ------------------------------------------------------------------ actions (from the screen)

    def run(self) -> None:
        if self._start(t("office.recon.working")):
            self.run_reconcile()

    def reverse(self) -> None:
        if not self.lost:
            self.status.show(t("office.recon.nothing_lost"), "error")
            return
        table = self.query_one("#lost-table", DataTable)
        index = table.cursor_row if 0 <= table.cursor_row < len(self.lost) else 0
        if self._start(t("status.working.reverse")):
            self.run_reverse(self.lost[index])

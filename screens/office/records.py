"""收费记录: today's settlements at this window by this cashier, or found by receipt number, by a
scan of the patient's credential, or by name; Enter opens one (record.py)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Label

from engine.masking import mask_name
from engine.money import yuan
from pos.clock import in_china
from pos.i18n import t
from pos.services.views import ReceiptRecordView, own_acct_pay
from screens.common import error_text

MAX_FIND = 64


class Found(Message):
    def __init__(self, rows: list[ReceiptRecordView], text: str) -> None:
        super().__init__()
        self.rows = rows
        self.text = text


class FindFailed(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


def state_label(row: ReceiptRecordView) -> str:
    """已冲红 / 冲红 / 补打n / 重打 — what happened to it since."""
    parts = []
    if row.settlement.kind == "refund":
        parts.append(t("office.kind.refund"))
    elif row.refund is not None:
        parts.append(t("office.state.refunded"))
    if row.void_numbers:
        parts.append(t("office.state.reissued", n=len(row.void_numbers)))
    if row.reprints:
        parts.append(t("office.state.reprinted", n=row.reprints))
    return " ".join(parts) or t("office.state.normal")


class RecordsPane(Vertical):
    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.rows: list[ReceiptRecordView] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="find-row"):
            yield Label(t("office.find.label"), id="find-label")
            yield Input(placeholder=t("office.find.placeholder"), id="find", max_length=MAX_FIND)
        yield DataTable(id="records-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in ("receipt", "time", "name", "total", "fund", "acct", "copay", "cash", "state"):
            table.add_column(t(f"office.col.{label}"), key=label)
        find = self.query_one("#find", Input)
        find.cursor_blink = self.app.settings.cursor_blink
        self.search("")

    def focus_find(self) -> None:
        self.query_one("#find", Input).focus()

    @on(Input.Submitted, "#find")
    def _submitted(self, event: Input.Submitted) -> None:
        self.search(event.value)

    @work(group="office-find", exclusive=True)
    async def search(self, text: str) -> None:
        try:
            rows = await self.app.call(self.app.desk.find_settlements, text)
        except Exception as exc:
            self.post_message(FindFailed(error_text(exc)))
            return
        self.post_message(Found(list(rows), text.strip()))

    @on(FindFailed)
    def _failed(self, msg: FindFailed) -> None:
        self.screen.status.show(msg.text, "error")

    @on(Found)
    def _found(self, msg: Found) -> None:
        self.rows = msg.rows
        table = self.query_one(DataTable)
        table.clear()
        for row in msg.rows:
            s = row.settlement
            kind = "HC" if s.kind == "refund" else ""
            table.add_row(
                row.receipt_no,
                in_china(s.setl_time).strftime("%m-%d %H:%M"),
                mask_name(s.psn_name),
                yuan(s.amount("medfee_sumamt")),
                yuan(s.amount("fund_pay_sumamt")),
                yuan(own_acct_pay(s.amounts)),
                yuan(s.amount("acct_mulaid_pay")),
                yuan(s.amount("psn_cash_pay")),
                state_label(row),
                key=f"{s.id}{kind}",
            )
        note = (
            t("office.find.today", n=len(msg.rows))
            if not msg.text
            else t("office.find.found", n=len(msg.rows), text=msg.text)
        )
        self.screen.status.show(note, "ok" if msg.rows else "info")
        if msg.rows:
            table.focus()

    @on(DataTable.RowSelected, "#records-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        index = event.cursor_row
        if 0 <= index < len(self.rows):
            self.open_record(self.rows[index])

    def open_record(self, row: ReceiptRecordView) -> None:
        from screens.office.record import RecordModal

        def closed(changed: bool | None) -> None:
            if changed:
                self.search(self.query_one("#find", Input).value)

        self.app.push_screen(RecordModal(row.settlement.id), closed)

"""退费 (冲红): full, or partial — tick the lines the patient keeps; they are charged again at once.
Every refund needs a supervisor's number and PIN and a reason (checked by the desk, audited)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from engine.money import yuan
from pos.i18n import t
from pos.services.views import ReceiptRecordView
from screens.common import StatusLine, TranslatedBindings, key
from screens.office.keys import fkey

MAX_REASON = 100


@dataclass(frozen=True)
class RefundRequest:
    keep: tuple[int, ...]  # line numbers charged again (empty: a full refund)
    supervisor_no: str
    pin: str
    reason: str


class RefundModal(TranslatedBindings, ModalScreen[RefundRequest | None]):
    CSS_PATH = "refund.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        fkey("f8", "ctrl+y", "confirm", "key.office.confirm_refund", id="refund-confirm",
             priority=True),
        key("escape", "back", "key.back", id="refund-back"),
    ]  # fmt: skip

    def __init__(self, record: ReceiptRecordView) -> None:
        super().__init__()
        self._translate_bindings()
        self.record = record

    def compose(self) -> ComposeResult:
        s = self.record.settlement
        with Vertical(classes="modal-box", id="refund-box"):
            yield Static(t("office.refund.title", no=self.record.receipt_no), classes="modal-title")
            yield Static(
                t(
                    "office.refund.summary",
                    total=yuan(s.amount("medfee_sumamt")),
                    cash=yuan(s.amount("psn_cash_pay")),
                ),
                id="refund-summary",
            )
            yield Label(t("office.refund.keep_label"), id="keep-label")
            yield SelectionList[int](
                *(
                    Selection(f"{ln.line_no:>2} {ln.name}  {yuan(ln.amount)}", ln.line_no)
                    for ln in self.record.fee_lines
                ),
                id="keep-lines",
            )
            with Grid(id="refund-grid"):
                yield Label(t("office.refund.reason"))
                yield Input(id="refund-reason", max_length=MAX_REASON)
                yield Label(t("office.refund.supervisor"))
                yield Input(placeholder="1009", id="supervisor-no", max_length=10)
                yield Label(t("office.refund.pin"))
                yield Input(password=True, id="supervisor-pin", max_length=6)
            yield StatusLine(t("office.refund.hint"), id="refund-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        for inp in self.query(Input):
            inp.cursor_blink = self.app.settings.cursor_blink
        self.query_one("#keep-lines", SelectionList).focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        order = ["refund-reason", "supervisor-no", "supervisor-pin"]
        at = order.index(event.input.id) if event.input.id in order else -1
        if 0 <= at < len(order) - 1:
            self.query_one(f"#{order[at + 1]}", Input).focus()
        else:
            self.action_confirm()

    def action_confirm(self) -> None:
        status = self.query_one(StatusLine)
        keep = tuple(sorted(self.query_one("#keep-lines", SelectionList).selected))
        if len(keep) == len(self.record.fee_lines):
            status.show(t("office.refund.keeps_all"), "error")
            return
        reason = self.query_one("#refund-reason", Input).value.strip()
        supervisor = self.query_one("#supervisor-no", Input).value.strip()
        pin = self.query_one("#supervisor-pin", Input).value
        for value, field, msg in (
            (reason, "#refund-reason", "office.refund.need_reason"),
            (supervisor, "#supervisor-no", "office.refund.need_supervisor"),
            (pin, "#supervisor-pin", "office.refund.need_pin"),
        ):
            if not value:
                status.show(t(msg), "error")
                self.query_one(field, Input).focus()
                return
        self.dismiss(RefundRequest(keep, supervisor, pin, reason))

    def action_back(self) -> None:
        self.dismiss(None)

"""Receipt preview: 门诊收费票据 and 医保结算单 side by side (stacked when narrow); print to the
configured printer (a file by default)."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from pos.i18n import t
from pos.services.views import SettleOutcome
from screens.common import ForwardsScans, StatusLine, TranslatedBindings, error_text, key


class Printed(Message):
    def __init__(self, text: str, ok: bool) -> None:
        super().__init__()
        self.text = text
        self.ok = ok


class ReceiptModal(ForwardsScans, TranslatedBindings, ModalScreen[None]):
    CSS_PATH = "receipt_preview.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        key("f8,ctrl+s", "print", "key.print", id="receipt-print", priority=True),
        key("f10,ctrl+y", "next", "key.next", id="receipt-next"),
        key("escape", "close", "key.close", id="receipt-close"),
    ]

    def __init__(self, done: SettleOutcome, papers: tuple[str, str]) -> None:
        """`papers`: the 收费票据 and the 结算单 as they print, laid out for the printer's width."""
        super().__init__()
        self._translate_bindings()
        self.done = done
        self.papers = papers

    def compose(self) -> ComposeResult:
        receipt, slip = self.papers
        with Vertical(classes="modal-box", id="receipt-box"):
            title = t("receipt.preview_title", no=self.done.settlement.receipt_no)
            yield Static(title, classes="modal-title")
            with Horizontal(id="papers"):
                with VerticalScroll(classes="paper"):
                    yield Static(receipt, markup=False)
                with VerticalScroll(classes="paper"):
                    yield Static(slip, markup=False)
            yield StatusLine(t("receipt.hint"), id="receipt-status")
        yield Footer()

    def action_print(self) -> None:
        self.query_one(StatusLine).show(t("receipt.printing"), "busy")
        self.run_print()

    @work(group="print", exclusive=True)
    async def run_print(self) -> None:
        """Printing goes through the desk (it is audited), off the UI thread."""
        settings = self.app.settings
        try:
            path = await self.app.call(
                self.app.desk.print_receipt, self.done, settings.printer, settings.training
            )
        except Exception as exc:
            self.post_message(Printed(error_text(exc), ok=False))
            return
        if path is None:
            self.post_message(Printed(t("receipt.printer_off"), ok=False))
        else:
            self.post_message(Printed(t("receipt.printed", path=str(path)), ok=True))

    @on(Printed)
    def _printed(self, msg: Printed) -> None:
        self.query_one(StatusLine).show(msg.text, "ok" if msg.ok else "error")

    def action_close(self) -> None:
        self.dismiss(None)

    def action_next(self) -> None:
        below = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
        self.dismiss(None)
        if below is not None and hasattr(below, "action_next_patient"):
            below.action_next_patient()

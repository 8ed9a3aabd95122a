"""Receipt preview: 门诊收费票据 and 医保结算单 side by side (stacked when narrow); print to the
configured printer (a file by default)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from pos.i18n import t
from pos.receipt import print_text, render_receipt, render_slip
from pos.ui_bridge import SettledView, error_text
from screens.common import StatusLine, TranslatedBindings, key


class ReceiptModal(TranslatedBindings, ModalScreen[None]):
    CSS_PATH = "receipt_preview.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        key("f8", "print", "key.print", id="receipt-print", priority=True),
        key("f10", "next", "key.next", id="receipt-next"),
        key("escape", "close", "key.close", id="receipt-close"),
    ]

    def __init__(self, done: SettledView) -> None:
        super().__init__()
        self._translate_bindings()
        self.done = done

    def _texts(self) -> tuple[str, str]:
        session = self.app.session
        training = self.app.settings.training
        return (
            render_receipt(self.done, session, training=training),
            render_slip(self.done, session, training=training),
        )

    def compose(self) -> ComposeResult:
        receipt, slip = self._texts()
        with Vertical(classes="modal-box", id="receipt-box"):
            yield Static(t("receipt.preview_title", no=self.done.receipt_no), classes="modal-title")
            with Horizontal(id="papers"):
                with VerticalScroll(classes="paper"):
                    yield Static(receipt, markup=False)
                with VerticalScroll(classes="paper"):
                    yield Static(slip, markup=False)
            yield StatusLine(t("receipt.hint"), id="receipt-status")
        yield Footer()

    def action_print(self) -> None:
        receipt, slip = self._texts()
        status = self.query_one(StatusLine)
        try:
            path = print_text(
                self.app.settings.printer, self.done.receipt_no, receipt + "\n" + slip
            )
        except Exception as exc:
            status.show(error_text(exc), "error")
            return
        if path is None:
            status.show(t("receipt.printer_off"), "error")
        else:
            status.show(t("receipt.printed", path=str(path)), "ok")

    def action_close(self) -> None:
        self.dismiss(None)

    def action_next(self) -> None:
        below = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
        self.dismiss(None)
        if below is not None and hasattr(below, "action_next_patient"):
            below.action_next_patient()

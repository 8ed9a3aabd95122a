"""A reason, typed before an action that must say why (重打)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from pos.i18n import t
from screens.common import StatusLine, TranslatedBindings, key

MAX_REASON = 100


class ReasonModal(TranslatedBindings, ModalScreen[str | None]):
    CSS_PATH = "reason.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        key("escape", "back", "key.back", id="reason-back"),
    ]

    def __init__(self, title: str) -> None:
        super().__init__()
        self._translate_bindings()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="reason-box"):
            yield Static(self.title_text, classes="modal-title")
            yield Input(
                placeholder=t("office.reason.placeholder"), id="reason", max_length=MAX_REASON
            )
            yield StatusLine(t("office.reason.hint"), id="reason-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        reason = self.query_one(Input)
        reason.cursor_blink = self.app.settings.cursor_blink
        reason.focus()

    @on(Input.Submitted, "#reason")
    def _given(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.query_one(StatusLine).show(t("office.refund.need_reason"), "error")
            return
        self.dismiss(text)

    def action_back(self) -> None:
        self.dismiss(None)

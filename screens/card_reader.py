"""F2: a virtual card reader. Pick a card (社保卡) or a 身份证 from the tray; Enter reads it."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from engine.codes import MdtrtCertType
from pos.i18n import t
from pos.services.views import VirtualCard
from screens.common import ForwardsScans, TranslatedBindings, key
from screens.widgets import code_label


class CardReaderModal(ForwardsScans, TranslatedBindings, ModalScreen[str | None]):
    CSS_PATH = "card_reader.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [key("escape", "close", "key.back", id="reader-close")]

    def __init__(self, cards: list[VirtualCard]) -> None:
        super().__init__()
        self._translate_bindings()
        self.cards = cards

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="reader-box"):
            yield Static(t("reader.title"), classes="modal-title")
            options = [
                Option(f"[{code_label(MdtrtCertType, c.mdtrt_cert_type)}] {c.label}", id=str(i))
                for i, c in enumerate(self.cards)
            ]
            yield OptionList(*options, id="cards")
            yield Static(t("reader.hint"), classes="modal-hint")
        yield Footer()

    def on_mount(self) -> None:
        cards = self.query_one("#cards", OptionList)
        cards.focus()
        if self.cards:
            cards.highlighted = 0

    @on(OptionList.OptionSelected, "#cards")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.cards[int(event.option.id or 0)].scan_text)

    def action_close(self) -> None:
        self.dismiss(None)

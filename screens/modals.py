"""Small modals: 医疗类别 (F3) and quantity (F7)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from engine.codes import MedType
from pos.i18n import t
from pos.services.views import LineView
from screens.common import ForwardsScans, ScanInput, StatusLine, TranslatedBindings, key
from screens.widgets import code_label

MAX_QTY = Decimal("9999")


def parse_quantity(text: str) -> Decimal | None:
    text = text.strip()
    if (
        not text
        or len(text) > 10
        or not all(ch.isascii() and (ch.isdigit() or ch == ".") for ch in text)
    ):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or value <= 0 or value > MAX_QTY:
        return None
    if value != value.quantize(Decimal("0.0001")):
        return None
    return value


SELFPAY = "selfpay"  # the last choice: 全自费, a visit the hospital charges without insurance


class MedTypeModal(ForwardsScans, TranslatedBindings, ModalScreen[str | None]):
    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [key("escape", "close", "key.back", id="medtype-close")]

    def __init__(self, codes: list[str], current: str) -> None:
        super().__init__()
        self._translate_bindings()
        self.codes = codes
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box small-box"):
            yield Static(t("medtype.title"), classes="modal-title")
            yield OptionList(
                *(
                    Option(
                        f"{c}  {code_label(MedType, c)}" + ("  ←" if c == self.current else ""),
                        id=c,
                    )
                    for c in self.codes
                ),
                Option(
                    t("medtype.selfpay") + ("  ←" if self.current == SELFPAY else ""), id=SELFPAY
                ),
                id="medtypes",
            )
        yield Footer()

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ol.focus()
        if self.current in self.codes:
            ol.highlighted = self.codes.index(self.current)
        elif self.current == SELFPAY:
            ol.highlighted = len(self.codes)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)


class QuantityModal(ForwardsScans, TranslatedBindings, ModalScreen[Decimal | None]):
    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        key("escape", "close", "key.back", id="quantity-close")
    ]

    def __init__(self, line: LineView) -> None:
        super().__init__()
        self._translate_bindings()
        self.line = line

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box small-box"):
            yield Static(t("quantity.title"), classes="modal-title")
            yield Static(
                t("quantity.line", name=self.line.name, qty=f"{self.line.cnt.normalize():f}")
            )
            yield ScanInput(value=f"{self.line.cnt.normalize():f}", id="qty", max_length=12)
            yield StatusLine("", id="qty-status")
        yield Footer()

    def on_mount(self) -> None:
        inp = self.query_one(Input)
        inp.cursor_blink = self.app.settings.cursor_blink
        inp.focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        qty = parse_quantity(event.value)
        if qty is None:
            self.query_one(StatusLine).show(t("quantity.bad"), "error")
            return
        self.dismiss(qty)

    def action_close(self) -> None:
        self.dismiss(None)

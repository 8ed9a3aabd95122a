"""The blind count: the drawer, denomination by denomination, BEFORE the expected cash is shown.
Only the counted total is shown while counting; over or short appears after the close."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from engine.money import yuan
from pos.i18n import t
from pos.services.views import DENOMINATIONS, DrawerCount
from screens.common import StatusLine, TranslatedBindings, key
from screens.office.keys import fkey

MAX_PIECES = 99999


def parse_pieces(text: str) -> int | None:
    """How many pieces: empty = 0, ASCII digits only, at most 99999; else None."""
    text = text.strip()
    if not text:
        return 0
    if len(text) > 5 or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def denomination_label(denom: str) -> str:
    return t(f"office.count.d{denom.replace('.', '_')}")


class BlindCountModal(TranslatedBindings, ModalScreen[DrawerCount | None]):
    CSS_PATH = "count.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        fkey("f8", "ctrl+y", "confirm", "key.office.confirm_count", id="count-confirm",
             priority=True),
        key("escape", "back", "key.back", id="count-back"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self._translate_bindings()

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="count-box"):
            yield Static(t("office.count.title"), classes="modal-title")
            yield Static(t("office.count.blind"), id="count-note")
            with Grid(id="count-grid"):
                for denom in DENOMINATIONS:
                    yield Label(denomination_label(denom))
                    yield Input(placeholder="0", id=f"d{denom.replace('.', '_')}", max_length=5)
            yield Static("", id="count-total")
            yield StatusLine(t("office.count.hint"), id="count-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        for inp in self.query(Input):
            inp.cursor_blink = self.app.settings.cursor_blink
        self.query(Input).first().focus()
        self._show_total()

    def _pieces(self) -> list[tuple[str, int | None]]:
        return [
            (d, parse_pieces(self.query_one(f"#d{d.replace('.', '_')}", Input).value))
            for d in DENOMINATIONS
        ]

    def _show_total(self) -> None:
        pieces = [(d, n or 0) for d, n in self._pieces()]
        total = DrawerCount(tuple(pieces)).total
        self.query_one("#count-total", Static).update(t("office.count.total", total=yuan(total)))

    @on(Input.Changed)
    def _changed(self) -> None:
        self._show_total()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        at = inputs.index(event.input)
        if at < len(inputs) - 1:
            inputs[at + 1].focus()
        else:
            self.action_confirm()

    def action_confirm(self) -> None:
        pieces = self._pieces()
        bad = next((d for d, n in pieces if n is None), None)
        if bad is not None:
            self.query_one(StatusLine).show(
                t("office.count.bad", denom=denomination_label(bad)), "error"
            )
            self.query_one(f"#d{bad.replace('.', '_')}", Input).focus()
            return
        self.dismiss(DrawerCount(tuple((d, n or 0) for d, n in pieces)))

    def action_back(self) -> None:
        self.dismiss(None)

"""F1: every key binding active on the screen underneath, with its id, and the flow in brief."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static

from pos.i18n import t
from screens.common import ForwardsScans, TranslatedBindings, key


def binding_rows(screen: Screen) -> list[tuple[str, str, str]]:
    """(keys, description, id) for the screen's and the app's bindings, in declaration order."""
    rows: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    app = screen.app
    for node in (screen, app):
        for _key, group in node._bindings.key_to_bindings.items():
            for b in group:
                ident = b.id
                # Ours only: every cashier binding has an id; Textual's built-ins are dotted.
                if not ident or "." in ident or ident in seen:
                    continue
                seen.add(ident)
                # Both keys (F5/^P) here, also where the footer shows only F5 (80 columns).
                show = getattr(app, "key_display", app.get_key_display)
                keys = show(b)
                rows.append((keys, b.description, ident))
    return rows


class HelpModal(ForwardsScans, TranslatedBindings, ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        key("escape,f1,ctrl+g", "close", "key.close", id="help-close")
    ]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self._translate_bindings()
        self.under = under

    def compose(self) -> ComposeResult:
        table = Table(show_header=True, header_style="bold", expand=True, box=None)
        table.add_column(t("help.key"), style="bold cyan", no_wrap=True)
        table.add_column(t("help.action"))
        table.add_column(t("help.id"), style="dim", no_wrap=True)
        for keys, desc, ident in binding_rows(self.under):
            table.add_row(keys, desc, ident)
        with Vertical(classes="modal-box", id="help-box"):
            yield Static(t("help.title"), classes="modal-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(table)
                flow = getattr(
                    self.under, "HELP_FLOW", "help.flow"
                )  # the desk screens have their own
                yield Static(Text(t(flow)), id="help-flow")
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)

"""Shared bits for screens: translated bindings and the status line."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding
from textual.widgets import Static

from pos.errors import PosError
from pos.i18n import get_lang, t

# One Ctrl twin per F-key across every screen (terminals take F11, browsers F5/F11/F12), so a
# cashier learns one set: the till, the back office and the dialogs all use these.
CTRL_TWIN = {
    "f1": "ctrl+g",
    "f2": "ctrl+r",
    "f3": "ctrl+l",
    "f4": "ctrl+b",
    "f5": "ctrl+p",
    "f6": "ctrl+f",
    "f7": "ctrl+e",
    "f8": "ctrl+s",
    "f9": "ctrl+o",
    "f10": "ctrl+y",
    "f11": "ctrl+k",
    "f12": "ctrl+z",
}


def key(
    keys: str, action: str, desc: str, id: str, *, show: bool = True, priority: bool = False
) -> Binding:
    """A Binding whose description is a catalog key (translated when the node is created).

    A lone F-key gets its Ctrl twin (CTRL_TWIN) added, so every F-key action on every screen can
    also be reached where a terminal or a browser takes the F-key.
    """
    if keys in CTRL_TWIN:
        keys = f"{keys},{CTRL_TWIN[keys]}"
    return Binding(keys, action, desc, show=show, id=id, priority=priority)


class TranslatedBindings:
    """Mixin: replace catalog-key descriptions (key.<name>) with the current language's text."""

    def _translate_bindings(self) -> None:
        bindings = self._bindings  # type: ignore[attr-defined]
        bindings.key_to_bindings = {
            k: [
                replace(b, description=t(b.description)) if b.description.startswith("key.") else b
                for b in group
            ]
            for k, group in bindings.key_to_bindings.items()
        }


class ForwardsScans:
    """Mixin for a modal over the cashier screen: a key it leaves unhandled may be part of a scan
    (a keyboard-wedge scanner types wherever focus is), so the cashier screen gets to see it."""

    def on_key(self, event) -> None:
        from screens.cashier import CashierScreen

        for screen in reversed(self.app.screen_stack):  # type: ignore[attr-defined]
            if isinstance(screen, CashierScreen):
                screen.wedge_key(event)
                return


class StatusLine(Static):
    """One line of status; errors are red, never a traceback."""

    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; background: $boost; color: $text; }
    StatusLine.-error { color: $error; text-style: bold; }
    StatusLine.-ok { color: $success; }
    StatusLine.-busy { color: $warning; }
    """

    def show(self, text: str, kind: str = "info") -> None:
        self.set_class(kind == "error", "-error")
        self.set_class(kind == "ok", "-ok")
        self.set_class(kind == "busy", "-busy")
        self.update(text)


def error_text(exc: BaseException) -> str:
    """One status line for any failure, in the current language; never a traceback."""
    if isinstance(exc, PosError):
        return exc.message(get_lang())
    return t("status.internal_error", kind=type(exc).__name__)

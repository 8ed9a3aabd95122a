"""Shared bits for screens: translated bindings and the status line."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.widgets import Input, Static

from pos.cells import line_spans
from pos.errors import PosError
from pos.i18n import get_lang, t
from pos.services.scan import classify

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
    """Mixin: replace catalog-key descriptions (key.<name>) with the current language's text, and
    fit the footer to a narrow terminal."""

    # The binding ids the footer shows, at 100 columns and more and below (where each key shows
    # without its Ctrl twin): for a screen with more keys than one footer line holds, which would
    # cut the last ones off, F1 帮助 with them. The others still work and F1 lists them all.
    # None: every key.
    FOOTER_KEYS: ClassVar[frozenset[str] | None] = None
    NARROW_FOOTER_KEYS: ClassVar[frozenset[str] | None] = None

    def fit_footer(self, narrow: bool) -> None:
        if self.FOOTER_KEYS is None and self.NARROW_FOOTER_KEYS is None:
            return
        keep = self.NARROW_FOOTER_KEYS if narrow else self.FOOTER_KEYS
        bindings = self._bindings  # type: ignore[attr-defined]
        declared = self.__dict__.setdefault(
            "_declared_show",
            {b.id: b.show for group in bindings.key_to_bindings.values() for b in group},
        )
        bindings.key_to_bindings = {
            k: [
                replace(b, show=declared.get(b.id, b.show) and (keep is None or b.id in keep))
                for b in group
            ]
            for k, group in bindings.key_to_bindings.items()
        }

    def _translate_bindings(self) -> None:
        bindings = self._bindings  # type: ignore[attr-defined]
        bindings.key_to_bindings = {
            k: [
                replace(b, description=t(b.description)) if b.description.startswith("key.") else b
                for b in group
            ]
            for k, group in bindings.key_to_bindings.items()
        }


def is_credential(text: str) -> bool:
    """Does typed text read as a credential (电子凭证 token, 身份证, 社保卡)? The desk's classifier
    decides (pos.services.scan.classify, pure); the screen only asks, it has no patterns of its own."""
    try:
        classify(text)
    except PosError:
        return False
    return True


class WedgeBuffer:
    """What a keyboard-wedge scanner typed while focus was not in a text field.

    Printable characters collect; Enter hands back what was collected (and empties the buffer);
    any other key (arrows, Esc, F-keys) starts over. Classification decides the rest: the same
    text typed slowly by hand counts too, so nothing here depends on timing.
    """

    def __init__(self, limit: int = 64) -> None:
        self.limit = limit
        self.text = ""

    def feed(self, key: str, character: str | None) -> str | None:
        if key == "enter":
            text, self.text = self.text, ""
            return text or None
        if character is not None and len(character) == 1 and character.isprintable():
            self.text = (self.text + character)[-self.limit :]
        else:
            self.text = ""
        return None


class ScanInput(Input):
    """A text field in a dialog over the till (the tender amounts, a quantity) that also hears a
    scanner: a keyboard-wedge scanner types wherever focus is, here too. What was typed since
    the field got focus (or since the last non-printable key) is kept aside, whatever the field's
    own length limit lets in; Enter with a credential there (电子凭证 token, 身份证, 社保卡: the
    desk's classifier decides) closes the dialog and sends it to identification as the cashier
    screen does (CashierScreen.scan_from_anywhere). Anything else submits as usual."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.burst = WedgeBuffer()

    def _on_key(self, event) -> None:
        if event.key != "enter":
            self.burst.feed(event.key, event.character)

    def _on_focus(self, event) -> None:
        self.burst.text = ""

    async def action_submit(self) -> None:
        text, self.burst.text = self.burst.text, ""
        if text and is_credential(text) and self._to_the_till(text):
            return
        await super().action_submit()

    def _to_the_till(self, text: str) -> bool:
        from screens.cashier import CashierScreen

        till = next((s for s in self.app.screen_stack if isinstance(s, CashierScreen)), None)
        if till is None:
            return False
        till.scan_from_anywhere(text)
        return True


class ForwardsScans:
    """Mixin for a modal over the cashier screen: a key it leaves unhandled may be part of a scan
    (a keyboard-wedge scanner types wherever focus is), so the cashier screen gets to see it."""

    def on_key(self, event) -> None:
        from screens.cashier import CashierScreen

        for screen in reversed(self.app.screen_stack):  # type: ignore[attr-defined]
            if isinstance(screen, CashierScreen):
                screen.wedge_key(event)
                return


def wrap_text(text: Text | str, width: int, indent: int = 0) -> Text:
    """`text` (its styles kept) broken into lines of at most `width` cells by the one CJK
    line-breaking rule (pos.cells: paper and screen alike, no line starting with ，。、：；！？）
    and the like); the lines after the first indented by `indent` cells."""
    text = text if isinstance(text, Text) else Text(text)
    width = max(2, width)
    first = line_spans(text.plain, width)
    if not indent or len(first) <= 1:
        lines = [text[a:b] for a, b in first]
    else:
        head_end = first[0][1]
        rest = text[head_end:]
        rest = rest[len(rest.plain) - len(rest.plain.lstrip()) :]  # no leading spaces
        narrow = max(2, width - indent)
        lines = [text[:head_end]] + [
            Text(" " * indent) + rest[a:b] for a, b in line_spans(rest.plain, narrow)
        ]
    out = Text("\n", style=text.style).join(lines)
    out.no_wrap = True
    return out


class Wrapped:
    """A Rich renderable: `text` wrapped by wrap_text at whatever width it is given (a Static,
    a panel, a status line), so the screen breaks Chinese lines as the printed paper does."""

    def __init__(self, text: Text | str, indent: int = 0) -> None:
        self.text = text if isinstance(text, Text) else Text(text)
        self.indent = indent

    def __rich_console__(self, console, options):
        yield wrap_text(self.text, options.max_width, self.indent)

    def __rich_measure__(self, console, options):
        from rich.measure import Measurement

        longest = max((cell_len(x) for x in self.text.plain.split("\n")), default=0)
        return Measurement(min(longest, 8), longest)

    def __str__(self) -> str:
        return self.text.plain


class StatusLine(Static):
    """Status, one line or a few (wrapped by the CJK rule); errors are red, never a traceback."""

    DEFAULT_CSS = """
    StatusLine { height: auto; max-height: 3; padding: 0 1; background: $boost; color: $text; }
    StatusLine.-error { color: $error; text-style: bold; }
    StatusLine.-ok { color: $success; }
    StatusLine.-busy { color: $warning; }
    """

    def __init__(self, text: str = "", **kwargs) -> None:
        super().__init__(text, **kwargs)
        self.text = text
        self.kind = "info"
        self._lines = 0  # lines of the text as last laid out to the width (0: not laid out)

    def show(self, text: str, kind: str = "info") -> None:
        if text == self.text and kind == self.kind:
            return  # the same line again: no layout, no paint
        self.kind = kind
        self.set_class(kind == "error", "-error")
        self.set_class(kind == "ok", "-ok")
        self.set_class(kind == "busy", "-busy")
        had_text, self.text = bool(self.text), text
        lines_before = self._lines
        laid_out = self._laid_out()
        # As many lines as before (both laid out to the width): the height stays, so the line is
        # repainted without laying the screen out again.
        same_height = had_text and bool(text) and self._lines > 0 and self._lines == lines_before
        self.update(laid_out, layout=not same_height)

    def _laid_out(self) -> Text | str:
        """The text wrapped to the width, counting its lines (0 while there is no width)."""
        width = self.content_region.width
        laid_out = wrap_text(self.text, width) if width > 2 else self.text
        self._lines = laid_out.plain.count("\n") + 1 if isinstance(laid_out, Text) else 0
        return laid_out

    def on_resize(self) -> None:
        self.update(self._laid_out())


def error_text(exc: BaseException) -> str:
    """One status line for any failure, in the current language; never a traceback."""
    if isinstance(exc, PosError):
        return exc.message(get_lang())
    return t("status.internal_error", kind=type(exc).__name__)

"""Bindings of the back office: every F-key has a Ctrl alternative, both shown (F5/^Y)."""

from __future__ import annotations

from textual.binding import Binding

from screens.common import CTRL_TWIN


def fkey(
    fkey: str,
    ctrl: str,
    action: str,
    desc: str,
    id: str,
    *,
    show: bool = True,
    priority: bool = False,
) -> Binding:
    """An F-key and its Ctrl alternative as one binding; the footer and F1 show both. The Ctrl
    key is the F-key's one twin everywhere (screens.common.CTRL_TWIN); `ctrl` is for keys that
    have none."""
    ctrl = CTRL_TWIN.get(fkey, ctrl)
    # The app shows both keys ("f5/^p") as it does on the till (PosApp.get_key_display).
    return Binding(f"{fkey},{ctrl}", action, desc, show=show, id=id, priority=priority)


# The way in, from the cashier screen. Every F-key there is taken (F1 help … F12 冲正), so the
# back office is Shift+F12 (a terminal sends it as F24) with Ctrl+U as its alternative.
OFFICE_KEY = Binding(
    "f24,ctrl+u",
    "back_office",
    "key.office.open",
    show=False,
    priority=True,  # Ctrl+U works from the scan field too (an Input would take it otherwise)
    id="back-office",
    key_display="Shift+F12/^U",
)

"""Bindings of the back office: every F-key has a Ctrl alternative, both shown (F5/^Y)."""

from __future__ import annotations

from textual.binding import Binding


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
    """An F-key and its Ctrl alternative as one binding; the footer and F1 show both."""
    display = f"{fkey.upper()}/^{ctrl.removeprefix('ctrl+').upper()}"
    return Binding(
        f"{fkey},{ctrl}",
        action,
        desc,
        show=show,
        id=id,
        priority=priority,
        key_display=display,
    )


# The way in, from the cashier screen. Every F-key there is taken (F1 help … F12 冲正), so the
# back office is Shift+F12 (a terminal sends it as F24) with Ctrl+O as its alternative.
OFFICE_KEY = Binding(
    "f24,ctrl+o",
    "back_office",
    "key.office.open",
    show=False,
    id="back-office",
    key_display="Shift+F12/^O",
)

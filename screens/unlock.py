"""F3 at the login screen: a supervisor (收费组长) lifts a cashier's PIN lockout with their own
number and PIN. Nobody signs in; the desk audits it (pos.services.unlocking)."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from pos.i18n import t
from pos.services.views import UnlockView
from screens.common import StatusLine, TranslatedBindings, error_text, key


class UnlockRefused(Message):
    def __init__(self, text: str, field: str) -> None:
        super().__init__()
        self.text = text
        self.field = field


class Unlocked(Message):
    def __init__(self, done: UnlockView) -> None:
        super().__init__()
        self.done = done


class UnlockModal(TranslatedBindings, ModalScreen[UnlockView | None]):
    CSS_PATH = "unlock.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        key("f8", "submit", "key.unlock_confirm", id="unlock-confirm", priority=True),
        key("escape", "close", "key.back", id="unlock-close"),
    ]

    def __init__(self, cashier_no: str = "", station_id: str | None = None) -> None:
        super().__init__()
        self._translate_bindings()
        self.cashier_no = cashier_no
        self.station_id = station_id
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="unlock-box"):
            yield Static(t("unlock.title"), classes="modal-title")
            yield Label(t("unlock.cashier_no"))
            yield Input(self.cashier_no, id="unlock-cashier", max_length=20)
            yield Label(t("unlock.supervisor_no"))
            yield Input(id="unlock-supervisor", max_length=20)
            yield Label(t("unlock.pin"))
            yield Input(id="unlock-pin", password=True, max_length=12)
            yield Static(t("unlock.hint"), classes="modal-hint")
            yield StatusLine("", id="unlock-status")
        yield Footer()

    def on_mount(self) -> None:
        for inp in self.query(Input):
            inp.cursor_blink = self.app.settings.cursor_blink
        first = "#unlock-supervisor" if self.cashier_no else "#unlock-cashier"
        self.query_one(first, Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "unlock-pin":
            self.action_submit()
        else:
            self.focus_next(Input)

    def action_submit(self) -> None:
        if self._busy:
            return
        values = {
            name: self.query_one(f"#unlock-{name}", Input).value.strip()
            for name in ("cashier", "supervisor")
        }
        pin = self.query_one("#unlock-pin", Input).value
        status = self.query_one(StatusLine)
        for name, need in (
            ("cashier", "unlock.need_cashier"),
            ("supervisor", "unlock.need_supervisor"),
        ):
            if not values[name]:
                status.show(t(need), "error")
                self.query_one(f"#unlock-{name}", Input).focus()
                return
        if not pin:
            status.show(t("unlock.need_pin"), "error")
            self.query_one("#unlock-pin", Input).focus()
            return
        self._busy = True
        status.show(t("unlock.checking"), "busy")
        self.run_unlock(values["supervisor"], pin, values["cashier"])

    @work(group="unlock", exclusive=True)
    async def run_unlock(self, supervisor_no: str, pin: str, cashier_no: str) -> None:
        try:
            done = await self.app.call_desk(
                "unlock_with_supervisor", supervisor_no, pin, cashier_no, self.station_id
            )
        except Exception as exc:
            self.post_message(UnlockRefused(error_text(exc), getattr(exc, "field", "")))
            return
        self.post_message(Unlocked(done))

    @on(UnlockRefused)
    def _refused(self, msg: UnlockRefused) -> None:
        self._busy = False
        pin = self.query_one("#unlock-pin", Input)
        pin.value = ""
        target = self.query_one("#unlock-cashier" if msg.field == "cashier_no" else "#unlock-pin")
        target.focus()
        self.query_one(StatusLine).show(msg.text, "error")

    @on(Unlocked)
    def _unlocked(self, msg: Unlocked) -> None:
        self._busy = False
        self.dismiss(msg.done)

    def action_close(self) -> None:
        self.dismiss(None)

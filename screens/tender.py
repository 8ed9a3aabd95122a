"""Tender: cash, bank card, WeChat, Alipay for psn_cash_pay; amount received and change; split tender."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from engine.money import yuan
from pos.i18n import t
from pos.services.views import TENDER_METHODS, TenderInput
from screens.common import ForwardsScans, ScanInput, StatusLine, TranslatedBindings, key

METHODS = TENDER_METHODS
MAX_TENDER = Decimal("999999.99")
ZERO = Decimal("0.00")


def parse_amount(text: str) -> Decimal | None:
    """An amount typed by the cashier: empty = 0, two places at most, never negative or huge."""
    text = text.strip().replace("，", ",").replace(",", "")
    if not text:
        return ZERO
    if len(text) > 12 or not all(ch.isascii() and (ch.isdigit() or ch == ".") for ch in text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value > MAX_TENDER:
        return None
    if value != value.quantize(Decimal("0.01")):
        return None
    return value.quantize(Decimal("0.01"))


class TenderModal(ForwardsScans, TranslatedBindings, ModalScreen[list[TenderInput] | None]):
    CSS_PATH = "tender.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        key("f8,ctrl+s", "confirm", "key.settle", id="tender-confirm", priority=True),
        key("escape", "back", "key.back", id="tender-back"),
    ]

    def __init__(self, due: Decimal) -> None:
        super().__init__()
        self._translate_bindings()
        self.due = due
        self._confirmed = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="tender-box"):
            yield Static(t("tender.title"), classes="modal-title")
            yield Static(Text(t("tender.due", due=yuan(self.due)), style="bold"), id="due")
            with Grid(id="tender-grid"):
                for m in METHODS:
                    yield Label(t("tender.method." + m))
                    value = f"{self.due:.2f}" if m == "cash" else ""
                    yield ScanInput(value=value, id=f"amt-{m}", placeholder="0.00", max_length=14)
                yield Label(t("tender.received"))
                yield ScanInput(
                    value="", id="received", placeholder=t("tender.received_ph"), max_length=14
                )
            yield Static("", id="tender-summary")
            yield Static(t("tender.hint"), classes="modal-hint")
            yield StatusLine("", id="tender-status")
        yield Footer()

    def on_mount(self) -> None:
        for inp in self.query(Input):
            inp.cursor_blink = self.app.settings.cursor_blink
        self._update()
        self.query_one("#received" if self.due > 0 else "#amt-cash", Input).focus()

    @on(Input.Changed)
    def _changed(self) -> None:
        self._update()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "received" or self._check(quiet=True) is not None:
            self.action_confirm()
        else:
            self.focus_next()

    def _values(self) -> tuple[dict[str, Decimal | None], Decimal | None]:
        amounts = {m: parse_amount(self.query_one(f"#amt-{m}", Input).value) for m in METHODS}
        received = parse_amount(self.query_one("#received", Input).value)
        return amounts, received

    def _update(self) -> None:
        amounts, received = self._values()
        grid = Table.grid(padding=(0, 2))
        grid.add_column()
        grid.add_column(justify="right")
        paid = sum((a for a in amounts.values() if a is not None), ZERO)
        cash = amounts["cash"] or ZERO
        got = received if received else cash
        change = got - cash if received is not None else ZERO
        grid.add_row(t("tender.sum"), yuan(paid))
        diff = self.due - paid
        grid.add_row(t("tender.diff"), Text(yuan(diff), style="bold red" if diff else "green"))
        grid.add_row(t("tender.cash_got"), yuan(got))
        grid.add_row(
            Text(t("tender.change"), style="bold"),
            Text(yuan(max(change, ZERO)), style="bold yellow"),
        )
        self.query_one("#tender-summary", Static).update(grid)

    def _check(self, quiet: bool = False) -> list[TenderInput] | None:
        status = self.query_one(StatusLine)
        amounts, received = self._values()
        for m, a in amounts.items():
            if a is None:
                if not quiet:
                    status.show(t("tender.bad_amount", method=t("tender.method." + m)), "error")
                return None
        if received is None:
            if not quiet:
                status.show(t("tender.bad_received"), "error")
            return None
        paid = sum(amounts.values(), ZERO)  # type: ignore[arg-type]
        if paid != self.due:
            if not quiet:
                status.show(t("tender.mismatch", due=yuan(self.due), paid=yuan(paid)), "error")
            return None
        cash = amounts["cash"] or ZERO
        if received and received < cash:
            if not quiet:
                status.show(t("tender.short", cash=yuan(cash), got=yuan(received)), "error")
            return None
        out = []
        for m in METHODS:
            a = amounts[m] or ZERO
            if a > 0:
                out.append(TenderInput(m, a, (received or a) if m == "cash" else None))
        if not out:
            out.append(TenderInput("cash", ZERO, ZERO))
        return out

    def action_confirm(self) -> None:
        if self._confirmed:
            return
        tenders = self._check()
        if tenders is None:
            return
        self._confirmed = True  # a second Enter/F8 never settles twice
        self.dismiss(tenders)

    def action_back(self) -> None:
        self.dismiss(None)

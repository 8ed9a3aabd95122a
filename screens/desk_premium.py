"""代缴城乡居民医保费: the giver pays a bound relative's resident premium for a year from the
personal account, through their binding (J201). The amount comes from the relative's region
policy (示例参数（培训用，非官方）); the receipt (pos.printing.premium) and the giver's notice follow.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from engine.money import yuan
from pos.i18n import get_lang, t
from pos.services.copay_desk import BindingView, PremiumReceipt
from screens.common import StatusLine, TranslatedBindings, error_text, key
from screens.desk_common import DeskDone, DeskFailed, RefusalBox, failed, parse_small_int


class Printed(Message):
    def __init__(self, text: str, ok: bool) -> None:
        super().__init__()
        self.text = text
        self.ok = ok


def notice_en(r: PremiumReceipt) -> str:
    """The giver's notice in English (the center writes it in Chinese)."""
    return t(
        "premium.notice_text",
        ben=r.psn_name_masked,
        year=r.year,
        amount=yuan(r.amount),
        balc=yuan(r.balc),
    )


class PremiumModal(TranslatedBindings, ModalScreen[bool | None]):
    """The year to pay; F8 pays, then the receipt and the notice show in the same box."""

    CSS_PATH = "desk_premium.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        key("f8", "submit", "key.desk_premium_pay", id="premium-pay", priority=True),
        key("escape", "close", "key.back", id="premium-close"),
    ]

    def __init__(self, b: BindingView) -> None:
        super().__init__()
        self._translate_bindings()
        self.b = b
        self.receipt: PremiumReceipt | None = None
        self._busy = False

    def compose(self) -> ComposeResult:
        b = self.b
        with Vertical(classes="modal-box", id="premium-box"):
            yield Static(t("premium.title"), classes="modal-title")
            yield Static(
                t(
                    "premium.who",
                    giver=b.giver_name_masked,
                    ben=b.beneficiary_name_masked,
                    psn=b.beneficiary_psn_no,
                    id=b.binding_id,
                    left=yuan(b.quota_left),
                ),
                id="premium-who",
            )
            yield Label(t("premium.year"), id="premium-year-label")
            year = self.app.clock().year
            yield Input(value=str(year), id="premium-year", max_length=4, compact=True)
            yield Static(t("app.sample_params"), id="premium-label")
            with VerticalScroll(id="premium-paper"):
                yield Static("", id="premium-text", markup=False)
            yield Static("", id="premium-notice")
            yield RefusalBox()
            yield StatusLine(t("premium.hint"))
        yield Footer()

    def on_mount(self) -> None:
        inp = self.query_one(Input)
        inp.cursor_blink = self.app.settings.cursor_blink
        inp.focus()

    @on(Input.Submitted)
    def action_submit(self) -> None:
        if self._busy:
            return
        if self.receipt is not None:  # paid: F8 prints the receipt
            self._busy = True
            self.query_one(StatusLine).show(t("receipt.printing"), "busy")
            self.run_print(self.receipt)
            return
        year = parse_small_int(self.query_one(Input).value, 2000, 2100)
        if year is None:
            self.query_one(StatusLine).show(t("premium.bad_year"), "error")
            return
        self._busy = True
        self.query_one(StatusLine).show(t("desk.working"), "busy")
        self.run_pay(year)

    @work(group="premium", exclusive=True)
    async def run_pay(self, year: int) -> None:
        from pos.printing.document import text_lines
        from pos.printing.premium import build_premium_receipt

        b = self.b
        try:
            r = await self.app.call_copay(
                "pay_premium",
                giver_psn_no=b.giver_psn_no,
                beneficiary_psn_no=b.beneficiary_psn_no,
                year=year,
            )
        except Exception as exc:
            self.post_message(failed("premium", exc))
            return
        settings = self.app.settings
        doc = build_premium_receipt(r, get_lang(), settings.training)
        paper = "\n".join(text_lines(doc, settings.printer.width))
        self.post_message(DeskDone("premium", (r, paper)))

    @work(group="premium", exclusive=True)
    async def run_print(self, r: PremiumReceipt) -> None:
        from pos.printing import deliver
        from pos.printing.premium import build_premium_receipt

        settings = self.app.settings
        doc = build_premium_receipt(r, get_lang(), settings.training)
        try:
            delivered = await self.app.call(deliver, [doc], settings.printer)
        except Exception as exc:
            self.post_message(Printed(error_text(exc), ok=False))
            return
        if delivered.sink == "none":
            self.post_message(Printed(t("receipt.printer_off"), ok=False))
        else:
            self.post_message(Printed(t("receipt.printed", path=delivered.where), ok=True))

    @on(DeskDone)
    def _paid(self, msg: DeskDone) -> None:
        msg.stop()
        self._busy = False
        r, paper = msg.value
        self.receipt = r
        self.query_one(RefusalBox).clear()
        self.query_one("#premium-text", Static).update(paper)
        self.query_one("#premium-paper").add_class("-shown")
        self.query_one("#premium-notice", Static).update(
            t("premium.notice", text=r.notice if get_lang() == "zh" else notice_en(r))
        )
        for gone in ("#premium-year-label", "#premium-year", "#premium-label"):
            self.query_one(gone).display = False  # the receipt says it all now
        self.query_one(StatusLine).show(
            t("premium.done", year=r.year, amount=yuan(r.amount), balc=yuan(r.balc)), "ok"
        )

    @on(DeskFailed)
    def _refused(self, msg: DeskFailed) -> None:
        msg.stop()
        self._busy = False
        self.query_one(RefusalBox).show_reasons(msg.lines)
        self.query_one(StatusLine).show(msg.lines[0], "error")

    @on(Printed)
    def _printed(self, msg: Printed) -> None:
        self._busy = False
        self.query_one(StatusLine).show(msg.text, "ok" if msg.ok else "error")

    def action_close(self) -> None:
        self.dismiss(self.receipt is not None)

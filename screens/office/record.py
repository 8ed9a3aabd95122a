"""One settlement (or 冲红), read-only: who, when, the split, the tenders, its numbers, and both
papers as they print. F5 补打 · F6 重打 · F7 退费 (full or partial, a supervisor's PIN and a
reason; the kept lines are settled again at once, the 冲红 and the new receipt print)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from rich.table import Table
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from engine.codes import Insutype, MedType
from engine.masking import mask_name
from engine.money import yuan
from pos.clock import in_china
from pos.i18n import t
from pos.services.views import (
    PapersView,
    PresettleView,
    ReceiptRecordView,
    SettleOutcome,
    TenderInput,
    own_acct_pay,
)
from screens.common import StatusLine, TranslatedBindings, error_text, key
from screens.office.keys import fkey
from screens.office.refund import RefundRequest
from screens.widgets import code_label

FUNDS = ("hifp_pay", "cvlserv_pay", "hifes_pay", "hifmi_pay", "hifob_pay", "maf_pay", "oth_pay")


class Loaded(Message):
    def __init__(self, record: ReceiptRecordView, papers: PapersView, note: str = "") -> None:
        super().__init__()
        self.record = record
        self.papers = papers
        self.note = note


class Failed(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class Resettle(Message):
    """A partial refund left the kept lines pre-settled: take the cash part for them."""

    def __init__(self, split: PresettleView, note: str) -> None:
        super().__init__()
        self.split = split
        self.note = note


def facts_table(record: ReceiptRecordView) -> Table:
    s = record.settlement
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    grid.add_row(t("office.fact.receipt"), record.receipt_no)
    for old in record.void_numbers:
        grid.add_row(t("office.fact.void"), f"{old} {t('print.office.mark_void')}")
    if s.kind == "refund" and s.reverses_setl_id:
        grid.add_row(t("office.fact.reverses"), s.reverses_setl_id)
    if record.refund is not None:
        grid.add_row(t("office.fact.refunded_by"), record.refund.receipt_no)
    grid.add_row(t("office.fact.reprints"), str(record.reprints))
    grid.add_row(t("office.fact.setl_id"), s.setl_id)
    grid.add_row(t("office.fact.time"), in_china(s.setl_time).strftime("%Y-%m-%d %H:%M:%S"))
    grid.add_row(t("office.fact.cashier"), s.cashier_no)
    grid.add_row(t("office.fact.patient"), mask_name(s.psn_name))
    grid.add_row(
        t("office.fact.kind"),
        f"{code_label(MedType, s.med_type)} · "
        + (t("print.selfpay") if s.selfpay else code_label(Insutype, s.insutype)),
    )
    grid.add_row("", "")
    grid.add_row(t("setl.medfee_sumamt"), yuan(s.amount("medfee_sumamt")))
    grid.add_row(t("setl.fund_pay_sumamt"), yuan(s.amount("fund_pay_sumamt")))
    for name in FUNDS:
        if s.amount(name):
            grid.add_row("  " + t("setl." + name), yuan(s.amount(name)))
    grid.add_row(t("office.report.own_acct"), yuan(own_acct_pay(s.amounts)))
    grid.add_row(t("office.report.copay"), yuan(s.amount("acct_mulaid_pay")))
    for giver in s.mulaid_detail:
        name = str(giver.get("giver_name_masked") or "")
        grid.add_row("  " + name, yuan(Decimal(str(giver.get("amount", "0")))))
    grid.add_row(t("setl.psn_cash_pay"), yuan(s.amount("psn_cash_pay")))
    for tender in s.tenders:
        grid.add_row("  " + t(f"print.method.{tender.method}"), yuan(tender.amount))
    if s.change:
        grid.add_row("  " + t("tender.change"), yuan(s.change))
    return grid


class RecordModal(TranslatedBindings, ModalScreen[bool]):
    CSS_PATH = "record.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        fkey("f5", "ctrl+r", "reprint", "key.office.reprint", id="record-reprint"),
        fkey("f6", "ctrl+t", "reissue", "key.office.reissue", id="record-reissue"),
        fkey("f7", "ctrl+y", "refund", "key.office.refund", id="record-refund"),
        key("escape", "close", "key.close", id="record-close"),
    ]

    def __init__(self, settlement_id: int) -> None:
        super().__init__()
        self._translate_bindings()
        self.settlement_id = settlement_id
        self.record: ReceiptRecordView | None = None
        self.changed = False
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="record-box"):
            yield Static(t("office.record.title"), classes="modal-title", id="record-title")
            with Horizontal(id="record-body"):
                with VerticalScroll(id="record-facts"):
                    yield Static("", id="facts")
                with VerticalScroll(classes="paper", id="papers"):
                    yield Static("", id="receipt-text", markup=False)
                    yield Static("", id="slip-text", markup=False)
            yield StatusLine(t("office.record.loading"), id="record-status")
        yield Footer(compact=True)

    @property
    def status(self) -> StatusLine:
        return self.query_one("#record-status", StatusLine)

    def on_mount(self) -> None:
        self.load()

    # ------------------------------------------------------------------ workers (post only)

    def _printing(self) -> tuple:
        settings = self.app.settings
        return settings.printer, settings.training

    # A newer load replaces a stale one (exclusive in its own group); an action's worker is in
    # another group, so the load it asks for at its end never cancels the action itself.
    @work(group="record-load", exclusive=True)
    async def load(self, note: str = "", papers: PapersView | None = None) -> None:
        desk = self.app.desk
        printer, training = self._printing()
        try:
            record = await self.app.call(desk.settlement_record, self.settlement_id)
            if papers is None or papers.receipt_no != record.receipt_no:
                papers = await self.app.call(
                    desk.settlement_papers, self.settlement_id, printer.width, training
                )
        except Exception as exc:
            self.post_message(Failed(error_text(exc)))
            return
        self.post_message(Loaded(record, papers, note))

    @work(group="record-action")
    async def run_reprint(self) -> None:
        printer, training = self._printing()
        try:
            papers = await self.app.call(
                self.app.desk.reprint, self.settlement_id, printer, training
            )
        except Exception as exc:
            self.post_message(Failed(error_text(exc)))
            return
        where = papers.printed_to or t("receipt.printer_off")
        self.load(t("office.record.reprinted", n=papers.reprint, to=where), papers)

    @work(group="record-action")
    async def run_reissue(self, reason: str) -> None:
        printer, training = self._printing()
        old = self.record.receipt_no if self.record else ""
        try:
            papers = await self.app.call(
                self.app.desk.reissue, self.settlement_id, reason, printer, training
            )
        except Exception as exc:
            self.post_message(Failed(error_text(exc)))
            return
        self.changed = True
        where = papers.printed_to or t("receipt.printer_off")
        self.load(t("office.record.reissued", new=papers.receipt_no, old=old, to=where), papers)

    @work(group="record-action")
    async def run_refund(self, request: RefundRequest) -> None:
        desk = self.app.desk
        printer, training = self._printing()
        record = self.record
        assert record is not None
        setl_id = record.settlement.setl_id
        try:
            approval = await self.app.call(
                desk.approve,
                request.supervisor_no,
                request.pin,
                action="refund",
                subject=setl_id,
                reason=request.reason,
            )
            done = await self.app.call(
                desk.refund, setl_id, keep_line_nos=request.keep, approval=approval
            )
        except Exception as exc:
            self.post_message(Failed(error_text(exc)))
            return
        self.changed = True
        note = t(
            "office.record.refunded",
            hc=done.refund.receipt_no,
            cash=yuan(-done.refund.amount("psn_cash_pay")),
            by=approval.supervisor_name,
        )
        try:
            papers = await self.app.call(desk.print_settlement, done.refund.id, printer, training)
        except Exception as exc:
            note += " " + error_text(exc)
        else:
            note += " " + t("office.record.printed", to=papers.printed_to or "—")
        if done.reopened_visit is None:
            self.load(note)
            return
        givers = [
            str(d.get("giver_psn_no"))
            for d in record.settlement.mulaid_detail
            if d.get("giver_psn_no")
        ]
        try:
            split = await self.app.call(
                desk.presettle, copay_givers=givers, copay_proof_checked=bool(givers)
            )
        except Exception as exc:
            self.post_message(Failed(note + " " + error_text(exc)))
            self.load(note)
            return
        self.post_message(Resettle(split, note))

    @work(group="record-action")
    async def run_settle(self, tenders: list[TenderInput], note: str) -> None:
        desk = self.app.desk
        printer, training = self._printing()
        try:
            done: SettleOutcome = await self.app.call(desk.settle, tenders)
            papers = await self.app.call(
                desk.print_settlement, done.settlement.id, printer, training
            )
        except Exception as exc:
            self.post_message(Failed(note + " " + error_text(exc)))
            return
        # Show the new settlement: the kept lines, under their own receipt number.
        self.settlement_id = done.settlement.id
        self.load(note + " " + t("office.record.resettled", no=done.settlement.receipt_no), papers)

    # ------------------------------------------------------------------ handlers (own the state)

    @on(Failed)
    def _failed(self, msg: Failed) -> None:
        self._busy = False
        self.status.show(msg.text, "error")

    @on(Loaded)
    def _loaded(self, msg: Loaded) -> None:
        self._busy = False
        self.record = msg.record
        title = t("office.record.title_no", no=msg.record.receipt_no)
        if msg.record.settlement.kind == "refund":
            title += " " + t("office.kind.refund")
        elif msg.record.refund is not None:
            title += " " + t("office.state.refunded")
        self.query_one("#record-title", Static).update(title)
        self.query_one("#facts", Static).update(facts_table(msg.record))
        self.query_one("#receipt-text", Static).update(msg.papers.receipt)
        self.query_one("#slip-text", Static).update(msg.papers.slip)
        self.status.show(msg.note or t("office.record.hint"), "ok" if msg.note else "info")

    @on(Resettle)
    def _resettle(self, msg: Resettle) -> None:
        from screens.tender import TenderModal

        self.status.show(msg.note + " " + t("office.record.take_kept"), "busy")

        def tendered(tenders: list[TenderInput] | None) -> None:
            if tenders is None:
                self._busy = False
                self.status.show(msg.note + " " + t("office.record.kept_waiting"), "error")
                return
            self.run_settle(tenders, msg.note)

        self.app.push_screen(TenderModal(msg.split.psn_cash_pay), tendered)

    # ------------------------------------------------------------------ actions

    def _ready(self) -> bool:
        if self.record is None or self._busy:
            self.status.show(t("status.busy"), "busy")
            return False
        return True

    def action_reprint(self) -> None:
        if not self._ready():
            return
        self._busy = True
        self.status.show(t("office.record.reprinting"), "busy")
        self.run_reprint()

    def action_reissue(self) -> None:
        if not self._ready():
            return
        from screens.office.reason import ReasonModal

        def given(reason: str | None) -> None:
            if reason:
                self._busy = True
                self.status.show(t("office.record.reissuing"), "busy")
                self.run_reissue(reason)

        self.app.push_screen(
            ReasonModal(t("office.reissue.title", no=self.record.receipt_no)), given
        )

    def action_refund(self) -> None:
        if not self._ready():
            return
        record = self.record
        if record.settlement.kind == "refund":
            self.status.show(t("office.refund.is_refund"), "error")
            return
        if record.refund is not None:
            self.status.show(t("office.refund.already", hc=record.refund.receipt_no), "error")
            return
        from screens.office.refund import RefundModal

        def requested(request: RefundRequest | None) -> None:
            if request is None:
                self.status.show(t("office.refund.cancelled"), "info")
                return
            self._busy = True
            working = "working_selfpay" if record.settlement.selfpay else "working"
            self.status.show(t(f"office.refund.{working}"), "busy")
            self.run_refund(request)

        self.app.push_screen(RefundModal(record), requested)

    def action_close(self) -> None:
        self.dismiss(self.changed)

"""The cashier's main screen: scan → patient → visit and bill → pre-settle → co-pay → tender → receipt.

Workers await desk calls on the app's desk thread and only post messages; the handlers below own
every state change. Every failure becomes one line in the status area.
"""

from __future__ import annotations

import asyncio
import contextlib
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from engine.codes import MdtrtCertType, MedType
from engine.money import yuan
from pos.clock import in_china
from pos.i18n import get_lang, t
from pos.services.views import (
    CatalogItemView,
    MessageRecord,
    PatientView,
    PresettleView,
    SettleOutcome,
    TenderInput,
    VisitView,
)
from screens.common import (
    StatusLine,
    TranslatedBindings,
    WedgeBuffer,
    error_text,
    is_credential,
    key,
)
from screens.office.keys import OFFICE_KEY
from screens.widgets import (
    BillTable,
    MessageLog,
    PatientPanel,
    SplitPanel,
    WhyPanel,
    code_label,
    patient_brief,
)

MAX_SCAN = 64
WORKING_AFTER = 0.15  # seconds before a step in progress says so on the status line
# Desk refusals of an insured visit after which 全自费 is the way on (F3 offers it).
SELFPAY_HINT = ("PATIENT_NOT_INSURED", "INSTITUTION_NOT_DESIGNATED")
MAX_ITEM_TEXT = 40


def clean_text(text: str, limit: int = MAX_SCAN) -> str | None:
    """Typed text without its edge spaces, or None if it holds control characters or is too long.

    Input hygiene only: what a scan *is* (e-voucher, 身份证, 社保卡) is the desk's to say.
    """
    text = text.strip()
    if len(text) > limit:
        return None
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        return None
    return text


@dataclass
class BillState:
    """What the cashier screen holds between steps (kept across Esc and modals)."""

    patient: PatientView | None = None
    visit: VisitView | None = None
    split: PresettleView | None = None
    settled: SettleOutcome | None = None
    copay_decided: bool = False
    chosen_givers: list[str] = field(default_factory=list)  # giver psn_nos, in deduction order
    proof_checked: bool = False
    acct_used: bool = True


class Identified(Message):
    def __init__(self, patient: PatientView) -> None:
        super().__init__()
        self.patient = patient


class PatientRefreshed(Message):
    """The center's fresh 1101 answer for the patient on the counter (after a settlement)."""

    def __init__(self, patient: PatientView) -> None:
        super().__init__()
        self.patient = patient


class VisitLoaded(Message):
    def __init__(self, visit: VisitView, keep: str | None = None, note: str | None = None) -> None:
        super().__init__()
        self.visit = visit
        self.keep = keep
        self.note = note


class SplitReady(Message):
    def __init__(
        self, split: PresettleView, then_tender: bool = False, prompt: bool = True
    ) -> None:
        super().__init__()
        self.split = split
        self.then_tender = then_tender
        self.prompt = prompt


class SettledMsg(Message):
    def __init__(self, done: SettleOutcome) -> None:
        super().__init__()
        self.done = done


class Reversed(Message):
    def __init__(self, calls: list[str]) -> None:
        super().__init__()
        self.calls = calls


class PapersReady(Message):
    def __init__(self, done: SettleOutcome, papers: tuple[str, str]) -> None:
        super().__init__()
        self.done = done
        self.papers = papers


class CatalogLoaded(Message):
    def __init__(self, items: list[CatalogItemView]) -> None:
        super().__init__()
        self.items = items


class LogLoaded(Message):
    def __init__(self, records: list[MessageRecord]) -> None:
        super().__init__()
        self.records = records


class Cleared(Message):
    """The desk let go of the patient: the counter is empty."""


class Failed(Message):
    def __init__(self, step: str, text: str, code: str = "") -> None:
        super().__init__()
        self.step = step
        self.text = text
        self.code = code


class CashierScreen(TranslatedBindings, Screen[None]):
    CSS_PATH = "cashier.tcss"
    # Every F-key action has a Ctrl alternative (terminals take F11, browsers F5/F11/F12); the
    # footer and F1 help show both. Priority: the Ctrl keys work while focus is in a text field.
    BINDINGS: ClassVar[list[BindingType]] = [
        key("f2,ctrl+r", "read_card", "key.read_card", id="read-card", priority=True),
        key("f3,ctrl+l", "med_type", "key.med_type", id="med-type", priority=True),
        key("f4,ctrl+b", "add_item", "key.add_item", id="add-item", priority=True),
        key("f5,ctrl+p", "presettle", "key.presettle", id="presettle", priority=True),
        key("f6,ctrl+f", "copay", "key.copay", id="copay", priority=True),
        key("f7,ctrl+e", "quantity", "key.quantity", id="edit-quantity", show=False, priority=True),
        # Priority too: in a text field Del still edits the text (remove_line hands it back).
        key(
            "delete,ctrl+d",
            "remove_line",
            "key.remove",
            id="remove-line",
            show=False,
            priority=True,
        ),
        key("f8,ctrl+s", "tender", "key.tender", id="tender", priority=True),
        key("f9,ctrl+o", "toggle_log", "key.log", id="message-log", show=False, priority=True),
        key("f10,ctrl+y", "next_patient", "key.next", id="next-patient", priority=True),
        key(
            "f11,ctrl+k", "toggle_acct", "key.acct", id="toggle-account", show=False, priority=True
        ),
        key(
            "f12,ctrl+z",
            "reverse_lost",
            "key.reverse",
            id="reverse-lost",
            show=False,
            priority=True,
        ),
        key("escape", "back", "key.back", id="back", show=False),
        OFFICE_KEY,  # Shift+F12 / Ctrl+O: the back office (screens/office)
    ]

    def __init__(self) -> None:
        super().__init__()
        self._translate_bindings()
        self.state = BillState()
        self._catalog: list[CatalogItemView] = []
        self._busy: str | None = None
        self._working_timer: Timer | None = None
        self._settling = False
        self._split_stale = True
        self._discard_armed = False
        self._quit_armed = False
        self._pending_scan: str | None = None  # a scan waiting for "discard the unsettled bill?"
        self.wedge = WedgeBuffer()

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Static(self._topbar_text(), id="session-info")
            yield Static(t("app.training_mark"), id="watermark")
        with Horizontal(id="scan-row"):
            yield Label(t("scan.label"), id="scan-label")
            yield Input(placeholder=t("scan.placeholder"), id="scan", max_length=MAX_SCAN * 4)
        with Horizontal(id="body"):
            yield PatientPanel(id="patient")
            with Vertical(id="bill"):
                yield Static("", id="patient-brief")
                yield Static("", id="visit-info")
                yield BillTable(id="bill-table")
                with Horizontal(id="item-row"):
                    yield Label(t("bill.add_label"), id="item-label")
                    yield Input(placeholder=t("bill.add_placeholder"), id="item-entry")
                yield OptionList(id="suggestions")
                yield Static("", id="bill-total")
            with VerticalScroll(id="right"):
                yield SplitPanel(id="split")
                yield WhyPanel(id="why")
        yield MessageLog(id="msglog", wrap=True, markup=False, max_lines=400)
        # The 培训 mark at the bottom too (shown only in training, app.tcss).
        yield Static(t("app.training_mark"), id="watermark-bottom")
        yield StatusLine(t("status.scan_ready"), id="status")
        yield Footer(compact=True)

    def _topbar_text(self) -> str:
        session = self.app.session
        now = in_china(self.app.clock()).strftime("%Y-%m-%d %H:%M")
        if session is None:
            return t("app.title")
        return t(
            "top.info",
            inst=session.station.institution_label(get_lang()),
            station=session.station.station_name,
            cashier=f"{session.cashier.cashier_no} {session.cashier.name}",
            now=now,
        )

    def on_mount(self) -> None:
        for inp in self.query(Input):
            inp.cursor_blink = self.app.settings.cursor_blink
        self.query_one("#msglog").display = False
        self.query_one("#suggestions").display = False
        self._refresh_total()
        self.query_one("#scan", Input).focus()
        self.load_catalog()
        if self.app.settings.show_clock:
            self.set_interval(30, self._tick)

    def _tick(self) -> None:
        self.query_one("#session-info", Static).update(self._topbar_text())

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def _refresh_total(self) -> None:
        visit = self.state.visit
        total = visit.total if visit else Decimal("0.00")
        n = len(visit.lines) if visit else 0
        key = "bill.total_one" if n == 1 else "bill.total"  # English: "1 line", "2 lines"
        self.query_one("#bill-total", Static).update(t(key, n=n, total=yuan(total)))
        info = ""
        if visit is not None and visit.selfpay:
            info = t("bill.visit_selfpay", med=code_label(MedType, visit.med_type))
        elif visit is not None:
            info = t("bill.visit", med=code_label(MedType, visit.med_type), mdtrt=visit.mdtrt_id)
        self.query_one("#visit-info", Static).update(info)

    def _refresh_log(self) -> None:
        if self.query_one(MessageLog).display:
            self.load_log()

    # ------------------------------------------------------------------ workers (post only)

    @work(group="catalog", exclusive=True)
    async def load_catalog(self) -> None:
        try:
            items = list(await self.app.call(self.app.desk.catalog))
        except Exception as exc:
            self.post_message(Failed("catalog", error_text(exc)))
            return
        self.post_message(CatalogLoaded(items))

    @work(group="log", exclusive=True)
    async def load_log(self) -> None:
        records = list(await self.app.call(self.app.desk.exchanges))
        self.post_message(LogLoaded(records))

    @work(group="desk")
    async def run_identify(self, text: str) -> None:
        try:
            patient = await self.app.call(self.app.desk.identify, text)
        except Exception as exc:
            self.post_message(Failed("identify", error_text(exc)))
            return
        self.post_message(Identified(patient))

    @work(group="desk")
    async def run_open_visit(
        self, med_type: str, selfpay: bool = False, after: asyncio.Event | None = None
    ) -> None:
        desk = self.app.desk
        if after is not None:  # the patient is drawn first (PatientPanel.after_paint)
            with contextlib.suppress(TimeoutError):  # never held up for long, whatever happens
                await asyncio.wait_for(after.wait(), 4 * PatientPanel.PAINT_GRACE)
        try:
            if selfpay:
                visit = await self.app.call(desk.open_selfpay_visit, med_type)
            else:
                visit = await self.app.call(desk.open_visit, med_type)
        except Exception as exc:
            self.post_message(Failed("visit", error_text(exc), getattr(exc, "code", "")))
            return
        self.post_message(VisitLoaded(visit, note=t("status.visit_opened", n=len(visit.lines))))

    @work(group="desk")
    async def run_bill_change(self, op: str, line_no: int | None, code: str = "", qty=None) -> None:
        desk = self.app.desk

        def change() -> VisitView:
            if op == "add":
                desk.add_line(code, qty)
            elif op == "remove":
                desk.remove_line(line_no)
            else:
                desk.edit_line(line_no, qty)
            return desk.current_visit()

        try:
            visit = await self.app.call(change)
        except Exception as exc:
            self.post_message(Failed("bill", error_text(exc)))
            return
        keep = line_no if op == "qty" else None
        if op == "add":
            keep = visit.lines[-1].line_no if visit.lines else None
        self.post_message(VisitLoaded(visit, keep=keep, note=t("status.bill_" + op)))

    @work(group="desk")
    async def run_presettle(self, then_tender: bool = False, prompt: bool = True) -> None:
        st = self.state
        givers = list(st.chosen_givers) if st.copay_decided else None
        try:
            split = await self.app.call(
                self.app.desk.presettle,
                acct_used=st.acct_used,
                copay_givers=givers,
                copay_proof_checked=st.proof_checked,
            )
        except Exception as exc:
            self.post_message(Failed("presettle", error_text(exc)))
            return
        self.post_message(SplitReady(split, then_tender=then_tender, prompt=prompt))

    @work(group="settle")
    async def run_settle(self, tenders: list[TenderInput]) -> None:
        try:
            done = await self.app.call(self.app.desk.settle, tenders)
        except Exception as exc:
            self.post_message(Failed("settle", error_text(exc), getattr(exc, "code", "")))
            return
        self.post_message(SettledMsg(done))

    @work(group="refresh", exclusive=True)
    async def refresh_patient(self) -> None:
        """After a settlement: the account and each giver's available amount as the center now
        has them (1101 again). A failure only leaves the panel as it was; the settlement stands."""
        try:
            patient = await self.app.call(self.app.desk.refresh_patient)
        except Exception:
            return
        self.post_message(PatientRefreshed(patient))

    @work(group="desk")
    async def run_reverse(self) -> None:
        try:
            lost = await self.app.call(self.app.desk.reverse_lost_of_patient)
        except Exception as exc:
            self.post_message(Failed("reverse", error_text(exc)))
            return
        self.post_message(Reversed([f"{call.infno}:{call.msgid}" for call in lost]))

    def _start(self, what: str) -> bool:
        if self._busy is not None:
            self.status.show(t("status.busy"), "busy")
            return False
        self._busy = what
        # "正在…" only for a step that takes a while: a quick one's answer replaces it before the
        # eye sees it, and each status change costs the whole screen a layout and a paint.
        self._working_timer = self.set_timer(WORKING_AFTER, lambda: self._working(what))
        return True

    def _working(self, what: str) -> None:
        if self._busy == what:
            self.status.show(t("status.working." + what), "busy")

    def _done(self) -> None:
        self._busy = None
        if self._working_timer is not None:
            self._working_timer.stop()
            self._working_timer = None

    # ------------------------------------------------------------------ handlers (own the state)

    @on(Failed)
    def _failed(self, msg: Failed) -> None:
        self._done()
        if msg.step == "settle":
            self._settling = False
        if msg.code in ("SETTLE_REFUSED", "SETTLE_AMOUNT_CHANGED"):
            # The desk dropped the split: F5 pre-settles afresh and asks about co-pay again,
            # with each giver as the center sees them now.
            self._split_stale = True
            self.state.copay_decided = False
            self.state.chosen_givers = []
        text = msg.text
        if msg.code in SELFPAY_HINT:  # the way on: charge it as 全自费 (F3)
            text = f"{text}{t('status.selfpay_hint')}"
        self.status.show(text, "error")
        self._refresh_log()
        if msg.step == "identify":
            scan = self.query_one("#scan", Input)
            scan.value = ""
            scan.focus()

    @on(CatalogLoaded)
    def _catalog_loaded(self, msg: CatalogLoaded) -> None:
        self._catalog = msg.items

    @on(LogLoaded)
    def _log_loaded(self, msg: LogLoaded) -> None:
        log = self.query_one(MessageLog)
        if log.display:
            log.show_exchanges(msg.records)

    @on(Reversed)
    def _reversed(self, msg: Reversed) -> None:
        self._done()
        self._refresh_log()
        self.status.show(t("status.reversed", calls="，".join(msg.calls)), "ok")

    @on(Identified)
    def _identified(self, msg: Identified) -> None:
        """The patient on the panel at once: every part is updated in place, nothing already
        showing what it should is touched, and the visit's worker, started here (the step is
        busy from here on), sends its 2201/2203 only once the panel is drawn: the desk thread's
        work would otherwise share the interpreter with the paint the cashier waits for."""
        self._done()
        self.state = BillState(patient=msg.patient)
        self._split_stale = True
        self._show_patient(msg.patient)
        self.query_one(SplitPanel).show_none()
        self.query_one(WhyPanel).show_trace(())
        self.query_one(BillTable).show_none()
        scan = self.query_one("#scan", Input)
        scan.value = ""
        via = code_label(MdtrtCertType, msg.patient.mdtrt_cert_type)
        self.status.show(t("status.identified", name=msg.patient.name_masked, via=via), "ok")
        self._refresh_log()
        session = self.app.session
        med = "41" if session is not None and session.station.is_pharmacy else "11"
        if self._start("visit"):
            drawn = asyncio.Event()
            self.query_one(PatientPanel).after_paint(drawn.set)
            self.run_open_visit(med, after=drawn)

    def _show_patient(self, patient: PatientView) -> None:
        self.query_one(PatientPanel).show_patient(patient)
        # One line, fixed height (shown instead of the panel below 100 columns): no layout.
        self.query_one("#patient-brief", Static).update(patient_brief(patient), layout=False)

    @on(VisitLoaded)
    def _visit_loaded(self, msg: VisitLoaded) -> None:
        self._done()
        # "Changed, pre-settle again" only where a pre-settlement was shown (a 医疗类别 changed
        # after F5); a visit just opened has had none yet.
        hint = t("split.stale") if self.state.split is not None else t("split.empty")
        self.state.visit = msg.visit
        self.state.split = None
        self._split_stale = True
        self.query_one(BillTable).show_lines(msg.visit.lines, keep=msg.keep)
        self.query_one(SplitPanel).show_none(hint)
        self.query_one(WhyPanel).show_trace(())
        self._refresh_total()
        self._refresh_log()
        if msg.note:
            self.status.show(msg.note, "ok")
        if not self.query_one("#item-entry", Input).has_focus:
            self.query_one(BillTable).focus()

    @on(SplitReady)
    def _split_ready(self, msg: SplitReady) -> None:
        self._done()
        self.state.split = msg.split
        self._split_stale = False
        self._show_split(msg.split)
        self._refresh_log()
        self.status.show(
            t(
                "status.presettled",
                hifp=yuan(msg.split.amount("hifp_pay")),
                cash=yuan(msg.split.amount("psn_cash_pay")),
            ),
            "ok",
        )
        if (
            msg.prompt
            and not self.state.copay_decided
            and msg.split.copay_options
            and msg.split.amount("psn_cash_pay") > 0
        ):
            self.action_copay(then_tender=msg.then_tender)
            return
        if msg.then_tender:
            self._open_tender()

    def _show_split(self, split: PresettleView, amounts: dict | None = None) -> None:
        """The pre-settlement's split, or the stored settlement's `amounts` with its givers."""
        panel = self.query_one(SplitPanel)
        width = max(10, panel.size.width - 4) if panel.size.width else 34
        panel.show_split(
            amounts if amounts is not None else split.money,
            split.copay_options,
            acct_used=split.acct_used,
            settled=amounts is not None,
            width=width,
        )
        self.query_one(WhyPanel).show_trace(split.trace)

    @on(SettledMsg)
    def _settled(self, msg: SettledMsg) -> None:
        self._done()
        self._settling = False
        settlement = msg.done.settlement
        self.state.settled = msg.done
        if self.state.split is not None:  # the stored amounts, with the pre-settlement's "why"
            self._show_split(self.state.split, dict(settlement.amounts))
        self._refresh_log()
        note = "status.settled_again" if msg.done.already else "status.settled"
        self.status.show(
            t(
                note,
                setl_id=settlement.setl_id,
                receipt=settlement.receipt_no,
                change=yuan(settlement.change),
            ),
            "ok",
        )
        self._open_receipt()
        if not msg.done.already:
            self.refresh_patient()

    @on(PatientRefreshed)
    def _patient_refreshed(self, msg: PatientRefreshed) -> None:
        current = self.state.patient
        if current is None or current.psn_no != msg.patient.psn_no:
            return  # the counter has moved on to someone else
        self.state.patient = msg.patient
        self._show_patient(msg.patient)

    # ------------------------------------------------------------------ inputs

    @on(Input.Submitted, "#scan")
    def _scan_submitted(self, event: Input.Submitted) -> None:
        text = clean_text(event.value)
        if text is None:
            event.input.value = ""
            self.status.show(t("scan.bad_input"), "error")
            return
        if not text:
            self.status.show(t("scan.empty"), "error")
            return
        self._identify(text)

    def has_unsettled_bill(self) -> bool:
        st = self.state
        return st.visit is not None and bool(st.visit.lines) and st.settled is None

    def _identify(self, text: str) -> None:
        """A scan from the scan field, the card reader or anywhere else on the screen. With an
        unsettled bill on the counter it asks first: the scan waits in the scan field, Enter
        discards the bill (its orders go back to waiting) and identifies, Esc keeps the bill."""
        if self.has_unsettled_bill() and self._pending_scan != text:
            self._pending_scan = text
            scan = self.query_one("#scan", Input)
            scan.value = text
            scan.focus()
            self.status.show(t("status.scan_discard_confirm"), "error")
            return
        self._pending_scan = None
        self._discard_armed = self._quit_armed = False
        if self._start("identify"):
            self.run_identify(text)

    def scan_from_anywhere(self, text: str) -> None:
        """A credential typed while focus was elsewhere (the bill, a modal, nothing): close what is
        on top of this screen and send it to identification."""
        stack = self.app.screen_stack
        if self in stack:
            for _ in range(len(stack) - 1 - stack.index(self)):
                self.app.pop_screen()
        self._identify(text.strip().upper())

    def wedge_key(self, event) -> bool:
        """Feed a key that reached this screen (or a modal above it) unhandled; True when it
        completed a credential, which then went to identification."""
        if isinstance(self.app.focused, Input):
            self.wedge.text = ""
            return False
        text = self.wedge.feed(event.key, event.character)
        if text is None or not is_credential(text):
            return False
        event.stop()
        event.prevent_default()
        self.scan_from_anywhere(text)
        return True

    def may_quit(self) -> bool:
        """Ctrl+Q: with an unsettled bill, the first press only asks."""
        if self.has_unsettled_bill() and not self._quit_armed:
            self._quit_armed = True
            self.status.show(t("status.quit_confirm"), "error")
            return False
        return True

    @on(Input.Changed, "#item-entry")
    def _item_changed(self, event: Input.Changed) -> None:
        self._suggest(event.value)

    def _matches(self, text: str) -> list[CatalogItemView]:
        text = text.strip().lower()
        if not text:
            return []
        hits = []
        for item in self._catalog:
            hay = (item.medins_list_codg.lower(), item.name.lower(), item.pinyin.lower())
            if any(text in h for h in hay if h):
                hits.append(item)
        hits.sort(
            key=lambda i: (
                not i.medins_list_codg.lower().startswith(text),
                not i.name.lower().startswith(text),
            )
        )
        return hits

    def _suggest(self, value: str) -> None:
        options = self.query_one("#suggestions", OptionList)
        name, _ = split_qty(value)
        hits = self._matches(name)[:6]
        options.clear_options()
        for item in hits:
            lv = {"01": t("lv.a"), "02": t("lv.b"), "03": t("lv.c")}.get(item.chrgitm_lv, "?")
            code = item.medins_list_codg
            options.add_option(Option(f"{lv} {code}  {item.name}  {yuan(item.pric)}", id=code))
        options.display = bool(hits)

    @on(Input.Submitted, "#item-entry")
    def _item_submitted(self, event: Input.Submitted) -> None:
        value = event.value
        if clean_text(value, MAX_ITEM_TEXT) is None:
            event.input.value = ""
            self.status.show(t("bill.bad_item_text"), "error")
            return
        name, qty = split_qty(value)
        if qty is None:
            self.status.show(t("bill.bad_qty"), "error")
            return
        hits = self._matches(name)
        exact = [
            i
            for i in hits
            if i.medins_list_codg.lower() == name.strip().lower() or i.name == name.strip()
        ]
        if exact:
            hits = exact[:1]
        if not name.strip():
            self.status.show(t("bill.need_item"), "error")
            return
        if not hits:
            if is_credential(value):  # a scan while focus was in 加项目
                event.input.value = ""
                self.query_one("#suggestions").display = False
                self._identify(value.strip().upper())
                return
            self.status.show(t("bill.not_found", text=name.strip()), "error")
            return
        if len(hits) > 1:
            self.status.show(t("bill.ambiguous", n=len(hits)), "error")
            self.query_one("#suggestions", OptionList).focus()
            return
        self._add(hits[0].medins_list_codg, qty)
        event.input.value = ""

    @on(OptionList.OptionSelected, "#suggestions")
    def _suggestion_picked(self, event: OptionList.OptionSelected) -> None:
        entry = self.query_one("#item-entry", Input)
        _, qty = split_qty(entry.value)
        self._add(event.option.id or "", qty or Decimal(1))
        entry.value = ""
        entry.focus()

    def _add(self, code: str, qty: Decimal) -> None:
        if not self._need_visit():
            return
        if self._start("bill"):
            self.run_bill_change("add", None, code, qty)

    def _need_visit(self) -> bool:
        if self.state.patient is None or self.state.visit is None:
            self.status.show(t("status.need_patient"), "error")
            return False
        if self.state.settled is not None:
            self.status.show(t("status.already_settled"), "error")
            return False
        return True

    # ------------------------------------------------------------------ actions

    def action_read_card(self) -> None:
        from screens.card_reader import CardReaderModal

        def picked(scan: str | None) -> None:
            if scan:
                self._identify(scan)

        self.app.push_screen(CardReaderModal(self.app.desk.virtual_cards()), picked)

    def action_med_type(self) -> None:
        if self.state.patient is None:
            self.status.show(t("status.need_patient"), "error")
            return
        if self.state.settled is not None:
            self.status.show(t("status.already_settled"), "error")
            return
        from screens.modals import SELFPAY, MedTypeModal

        visit = self.state.visit
        current = (SELFPAY if visit.selfpay else visit.med_type) if visit else "11"

        def chosen(code: str | None) -> None:
            if not code or code == current or not self._start("visit"):
                return
            if code == SELFPAY:  # 全自费: the visit's 医疗类别 stays what the window uses
                session = self.app.session
                pharmacy = session is not None and session.station.is_pharmacy
                self.run_open_visit("41" if pharmacy else "11", selfpay=True)
            else:
                self.run_open_visit(code)

        self.app.push_screen(MedTypeModal(self.app.desk.med_types(), current), chosen)

    def action_add_item(self) -> None:
        if not self._need_visit():
            return
        entry = self.query_one("#item-entry", Input)
        entry.focus()
        self._suggest(entry.value)

    def action_quantity(self) -> None:
        if not self._need_visit():
            return
        line_no = self.query_one(BillTable).current_line_no()
        line = (
            next((x for x in self.state.visit.lines if x.line_no == line_no), None)
            if self.state.visit
            else None
        )
        if line is None:
            self.status.show(t("bill.no_line"), "error")
            return
        from screens.modals import QuantityModal

        def chosen(qty: Decimal | None) -> None:
            if qty is not None and self._start("bill"):
                self.run_bill_change("qty", line.line_no, qty=qty)

        self.app.push_screen(QuantityModal(line), chosen)

    def action_remove_line(self) -> None:
        focused = self.focused
        if isinstance(focused, Input) and not (focused.id == "item-entry" and not focused.value):
            # Del edits the text being typed; only in an empty 加项目 field does it remove a line.
            focused.action_delete_right()
            return
        if not self._need_visit():
            return
        line_no = self.query_one(BillTable).current_line_no()
        if line_no is None:
            self.status.show(t("bill.no_line"), "error")
            return
        if self._start("bill"):
            self.run_bill_change("remove", line_no)

    def action_presettle(self) -> None:
        if not self._need_visit():
            return
        if not self.state.visit.lines:
            self.status.show(t("bill.empty"), "error")
            return
        if self._start("presettle"):
            self.run_presettle()

    def action_toggle_acct(self) -> None:
        if not self._need_visit():
            return
        self.state.acct_used = not self.state.acct_used
        self.status.show(t("status.acct_on" if self.state.acct_used else "status.acct_off"), "ok")
        if self.state.split is not None and self._start("presettle"):
            self.run_presettle(prompt=False)

    def action_copay(self, then_tender: bool = False) -> None:
        if self.state.settled is not None:
            self.status.show(t("status.already_settled"), "error")
            return
        split = self.state.split
        if split is None or self._split_stale:
            self.status.show(t("status.presettle_first"), "error")
            return
        if not split.copay_options:
            self.status.show(t("copay.none"), "error")
            return
        from screens.copay import CopayChoice, CopayModal

        session = self.app.session
        need_proof = bool(session and session.station.proof_at_counter)

        def chosen(choice: CopayChoice | None) -> None:
            if choice is None:  # Esc: back, nothing changes
                self.status.show(t("copay.unchanged"), "info")
                return
            self.state.copay_decided = True
            self.state.chosen_givers = list(choice.givers)
            self.state.proof_checked = choice.proof_checked
            if self._start("presettle"):
                self.run_presettle(then_tender=then_tender, prompt=False)

        self.app.push_screen(CopayModal(split, need_proof, self.state.proof_checked), chosen)

    def action_tender(self) -> None:
        st = self.state
        if st.settled is not None:
            self._open_receipt()
            self.status.show(t("status.already_settled"), "info")
            return
        if self._settling:
            self.status.show(t("status.settling"), "busy")
            return
        if not self._need_visit():
            return
        if not st.visit.lines:
            self.status.show(t("bill.empty"), "error")
            return
        if st.split is None or self._split_stale:
            if self._start("presettle"):
                self.run_presettle(then_tender=True)
            return
        self._open_tender()

    def _open_tender(self) -> None:
        from screens.tender import TenderModal

        split = self.state.split
        if split is None:
            return

        def tendered(tenders: list[TenderInput] | None) -> None:
            if tenders is None:
                self.status.show(t("tender.cancelled"), "info")
                return
            if self._settling or self.state.settled is not None:
                return
            if self._start("settle"):
                self._settling = True
                self.run_settle(tenders)

        self.app.push_screen(TenderModal(split.amount("psn_cash_pay")), tendered)

    def _open_receipt(self) -> None:
        done = self.state.settled
        if done is None or self.app.session is None:
            return
        self.lay_out_papers(done)

    @work(group="papers", exclusive=True)
    async def lay_out_papers(self, done: SettleOutcome) -> None:
        settings = self.app.settings

        def papers() -> tuple[str, str]:
            from pos.printing import render_text

            receipt, slip = self.app.desk.documents(done, settings.training)
            width = settings.printer.width
            return render_text(receipt, width), render_text(slip, width)

        try:
            laid_out = await self.app.call(papers)
        except Exception as exc:
            self.post_message(Failed("papers", error_text(exc)))
            return
        self.post_message(PapersReady(done, laid_out))

    @on(PapersReady)
    def _papers_ready(self, msg: PapersReady) -> None:
        from screens.receipt_preview import ReceiptModal

        if not isinstance(self.app.screen, ReceiptModal):
            self.app.push_screen(ReceiptModal(msg.done, msg.papers))

    def action_reverse_lost(self) -> None:
        """F12 冲正: a 2207 whose answer was lost is reversed (2601) before settling again."""
        if self.state.patient is None:
            self.status.show(t("status.need_patient"), "error")
            return
        if self._start("reverse"):
            self.run_reverse()

    def action_back_office(self) -> None:
        """Shift+F12 / Ctrl+O: the back office (find, 补打, 重打, 退费, 日结, 对账); Esc comes back."""
        from screens.office.office import BackOfficeScreen

        self.app.push_screen(BackOfficeScreen())

    def action_toggle_log(self) -> None:
        log = self.query_one(MessageLog)
        log.display = not log.display
        self.call_after_refresh(self._refresh_log)  # once it has its width, so lines wrap to it

    def action_next_patient(self) -> None:
        st = self.state
        if (
            st.visit is not None
            and st.visit.lines
            and st.settled is None
            and not self._discard_armed
        ):
            self._discard_armed = True
            self.status.show(t("status.discard_confirm"), "error")
            return
        if self._busy is not None:
            self.status.show(t("status.busy"), "busy")
            return
        self._discard_armed = False
        self.reset_bill()

    @work(group="desk")
    async def reset_bill(self) -> None:
        try:
            await self.app.call(self.app.desk.clear_patient)
        except Exception as exc:
            self.post_message(Failed("reset", error_text(exc)))
            return
        self.post_message(Cleared())

    @on(Cleared)
    def _cleared(self) -> None:
        self.state = BillState()
        self._split_stale = True
        self.query_one(PatientPanel).show_none()
        self.query_one("#patient-brief", Static).update("", layout=False)
        self.query_one(BillTable).show_none()
        self.query_one(SplitPanel).show_none()
        self.query_one(WhyPanel).show_trace(())
        self._refresh_total()
        scan = self.query_one("#scan", Input)
        scan.value = ""
        scan.focus()
        self.status.show(t("status.next"), "ok")

    def action_back(self) -> None:
        focused = self.focused
        if self._pending_scan is not None:  # keep the bill: the waiting scan is dropped
            self._pending_scan = None
            self.query_one("#scan", Input).value = ""
        self._quit_armed = False
        if focused is not None and focused.id in ("item-entry", "suggestions"):
            self.query_one("#suggestions").display = False
            self.query_one(BillTable).focus()
        elif self.query_one(MessageLog).display:
            self.query_one(MessageLog).display = False
        elif focused is not None and focused.id == "bill-table":
            self.query_one("#scan", Input).focus()
        self._discard_armed = False
        self.status.show(t("status.back"), "info")

    def on_key(self, event) -> None:
        if self.wedge_key(event):
            return
        # Down from the item entry walks into the suggestions.
        if event.key == "down" and self.focused is not None and self.focused.id == "item-entry":
            options = self.query_one("#suggestions", OptionList)
            if options.display and options.option_count:
                options.focus()
                options.highlighted = 0
                event.stop()


def split_qty(value: str) -> tuple[str, Decimal | None]:
    """ "阿莫西林*3" -> ("阿莫西林", 3); no quantity -> 1; a bad one -> (name, None)."""
    for sep in ("*", "×", " x "):
        if sep in value:
            name, _, qty = value.rpartition(sep)
            try:
                number = Decimal(qty.strip())
            except ArithmeticError:
                return name, None
            if (
                not number.is_finite()
                or number <= 0
                or number > 9999
                or number != number.quantize(Decimal("0.0001"))
            ):
                return name, None
            return name, number
    return value, Decimal(1)


__all__ = ["CashierScreen", "clean_text"]

"""The cashier desk: one façade over the parts of a window's work.

    desk = CashierDesk(open_database())          # the station is chosen at login
    desk.login("1001", "111111", "H65270100001-01")
    desk.identify("652701201406010152")          # 1101           (identify.py)
    desk.open_visit("11")                        # 2201 + 2203    (bill.py)
    pre = desk.presettle(copay_givers=[...])     # 2204 + 2206    (checkout.py)
    desk.settle([TenderInput("cash", pre.psn_cash_pay, tendered=Decimal("100"))])   # 2207

The parts — Identification, Bill, Checkout, Refunds, InFlight, Closing — each take the `Window`
(the books, the clock, the wire to the center, the station; and the `WindowState` with the working
state) and the other parts they use, in their constructors. Every public method here returns
views (pos.services.views) or raises PosError; nothing else reaches a caller.

Rule for every part: never hold a database transaction open while talking to the center (on
SQLite the center's own write would queue behind ours); read, commit, call, then write.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from pos.auth import authenticate, unlock
from pos.clock import Clock, china_now
from pos.config import PrinterSettings
from pos.database import Database, build_center
from pos.errors import PosError
from pos.services import configaudit
from pos.services.bill import Bill
from pos.services.checkout import Checkout
from pos.services.closing import Closing
from pos.services.guard import guarded
from pos.services.identify import Identification
from pos.services.inflight import InFlight
from pos.services.link import CenterLink, CenterPort, MessageRecord, MsgIds
from pos.services.office import Office
from pos.services.refund import Refunds
from pos.services.rows import station_view
from pos.services.unlocking import Unlocking
from pos.services.views import (
    ApprovalView,
    CashierView,
    CatalogItemView,
    DayCloseView,
    DayReportView,
    DrawerCount,
    LineView,
    LostCall,
    PapersView,
    PatientView,
    PresettleView,
    ReceiptRecordView,
    ReconcileView,
    RefundOutcome,
    SessionView,
    SettlementView,
    SettleOutcome,
    StationView,
    TenderInput,
    UnlockView,
    VirtualCard,
    VisitView,
)
from pos.services.window import Window, WindowState
from pos.store import queries
from pos.store.models import Cashier


class CashierDesk:
    def __init__(
        self,
        db: Database,
        station_id: str | None = None,
        *,
        clock: Clock | None = None,
        msgids: Callable[[str, datetime], str] | None = None,
        center: CenterPort | None = None,
        lang: str = "zh",
        training: bool = False,
        config: dict[str, str] | None = None,
    ) -> None:
        """config: what the app runs with (pos.services.configaudit.summary); at each sign-in a
        difference from what this window last ran with is audited as `config.change`."""
        self.db = db
        self.training = training  # receipts in the training series (pos.training builds these)
        self.config = config
        self.clock: Clock = clock or china_now
        self.lang = lang
        self._msgids = msgids
        self._center = center
        self.counter = WindowState()
        self._window: Window | None = None
        if station_id is not None:
            self._bind(station_id)

    # ------------------------------------------------------------------ the window and its parts

    def _bind(self, station_id: str) -> None:
        """Put the desk at a window: load the station and build the parts around it."""
        if self._window is not None and self._window.station.station_id == station_id:
            return
        station = self._load_station(station_id)
        if self._center is None:
            self._center = build_center(self.db.engine, clock=self.clock, lang=self.lang)
        window_no = int(station_id.rsplit("-", 1)[-1]) if station_id[-2:].isdigit() else 0
        link = CenterLink(
            self._center,
            fixmedins_code=station.fixmedins_code,
            fixmedins_name=station.institution_name,
            admdvs=station.admdvs,
            clock=self.clock,
            msgids=self._msgids or MsgIds(window_no),
        )
        self.counter = WindowState()
        window = Window(
            self.db, self.clock, link, station, self.lang, self.counter, training=self.training
        )
        self._window = window
        self.identification = Identification(window)
        self.bill = Bill(window)
        self.inflight = InFlight(window)
        self.checkout = Checkout(window, self.bill, self.inflight)
        self.refunds = Refunds(window, self.bill, self.inflight)
        self.closing = Closing(window)
        self.office = Office(window)
        self.unlocking = Unlocking(window)

    @property
    def window(self) -> Window:
        if self._window is None:
            raise PosError("AUTH_REQUIRED", "请先登录", "Please log in first")
        return self._window

    @property
    def center(self) -> CenterPort:
        """The center this desk talks to (the trainer's fault switches live on the embedded one);
        it is built with the window, at login."""
        if self._center is None:
            raise PosError("AUTH_REQUIRED", "请先登录", "Please log in first")
        return self._center

    @property
    def station(self) -> StationView:
        return self.window.station

    @property
    def link(self) -> CenterLink:
        return self.window.link

    @property
    def cashier(self) -> CashierView | None:
        return self.counter.cashier

    @property
    def patient(self) -> PatientView | None:
        return self.counter.patient

    @property
    def visit_id(self) -> int | None:
        return self.counter.visit_id

    @property
    def session(self) -> SessionView | None:
        if self._window is None or self.counter.cashier is None:
            return None
        return SessionView(self._window.station, self.counter.cashier)

    @guarded
    def _load_station(self, station_id: str) -> StationView:
        with self.db.reading() as s:
            found = queries.station(s, station_id)
            if found is None:
                raise PosError(
                    "STATION_UNKNOWN",
                    f"未知的收费窗口 {station_id}",
                    f"Unknown station {station_id}",
                )
            return station_view(*found)

    # ------------------------------------------------------------------ stations and sign-in

    @guarded
    def stations(self) -> list[StationView]:
        """Every station (收费窗口) with its institution, for the login screen's picker."""
        with self.db.reading() as s:
            return [station_view(station, inst) for station, inst in queries.stations(s)]

    @guarded
    def login(self, cashier_no: str, pin: str, station_id: str | None = None) -> SessionView:
        """Check the PIN (5 wrong in a row lock the number for 15 minutes) and open the shift.

        No window given: the desk's own, else the first window of the cashier's institution (an
        unknown number is tried at the first window, so it answers exactly like a wrong one).
        """
        if station_id:
            self._bind(station_id)
        elif self._window is None:
            self._bind(self._station_for(cashier_no))
        window = self.window
        failure: PosError | None = None
        with self.db.transaction() as s:
            try:
                # A correct PIN at another institution's window answers like a wrong one.
                row = authenticate(
                    s, cashier_no, pin, self.clock(), fixmedins_code=window.station.fixmedins_code
                )
            except PosError as exc:
                failure = exc  # keep the failure count: commit, then raise
                window.counter.cashier = None
                window.audit(
                    s,
                    "login.failed",
                    window.station.station_id,
                    {"code": exc.code},
                    actor=str(cashier_no)[:20],
                )
            else:
                window.counter.cashier = CashierView(
                    row.cashier_no, row.name, row.role, row.fixmedins_code
                )
                window.audit(s, "login", row.cashier_no)
                if self.config is not None:
                    configaudit.note(window, s, self.config)
        if failure is not None:
            raise failure
        return SessionView(window.station, window.counter.cashier)

    def _station_for(self, cashier_no: str) -> str:
        with self.db.reading() as s:
            row = s.get(Cashier, str(cashier_no)[:20])
            station = queries.first_station(s, row.fixmedins_code if row is not None else None)
        if station is None:
            raise PosError("STATION_UNKNOWN", "没有可用的收费窗口", "No cashier station is set up")
        return station

    @guarded
    def logout(self) -> None:
        window = self._window
        if window is None or window.counter.cashier is None:
            return
        with self.db.transaction() as s:
            window.audit(s, "logout", window.counter.cashier.cashier_no)
        window.counter.cashier = None
        window.counter.clear_patient()

    @guarded
    def unlock_cashier(self, cashier_no: str) -> None:
        """A supervisor lifts a PIN lockout early."""
        window = self.window
        window.require_supervisor()
        with self.db.transaction() as s:
            row = s.get(Cashier, cashier_no)
            if row is None or row.fixmedins_code != window.station.fixmedins_code:
                raise PosError(
                    "CASHIER_UNKNOWN",
                    f"本机构没有工号 {cashier_no}",
                    f"No cashier {cashier_no} here",
                )
            unlock(row)
            window.audit(s, "cashier.unlock", cashier_no)

    @guarded
    def unlock_with_supervisor(
        self, supervisor_no: str, pin: str, cashier_no: str, station_id: str | None = None
    ) -> UnlockView:
        """At the login screen: a supervisor's own number and PIN lift a cashier's lockout
        (audited; nobody signs in). No window given: as at login, the supervisor's institution's."""
        if station_id:
            self._bind(station_id)
        elif self._window is None:
            self._bind(self._station_for(supervisor_no))
        return self.unlocking.unlock(supervisor_no, pin, cashier_no)

    # ------------------------------------------------------------------ identify

    @guarded
    def identify(self, scan_text: str) -> PatientView:
        """The next patient; an unsettled visit left on the counter gives its orders back."""
        previous = self.counter.visit_id
        patient = self.identification.identify(scan_text)
        if previous is not None:
            self.bill.abandon(previous)
        return patient

    @guarded
    def refresh_patient(self) -> PatientView:
        return self.identification.refresh()

    def virtual_cards(self) -> list[VirtualCard]:
        return Identification.virtual_cards()

    @guarded
    def clear_patient(self) -> None:
        """下一位 (or quit): an unsettled visit is abandoned — its orders wait again — and the
        counter is empty."""
        if self._window is not None and self.counter.visit_id is not None:
            self.bill.abandon()
        self.counter.clear_patient()

    # ------------------------------------------------------------------ the bill

    def med_types(self) -> list[str]:
        return self.bill.med_types()

    @guarded
    def catalog(self) -> list[CatalogItemView]:
        return self.bill.catalog()

    @guarded
    def search_catalog(self, text: str, limit: int = 20) -> list[CatalogItemView]:
        return self.bill.search_catalog(text, limit)

    @guarded
    def open_visit(
        self, med_type: str, *, dept_code: str | None = None, insutype: str | None = None
    ) -> VisitView:
        return self.bill.open_visit(med_type, dept_code=dept_code, insutype=insutype)

    @guarded
    def open_selfpay_visit(
        self, med_type: str = "11", *, dept_code: str | None = None
    ) -> VisitView:
        return self.bill.open_selfpay_visit(med_type, dept_code=dept_code)

    @guarded
    def cancel_visit(self) -> None:
        self.bill.cancel_visit()

    @guarded
    def current_visit(self) -> VisitView | None:
        return self.bill.current_visit()

    @guarded
    def visit_view(self, visit_id: int) -> VisitView:
        return self.bill.visit_view(visit_id)

    @guarded
    def resume_visit(self, visit_id: int) -> VisitView:
        return self.bill.resume_visit(visit_id)

    @guarded
    def add_line(self, medins_list_codg: str, cnt: object = "1") -> LineView:
        return self.bill.add_line(medins_list_codg, cnt)

    @guarded
    def edit_line(self, line_no: int, cnt: object) -> LineView:
        return self.bill.edit_line(line_no, cnt)

    @guarded
    def remove_line(self, line_no: int) -> None:
        self.bill.remove_line(line_no)

    # ------------------------------------------------------------------ checkout

    @guarded
    def presettle(
        self,
        *,
        acct_used: bool = True,
        copay_givers: Sequence[str] | None = None,
        copay_proof_checked: bool = False,
    ) -> PresettleView:
        return self.checkout.presettle(
            acct_used=acct_used,
            copay_givers=copay_givers,
            copay_proof_checked=copay_proof_checked,
        )

    @guarded
    def settle(self, tenders: Sequence[TenderInput]) -> SettleOutcome:
        return self.checkout.settle(tenders)

    @guarded
    def settlement_detail(
        self, setl_id: str | None = None, *, settlement_id: int | None = None
    ) -> SettleOutcome:
        return self.checkout.settlement_detail(setl_id, settlement_id=settlement_id)

    @guarded
    def settlements(self, *, psn_no: str | None = None, limit: int = 50) -> list[SettlementView]:
        return self.checkout.settlements(psn_no=psn_no, limit=limit)

    # ------------------------------------------------------------------ refunds and 冲正

    @guarded
    def refund(
        self,
        setl_id: str,
        *,
        keep_line_nos: Sequence[int] = (),
        approval: ApprovalView | None = None,
    ) -> RefundOutcome:
        return self.refunds.refund(setl_id, keep_line_nos=keep_line_nos, approval=approval)

    @guarded
    def approve(
        self, supervisor_no: str, pin: str, *, action: str, subject: str, reason: str
    ) -> ApprovalView:
        """A supervisor's number + PIN for one action (e.g. a refund), without signing out."""
        return self.office.approve(
            supervisor_no, pin, action=action, subject=subject, reason=reason
        )

    @guarded
    def pending_reversals(self) -> list[LostCall]:
        return self.inflight.pending_reversals()

    @guarded
    def reverse_lost(self, msgid: str) -> None:
        self.inflight.reverse_lost(msgid)

    @guarded
    def reverse_lost_of_patient(self) -> list[LostCall]:
        return self.inflight.reverse_lost_of_patient()

    # ------------------------------------------------------------------ end of shift

    @guarded
    def day_close(self, count: DrawerCount | None = None) -> DayCloseView:
        return self.closing.day_close(count)

    @guarded
    def x_report(self) -> DayReportView:
        return self.closing.x_report()

    @guarded
    def z_report(self, close_id: int | None = None) -> DayReportView:
        return self.closing.z_report(close_id)

    @guarded
    def print_report(self, report: DayReportView, printer: PrinterSettings) -> PapersView:
        return self.office.print_report(report, printer)

    @guarded
    def report_text(self, report: DayReportView, width: int = 48) -> str:
        return self.office.report_text(report, width)

    @guarded
    def reconcile(self, day: date | None = None) -> ReconcileView:
        return self.closing.reconcile(day)

    # ------------------------------------------------------------------ the back office

    @guarded
    def find_settlements(self, text: str = "") -> list[ReceiptRecordView]:
        return self.office.find(text)

    @guarded
    def settlement_record(self, settlement_id: int) -> ReceiptRecordView:
        return self.office.record(settlement_id)

    @guarded
    def settlement_papers(
        self, settlement_id: int, width: int = 48, training: bool = False
    ) -> PapersView:
        return self.office.papers(settlement_id, width, training)

    @guarded
    def print_settlement(
        self, settlement_id: int, printer: PrinterSettings, training: bool = False
    ) -> PapersView:
        return self.office.print_record(settlement_id, printer, training)

    @guarded
    def reprint(
        self, settlement_id: int, printer: PrinterSettings, training: bool = False
    ) -> PapersView:
        return self.office.reprint(settlement_id, printer, training)

    @guarded
    def reissue(
        self, settlement_id: int, reason: str, printer: PrinterSettings, training: bool = False
    ) -> PapersView:
        return self.office.reissue(settlement_id, reason, printer, training)

    # ------------------------------------------------------------------ the message log

    def exchanges(self) -> list[MessageRecord]:
        return [] if self._window is None else list(self._window.link.log)

    # ------------------------------------------------------------------ printing

    @guarded
    def documents(self, done: SettleOutcome, training: bool = False):
        """The 收费票据 and the 结算单 of a settlement just made at this window (pos.printing)."""
        from pos.printing import build_documents, from_outcome

        window = self.window
        if window.counter.cashier is None or done.patient is None:
            raise PosError("AUTH_REQUIRED", "请先登录", "Please log in first")
        visit = self.bill.visit_view(done.settlement.visit_id)
        data = from_outcome(
            done,
            window.station,
            window.counter.cashier,
            done.patient,
            training=training,
            ipt_otp_no=visit.ipt_otp_no,
        )
        return build_documents(data, self.lang)

    @guarded
    def print_receipt(
        self, done: SettleOutcome, printer: PrinterSettings, training: bool = False
    ) -> str | None:
        """Print both documents to the configured printer; audited. Where it went, or None when
        printing is off."""
        from pos.printing import deliver

        window = self.window
        delivered = deliver(self.documents(done, training), printer)
        with self.db.transaction() as s:
            window.audit(
                s,
                "receipt.print",
                done.settlement.receipt_no,
                {"setl_id": done.settlement.setl_id, "sink": delivered.sink, "to": delivered.where},
            )
        return delivered.where if delivered.sink != "none" else None

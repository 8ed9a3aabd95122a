"""Login: station (and so institution), cashier number, PIN. Wrong PINs answer clearly; the
services rate-limit them."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Select, Static

from pos.i18n import get_lang, t
from screens.common import StatusLine, TranslatedBindings, error_text, key

if TYPE_CHECKING:  # the view types load with the station list, after the first paint
    from pos.services.views import SessionView, StationView

AUTO = "auto"  # the Select value for "the first window of the cashier's own institution"


class StationsLoaded(Message):
    def __init__(self, stations: list[StationView]) -> None:
        super().__init__()
        self.stations = stations


class LoggedIn(Message):
    def __init__(self, session: SessionView) -> None:
        super().__init__()
        self.session = session


class LoginRefused(Message):
    def __init__(self, text: str, during_login: bool) -> None:
        super().__init__()
        self.text = text
        self.during_login = during_login


class LoginScreen(TranslatedBindings, Screen[None]):
    class Ready(Message):
        """The stations are loaded: the cashier can log in (benchmarks wait for this)."""

    CSS_PATH = "login.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        key("enter", "submit", "key.login", id="login-submit", show=True),
        key("f2", "desk", "key.desk_mode", id="login-desk"),
        key("f3", "unlock", "key.unlock", id="login-unlock"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._translate_bindings()
        self._stations: list[StationView] = []
        self._busy = False

    def compose(self) -> ComposeResult:
        with Horizontal(classes="mark-bar", id="login-mark-bar"):
            yield Static(t("app.training_mark"), id="watermark")
        with Vertical(id="login-wrap"), Vertical(id="login-box"):
            yield Static(t("app.title"), id="login-title")
            yield Static(t("app.sample_params"), id="login-sub")
            yield Label(t("login.station"))
            # "Automatic" is there from the first frame: the cashier can log in before the
            # station list has arrived from the database.
            yield Select[str](
                [(t("login.station_auto"), AUTO)], id="station", allow_blank=False, value=AUTO
            )
            yield Static(t("login.station_auto_hint"), id="institution")
            yield Label(t("login.cashier_no"))
            yield Input(placeholder=t("login.cashier_no_ph"), id="cashier-no", max_length=20)
            yield Label(t("login.pin"))
            yield Input(placeholder=t("login.pin_ph"), id="pin", password=True, max_length=12)
            yield Static(t("login.hint"), id="login-hint")
        yield StatusLine(t("login.ready"), id="status")
        yield Footer()

    def on_mount(self) -> None:
        for inp in self.query(Input):
            inp.cursor_blink = self.app.settings.cursor_blink
        self.query_one("#cashier-no", Input).focus()
        # After the first paint: nothing of the database competes with drawing this screen.
        self.call_after_refresh(self.load_stations)

    @work(group="login", exclusive=True)
    async def load_stations(self) -> None:
        try:
            stations = list(await self.app.call_stations())
        except Exception as exc:
            self.post_message(LoginRefused(error_text(exc), during_login=False))
            return
        self.post_message(StationsLoaded(stations))

    @on(StationsLoaded)
    def _stations_loaded(self, msg: StationsLoaded) -> None:
        self._stations = msg.stations
        select = self.query_one("#station", Select)
        options = [(t("login.station_auto"), AUTO)]
        options += [(f"{s.station_id}  {s.station_name}", s.station_id) for s in msg.stations]
        select.set_options(options)
        want = self.app.settings.station
        select.value = want if want in [s.station_id for s in msg.stations] else AUTO
        self.post_message(self.Ready())

    @on(Select.Changed, "#station")
    def _station_changed(self, event: Select.Changed) -> None:
        st = next((s for s in self._stations if s.station_id == event.value), None)
        if event.value == AUTO:
            text = t("login.station_auto_hint")
        elif st is not None:
            name = st.institution_label(get_lang())
            text = f"{t('login.institution')}：{name}（{st.fixmedins_code}）"
        else:
            text = ""
        self.query_one("#institution", Static).update(text)

    @on(Input.Submitted, "#cashier-no")
    def _next(self) -> None:
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    def _pin_submitted(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        if self._busy:
            return
        cashier = self.query_one("#cashier-no", Input).value.strip()
        pin = self.query_one("#pin", Input).value
        station = self.query_one("#station", Select).value
        status = self.query_one(StatusLine)
        if not isinstance(station, str):
            status.show(t("login.need_station"), "error")
            return
        if not cashier:
            status.show(t("login.need_cashier"), "error")
            self.query_one("#cashier-no", Input).focus()
            return
        if not pin:
            status.show(t("login.need_pin"), "error")
            self.query_one("#pin", Input).focus()
            return
        self._busy = True
        status.show(t("login.checking"), "busy")
        self.do_login(cashier, pin, "" if station == AUTO else station)

    @work(group="login", exclusive=True)
    async def do_login(self, cashier: str, pin: str, station: str) -> None:
        try:
            session = await self.app.call_desk("login", cashier, pin, station or None)
        except Exception as exc:
            text = error_text(exc)
            if getattr(exc, "code", "") == "AUTH_LOCKED":  # the way out: F3, a supervisor
                text += t("login.locked_hint")
            self.post_message(LoginRefused(text, during_login=True))
            return
        self.post_message(LoggedIn(session))

    @on(LoginRefused)
    def _refused(self, msg: LoginRefused) -> None:
        if msg.during_login:
            self._busy = False
            pin_input = self.query_one("#pin", Input)
            pin_input.value = ""
            pin_input.focus()
        self.query_one(StatusLine).show(msg.text, "error")

    def action_desk(self) -> None:
        """The other role: the co-pay desk officer (家庭共济经办台, screens/desk.py)."""
        from screens.desk import DeskScreen

        self.app.switch_screen(DeskScreen())

    def action_unlock(self) -> None:
        """F3: a supervisor lifts a cashier's lockout (screens/unlock.py); then the cashier logs in."""
        from screens.unlock import UnlockModal

        cashier = self.query_one("#cashier-no", Input).value.strip()
        station = self.query_one("#station", Select).value
        station_id = station if isinstance(station, str) and station != AUTO else None

        def done(result) -> None:
            if result is None:
                return
            self.query_one("#cashier-no", Input).value = result.cashier_no
            pin_input = self.query_one("#pin", Input)
            pin_input.value = ""
            pin_input.focus()
            self.query_one(StatusLine).show(
                t(
                    "login.unlocked",
                    cashier=f"{result.cashier_no} {result.cashier_name}",
                    supervisor=f"{result.supervisor_no} {result.supervisor_name}",
                ),
                "ok",
            )

        self.app.push_screen(UnlockModal(cashier, station_id), done)

    @on(LoggedIn)
    def _logged_in(self, msg: LoggedIn) -> None:
        self._busy = False
        self.app.session = msg.session
        from screens.cashier import CashierScreen

        self.app.switch_screen(CashierScreen())

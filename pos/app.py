"""The Textual App that mounts the cashier screens.

    PosApp(settings, desk, clock=...)      the App; every dependency injected
    make_app(...)                          the factory tests and the CLI use
    run_app(lang, db_url)                  `pos` with no arguments

The screens call the cashier desk (pos.services.CashierDesk) and nothing else. Desk calls run on
one dedicated thread (so they never overlap); screens await ``app.call(fn, ...)`` from async
workers, so the UI never freezes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.app import App
from textual.binding import Binding, BindingType

from pos import i18n
from pos.clock import china_now
from pos.config import Settings, load_settings
from pos.errors import PosError
from screens.common import TranslatedBindings

if TYPE_CHECKING:
    from pos.services.copay_desk import CopayDesk
    from pos.services.desk import CashierDesk
    from pos.services.views import SessionView, StationView

T = TypeVar("T")
SCREENS_DIR = Path(__file__).resolve().parent.parent / "screens"


class PosApp(TranslatedBindings, App[None]):
    TITLE = "医保收费实训台"
    CSS_PATH = str(SCREENS_DIR / "app.tcss")
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "key.quit", id="quit", priority=True, show=False),
        Binding("f1,ctrl+g", "help", "key.help", id="help"),
    ]

    def __init__(
        self,
        settings: Settings,
        desk: CashierDesk | Callable[[], CashierDesk],
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        i18n.set_lang(settings.lang)
        super().__init__()
        self._translate_bindings()
        self.settings = settings
        if callable(desk):
            self._desk: CashierDesk | None = None
            self._desk_factory: Callable[[], CashierDesk] | None = desk
        else:
            self._desk, self._desk_factory = desk, None
        self.clock: Callable[[], datetime] = clock or china_now
        self.session: SessionView | None = None
        self._copay: CopayDesk | None = None  # the co-pay desk (screens/desk.py), opened on use
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pos-desk")
        self.title = i18n.t("app.title")
        if settings.keymap:
            self.set_keymap(settings.keymap)

    @property
    def desk(self) -> CashierDesk:
        if self._desk is None:
            raise PosError("DESK_STARTING", "系统正在启动，请稍候。", "Starting up; one moment.")
        return self._desk

    def _open_desk(self) -> CashierDesk:
        """On the desk thread: open the database (and migrate/seed it) the first time."""
        if self._desk is None:
            assert self._desk_factory is not None
            try:
                self._desk = self._desk_factory()
            except PosError:
                raise
            except Exception as exc:
                zh = getattr(exc, "message_zh", None) or f"无法打开数据库（{type(exc).__name__}）"
                en = (
                    getattr(exc, "message_en", None)
                    or f"Cannot open the database ({type(exc).__name__})"
                )
                raise PosError("DB_OPEN_FAILED", zh, en) from exc
        return self._desk

    async def call_desk(self, method: str, *args: Any) -> Any:
        """Call a desk method by name on the desk thread (opening the desk if needed)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, lambda: getattr(self._open_desk(), method)(*args)
        )

    def _first_stations(self) -> list[StationView]:
        """On the desk thread: the login screen's station list as soon as possible. With the
        desk open, its own; else read straight from an up-to-date database (SQLAlchemy Core,
        one query) while the desk opens next on the same thread; else the desk first."""
        if self._desk is None and self._desk_factory is not None:
            from pos.migrations import head
            from pos.services.views import StationView
            from pos.store.firstlook import stations

            rows = stations(self.settings.db_url, head())
            if rows:
                # Display only (the login sends the chosen id; the desk makes its own views):
                # the region's name and co-pay rules need the policies, read with the desk.
                return [StationView(**row) for row in rows]
        return self._open_desk().stations()

    async def call_stations(self) -> list[StationView]:
        """The station list for the login screen (`_first_stations`), on the desk thread; the
        desk itself opens there next, once the list has been drawn (login needs it)."""
        loop = asyncio.get_running_loop()
        found = await loop.run_in_executor(self._executor, self._first_stations)
        if self._desk is None:
            self.call_after_refresh(lambda: self._executor.submit(self._open_desk))
        return found

    def _open_copay(self) -> CopayDesk:
        """On the desk thread: the co-pay desk (家庭共济 经办) on the same database and clock."""
        if self._copay is None:
            from pos.database import build_center
            from pos.services.copay_desk import CopayDesk

            center = build_center(
                self._open_desk().db.engine, clock=self.clock, lang=self.settings.lang
            )
            self._copay = CopayDesk(center, opter="DESK", clock=self.clock)
        return self._copay

    async def call_copay(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """Call a co-pay desk method by name on the desk thread (the desk officer's screens)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, lambda: getattr(self._open_copay(), method)(*args, **kwargs)
        )

    def on_mount(self) -> None:
        self.set_class(self.settings.training, "-training")
        # The database opens on the desk thread once the login screen has asked for its
        # stations (after its first paint), or on the first desk call.
        from screens.login import LoginScreen

        self.push_screen(LoginScreen())

    def on_resize(self, event) -> None:
        narrow = event.size.width < 100
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")
            for screen in self.screen_stack:  # the footers lay their keys out again (compact)
                if isinstance(screen, TranslatedBindings):
                    screen.fit_footer(narrow)
                screen.refresh_bindings()

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a desk call on the desk thread and await its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: fn(*args, **kwargs))

    def get_key_display(self, binding: Binding) -> str:
        """What the footer shows for a key: `F5/^P`, or only `F5` below 100 columns so every
        key fits on one line at 80 (F1 help always shows both: key_display)."""
        return self.key_display(binding, compact=self.has_class("-narrow"))

    def key_display(self, binding: Binding, *, compact: bool = False) -> str:
        """Every key of one of our bindings, as `F5/^P`: the footer and F1 help show the Ctrl
        alternative beside the F-key (a remap through POS_KEYMAP shows what it maps to);
        compact: the first key only."""
        if not binding.id or "." in binding.id:
            return super().get_key_display(binding)
        keys: list[str] = []
        for node in (*reversed(self.screen_stack), self):
            for group in node._bindings.key_to_bindings.values():
                for other in group:
                    if other.id == binding.id and other.key not in keys:
                        keys.append(other.key)
            if keys:
                break
        if compact:
            keys = keys[:1]
        if len(keys) < 2:
            return super().get_key_display(replace(binding, key=keys[0]) if keys else binding)
        return "/".join(super(PosApp, self).get_key_display(replace(binding, key=k)) for k in keys)

    def action_help(self) -> None:
        from screens.help import HelpModal

        if isinstance(self.screen, HelpModal):
            return
        self.push_screen(HelpModal(self.screen))

    async def action_quit(self) -> None:
        """Ctrl+Q. With an unsettled bill the first press only asks (the cashier screen says so);
        leaving gives an open visit's orders back (the desk abandons it) before the app exits."""
        from screens.cashier import CashierScreen

        cashier = next((s for s in self.screen_stack if isinstance(s, CashierScreen)), None)
        if cashier is not None:
            if not cashier.may_quit():
                return
            if self._desk is not None:
                # Leaving anyway: if the books cannot be written the visit stays open, as before.
                with contextlib.suppress(Exception):
                    await self.call(self._desk.clear_patient)
        self.exit()

    def on_unmount(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def make_app(
    settings: Settings | None = None,
    desk: CashierDesk | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    lang: str | None = None,
    db_url: str | None = None,
) -> PosApp:
    """Build the app: settings from the environment unless given; a desk on the database by default."""
    if settings is None:
        settings = load_settings(lang=lang, db_url=db_url)
    else:
        update = {k: v for k, v in (("lang", lang), ("db_url", db_url)) if v is not None}
        if update:
            settings = settings.model_copy(update=update)
    if desk is None:
        db_url, lang_now = settings.db_url, settings.lang

        def open_desk() -> CashierDesk:
            # Imported here: SQLAlchemy, Alembic and the center load on the desk thread
            # while the login screen is already on screen.
            from pos.database import open_database
            from pos.services.configaudit import summary
            from pos.services.desk import CashierDesk

            config = summary(settings)  # audited at sign-in when it changed (config.change)
            return CashierDesk(open_database(db_url), clock=clock, lang=lang_now, config=config)

        return PosApp(settings, open_desk, clock=clock)
    return PosApp(settings, desk, clock=clock)


def run_app(lang: str | None = None, db_url: str | None = None) -> int:
    make_app(lang=lang, db_url=db_url).run()
    return 0

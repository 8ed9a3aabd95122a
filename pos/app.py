"""The Textual App that mounts the cashier screens.

    PosApp(settings, backend, clock=...)   the App; every dependency injected
    make_app(...)                          the factory tests and the CLI use
    run_app(lang, db_url)                  `pos` with no arguments

Backend calls run on one dedicated thread (the services hold a database session that must not be
shared across threads); screens await ``app.call(fn, ...)`` from async workers, so the UI never
freezes and calls never overlap.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from textual.app import App
from textual.binding import Binding, BindingType

from pos import i18n
from pos.clock import china_now
from pos.config import Settings, load_settings
from pos.ui_bridge import Backend, SessionView, UiError
from screens.common import TranslatedBindings

T = TypeVar("T")
SCREENS_DIR = Path(__file__).resolve().parent.parent / "screens"


class PosApp(TranslatedBindings, App[None]):
    TITLE = "医保收费实训台"
    CSS_PATH = str(SCREENS_DIR / "app.tcss")
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "key.quit", id="quit", priority=True, show=False),
        Binding("f1", "help", "key.help", id="help"),
    ]

    def __init__(
        self,
        settings: Settings,
        backend: Backend | Callable[[], Backend],
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        i18n.set_lang(settings.lang)
        super().__init__()
        self._translate_bindings()
        self.settings = settings
        if hasattr(backend, "identify"):
            self._backend: Backend | None = backend  # type: ignore[assignment]
            self._backend_factory: Callable[[], Backend] | None = None
        else:
            self._backend = None
            self._backend_factory = backend  # type: ignore[assignment]
        self.clock: Callable[[], datetime] = clock or china_now
        self.session: SessionView | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pos-backend")
        self.title = i18n.t("app.title")
        if settings.keymap:
            self.set_keymap(settings.keymap)

    @property
    def backend(self) -> Backend:
        if self._backend is None:
            raise UiError("BACKEND_STARTING", "系统正在启动，请稍候。", "Starting up; one moment.")
        return self._backend

    def _open_backend(self) -> Backend:
        """On the backend thread: open the database (and migrate/seed it) the first time."""
        if self._backend is None:
            assert self._backend_factory is not None
            try:
                self._backend = self._backend_factory()
            except UiError:
                raise
            except Exception as exc:
                zh = getattr(exc, "message_zh", None) or f"无法打开数据库（{type(exc).__name__}）"
                en = (
                    getattr(exc, "message_en", None)
                    or f"Cannot open the database ({type(exc).__name__})"
                )
                raise UiError("DB_OPEN_FAILED", zh, en) from exc
        return self._backend

    async def call_backend(self, method: str, *args: Any) -> Any:
        """Call a backend method by name on the backend thread (opening the backend if needed)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, lambda: getattr(self._open_backend(), method)(*args)
        )

    def on_mount(self) -> None:
        self.set_class(self.settings.training, "-training")
        if self._backend is None:
            # After the first paint, so the login screen shows at Textual's own speed.
            self.call_after_refresh(lambda: self._executor.submit(self._open_backend))
        from screens.login import LoginScreen

        self.push_screen(LoginScreen())

    def on_resize(self, event) -> None:
        self.set_class(event.size.width < 100, "-narrow")

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a backend call on the backend thread and await its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: fn(*args, **kwargs))

    def action_help(self) -> None:
        from screens.help import HelpModal

        if isinstance(self.screen, HelpModal):
            return
        self.push_screen(HelpModal(self.screen))

    async def action_quit(self) -> None:
        self.exit()

    def on_unmount(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def make_app(
    settings: Settings | None = None,
    backend: Backend | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    lang: str | None = None,
    db_url: str | None = None,
) -> PosApp:
    """Build the app: settings from the environment unless given; the services backend by default."""
    if settings is None:
        settings = load_settings(lang=lang, db_url=db_url)
    else:
        update = {k: v for k, v in (("lang", lang), ("db_url", db_url)) if v is not None}
        if update:
            settings = settings.model_copy(update=update)
    if backend is None:
        db_url = settings.db_url

        def open_backend() -> Backend:
            # Imported here: SQLAlchemy, Alembic and the center load on the backend thread
            # while the login screen is already on screen.
            from pos.ui_backend import ServicesBackend

            return ServicesBackend.open(db_url, clock=clock)

        return PosApp(settings, open_backend, clock=clock)
    return PosApp(settings, backend, clock=clock)


def run_app(lang: str | None = None, db_url: str | None = None) -> int:
    make_app(lang=lang, db_url=db_url).run()
    return 0

"""The Textual App that mounts the cashier screens."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from screens.welcome import WelcomeScreen


class PosApp(App):
    TITLE = "医保收费实训台"
    BINDINGS = [Binding("ctrl+q", "quit", "退出", id="quit", priority=True)]

    def __init__(self, lang: str = "zh", db_url: str | None = None) -> None:
        super().__init__()
        self.lang = lang
        self.db_url = db_url

    def on_mount(self) -> None:
        self.push_screen(WelcomeScreen())


def run_app(lang: str = "zh", db_url: str | None = None) -> int:
    PosApp(lang=lang, db_url=db_url).run()
    return 0

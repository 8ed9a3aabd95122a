"""The first screen: what this station is, and how to begin (a placeholder until login lands)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class WelcomeScreen(Screen):
    CSS_PATH = "welcome.tcss"

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("医保收费实训台", id="title")
        yield Static("示例参数（培训用，非官方）", id="label")
        yield Footer()

"""余额变动提醒: the giver's notices as the app shows them, newest first (J401): every co-pay
deduction at a cashier, every refund or reversal of one, every 代缴."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from engine.money import yuan
from pos.i18n import get_lang, t
from pos.services.copay_desk import NoticeView
from screens.common import StatusLine, TranslatedBindings, key
from screens.desk_common import DeskDone, DeskFailed, failed


def notice_card(n: NoticeView) -> Text:
    text = Text()
    style = "bold red" if n.amount < 0 else "bold green"
    text.append(f"{t(f'notices.kind.{n.kind}')}  ", style="bold")
    text.append(yuan(n.amount) if n.amount < 0 else "+" + yuan(n.amount), style=style)
    text.append(f"   {t('notices.balc')} {yuan(n.balc)}\n", style="bold")
    if get_lang() == "zh":
        text.append(n.text + "\n")
    else:
        text.append(
            t(
                f"notices.text.{n.kind}",
                ben=n.beneficiary_name_masked,
                amount=yuan(abs(n.amount)),
                balc=yuan(n.balc),
            )
            + "\n"
        )
    text.append(f"{n.notice_time}  {n.binding_id}  {n.ref_id}", style="dim")
    return text


class NoticesModal(TranslatedBindings, ModalScreen[None]):
    CSS_PATH = "desk_notices.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        key("f5", "reload", "key.notices_reload", id="notices-reload"),
        key("escape", "close", "key.close", id="notices-close"),
    ]

    def __init__(self, giver_psn_no: str, name_masked: str) -> None:
        super().__init__()
        self._translate_bindings()
        self.giver_psn_no = giver_psn_no
        self.name_masked = name_masked

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="notices-box"):
            yield Static(t("notices.title", name=self.name_masked), classes="modal-title")
            yield Static(t("notices.app"), id="notices-app")
            yield VerticalScroll(id="notices-list")
            yield StatusLine(t("desk.working"))
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.run_load()

    @work(group="notices", exclusive=True)
    async def run_load(self) -> None:
        try:
            rows = await self.app.call_copay("notices", self.giver_psn_no)
        except Exception as exc:
            self.post_message(failed("notices", exc))
            return
        self.post_message(DeskDone("notices", rows))

    @on(DeskDone)
    async def _loaded(self, msg: DeskDone) -> None:
        msg.stop()
        box = self.query_one("#notices-list", VerticalScroll)
        await box.remove_children()
        rows: tuple[NoticeView, ...] = msg.value
        await box.mount_all(
            [Static(notice_card(n), classes=f"notice -{n.kind}") for n in rows]
            or [Static(t("notices.none"), classes="notice")]
        )
        self.query_one(StatusLine).show(t("notices.count", n=len(rows)), "ok")

    @on(DeskFailed)
    def _failed(self, msg: DeskFailed) -> None:
        msg.stop()
        self.query_one(StatusLine).show(msg.lines[0], "error")

    def action_close(self) -> None:
        self.dismiss(None)

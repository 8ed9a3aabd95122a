"""The online channel, simulated: what the giver sees on their phone (新疆医保服务平台 / 新疆智慧医保
APP in 博州, the "云南医保" mini program in 昭通). The giver applies here (channel online: the same
form, the same J101); the application waits for the desk officer's review (F3 / F4 at the desk).
The giver also sees their bindings' state and their balance-change notices here."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from engine.codes import Relationship
from engine.money import yuan
from pos.i18n import t
from pos.services.copay_desk import BindingView, PersonView
from screens.common import StatusLine, TranslatedBindings, key
from screens.desk_common import DeskDone, DeskFailed, failed, status_style, until
from screens.widgets import code_label


def platform(admdvs: str) -> str:
    """The app the giver's region uses (the seeds: 新疆 / 云南)."""
    if admdvs.startswith("65"):
        return t("online.platform_xj")
    if admdvs.startswith("53"):
        return t("online.platform_yn")
    return t("online.platform_other")


def binding_card(b: BindingView) -> Text:
    text = Text()
    text.append(b.beneficiary_name_masked, style="bold")
    text.append(f"（{code_label(Relationship, b.relationship)}）  ")
    text.append(t(f"online.status.{b.status}"), style=status_style(b.status))
    text.append(
        "\n"
        + t(
            "online.quota",
            quota=yuan(b.quota),
            used=yuan(b.quota_used),
            left=yuan(b.quota_left),
            until=until(b),
        )
    )
    if b.status_reason:
        text.append(f"\n{t('desk.reason')}：{b.status_reason}", style=status_style(b.status))
    return text


class OnlineScreen(TranslatedBindings, Screen[None]):
    CSS_PATH = "desk_online.tcss"
    HELP_FLOW = "online.help_flow"
    BINDINGS: ClassVar[list[BindingType]] = [
        key("f2", "apply", "key.online_apply", id="online-apply"),
        key("f5", "reload", "key.notices_reload", id="online-reload"),
        key("f9", "notices", "key.desk_notices", id="online-notices"),
        key("escape", "close", "key.online_back", id="online-back"),
    ]

    def __init__(self, giver: PersonView, giver_scan: str) -> None:
        super().__init__()
        self._translate_bindings()
        self.giver = giver
        self.giver_scan = giver_scan

    def compose(self) -> ComposeResult:
        g = self.giver
        with Horizontal(classes="mark-bar"):
            yield Static(t("online.simulated"), id="online-sim")
            yield Static(t("app.training_mark"), id="watermark")
        with Vertical(id="phone"):
            yield Static(platform(g.insuplc_admdvs), id="phone-title")
            yield Static(t("online.menu"), id="phone-menu")
            yield Static("", id="phone-me")
            yield Static(t("online.mine"), classes="phone-head")
            yield VerticalScroll(id="phone-list")
        yield StatusLine(t("online.hint"), id="status")
        yield Footer()

    def on_mount(self) -> None:
        self._show_me(self.giver)
        self.action_reload()

    def _show_me(self, g: PersonView) -> None:
        text = Text()
        text.append(t("online.hello", name=g.name_masked), style="bold")
        if g.balc is not None:
            text.append("\n" + t("online.balance", balc=yuan(g.balc)))
            text.append("  " + t("online.spendable", amount=yuan(g.spendable or 0)))
        self.query_one("#phone-me", Static).update(text)

    def action_reload(self) -> None:
        self.run_load()

    @work(group="online", exclusive=True)
    async def run_load(self) -> None:
        try:
            me = await self.app.call_copay("lookup", self.giver_scan)
            rows = await self.app.call_copay("bindings", giver_psn_no=me.psn_no)
        except Exception as exc:
            self.post_message(failed("online", exc))
            return
        self.post_message(DeskDone("online", (me, rows)))

    @on(DeskDone)
    async def _loaded(self, msg: DeskDone) -> None:
        me, rows = msg.value
        self.giver = me
        self._show_me(me)
        box = self.query_one("#phone-list", VerticalScroll)
        await box.remove_children()
        await box.mount_all(
            [Static(binding_card(b), classes="phone-card") for b in rows]
            or [Static(t("desk.no_bindings"), classes="phone-card")]
        )

    @on(DeskFailed)
    def _failed(self, msg: DeskFailed) -> None:
        self.query_one(StatusLine).show(msg.lines[0], "error")

    def action_apply(self) -> None:
        from screens.desk_bind import BindModal

        def applied(b: BindingView | None) -> None:
            if b is not None:
                self.query_one(StatusLine).show(t("online.applied", id=b.binding_id), "ok")
                self.action_reload()

        self.app.push_screen(BindModal(self.giver, "online"), applied)

    def action_notices(self) -> None:
        from screens.desk_notices import NoticesModal

        self.app.push_screen(NoticesModal(self.giver.psn_no, self.giver.name_masked))

    def action_close(self) -> None:
        self.dismiss(None)

"""The desk's small forms: reject with a reason, change a quota or the order, confirm an
unbinding, and the trainer's enrolment switch (J901: a binding ends by itself when either side's
enrolment stops being 正常)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Select, Static

from engine.money import yuan
from pos.i18n import t
from pos.services.copay_desk import BindingView, EnrolmentView
from screens.common import StatusLine, TranslatedBindings, key
from screens.desk_common import (
    DeskDone,
    DeskFailed,
    RefusalBox,
    clean_text,
    failed,
    parse_quota,
    parse_small_int,
)


class _Form(TranslatedBindings, ModalScreen):
    CSS_PATH = "desk_forms.tcss"

    def __init__(self) -> None:
        super().__init__()
        self._translate_bindings()

    def on_mount(self) -> None:
        for inp in self.query(Input):
            inp.cursor_blink = self.app.settings.cursor_blink
        first = self.query(Input)
        if first:
            first.first().focus()

    def _bad(self, text: str) -> None:
        self.query_one(StatusLine).show(text, "error")

    def action_close(self) -> None:
        self.dismiss(None)


class RejectModal(_Form):
    """审核不通过: the reason goes back to the giver (status_reason)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        key("f8", "submit", "key.desk_submit", id="reject-submit", priority=True),
        key("escape", "close", "key.back", id="reject-close"),
    ]

    def __init__(self, b: BindingView) -> None:
        super().__init__()
        self.b = b

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box desk-form"):
            yield Static(t("reject.title", id=self.b.binding_id), classes="modal-title")
            yield Static(
                t("reject.who", giver=self.b.giver_name_masked, ben=self.b.beneficiary_name_masked)
            )
            yield Label(t("reject.reason"))
            yield Input(placeholder=t("reject.reason_ph"), id="reject-reason", max_length=40)
            yield StatusLine(t("reject.hint"))
        yield Footer()

    @on(Input.Submitted)
    def action_submit(self) -> None:
        reason = clean_text(self.query_one(Input).value)
        if not reason:
            self._bad(t("reject.need_reason"))
            return
        self.dismiss(reason)


class EditModal(_Form):
    """额度/顺序变更: never below what is used; a raise must fit in the unfenced balance."""

    BINDINGS: ClassVar[list[BindingType]] = [
        key("f8", "submit", "key.desk_submit", id="edit-submit", priority=True),
        key("escape", "close", "key.back", id="edit-close"),
    ]

    def __init__(self, b: BindingView) -> None:
        super().__init__()
        self.b = b

    def compose(self) -> ComposeResult:
        b = self.b
        with Vertical(classes="modal-box desk-form"):
            yield Static(t("edit.title", id=b.binding_id), classes="modal-title")
            yield Static(
                t(
                    "edit.now",
                    ben=b.beneficiary_name_masked,
                    quota=yuan(b.quota),
                    used=yuan(b.quota_used),
                    order=b.order,
                )
            )
            with Grid(classes="form-grid"):
                yield Label(t("edit.quota"))
                yield Input(value=f"{b.quota:.2f}", id="edit-quota", max_length=12, compact=True)
                yield Label(t("edit.order"))
                yield Input(value=str(b.order), id="edit-order", max_length=2, compact=True)
            yield StatusLine(t("edit.hint"))
        yield Footer()

    @on(Input.Submitted)
    def action_submit(self) -> None:
        quota = parse_quota(self.query_one("#edit-quota", Input).value)
        if quota is None:
            self._bad(t("bind.bad_quota"))
            return
        order = parse_small_int(self.query_one("#edit-order", Input).value)
        if order is None:
            self._bad(t("bind.bad_order"))
            return
        new_quota: Decimal | None = quota if quota != self.b.quota else None
        new_order: int | None = order if order != self.b.order else None
        if new_quota is None and new_order is None:
            self._bad(t("edit.nothing"))
            return
        self.dismiss((new_quota, new_order))


class UnbindModal(_Form):
    """解除共济绑定: the unused quota is no longer ring-fenced (the money never left)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        key("f8", "submit", "key.desk_confirm", id="unbind-confirm", priority=True),
        key("escape", "close", "key.back", id="unbind-close"),
    ]

    def __init__(self, b: BindingView) -> None:
        super().__init__()
        self.b = b

    def compose(self) -> ComposeResult:
        b = self.b
        with Vertical(classes="modal-box desk-form"):
            yield Static(t("unbind.title", id=b.binding_id), classes="modal-title")
            yield Static(
                t(
                    "unbind.text",
                    giver=b.giver_name_masked,
                    ben=b.beneficiary_name_masked,
                    left=yuan(b.quota_left),
                    used=yuan(b.quota_used),
                )
            )
            yield StatusLine(t("unbind.hint"))
        yield Footer()

    def action_submit(self) -> None:
        self.dismiss(True)


UNCHANGED = "same"


class EnrolmentModal(_Form):
    """参保状态变更（培训模拟）: J901 on one of the people on screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        key("f8", "submit", "key.desk_submit", id="enrolment-submit", priority=True),
        key("escape", "close", "key.back", id="enrolment-close"),
    ]

    def __init__(self, people: tuple[tuple[str, str], ...]) -> None:
        super().__init__()
        self.people = people
        self._busy = False

    def compose(self) -> ComposeResult:
        same = (t("enrolment.same"), UNCHANGED)
        with Vertical(classes="modal-box desk-form"):
            yield Static(t("enrolment.title"), classes="modal-title")
            yield Static(t("enrolment.text"), classes="modal-hint")
            with Grid(classes="form-grid"):
                yield Label(t("enrolment.person"))
                yield Select[str](
                    [(f"{name}  {psn}", psn) for psn, name in self.people],
                    id="enrolment-psn",
                    value=self.people[-1][0],
                    allow_blank=False,
                    compact=True,
                )
                yield Label(t("enrolment.status"))
                yield Select[str](
                    [same] + [(t(f"enrolment.status_{c}"), c) for c in ("1", "2", "4")],
                    id="enrolment-status",
                    value=UNCHANGED,
                    allow_blank=False,
                    compact=True,
                )
                yield Label(t("enrolment.arrears"))
                yield Select[str](
                    [same, (t("desk.yes"), "yes"), (t("desk.no"), "no")],
                    id="enrolment-arrears",
                    value=UNCHANGED,
                    allow_blank=False,
                    compact=True,
                )
                yield Label(t("enrolment.frozen"))
                yield Select[str](
                    [same, (t("desk.yes"), "yes"), (t("desk.no"), "no")],
                    id="enrolment-frozen",
                    value=UNCHANGED,
                    allow_blank=False,
                    compact=True,
                )
            yield RefusalBox()
            yield StatusLine(t("enrolment.hint"))
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#enrolment-status", Select).focus()

    def action_submit(self) -> None:
        if self._busy:
            return

        def val(name: str):
            v = self.query_one(f"#enrolment-{name}", Select).value
            return None if v == UNCHANGED or not isinstance(v, str) else v

        status, arrears, frozen = val("status"), val("arrears"), val("frozen")
        if status is None and arrears is None and frozen is None:
            self._bad(t("enrolment.nothing"))
            return
        psn = self.query_one("#enrolment-psn", Select).value
        self._busy = True
        self.query_one(StatusLine).show(t("desk.working"), "busy")
        self.run_change(
            str(psn),
            status,
            None if arrears is None else arrears == "yes",
            None if frozen is None else frozen == "yes",
        )

    @work(group="enrolment", exclusive=True)
    async def run_change(self, psn: str, status, arrears, frozen) -> None:
        try:
            e = await self.app.call_copay(
                "set_enrolment", psn, status=status, arrears=arrears, acct_frozen=frozen
            )
        except Exception as exc:
            self.post_message(failed("enrolment", exc))
            return
        self.post_message(DeskDone("enrolment", e))

    @on(DeskDone)
    def _done(self, msg: DeskDone) -> None:
        msg.stop()
        self._busy = False
        e: EnrolmentView = msg.value
        self.dismiss(e)

    @on(DeskFailed)
    def _failed(self, msg: DeskFailed) -> None:
        msg.stop()
        self._busy = False
        self.query_one(RefusalBox).show_reasons(msg.lines)
        self.query_one(StatusLine).show(msg.lines[0], "error")

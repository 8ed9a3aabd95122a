"""共济绑定申请: the form the desk officer fills at the counter, and the giver fills in the app.

Who is bound (the beneficiary's own credential: scan / 社保卡 / 身份证), what they are to the
giver, the relationship proof (户口本 / 出生证明 / 结婚证 and its number), the signed 承诺书, the
quota and how long it holds. F8 submits (J101: status pending, for review); a refusal lists every
reason the center gave and the form stays as typed.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Footer, Input, Label, Select, Static

from engine.codes import Relationship
from engine.money import yuan
from pos.i18n import t
from pos.services.copay_desk import BindingView, PersonView
from screens.common import StatusLine, TranslatedBindings, key
from screens.desk_common import (
    PROOFS,
    RELATIONSHIPS,
    DeskDone,
    DeskFailed,
    RefusalBox,
    clean_text,
    failed,
    parse_day,
    parse_quota,
    parse_small_int,
)
from screens.widgets import code_label

NO_PROOF = "none"


class BindModal(TranslatedBindings, ModalScreen[BindingView | None]):
    CSS_PATH = "desk_bind.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        key("f8", "submit", "key.desk_submit", id="bind-submit", priority=True),
        key("escape", "close", "key.back", id="bind-close"),
    ]

    def __init__(self, giver: PersonView, channel: str) -> None:
        super().__init__()
        self._translate_bindings()
        self.giver = giver
        self.channel = channel
        self._busy = False

    def compose(self) -> ComposeResult:
        title = t("bind.title_online") if self.channel == "online" else t("bind.title_counter")
        box = Vertical(classes=f"modal-box bind-box -{self.channel}", id="bind-box")
        with box:
            yield Static(title, classes="modal-title")
            spendable = self.giver.spendable
            yield Static(
                t(
                    "bind.giver",
                    name=self.giver.name_masked,
                    psn=self.giver.psn_no,
                    spendable=yuan(spendable) if spendable is not None else "—",
                ),
                id="bind-giver",
            )
            with VerticalScroll(id="bind-scroll"), Grid(id="bind-grid"):
                yield Label(t("bind.beneficiary"))
                yield Input(
                    placeholder=t("bind.beneficiary_ph"),
                    id="bind-ben",
                    max_length=200,
                    compact=True,
                )
                yield Label(t("bind.relationship"))
                yield Select[str](
                    [(code_label(Relationship, r), r) for r in RELATIONSHIPS],
                    id="bind-rel",
                    prompt=t("bind.relationship_ph"),
                    compact=True,
                )
                yield Label(t("bind.proof_type"))
                yield Select[str](
                    [(p, p) for p in PROOFS] + [(t("bind.no_proof"), NO_PROOF)],
                    id="bind-proof-type",
                    prompt=t("bind.proof_type_ph"),
                    compact=True,
                )
                yield Label(t("bind.proof_no"))
                yield Input(
                    placeholder=t("bind.proof_no_ph"),
                    id="bind-proof-no",
                    max_length=40,
                    compact=True,
                )
                yield Label(t("bind.quota"))
                yield Input(
                    placeholder=t("bind.quota_ph"), id="bind-quota", max_length=12, compact=True
                )
                yield Label(t("bind.valid_to"))
                yield Input(
                    placeholder=t("bind.valid_to_ph"),
                    id="bind-valid-to",
                    max_length=10,
                    compact=True,
                )
                yield Label(t("bind.order"))
                yield Input(
                    placeholder=t("bind.order_ph"), id="bind-order", max_length=2, compact=True
                )
                yield Label("")
                yield Checkbox(t("bind.pledge"), id="bind-pledge", compact=True)
            yield RefusalBox(id="bind-refusal")
            yield StatusLine(t("bind.hint"), id="bind-status")
        yield Footer()

    def on_mount(self) -> None:
        for inp in self.query(Input):
            inp.cursor_blink = self.app.settings.cursor_blink
        self.query_one("#bind-ben", Input).focus()

    def _form(self) -> dict | None:
        """The form as the service wants it, or None with the first field that is wrong."""
        status = self.query_one(StatusLine)

        def bad(widget: str, text: str) -> None:
            status.show(text, "error")
            self.query_one(widget).focus()

        ben = self.query_one("#bind-ben", Input).value.strip()
        if not ben:
            bad("#bind-ben", t("bind.need_beneficiary"))
            return None
        rel = self.query_one("#bind-rel", Select).value
        if not isinstance(rel, str):
            bad("#bind-rel", t("bind.need_relationship"))
            return None
        proof_type = self.query_one("#bind-proof-type", Select).value
        proof_no = clean_text(self.query_one("#bind-proof-no", Input).value)
        if proof_no is None:
            bad("#bind-proof-no", t("bind.bad_proof_no"))
            return None
        quota = parse_quota(self.query_one("#bind-quota", Input).value)
        if quota is None:
            bad("#bind-quota", t("bind.bad_quota"))
            return None
        valid_text = self.query_one("#bind-valid-to", Input).value.strip()
        valid_to = parse_day(valid_text) if valid_text else None
        if valid_text and valid_to is None:
            bad("#bind-valid-to", t("bind.bad_day"))
            return None
        order_text = self.query_one("#bind-order", Input).value.strip()
        order = parse_small_int(order_text) if order_text else None
        if order_text and order is None:
            bad("#bind-order", t("bind.bad_order"))
            return None
        return {
            "scan": ben,
            "relationship": rel,
            # No type chosen, or "none": the center names PROOF_MISSING with the other reasons.
            "proof_type": proof_type
            if isinstance(proof_type, str) and proof_type != NO_PROOF
            else None,
            "proof_no": proof_no or None,
            "quota": quota,
            "valid_to": valid_to,
            "order": order,
            "pledge_signed": self.query_one("#bind-pledge", Checkbox).value,
        }

    def action_submit(self) -> None:
        if self._busy:
            return
        form = self._form()
        if form is None:
            return
        self._busy = True
        self.query_one(StatusLine).show(t("desk.working"), "busy")
        self.run_bind(form)

    @work(group="bind", exclusive=True)
    async def run_bind(self, form: dict) -> None:
        try:
            ben = await self.app.call_copay("lookup", form["scan"])
            b = await self.app.call_copay(
                "bind",
                giver_psn_no=self.giver.psn_no,
                beneficiary_psn_no=ben.psn_no,
                relationship=form["relationship"],
                quota=form["quota"],
                channel=self.channel,
                proof_type=form["proof_type"],
                proof_no=form["proof_no"],
                pledge_signed=form["pledge_signed"],
                valid_to=form["valid_to"],
                order=form["order"],
            )
        except Exception as exc:
            self.post_message(failed("bind", exc))
            return
        self.post_message(DeskDone("bind", b))

    @on(DeskDone)
    def _bound(self, msg: DeskDone) -> None:
        self._busy = False
        msg.stop()
        self.dismiss(msg.value)

    @on(DeskFailed)
    def _refused(self, msg: DeskFailed) -> None:
        self._busy = False
        msg.stop()
        self.query_one(RefusalBox).show_reasons(msg.lines)
        self.query_one(StatusLine).show(msg.lines[0], "error")

    def action_close(self) -> None:
        self.dismiss(None)

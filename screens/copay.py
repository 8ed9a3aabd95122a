"""'使用家庭共济账户支付?': this patient's bindings, each usable one with its available amount,
each other one with the reasons it cannot be used. 昭通 also asks the cashier to confirm the
co-pay proof was checked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Footer, SelectionList, Static
from textual.widgets.selection_list import Selection

from engine.codes import Relationship
from engine.money import yuan
from pos.i18n import get_lang, t
from pos.services.views import CopayOption, PresettleView, own_acct_pay
from screens.common import ForwardsScans, StatusLine, TranslatedBindings, Wrapped, key, wrap_text
from screens.widgets import code_label


@dataclass(frozen=True)
class CopayChoice:
    givers: tuple[str, ...]  # giver psn_nos, in the order shown (the deduction order)
    proof_checked: bool


# A selection's toggle button and the space after it, as SelectionList draws them: the toggle
# buttons' public glyphs (Checkbox is one) rather than the list's private gutter method.
_BUTTON_CELLS = cell_len(Checkbox.BUTTON_LEFT + Checkbox.BUTTON_INNER + Checkbox.BUTTON_RIGHT + " ")


def option_prompt(o: CopayOption) -> Text:
    text = Text()
    text.append(o.giver_name_masked, style="bold")
    rel = code_label(Relationship, o.giver_is)  # who the giver is to the patient
    text.append(f"（{rel}）" if get_lang() == "zh" else f" ({rel})")
    if o.usable:
        text.append(f"  {t('copay.available')} ", style="green")
        text.append(yuan(o.available), style="bold green")
    else:
        colon = "" if get_lang() == "zh" else " "  # 不可用：… / cannot be used: …
        text.append(f"  {t('copay.unusable')}{colon}", style="bold red")
        sep = "" if get_lang() == "zh" else " "
        text.append(sep.join(r.text(get_lang()) for r in o.reasons), style="red")
    return text


class CopayModal(ForwardsScans, TranslatedBindings, ModalScreen[CopayChoice | None]):
    CSS_PATH = "copay.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        key("f8,ctrl+s", "accept", "key.copay_accept", id="copay-accept", priority=True),
        key("ctrl+n", "decline", "key.copay_decline", id="copay-decline"),
        key("f2,ctrl+r", "toggle_proof", "key.copay_proof", id="copay-proof"),
        key("escape", "back", "key.back", id="copay-back"),
    ]

    def __init__(self, split: PresettleView, need_proof: bool, proof_checked: bool = False) -> None:
        super().__init__()
        self._translate_bindings()
        self.split = split
        self.options = split.copay_options
        self.need_proof = need_proof and any(o.usable for o in self.options)
        self.proof_checked = proof_checked

    def compose(self) -> ComposeResult:
        s = self.split
        with Vertical(classes="modal-box", id="copay-box"):
            yield Static(t("copay.title"), classes="modal-title")
            yield Static(
                Wrapped(
                    t(
                        "copay.due",
                        part=yuan(s.amount("psn_part_amt")),
                        own=yuan(own_acct_pay(s.money)),
                        cash=yuan(s.amount("psn_cash_pay")),
                    )
                ),
                id="copay-due",
            )
            selections = [
                Selection(
                    option_prompt(o),
                    o.giver_psn_no,
                    o.usable and (o.selected or not any(x.selected for x in self.options)),
                    disabled=not o.usable,
                )
                for o in self.options
            ]
            yield SelectionList[str](*selections, id="copay-list")
            if self.need_proof:
                yield Checkbox(t("copay.proof"), self.proof_checked, id="proof")
            hint = "copay.hint_proof" if self.need_proof else "copay.hint"
            yield Static(t(hint), classes="modal-hint")
            yield StatusLine("", id="copay-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#copay-list", SelectionList).focus()
        self.call_after_refresh(self._wrap_prompts)

    def on_resize(self) -> None:
        self.call_after_refresh(self._wrap_prompts)

    def _wrap_prompts(self) -> None:
        """Each giver's line (and a refusal's reasons) broken by the CJK rule at the list's width,
        its later lines indented under the name: Textual's own wrap would start a line with 。"""
        listing = self.query_one("#copay-list", SelectionList)
        gutter = _BUTTON_CELLS + 2  # ▐X▌ and a space, then the option's padding
        width = listing.scrollable_content_region.width - gutter
        if width < 8:
            return
        for index, option in enumerate(self.options):
            listing.replace_option_prompt_at_index(
                index, wrap_text(option_prompt(option), width, indent=2)
            )

    def action_accept(self) -> None:
        chosen = list(self.query_one("#copay-list", SelectionList).selected)
        chosen = [o.giver_psn_no for o in self.options if o.usable and o.giver_psn_no in chosen]
        proof = self.query_one("#proof", Checkbox).value if self.need_proof else False
        if chosen and self.need_proof and not proof:
            self.query_one(StatusLine).show(t("copay.need_proof"), "error")
            self.query_one("#proof", Checkbox).focus()
            return
        self.dismiss(CopayChoice(tuple(chosen), proof))

    def action_toggle_proof(self) -> None:
        if self.need_proof:
            box = self.query_one("#proof", Checkbox)
            box.value = not box.value

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_proof":
            return self.need_proof
        return True

    def action_decline(self) -> None:
        self.dismiss(CopayChoice((), False))

    def action_back(self) -> None:
        self.dismiss(None)

    @on(SelectionList.SelectedChanged)
    def _changed(self) -> None:
        self.query_one(StatusLine).show("")

"""Training screens: the scenario picker, a scenario's brief, the score card.

They read plain data (pos.training.scenarios, pos.training.views) and call the app; never SQL.
The 培训 marks sit top and bottom of each, on the tinted training theme (training.tcss).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from pos.i18n import get_lang, t
from pos.training.scenarios import Scenario
from pos.training.views import ScoreCard
from screens.common import StatusLine, TranslatedBindings, key

CSS = "training.tcss"


def _marks_top() -> Static:
    return Static(t("train.mark_top"), classes="train-mark", id="train-mark-top")


def _marks_bottom() -> Static:
    return Static(t("train.mark_bottom"), classes="train-mark", id="train-mark-bottom")


class PickerScreen(TranslatedBindings, Screen[tuple[str, str]]):
    """Choose a trainee name and a scenario; dismisses with (trainee, scenario id)."""

    CSS_PATH = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        key("enter", "pick", "key.train.pick", id="train-pick"),
    ]

    def __init__(self, scenarios: list[Scenario], trainee: str = "") -> None:
        super().__init__()
        self._translate_bindings()
        self.scenarios = scenarios
        self.trainee = trainee

    def compose(self) -> ComposeResult:
        lang = get_lang()
        yield _marks_top()
        with Vertical(id="train-body"):
            yield Static(t("train.picker_title"), id="train-title")
            yield Label(t("train.trainee"))
            yield Input(self.trainee, placeholder=t("train.trainee_ph"), id="trainee")
            yield OptionList(
                *[Option(f"{s.id:<24} {s.title(lang)}", id=s.id) for s in self.scenarios],
                id="scenarios",
            )
            yield StatusLine("", id="status")
        yield _marks_bottom()

    def on_mount(self) -> None:
        box = self.query_one("#trainee", Input)
        (self.query_one("#scenarios") if box.value else box).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#scenarios").focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option.id)

    def action_pick(self) -> None:
        ol = self.query_one("#scenarios", OptionList)
        if ol.highlighted is not None:
            self._pick(ol.get_option_at_index(ol.highlighted).id)

    def _pick(self, scenario_id: str | None) -> None:
        trainee = self.query_one("#trainee", Input).value.strip()
        if not trainee:
            self.query_one("#status", StatusLine).show(t("train.need_trainee"), "error")
            self.query_one("#trainee").focus()
            return
        if scenario_id:
            self.dismiss((trainee, scenario_id))


class BriefScreen(TranslatedBindings, Screen[None]):
    """What the trainee is about to do; Enter (or Esc) goes to the login screen."""

    CSS_PATH = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        key("enter", "start", "key.train.start", id="train-start"),
        key("escape", "start", "key.train.start", id="train-start-esc", show=False),
    ]

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self._translate_bindings()
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        sc, lang = self.scenario, get_lang()
        yield _marks_top()
        with VerticalScroll(id="train-body"):
            yield Static(f"{sc.title(lang)}  [{sc.id}]", id="train-title", markup=False)
            yield Static(t("train.brief"), classes="train-head")
            yield Static(sc.brief(lang), id="train-brief", markup=False)
            yield Static(t("train.task"), classes="train-head")
            yield Static(sc.task(lang), id="train-task", markup=False)
            if sc.credential is not None:
                yield Static(t("train.credential"), classes="train-head")
                yield Static(
                    f"{sc.credential.holder} · {sc.credential.text}", id="train-cred", markup=False
                )
            yield Static(
                t("train.where", station=sc.station, cashier=sc.cashier, pin=sc.pin),
                id="train-where",
                markup=False,
            )
            if sc.faults:
                yield Static(t("train.faults", faults=", ".join(sc.faults)), id="train-faults")
            yield Static(t("train.start_hint"), id="train-keys")
        yield _marks_bottom()

    def action_start(self) -> None:
        self.dismiss()


class ScoreScreen(TranslatedBindings, Screen[None]):
    """The score card: each item right or wrong and why, the total, the time, the hints."""

    CSS_PATH = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        key("escape", "close", "key.quit", id="train-score-close"),
    ]

    def __init__(self, card: ScoreCard, scenario: Scenario) -> None:
        super().__init__()
        self._translate_bindings()
        self.card = card
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        card, lang = self.card, get_lang()
        yield _marks_top()
        with VerticalScroll(id="train-body"):
            yield Static(
                f"{t('train.score_title')} · {self.scenario.title(lang)}",
                id="train-title",
                markup=False,
            )
            for item in card.items:
                mark = "✔" if item.ok else "✘"
                verdict = t("train.right") if item.ok else t("train.wrong")
                yield Static(
                    f"{mark} {item.points:>2}/{item.max_points}  {verdict}  {item.text(lang)}",
                    classes="score-item " + ("-ok" if item.ok else "-wrong"),
                    markup=False,
                )
            yield Static(
                t(
                    "train.score_total",
                    points=card.points,
                    max=card.max_points,
                    minutes=card.seconds // 60,
                    seconds=card.seconds % 60,
                    hints=card.hints,
                    penalty=card.hint_penalty,
                ),
                id="score-total",
                markup=False,
            )
            if card.full_marks:
                yield Static(t("train.full_marks"), id="score-full")
        yield _marks_bottom()

    def action_close(self) -> None:
        self.app.exit()

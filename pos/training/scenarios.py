"""The training scenario library, `fixtures/scenarios/*.toml`, validated on load.

A scenario is one exercise: where the trainee sits (station, cashier), the credential the patient
shows, the starting state (faults the trainer injects, work already done that day), what the
trainee must do (brief and task in zh and en), the expected outcome the score card grades against,
hints, and a model play (the steps demo mode shows and the tests replay through Pilot).

Every problem with a file surfaces as one line naming the file, the key and the problem, like
`engine.policy`: `fixtures/scenarios/bt-x.toml: expect.givers.0.amount: not a decimal`.

No SQLAlchemy and no Textual here: the screens read these models.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from engine.fixtures import fixtures_dir
from engine.tomlfile import load_model_file, shown

SCENARIO_DIR: Path = fixtures_dir() / "scenarios"  # the checkout's, or the wheel's copy

# Faults a trainer can inject (docs/TRAINING.md):
#   lose_2207_response     the center commits the next 2207 and its answer is lost (冲正 with 2601)
#   balance_changes        between the next 2206 and 2207 the patient's own account is spent
#                          elsewhere (a 代缴 from it), so 2207 settles other amounts than 2206 showed
#   card_unreadable        the F2 card reader cannot read any card (use another credential)
#   printer_out_of_paper   every print fails: the receipt must be reprinted (补打) afterwards
FAULTS = ("lose_2207_response", "balance_changes", "card_unreadable", "printer_out_of_paper")
Fault = Literal["lose_2207_response", "balance_changes", "card_unreadable", "printer_out_of_paper"]

OUTCOMES = (
    "settled",  # one settlement row, the amounts and givers expected
    "nothing_settled",  # refused at the window (terminated, not designated): no money row
    "refunded",  # a 冲红 row for the expected amount
    "reprinted",  # a 补打 of the expected receipt
    "day_closed",  # the cashier's 日结, the drawer's difference declared
    "reconciled",  # 3201 balanced at the end
    "bound",  # a co-pay binding made (and approved) at the desk
    "premium_paid",  # a 代缴 of a relative's resident premium
)


class ScenarioError(ValueError):
    """A scenario file or lookup problem: `<file>: <key path>: <problem>`, one line."""


def _decimal(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError('write amounts as strings, e.g. "12.50"')
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not a decimal amount: {value!r}") from None
    if not d.is_finite() or d != d.quantize(Decimal("0.01")):
        raise ValueError(f"an amount has at most two decimals: {value!r}")
    return d.quantize(Decimal("0.01"))


Money = Annotated[Decimal, BeforeValidator(_decimal)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Credential(Strict):
    kind: Literal["id_card", "ssc", "ecert"]  # 身份证 / 社保卡 / 医保电子凭证
    text: Annotated[str, Field(min_length=6, max_length=64)]
    holder: Text  # who the credential names (the trap: not always who shows it)


class Giver(Strict):
    psn_no: Annotated[str, Field(min_length=6, max_length=30)]
    amount: Money


class Drawer(Strict):
    """The starting drawer for a day close: what is physically in it differs by `short`."""

    opening: Money = Decimal("0.00")
    short: Money = Decimal("0.00")  # the cash missing from the drawer (the trainee declares it)


class Spend(Strict):
    """balance_changes: who spends their own account at the region's pharmacy, and on what,
    between the trainee's 2206 and 2207 (default: the patient, two boxes of HD00001)."""

    scan: Annotated[str, Field(min_length=6, max_length=64)] | None = None  # default: credential
    item: Annotated[str, Field(min_length=2, max_length=30)] = "HD00001"
    cnt: Annotated[int, Field(ge=1, le=99)] = 2


class SetupStep(Strict):
    """Work already done before the trainee sits down (played headless on the training desk)."""

    do: Literal["settle", "settle_lost", "bind"]
    scan: str | None = None
    med_type: str | None = None  # default: the visit's own (the pending order's)
    givers: Literal["all", "none"] = "all"
    proof: bool = False
    tendered: Money | None = None
    giver_psn_no: str | None = None
    beneficiary_psn_no: str | None = None
    relationship: str | None = None
    quota: Money | None = None


class Expect(Strict):
    outcome: Literal[
        "settled",
        "nothing_settled",
        "refunded",
        "reprinted",
        "day_closed",
        "reconciled",
        "bound",
        "premium_paid",
    ]
    psn_no: str | None = None  # whose settlement it is
    medfee_sumamt: Money | None = None
    fund_pay_sumamt: Money | None = None
    acct_pay: Money | None = None
    acct_mulaid_pay: Money | None = None
    psn_cash_pay: Money | None = None
    givers: list[Giver] | None = None  # in deduction order; [] = no co-pay at all
    refusals: list[Annotated[str, Field(pattern=r"^[A-Z_]+$")]] = Field(default_factory=list)
    proof_checked: bool | None = None
    reversal: bool = False  # a 2601 冲正 answered, nothing left in flight
    refund_amount: Money | None = None  # the 冲红's medfee_sumamt (positive)
    kept_lines: int | None = None  # lines kept by a partial refund (re-settled)
    reprinted: bool = False
    drawer_short: Money | None = None  # what the trainee must declare at the day close
    balanced: bool | None = None  # reconciliation ends 平
    binding_status: str | None = None  # active / pending
    premium_amount: Money | None = None
    refused_at_window: str | None = None  # the error code the window shows (nothing settled)


class Hint(Strict):
    zh: Text
    en: Text


class PlayStep(Strict):
    """One step of the model play, as a person does it at the keyboard: exactly one of login,
    scan, keys, text. The back office and the co-pay desk are reached and worked by keys too."""

    caption_zh: Text
    caption_en: Text
    login: bool = False
    scan: str | None = None
    keys: list[Annotated[str, Field(min_length=1, max_length=30)]] | None = None
    text: str | None = None

    @model_validator(mode="after")
    def _one(self) -> PlayStep:
        given = [name for name in ("scan", "keys", "text") if getattr(self, name) is not None] + (
            ["login"] if self.login else []
        )
        if len(given) != 1:
            raise ValueError(
                f"a play step does exactly one of login, scan, keys, text (got {given or 'none'})"
            )
        return self


class Scenario(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{2,60}$")]
    title_zh: Text
    title_en: Text
    brief_zh: Text
    brief_en: Text
    task_zh: Text
    task_en: Text
    station: Annotated[str, Field(pattern=r"^[A-Z][0-9]{11}-[0-9]{2}$")]
    cashier: Annotated[str, Field(pattern=r"^[0-9]{4}$")]
    pin: Annotated[str, Field(pattern=r"^[0-9]{6}$")]
    order: str | None = None  # the pending order this visit loads (fixtures/orders.toml)
    credential: Credential | None = None
    rules: list[Text] = Field(default_factory=list)  # the co-pay rules it exercises
    faults: list[Fault] = Field(default_factory=list)
    drawer: Drawer | None = None
    spend: Spend | None = None  # the balance_changes fault's purchase
    setup: list[SetupStep] = Field(default_factory=list)
    expect: Expect
    hints: list[Hint] = Field(min_length=1)
    play: list[PlayStep] = Field(min_length=1)

    def title(self, lang: str = "zh") -> str:
        return self.title_en if lang == "en" else self.title_zh

    def brief(self, lang: str = "zh") -> str:
        return self.brief_en if lang == "en" else self.brief_zh

    def task(self, lang: str = "zh") -> str:
        return self.task_en if lang == "en" else self.task_zh

    def listing(self, lang: str = "zh") -> dict[str, str]:
        """What `pos train --list --json` prints for it."""
        return {
            "id": self.id,
            "title": self.title(lang),
            "brief_zh": self.brief_zh,
            "brief_en": self.brief_en,
        }


def load_scenario_file(path: Path) -> Scenario:
    return load_model_file(path, Scenario, ScenarioError)


def load_scenarios(directory: Path | None = None) -> list[Scenario]:
    """Every scenario in the directory, sorted by id; the first bad file raises ScenarioError."""
    return list(_load_all(Path(directory or SCENARIO_DIR).resolve()))


@lru_cache(maxsize=8)
def _load_all(directory: Path) -> tuple[Scenario, ...]:
    return tuple(load_scenario_file(p) for p in sorted(directory.glob("*.toml")))


def scenario(scenario_id: str, directory: Path | None = None) -> Scenario:
    found = {s.id: s for s in load_scenarios(directory)}
    if scenario_id not in found:
        raise ScenarioError(
            f"{shown(Path(directory or SCENARIO_DIR))}: scenario {scenario_id!r} not found "
            f"(known: {', '.join(found) or 'none'})"
        )
    return found[scenario_id]

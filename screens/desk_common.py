"""Shared bits of the co-pay desk's screens (家庭共济 经办): the refusal box, the messages the
workers post, the form parsers, and how a binding or a person reads on screen.

Every desk screen calls `app.call_copay(method, …)` (pos.services.copay_desk.CopayDesk) from a
worker; the worker posts `DeskDone` or `DeskFailed` and the handler owns the state.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from engine.codes import Insutype, PsnInsuStas, Relationship
from engine.money import to_decimal, yuan
from pos.errors import PosError
from pos.i18n import get_lang, t
from pos.services.copay_desk import BindingView, DeskRefused, PersonView
from screens.common import error_text
from screens.widgets import code_label

RELATIONSHIPS = tuple(r.value for r in Relationship)
PROOFS = ("户口本", "出生证明", "结婚证")
MAX_FIELD = 40  # a proof number, a reason: anything longer is a stuck key


class DeskDone(Message):
    """A desk call came back: `what` says which, `value` is its view."""

    def __init__(self, what: str, value: Any = None) -> None:
        super().__init__()
        self.what = what
        self.value = value


class DeskFailed(Message):
    """A desk call was refused (every reason, in the current language) or failed."""

    def __init__(self, what: str, lines: tuple[str, ...], codes: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.what = what
        self.lines = lines
        self.codes = codes


def failed(what: str, exc: BaseException) -> DeskFailed:
    if isinstance(exc, DeskRefused):
        return DeskFailed(what, exc.texts(get_lang()), exc.codes)
    code = (exc.code,) if isinstance(exc, PosError) else ()
    return DeskFailed(what, (error_text(exc),), code)


class RefusalBox(Static):
    """不予办理: every reason on its own line, in red; empty and hidden when there is none."""

    DEFAULT_CSS = """
    RefusalBox { height: auto; display: none; border: round $error; padding: 0 1; color: $error; }
    RefusalBox.-shown { display: block; }
    """

    def show_reasons(self, lines: tuple[str, ...], title: str | None = None) -> None:
        text = Text()
        text.append((title or t("desk.refused")) + "\n", style="bold")
        for i, line in enumerate(lines):
            text.append(("\n" if i else "") + "✗ " + line)
        self.update(text)
        self.add_class("-shown")

    def clear(self) -> None:
        self.update("")
        self.remove_class("-shown")


# ------------------------------------------------------------------ parsing what the officer typed


def parse_quota(text: str) -> Decimal | None:
    """A positive amount with at most two decimals (the one amount parser), else None."""
    try:
        value = to_decimal(text.strip(), what="quota", numbers=False)
    except ValueError:
        return None
    if value <= 0 or value != value.quantize(Decimal("0.01")):
        return None
    return value.quantize(Decimal("0.01"))


def parse_day(text: str) -> date | None:
    text = text.strip()
    if len(text) != 10 or not text.isascii():
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_small_int(text: str, lo: int = 1, hi: int = 99) -> int | None:
    text = text.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 4:
        return None
    value = int(text)
    return value if lo <= value <= hi else None


def clean_text(text: str) -> str | None:
    """A proof number or a reason: printable, bounded; None when it is not."""
    text = text.strip()
    if len(text) > MAX_FIELD or not all(ch.isprintable() for ch in text):
        return None
    return text


# ------------------------------------------------------------------ how things read


def status_style(status: str) -> str:
    return {
        "active": "bold green",
        "pending": "bold yellow",
        "rejected": "red",
        "unbound": "dim",
        "ended": "bold red",
    }.get(status, "")


def until(b: BindingView) -> str:
    return b.valid_to.isoformat() if b.valid_to else t("desk.open_ended")


def binding_cells(b: BindingView) -> dict[str, Any]:
    """One row of the bindings table, by column (BINDING_COLUMNS)."""
    return {
        "id": b.binding_id,
        "giver": b.giver_name_masked,
        "beneficiary": b.beneficiary_name_masked,
        "relationship": code_label(Relationship, b.relationship),
        "status": Text(t(f"desk.status.{b.status}"), style=status_style(b.status)),
        "quota": Text(yuan(b.quota), justify="right"),
        "used": Text(yuan(b.quota_used), justify="right"),
        "left": Text(yuan(b.quota_left), justify="right"),
        "valid_to": until(b),
        "order": str(b.order),
        "channel": t(f"desk.channel.{b.channel}"),
    }


# The status comes early so it shows on an 80-column terminal too; the table of one giver leaves
# out the giver column, the table of one beneficiary the beneficiary column.
BINDING_COLUMNS = (
    "id",
    "giver",
    "beneficiary",
    "relationship",
    "status",
    "quota",
    "used",
    "left",
    "valid_to",
    "order",
    "channel",
)


def binding_detail(b: BindingView) -> Text:
    """What the selected binding rests on: the proof, the pledge, the reason it is not in force."""
    text = Text()
    text.append(f"{b.binding_id}  ", style="bold")
    text.append(f"{b.giver_name_masked} {b.giver_psn_no} → ")
    text.append(f"{b.beneficiary_name_masked} {b.beneficiary_psn_no}\n")
    proof = f"{b.proof_type} {b.proof_no or '—'}" if b.proof_type else t("desk.no_proof")
    text.append(f"{t('desk.proof')}：{proof}   ")
    text.append(f"{t('desk.pledge')}：{t('desk.yes') if b.pledge_signed else t('desk.no')}   ")
    text.append(f"{t('desk.valid')}：{b.valid_from.isoformat()} – {until(b)}")
    if b.status_reason:
        text.append(f"\n{t('desk.reason')}：{b.status_reason}", style=status_style(b.status))
    return text


def person_text(p: PersonView) -> Text:
    """The person at the desk: who, which insurance, and (employees) the account and its limits."""
    text = Text()
    text.append(p.name_masked, style="bold")
    age = f"  {t('desk.age', age=p.age)}" if p.age is not None else ""
    text.append(f"  {p.psn_no}  {p.certno_masked}{age}\n")
    text.append(f"{code_label(Insutype, p.insutype)}  ")
    stas = code_label(PsnInsuStas, p.psn_insu_stas)
    text.append(stas, style="green" if p.normal else "bold red")
    text.append(f"  {p.region_name or p.insuplc_admdvs}（{p.insuplc_admdvs}）")
    if p.balc is not None:
        text.append(f"\n{t('desk.balance')} ")
        text.append(yuan(p.balc), style="bold")
        text.append(f"   {t('desk.fenced')} {yuan(p.ring_fenced or Decimal('0'))}")
        text.append(f"   {t('desk.spendable')} ")
        text.append(yuan(p.spendable or Decimal("0")), style="bold green")
    else:
        text.append(f"\n{t('desk.no_account')}", style="dim")
    if p.acct_frozen:
        text.append(f"   【{t('desk.frozen')}】", style="bold red")
    if p.arrears:
        text.append(f"   【{t('desk.arrears')}】", style="bold red")
    return text

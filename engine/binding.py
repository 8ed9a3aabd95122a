"""The co-pay desk's rules (家庭共济 binding, 代缴, 异地就医备案): pure functions, no I/O, no clock.

The center's desk transactions (engine/center/txn_desk.py) read the rows, call these, and refuse
with every reason at once. Reasons that also stop a binding from paying at the cashier are
engine.copay's `CopayReason` members (same code, same text); the desk's own are `DeskReason`.
"""

from __future__ import annotations

from decimal import Decimal

from engine.codes import CodeEnum, Insutype, PsnInsuStas, Relationship
from engine.copay import BeneficiaryState, BindingStatus, CopayReason, GiverState
from engine.policy import CopayScope

PROOF_TYPES = ("户口本", "出生证明", "结婚证")

# Which relationship proof shows which relationship: 户口本 lists the whole household.
PROOF_FOR = {
    Relationship.SPOUSE: ("结婚证", "户口本"),
    Relationship.PARENT: ("出生证明", "户口本"),
    Relationship.CHILD: ("出生证明", "户口本"),
    Relationship.SIBLING: ("户口本",),
    Relationship.GRANDPARENT: ("户口本",),
    Relationship.GRANDCHILD: ("户口本",),
}


class DeskReason(CodeEnum):
    """Why the desk refuses a request; the order is the order the officer reads them."""

    SELF_BINDING = (
        "SELF_BINDING",
        "共济人与被共济人不能是同一人。",
        "The giver and the beneficiary must be two people.",
    )
    PROOF_MISSING = (
        "PROOF_MISSING",
        "缺少亲属关系证明（户口本、出生证明或结婚证及其编号）。",
        "The relationship proof (户口本, 出生证明 or 结婚证, with its number) is missing.",
    )
    PROOF_NOT_FOR_RELATIONSHIP = (
        "PROOF_NOT_FOR_RELATIONSHIP",
        "所附证明不能证明该亲属关系。",
        "The proof given does not show this relationship.",
    )
    PLEDGE_MISSING = (
        "PLEDGE_MISSING",
        "共济人未签署承诺书。",
        "The giver has not signed the pledge (承诺书).",
    )
    DUPLICATE_BINDING = (
        "DUPLICATE_BINDING",
        "该共济人与被共济人已有待审核或已生效的共济关系。",
        "The giver already has a pending or active binding to this beneficiary.",
    )
    QUOTA_EXCEEDS_BALANCE = (
        "QUOTA_EXCEEDS_BALANCE",
        "共济额度超过共济人个人账户可用余额（已扣除其他共济额度）。",
        "The quota exceeds the giver's balance not already promised to other bindings.",
    )
    QUOTA_BELOW_USED = (
        "QUOTA_BELOW_USED",
        "共济额度不能低于已使用额度。",
        "The quota cannot be set below what has already been used.",
    )
    BINDING_NOT_PENDING = (
        "BINDING_NOT_PENDING",
        "该共济关系不在待审核状态。",
        "The binding is not awaiting review.",
    )
    BINDING_NOT_ACTIVE = (
        "BINDING_NOT_ACTIVE",
        "该共济关系未生效或已结束。",
        "The binding is not in force.",
    )
    NO_BINDING = (
        "NO_BINDING",
        "共济人与被共济人之间没有已生效的共济关系。",
        "There is no binding in force between the giver and this person.",
    )
    PREMIUM_NOT_RESIDENT = (
        "PREMIUM_NOT_RESIDENT",
        "被共济人未参加城乡居民医保，无需代缴居民医保费。",
        "The person is not on resident insurance: there is no resident premium to pay.",
    )
    PREMIUM_YEAR_NOT_OPEN = (
        "PREMIUM_YEAR_NOT_OPEN",
        "该年度居民医保不在缴费期（或缴费标准未设置）。",
        "That year's resident premium cannot be paid now (or has no amount set).",
    )
    PREMIUM_ALREADY_PAID = (
        "PREMIUM_ALREADY_PAID",
        "该年度居民医保费已缴纳。",
        "That year's resident premium is already paid.",
    )
    QUOTA_INSUFFICIENT = (
        "QUOTA_INSUFFICIENT",
        "共济剩余额度不足以缴纳。",
        "The binding's remaining quota does not cover the amount.",
    )
    BALANCE_INSUFFICIENT = (
        "BALANCE_INSUFFICIENT",
        "共济人个人账户余额不足。",
        "The giver's account balance is too low.",
    )
    PERSON_NOT_INSURED = (
        "PERSON_NOT_INSURED",
        "参保状态异常，不能办理。",
        "The person is not properly insured.",
    )
    FILING_NOT_NEEDED = (
        "FILING_NOT_NEEDED",
        "就医地在参保地统筹区内，无需异地就医备案。",
        "The destination is inside the insured region: no filing is needed.",
    )
    FILING_DUPLICATE = (
        "FILING_DUPLICATE",
        "该期间已有到同一就医地的有效备案。",
        "A valid filing to the same destination already covers part of that period.",
    )
    FILING_CANCELLED = (
        "FILING_CANCELLED",
        "该备案已撤销。",
        "The filing is already cancelled.",
    )


def refusal_text(reasons: list[CodeEnum]) -> str:
    """`[CODE] 中文 English; …` — one line, every code in brackets, for a person reading err_msg
    (clients read the codes from err_detail.codes)."""
    return "；".join(f"[{r.value}] {r.zh} {r.en}" for r in reasons)  # type: ignore[attr-defined]


def party_reasons(giver: GiverState, beneficiary: BeneficiaryState | None) -> list[CodeEnum]:
    """What stops these two people from being bound at all (the copay rules' own codes)."""
    R = CopayReason
    out: list[CodeEnum] = []
    if (
        beneficiary is None
        or beneficiary.insu_status is not PsnInsuStas.NORMAL
        or beneficiary.insutype not in (Insutype.EMPLOYEE, Insutype.RESIDENT)
    ):
        out.append(R.BENEFICIARY_NOT_INSURED)
    if giver.insutype is not Insutype.EMPLOYEE or not giver.has_personal_account:
        out.append(R.GIVER_NO_ACCOUNT)
    if giver.insu_status is not PsnInsuStas.NORMAL:
        out.append(R.GIVER_NOT_INSURED)
    if giver.acct_frozen:
        out.append(R.GIVER_FROZEN)
    if giver.in_arrears:
        out.append(R.GIVER_IN_ARREARS)
    return out


def scope_reasons(
    beneficiary: BeneficiaryState | None, relationship: Relationship, scope: CopayScope
) -> list[CodeEnum]:
    """The giver's region's scope: which relationships, beneficiaries insured where."""
    out: list[CodeEnum] = []
    if beneficiary is not None and not (
        scope.cross_province
        or beneficiary.admdvs.startswith(tuple(scope.beneficiary_admdvs_prefixes))
    ):
        out.append(CopayReason.BENEFICIARY_OUT_OF_SCOPE)
    if relationship not in scope.relationships:
        out.append(CopayReason.RELATIONSHIP_NOT_ALLOWED)
    return out


def bind_reasons(
    *,
    giver: GiverState,
    beneficiary: BeneficiaryState | None,
    relationship: Relationship,
    proof_type: str | None,
    proof_no: str | None,
    pledge_signed: bool,
    quota: Decimal,
    spendable: Decimal,
    duplicate: bool,
    scope: CopayScope,
) -> list[CodeEnum]:
    """Every reason a new binding request is refused; empty: it may be submitted for review.

    `spendable` is the giver's balance less the quota already ring-fenced for other bindings.
    """
    D = DeskReason
    out: list[CodeEnum] = []
    if beneficiary is not None and giver.psn_no == beneficiary.psn_no:
        out.append(D.SELF_BINDING)
    out += scope_reasons(beneficiary, relationship, scope)
    out += party_reasons(giver, beneficiary)
    if not proof_type or not proof_no:
        out.append(D.PROOF_MISSING)
    elif proof_type not in PROOF_FOR[relationship]:
        out.append(D.PROOF_NOT_FOR_RELATIONSHIP)
    if not pledge_signed:
        out.append(D.PLEDGE_MISSING)
    if duplicate:
        out.append(D.DUPLICATE_BINDING)
    if giver.has_personal_account and quota > spendable:  # no account: GIVER_NO_ACCOUNT says it
        out.append(D.QUOTA_EXCEEDS_BALANCE)
    return out


def status_reason(status: BindingStatus) -> CodeEnum | None:
    """The cashier's reason for a binding in this status, if it is not in force."""
    return {
        BindingStatus.PENDING: CopayReason.BINDING_PENDING,
        BindingStatus.REJECTED: CopayReason.BINDING_REJECTED,
        BindingStatus.UNBOUND: CopayReason.BINDING_UNBOUND,
        BindingStatus.ENDED: CopayReason.BINDING_ENDED,
    }.get(status)

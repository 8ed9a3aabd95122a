"""Family co-payment (家庭共济) eligibility: may this binding pay for this visit, and how much?

Pure functions over frozen inputs (DESIGN.md §2): no I/O, no clock (the visit carries `today`).
Every rule that fails is reported, so the cashier sees all the reasons at once, in a fixed order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from engine.codes import CodeEnum, Insutype, MedType, PsnInsuStas, Relationship
from engine.money import ZERO, round2, to_decimal
from engine.policy import CopayScope

_ADMDVS = re.compile(r"[0-9]{6}")  # ASCII only: str.isdigit() would accept full-width digits


class BindingStatus(CodeEnum):
    PENDING = "pending", "待审核", "pending review"
    ACTIVE = "active", "已生效", "active"
    UNBOUND = "unbound", "已解绑", "unbound"
    REJECTED = "rejected", "审核未通过", "rejected"
    # Ended by itself: either side's enrolment stopped being normal (the reason is on the binding).
    ENDED = "ended", "已终止", "ended"


class CopayReason(CodeEnum):
    """Why a binding cannot pay; declaration order is the order the cashier reads them."""

    WRONG_GIVER = (
        "WRONG_GIVER",
        "该共济关系不属于此共济人。",
        "This binding belongs to a different giver.",
    )
    NOT_THE_PATIENT = (
        "NOT_THE_PATIENT",
        "被共济人不是本次就诊人，共济资金只能由被绑定人本人使用。",
        "The beneficiary is not the patient; co-pay is for the bound person only.",
    )
    BENEFICIARY_NOT_INSURED = (
        "BENEFICIARY_NOT_INSURED",
        "被共济人未正常参加基本医疗保险。",
        "The beneficiary is not properly enrolled in basic medical insurance.",
    )
    BENEFICIARY_OUT_OF_SCOPE = (
        "BENEFICIARY_OUT_OF_SCOPE",
        "被共济人的参保地不在本地区共济范围内。",
        "The beneficiary is insured outside this region's co-pay scope.",
    )
    GIVER_NO_ACCOUNT = (
        "GIVER_NO_ACCOUNT",
        "共济人不是职工医保参保人或没有个人账户。",
        "The giver is not employee-insured or has no personal account.",
    )
    GIVER_NOT_INSURED = (
        "GIVER_NOT_INSURED",
        "共济人未正常参保。",
        "The giver's insurance is not active.",
    )
    GIVER_FROZEN = (
        "GIVER_FROZEN",
        "共济人个人账户已冻结。",
        "The giver's personal account is frozen.",
    )
    GIVER_IN_ARREARS = (
        "GIVER_IN_ARREARS",
        "共济人欠费。",
        "The giver is in arrears.",
    )
    BINDING_PENDING = (
        "BINDING_PENDING",
        "共济关系待审核，尚未生效。",
        "The binding is still awaiting approval.",
    )
    BINDING_REJECTED = (
        "BINDING_REJECTED",
        "共济关系审核未通过。",
        "The binding was rejected at review.",
    )
    BINDING_UNBOUND = (
        "BINDING_UNBOUND",
        "共济关系已解绑。",
        "The binding has been unbound.",
    )
    BINDING_ENDED = (
        "BINDING_ENDED",
        "共济关系已因参保状态变更而终止。",
        "The binding ended when an enrolment changed.",
    )
    BINDING_NOT_YET_VALID = (
        "BINDING_NOT_YET_VALID",
        "共济关系未到生效日期。",
        "The binding is not valid yet.",
    )
    BINDING_EXPIRED = (
        "BINDING_EXPIRED",
        "共济关系已过有效期。",
        "The binding has expired.",
    )
    RELATIONSHIP_NOT_ALLOWED = (
        "RELATIONSHIP_NOT_ALLOWED",
        "本地区不允许此亲属关系使用家庭共济。",
        "This relationship may not use co-pay in this region.",
    )
    NON_DESIGNATED_INSTITUTION = (
        "NON_DESIGNATED_INSTITUTION",
        "非定点医药机构，不能使用共济账户。",
        "Not a designated institution; co-pay cannot be used here.",
    )
    CROSS_REGION_NO_FILING = (
        "CROSS_REGION_NO_FILING",
        "异地就医未办理备案，不能使用共济账户。",
        "Care outside the insured region without a filing (异地就医备案).",
    )
    MED_TYPE_NOT_COVERED = (
        "MED_TYPE_NOT_COVERED",
        "本医疗类别不能使用共济账户。",
        "Co-pay does not cover this visit type.",
    )
    QUOTA_USED_UP = (
        "QUOTA_USED_UP",
        "共济额度已用完。",
        "The co-pay quota is used up.",
    )
    GIVER_BALANCE_ZERO = (
        "GIVER_BALANCE_ZERO",
        "共济人个人账户余额为零。",
        "The giver's account balance is zero.",
    )


def _admdvs(value: str, what: str) -> str:
    if not isinstance(value, str) or not _ADMDVS.fullmatch(value):
        raise ValueError(f"{what} must be 6 digits, got {value!r}")
    return value


def _money(value: object, what: str) -> Decimal:
    number = to_decimal(value, places=2, what=what)  # rejects float
    if number < 0:
        raise ValueError(f"{what} {value!r} is negative")
    return round2(number)


def _set(obj: object, **fields: object) -> None:
    # Normalizing a frozen dataclass in __post_init__.
    for name, value in fields.items():
        object.__setattr__(obj, name, value)


@dataclass(frozen=True, slots=True)
class GiverState:
    """共济人: the employee whose personal account pays."""

    psn_no: str
    name: str
    insutype: Insutype
    has_personal_account: bool
    acct_balance: Decimal
    acct_frozen: bool
    in_arrears: bool
    insu_status: PsnInsuStas
    admdvs: str

    def __post_init__(self) -> None:
        _set(
            self,
            insutype=Insutype.parse(self.insutype),
            insu_status=PsnInsuStas.parse(self.insu_status),
            acct_balance=_money(self.acct_balance, "acct_balance"),
            admdvs=_admdvs(self.admdvs, "giver admdvs"),
        )


@dataclass(frozen=True, slots=True)
class BeneficiaryState:
    """被共济人: settles under their own insurance; only the money is shared."""

    psn_no: str
    insutype: Insutype
    insu_status: PsnInsuStas
    admdvs: str

    def __post_init__(self) -> None:
        _set(
            self,
            insutype=Insutype.parse(self.insutype),
            insu_status=PsnInsuStas.parse(self.insu_status),
            admdvs=_admdvs(self.admdvs, "beneficiary admdvs"),
        )


@dataclass(frozen=True, slots=True)
class BindingState:
    """One 共济关系 with its ring-fenced quota; `order` is its place in the deduction order."""

    binding_id: str
    giver_psn_no: str
    beneficiary_psn_no: str
    relationship: Relationship
    quota: Decimal
    quota_used: Decimal
    valid_from: date
    valid_to: date | None
    status: BindingStatus
    order: int = 0

    def __post_init__(self) -> None:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(f"binding {self.binding_id}: valid_to is before valid_from")
        _set(
            self,
            relationship=Relationship.parse(self.relationship),
            status=BindingStatus.parse(self.status),
            quota=_money(self.quota, "quota"),
            quota_used=_money(self.quota_used, "quota_used"),
        )

    @property
    def quota_left(self) -> Decimal:
        return self.quota - self.quota_used


@dataclass(frozen=True, slots=True)
class VisitContext:
    patient_psn_no: str  # who was identified with their own credential
    today: date  # injected, so tests and snapshots are deterministic
    med_type: MedType
    institution_designated: bool
    institution_admdvs: str
    has_filing: bool  # 异地就医备案 on file for a visit outside the insured region

    def __post_init__(self) -> None:
        _set(
            self,
            med_type=MedType.parse(self.med_type),
            institution_admdvs=_admdvs(self.institution_admdvs, "institution admdvs"),
        )


@dataclass(frozen=True, slots=True)
class CopayDecision:
    binding_id: str
    giver_psn_no: str
    relationship: Relationship
    available: Decimal  # 0.00 unless usable
    reasons: tuple[CopayReason, ...]
    needs_counter_proof: bool  # 昭通: cashier confirms the co-pay proof was checked
    order: int = 0

    @property
    def usable(self) -> bool:
        # Derived, so "usable ⇔ no reasons" cannot drift.
        return not self.reasons

    def message(self, lang: str = "zh") -> str:
        sep = "" if lang == "zh" else " "  # the zh labels end in 。 already
        return sep.join(r.label(lang) for r in self.reasons)


class CopayPlan(NamedTuple):
    decisions: tuple[CopayDecision, ...]  # in deduction order
    sources: list[tuple[str, Decimal]]  # (giver_psn_no, available) for SettleRequest.mulaid


def _region(admdvs: str) -> str:
    return admdvs[:4]  # prefecture (地市): leaving it is 异地 and needs a filing


def _reasons(
    giver: GiverState,
    beneficiary: BeneficiaryState,
    binding: BindingState,
    visit: VisitContext,
    scope: CopayScope,
) -> list[CopayReason]:
    R = CopayReason
    checks = [
        (R.WRONG_GIVER, binding.giver_psn_no != giver.psn_no),
        # Money is shared, identity is not: only the bound person, identified as themself.
        (
            R.NOT_THE_PATIENT,
            binding.beneficiary_psn_no != visit.patient_psn_no
            or beneficiary.psn_no != binding.beneficiary_psn_no,
        ),
        (
            R.BENEFICIARY_NOT_INSURED,
            beneficiary.insu_status is not PsnInsuStas.NORMAL
            or beneficiary.insutype not in (Insutype.EMPLOYEE, Insutype.RESIDENT),
        ),
        (
            R.BENEFICIARY_OUT_OF_SCOPE,
            not scope.cross_province
            and not beneficiary.admdvs.startswith(tuple(scope.beneficiary_admdvs_prefixes)),
        ),
        (
            R.GIVER_NO_ACCOUNT,
            giver.insutype is not Insutype.EMPLOYEE or not giver.has_personal_account,
        ),
        (R.GIVER_NOT_INSURED, giver.insu_status is not PsnInsuStas.NORMAL),
        (R.GIVER_FROZEN, giver.acct_frozen),
        (R.GIVER_IN_ARREARS, giver.in_arrears),
        (R.BINDING_PENDING, binding.status is BindingStatus.PENDING),
        (R.BINDING_REJECTED, binding.status is BindingStatus.REJECTED),
        (R.BINDING_UNBOUND, binding.status is BindingStatus.UNBOUND),
        (R.BINDING_ENDED, binding.status is BindingStatus.ENDED),
        (R.BINDING_NOT_YET_VALID, visit.today < binding.valid_from),
        (R.BINDING_EXPIRED, binding.valid_to is not None and visit.today > binding.valid_to),
        (R.RELATIONSHIP_NOT_ALLOWED, binding.relationship not in scope.relationships),
        (R.NON_DESIGNATED_INSTITUTION, not visit.institution_designated),
        (
            R.CROSS_REGION_NO_FILING,
            _region(visit.institution_admdvs) != _region(beneficiary.admdvs)
            and scope.cross_region_requires_filing
            and not visit.has_filing,
        ),
        (R.MED_TYPE_NOT_COVERED, visit.med_type not in scope.med_types),
        (R.QUOTA_USED_UP, binding.quota_left <= 0),
        # With no account at all, "balance zero" would only repeat GIVER_NO_ACCOUNT.
        (R.GIVER_BALANCE_ZERO, giver.has_personal_account and giver.acct_balance <= 0),
    ]
    return [reason for reason, failed in checks if failed]


def evaluate_binding(
    giver: GiverState,
    beneficiary: BeneficiaryState,
    binding: BindingState,
    visit: VisitContext,
    scope: CopayScope,
) -> CopayDecision:
    """Whether one binding may pay toward this visit, how much at most, and every reason if not."""
    reasons = tuple(_reasons(giver, beneficiary, binding, visit, scope))
    available = ZERO if reasons else round2(min(giver.acct_balance, binding.quota_left))
    return CopayDecision(
        binding_id=binding.binding_id,
        giver_psn_no=binding.giver_psn_no,
        relationship=binding.relationship,
        available=available,
        reasons=reasons,
        needs_counter_proof=scope.proof_at_counter,
        order=binding.order,
    )


def evaluate_all(
    givers: Mapping[str, GiverState],
    beneficiary: BeneficiaryState,
    bindings: Iterable[BindingState],
    visit: VisitContext,
    scope: CopayScope,
) -> CopayPlan:
    """Every binding's decision in deduction order, and the usable sources for settlement.

    `givers` maps giver psn_no to state; a binding whose giver is missing is a caller error.
    """
    decisions = []
    for binding in bindings:
        giver = givers.get(binding.giver_psn_no)
        if giver is None:
            raise ValueError(f"binding {binding.binding_id}: no state for its giver")
        decisions.append(evaluate_binding(giver, beneficiary, binding, visit, scope))

    def by_order(d: CopayDecision) -> tuple:
        return (d.order, d.binding_id)

    def largest_first(d: CopayDecision) -> tuple:
        return (not d.usable, -d.available, d.order, d.binding_id)

    key = largest_first if scope.deduction_order == "largest_available_first" else by_order
    ordered = _cap_per_giver(sorted(decisions, key=key), givers)
    ordered = sorted(ordered, key=key)  # stable; a capped source may have moved down
    sources = [(d.giver_psn_no, d.available) for d in ordered if d.usable]
    return CopayPlan(tuple(ordered), sources)


def _cap_per_giver(
    ordered: list[CopayDecision], givers: Mapping[str, GiverState]
) -> list[CopayDecision]:
    # Two usable bindings from one giver must not offer the same balance twice.
    spent: dict[str, Decimal] = {}
    out = []
    for d in ordered:
        if d.usable:
            left = givers[d.giver_psn_no].acct_balance - spent.get(d.giver_psn_no, ZERO)
            if left <= 0:
                d = replace(d, available=ZERO, reasons=(CopayReason.GIVER_BALANCE_ZERO,))
            elif d.available > left:
                d = replace(d, available=left)
            spent[d.giver_psn_no] = spent.get(d.giver_psn_no, ZERO) + d.available
        out.append(d)
    return out

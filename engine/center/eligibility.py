"""Co-pay options for one patient at one visit: the center's rows fed to engine.copay's rules.

Each binding is judged under its giver's region policy (the giver's account, the giver's
insurer's rules: who may be bound, from where); the patient settles under their own policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from engine.center import queries
from engine.center.context import CenterError, Ctx
from engine.center.models import (
    CenterAccount,
    CenterBinding,
    CenterEnrolment,
    CenterFiling,
    CenterInstitution,
)
from engine.codes import Insutype, MedType, PsnInsuStas
from engine.copay import (
    BeneficiaryState,
    BindingState,
    BindingStatus,
    CopayDecision,
    GiverState,
    VisitContext,
    evaluate_all,
)
from engine.masking import mask_name
from engine.money import ZERO, fmt


@dataclass(slots=True)
class Option:
    binding: CenterBinding
    decision: CopayDecision
    giver_name: str

    def wire(self, lang: str) -> dict:
        d = self.decision
        return {
            "binding_id": d.binding_id,
            "giver_psn_no": d.giver_psn_no,
            "giver_name_masked": mask_name(self.giver_name),
            "relationship": d.relationship.value,
            "relationship_name": d.relationship.label(lang),
            "quota": fmt(self.binding.quota),
            "quota_used": fmt(self.binding.quota_used),
            "usable": d.usable,
            "available": fmt(d.available),
            "needs_counter_proof": d.needs_counter_proof,
            "order": self.binding.order,
            "reasons": [{"code": r.value, "msg": r.label(lang)} for r in d.reasons],
        }


def has_filing(ctx: Ctx, psn_no: str, home_admdvs: str, inst_admdvs: str, today: date) -> bool:
    if inst_admdvs[:4] == home_admdvs[:4]:
        return False  # care at home: no filing needed, none looked up
    rows = ctx.session.execute(select(CenterFiling).where(CenterFiling.psn_no == psn_no)).scalars()
    return any(
        f.cancelled_at is None
        and f.to_admdvs[:4] == inst_admdvs[:4]
        and f.valid_from <= today <= f.valid_to
        for f in rows
    )


def ring_fenced(ctx: Ctx, giver_psn_no: str, rows: list | None = None) -> Decimal:
    """Quota the giver promised away and may not spend themself (national notice 2026).
    `rows`: the giver's active bindings when the caller has read them already."""
    today = ctx.today
    total = ZERO
    if rows is None:
        params = {"psn_no": giver_psn_no, "status": BindingStatus.ACTIVE.value}
        rows = ctx.session.execute(queries.bindings_of_giver(), params).scalars()
    for b in rows:
        if b.valid_from <= today and (b.valid_to is None or today <= b.valid_to):
            total += max(ZERO, b.quota - b.quota_used)
    return total


def giver_state(ctx: Ctx, psn_no: str, acct: CenterAccount | None) -> GiverState:
    """One person judged as a giver (the co-pay desk's bind, approve and 代缴)."""
    rows = list(ctx.session.execute(queries.enrolments_of(), {"psn_nos": [psn_no]}).scalars())
    return _giver_state(ctx, psn_no, rows, acct)


def _giver_states(
    ctx: Ctx,
    psn_nos: set[str],
    accounts: dict[str, CenterAccount],
    prefetched: tuple[list, list] | None = None,
) -> dict[str, GiverState]:
    """`prefetched`: (enrolments, accounts) of every giver bound to the patient, read already."""
    if prefetched is None:
        rows = ctx.session.execute(queries.enrolments_of(), {"psn_nos": sorted(psn_nos)}).scalars()
    else:
        rows = prefetched[0]
    by_psn: dict[str, list[CenterEnrolment]] = {}
    for e in rows:
        by_psn.setdefault(e.psn_no, []).append(e)
    missing = [p for p in psn_nos if p not in accounts]
    if missing:
        if prefetched is None:
            rows = ctx.session.execute(queries.accounts(False), {"psn_nos": missing}).scalars()
        else:
            rows = [a for a in prefetched[1] if a.psn_no in missing]
        accounts = {**accounts, **{a.psn_no: a for a in rows}}
    return {p: _giver_state(ctx, p, by_psn.get(p, []), accounts.get(p)) for p in psn_nos}


def _giver_state(
    ctx: Ctx, psn_no: str, rows: list[CenterEnrolment], acct: CenterAccount | None
) -> GiverState:
    enr = next(
        (e for e in rows if e.insutype == Insutype.EMPLOYEE.value), rows[0] if rows else None
    )
    return GiverState(
        psn_no=psn_no,
        name=ctx.name(psn_no),
        insutype=enr.insutype if enr else Insutype.RESIDENT.value,
        has_personal_account=acct is not None,
        acct_balance=acct.balance if acct else ZERO,
        acct_frozen=bool(acct and acct.frozen),
        in_arrears=bool(enr and enr.arrears),
        insu_status=enr.status if enr else PsnInsuStas.NOT_INSURED.value,
        admdvs=enr.admdvs if enr else "000000",
    )


def options(
    ctx: Ctx,
    patient: CenterEnrolment,
    inst: CenterInstitution,
    med_type: MedType,
    *,
    accounts: dict[str, CenterAccount] | None = None,
    bindings: list[CenterBinding] | None = None,
    giver_rows: tuple[list, list] | None = None,
) -> list[Option]:
    """Every binding whose beneficiary is the patient, judged for this visit, in binding order.

    `accounts`/`bindings` may carry rows the caller has already locked (2207); `giver_rows` the
    enrolments and accounts of the patient's givers, read already (2206/2207).
    """
    accounts = accounts or {}
    if bindings is None:
        q = queries.bindings_of_beneficiary(False)
        bindings = list(ctx.session.execute(q, {"psn_no": patient.psn_no}).scalars())
    if not bindings:
        return []
    beneficiary = BeneficiaryState(patient.psn_no, patient.insutype, patient.status, patient.admdvs)
    visit = VisitContext(
        patient_psn_no=patient.psn_no,
        today=ctx.today,
        med_type=med_type,
        institution_designated=inst.designated,
        institution_admdvs=inst.admdvs,
        has_filing=has_filing(ctx, patient.psn_no, patient.admdvs, inst.admdvs, ctx.today),
    )
    givers = _giver_states(ctx, {b.giver_psn_no for b in bindings}, accounts, giver_rows)
    by_id = {b.binding_id: b for b in bindings}
    out: list[Option] = []
    # Group by the giver's region: one scope per evaluate_all call (per-giver capping stays inside).
    groups: dict[str, list[CenterBinding]] = {}
    for b in bindings:
        groups.setdefault(givers[b.giver_psn_no].admdvs[:4], []).append(b)
    for region, group in groups.items():
        policy = ctx.registry.policy_by_region.get(region) or ctx.policy_for(patient.admdvs)
        states = [
            BindingState(
                binding_id=b.binding_id,
                giver_psn_no=b.giver_psn_no,
                beneficiary_psn_no=b.beneficiary_psn_no,
                relationship=b.relationship,
                quota=b.quota,
                quota_used=b.quota_used,
                valid_from=b.valid_from,
                valid_to=b.valid_to,
                status=b.status,
                order=b.order,
            )
            for b in group
        ]
        plan = evaluate_all(givers, beneficiary, states, visit, policy.copay)
        out += [Option(by_id[d.binding_id], d, ctx.name(d.giver_psn_no)) for d in plan.decisions]
    out.sort(key=lambda o: (o.binding.order, o.binding.binding_id))
    return out


def choose_sources(
    opts: list[Option], requested: list[str], proof_checked: bool, lang: str
) -> list[Option]:
    """The usable binding of each requested giver, in the requested (deduction) order."""
    if len(set(requested)) != len(requested):
        raise CenterError("exp_content.mulaid_psn_nos: 共济人重复 / a giver is listed twice")
    chosen = []
    for giver in requested:
        mine = [o for o in opts if o.decision.giver_psn_no == giver]
        if not mine:
            raise CenterError(
                f"exp_content.mulaid_psn_nos: {giver} 与患者没有共济关系 / no binding to the patient"
            )
        usable = [o for o in mine if o.decision.usable]
        if not usable:
            why = mine[0].decision.message(lang)
            raise CenterError(f"exp_content.mulaid_psn_nos: 共济人 {giver} 不可用：{why}")
        option = usable[0]
        if option.decision.needs_counter_proof and not proof_checked:
            raise CenterError(
                "exp_content.copay_proof_checked: 本地区使用家庭共济须在窗口核验家庭共济证明 / "
                "the cashier must confirm the co-pay proof was checked"
            )
        chosen.append(option)
    return chosen


def default_sources(opts: list[Option], order: str, proof_checked: bool) -> list[Option]:
    """The givers when the hospital names none (a real client's 2206/2207 with acct_used_flag 1):
    every usable binding, one per giver, in the region's deduction order — 博州's guide: 系统优先
    使用共济账户，不足部分需现金或银行卡补足. A binding that needs the co-pay proof checked at the
    counter (昭通) pays only when the cashier confirmed it (exp_content.copay_proof_checked)."""
    usable = [
        o
        for o in opts
        if o.decision.usable and (proof_checked or not o.decision.needs_counter_proof)
    ]
    if order == "largest_available_first":
        usable.sort(key=lambda o: (-o.decision.available, o.binding.order, o.binding.binding_id))
    chosen: list[Option] = []
    for o in usable:
        if all(c.decision.giver_psn_no != o.decision.giver_psn_no for c in chosen):
            chosen.append(o)
    return chosen

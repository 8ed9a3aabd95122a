"""The co-pay desk: 家庭共济 binding lifecycle, 代缴 of resident premiums, 异地就医备案, the giver's
notices, and the trainer's enrolment switch. **Simulator extensions** (docs/MESSAGES.md).

The national platform publishes no binding messages (people bind in the provincial apps or at the
insurer's counter), so these infnos start with "J", which no platform transaction does. The rules
are the platform's own: bad input answers -1 naming the field; a refusal answers -1 with every
reason as `field: [CODE] 中文 English；[CODE] …`; each message is one transaction; money rows (the
journal, notices, premiums) are only inserted. Binding status, quota and order change in place,
and every change is also an append-only `CenterBindingEvent`.

Locks, in the center's global order: the person's enrolments → the giver's account → bindings.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import or_, select

from engine.binding import DeskReason, bind_reasons, party_reasons, refusal_text, scope_reasons
from engine.center import queries
from engine.center.context import CenterError, Ctx
from engine.center.eligibility import giver_state, ring_fenced
from engine.center.ids import next_value
from engine.center.inputs import (
    InBindingId,
    InJ101,
    InJ103,
    InJ104,
    InJ105,
    InJ106,
    InJ201,
    InJ301,
    InJ302,
    InJ303,
    InJ401,
    InJ901,
)
from engine.center.ledger import insert_rows, lock_accounts, move, store
from engine.center.models import (
    CenterAccount,
    CenterBinding,
    CenterBindingEvent,
    CenterEnrolment,
    CenterFiling,
    CenterNotice,
    CenterPremium,
)
from engine.codes import CodeEnum, Insutype, PsnInsuStas, Relationship
from engine.copay import BeneficiaryState, BindingStatus, CopayReason, GiverState
from engine.masking import mask_name
from engine.money import ZERO, fmt
from engine.policy import CopayScope

LIVE = (BindingStatus.PENDING.value, BindingStatus.ACTIVE.value)
PREMIUM_LABEL = "示例参数（培训用，非官方）"

# The field a refusal names: the first reason's.
_FIELD = {
    DeskReason.SELF_BINDING: "beneficiary_psn_no",
    CopayReason.BENEFICIARY_OUT_OF_SCOPE: "beneficiary_psn_no",
    CopayReason.BENEFICIARY_NOT_INSURED: "beneficiary_psn_no",
    CopayReason.RELATIONSHIP_NOT_ALLOWED: "relationship",
    DeskReason.PROOF_MISSING: "proof_no",
    DeskReason.PROOF_NOT_FOR_RELATIONSHIP: "proof_type",
    DeskReason.PLEDGE_MISSING: "pledge_signed",
    DeskReason.DUPLICATE_BINDING: "beneficiary_psn_no",
    DeskReason.QUOTA_EXCEEDS_BALANCE: "quota",
    DeskReason.QUOTA_BELOW_USED: "quota",
    DeskReason.QUOTA_INSUFFICIENT: "year",
    DeskReason.BALANCE_INSUFFICIENT: "giver_psn_no",
    DeskReason.NO_BINDING: "beneficiary_psn_no",
    DeskReason.PREMIUM_NOT_RESIDENT: "beneficiary_psn_no",
    DeskReason.PREMIUM_YEAR_NOT_OPEN: "year",
    DeskReason.PREMIUM_ALREADY_PAID: "year",
    DeskReason.PERSON_NOT_INSURED: "psn_no",
    DeskReason.FILING_NOT_NEEDED: "to_admdvs",
    DeskReason.FILING_DUPLICATE: "valid_from",
    DeskReason.FILING_CANCELLED: "filing_id",
}


def _refuse(reasons: list[CodeEnum], field: str | None = None) -> CenterError:
    name = field or _FIELD.get(reasons[0], "binding_id")  # type: ignore[call-overload]
    if reasons[0].value.startswith("GIVER_"):
        name = field or "giver_psn_no"
    return CenterError(f"{name}: {refusal_text(reasons)}", codes=tuple(r.value for r in reasons))


# ------------------------------------------------------------------ shared reads


def _person(ctx: Ctx, psn_no: str, field: str) -> None:
    try:
        ctx.person_facts(psn_no)
    except CenterError:
        raise CenterError(f"{field}: 查无此人 {psn_no} / unknown person") from None


def _enrolments(ctx: Ctx, psn_no: str) -> list[CenterEnrolment]:
    return list(ctx.session.execute(queries.enrolments_of(), {"psn_nos": [psn_no]}).scalars())


def _beneficiary(ctx: Ctx, psn_no: str) -> BeneficiaryState | None:
    rows = _enrolments(ctx, psn_no)
    if not rows:
        return None
    e = next((r for r in rows if r.status == PsnInsuStas.NORMAL.value), rows[0])
    return BeneficiaryState(e.psn_no, e.insutype, e.status, e.admdvs)


def _scope(ctx: Ctx, giver: GiverState, beneficiary: BeneficiaryState | None) -> CopayScope:
    """The giver's region decides who may be bound (as at the cashier)."""
    regions = ctx.registry.policy_by_region
    policy = regions.get(giver.admdvs[:4]) or (
        regions.get(beneficiary.admdvs[:4]) if beneficiary else None
    )
    if policy is None:
        raise CenterError("giver_psn_no: 参保地没有政策参数 / no policy for the giver's region")
    return policy.copay


def _lock_account(ctx: Ctx, psn_no: str) -> CenterAccount | None:
    return lock_accounts(ctx, [psn_no]).get(psn_no)


def _binding(ctx: Ctx, binding_id: str, *, lock: bool) -> CenterBinding:
    q = select(CenterBinding).where(CenterBinding.binding_id == binding_id)
    if lock:
        # Re-read under the lock: another desk may have changed it since we first looked.
        q = q.with_for_update().execution_options(populate_existing=True)
    row = ctx.session.execute(q).scalar_one_or_none()
    if row is None:
        raise CenterError(f"binding_id: 共济关系 {binding_id} 不存在 / unknown binding")
    return row


def _locked_binding(ctx: Ctx, binding_id: str) -> tuple[CenterBinding, CenterAccount | None]:
    """The binding and its giver's account, locked in the global order (account first)."""
    giver = _binding(ctx, binding_id, lock=False).giver_psn_no
    acct = _lock_account(ctx, giver)
    return _binding(ctx, binding_id, lock=True), acct


def _in_force_today(ctx: Ctx, b: CenterBinding) -> bool:
    """Counted by `ring_fenced`: active and within its validity today."""
    return (
        b.status == BindingStatus.ACTIVE.value
        and b.valid_from <= ctx.today
        and (b.valid_to is None or ctx.today <= b.valid_to)
    )


def _event(ctx: Ctx, binding_id: str, event: str, **detail: object) -> None:
    insert_rows(
        ctx,
        CenterBindingEvent,
        [
            {
                "binding_id": binding_id,
                "event": event,
                "at": ctx.now,
                "opter": ctx.env.opter,
                "msgid": ctx.env.msgid,
                "detail": detail,
            }
        ],
    )


def binding_wire(ctx: Ctx, b: CenterBinding) -> dict:
    lang = ctx.registry.lang
    status = BindingStatus(b.status)
    return {
        "binding_id": b.binding_id,
        "giver_psn_no": b.giver_psn_no,
        "giver_name_masked": mask_name(ctx.name(b.giver_psn_no)),
        "beneficiary_psn_no": b.beneficiary_psn_no,
        "beneficiary_name_masked": mask_name(ctx.name(b.beneficiary_psn_no)),
        "relationship": b.relationship,
        "relationship_name": Relationship(b.relationship).label(lang),
        "quota": fmt(b.quota),
        "quota_used": fmt(b.quota_used),
        "quota_left": fmt(b.quota - b.quota_used),
        "valid_from": b.valid_from.isoformat(),
        "valid_to": b.valid_to.isoformat() if b.valid_to else None,
        "status": status.value,
        "status_name": status.label(lang),
        "status_reason": b.status_reason,
        "channel": b.channel,
        "proof_type": b.proof,
        "proof_no": b.proof_no,
        "pledge_signed": b.pledge_signed,
        "order": b.order,
    }


# ------------------------------------------------------------------ J101 … J106 bindings


def handle_J101(ctx: Ctx, raw: dict) -> dict:
    """共济绑定申请: submitted for review (status pending), counter or online channel."""
    inp = InJ101.model_validate(raw)
    _person(ctx, inp.giver_psn_no, "giver_psn_no")
    _person(ctx, inp.beneficiary_psn_no, "beneficiary_psn_no")
    if inp.valid_to is not None and inp.valid_to < ctx.today:
        raise CenterError(f"valid_to: {inp.valid_to} 已过去 / is in the past")
    acct = _lock_account(ctx, inp.giver_psn_no)  # serializes this giver's desk work
    giver = giver_state(ctx, inp.giver_psn_no, acct)
    beneficiary = _beneficiary(ctx, inp.beneficiary_psn_no)
    theirs = list(
        ctx.session.execute(
            queries.bindings_of_beneficiary(False), {"psn_no": inp.beneficiary_psn_no}
        ).scalars()
    )
    live = [b for b in theirs if b.status in LIVE]
    spendable = acct.balance - ring_fenced(ctx, giver.psn_no) if acct else ZERO
    reasons = bind_reasons(
        giver=giver,
        beneficiary=beneficiary,
        relationship=inp.relationship,
        proof_type=inp.proof_type,
        proof_no=inp.proof_no,
        pledge_signed=inp.pledge_signed,
        quota=inp.quota,
        spendable=spendable,
        duplicate=any(b.giver_psn_no == giver.psn_no for b in live),
        scope=_scope(ctx, giver, beneficiary),
    )
    if reasons:
        raise _refuse(reasons)
    order = inp.order or max((b.order for b in live), default=0) + 1
    binding_id = f"BND-{giver.admdvs[:4]}-{next_value(ctx.conn, 'binding'):06d}"
    row = CenterBinding(
        binding_id=binding_id,
        giver_psn_no=giver.psn_no,
        beneficiary_psn_no=inp.beneficiary_psn_no,
        relationship=inp.relationship.value,
        quota=inp.quota,
        quota_used_opening=ZERO,
        quota_used=ZERO,
        valid_from=ctx.today,
        valid_to=inp.valid_to,
        status=BindingStatus.PENDING.value,
        channel=inp.channel,
        proof=inp.proof_type,
        proof_no=inp.proof_no,
        pledge_signed=inp.pledge_signed,
        order=order,
    )
    ctx.session.add(row)
    ctx.session.flush()  # before the batched event row that refers to it
    _event(ctx, binding_id, "submit", channel=inp.channel, quota=fmt(inp.quota))
    return binding_wire(ctx, row)


def handle_J102(ctx: Ctx, raw: dict) -> dict:
    """共济绑定审核通过: effective at once (valid from today)."""
    inp = InBindingId.model_validate(raw)
    b, acct = _locked_binding(ctx, inp.binding_id)
    if b.status != BindingStatus.PENDING.value:
        raise _refuse([DeskReason.BINDING_NOT_PENDING])
    if b.valid_to is not None and b.valid_to < ctx.today:
        raise _refuse([CopayReason.BINDING_EXPIRED], "binding_id")
    giver = giver_state(ctx, b.giver_psn_no, acct)
    beneficiary = _beneficiary(ctx, b.beneficiary_psn_no)
    relationship = Relationship(b.relationship)
    reasons = scope_reasons(beneficiary, relationship, _scope(ctx, giver, beneficiary))
    reasons += party_reasons(giver, beneficiary)
    spendable = acct.balance - ring_fenced(ctx, giver.psn_no) if acct else ZERO
    if b.quota - b.quota_used > spendable:
        reasons.append(DeskReason.QUOTA_EXCEEDS_BALANCE)
    if reasons:
        raise _refuse(reasons)
    store(ctx, b, status=BindingStatus.ACTIVE.value, valid_from=ctx.today, status_reason=None)
    _event(ctx, b.binding_id, "approve")
    return binding_wire(ctx, b)


def handle_J103(ctx: Ctx, raw: dict) -> dict:
    """共济绑定审核不通过, with the reviewer's reason."""
    inp = InJ103.model_validate(raw)
    b, _ = _locked_binding(ctx, inp.binding_id)
    if b.status != BindingStatus.PENDING.value:
        raise _refuse([DeskReason.BINDING_NOT_PENDING])
    store(ctx, b, status=BindingStatus.REJECTED.value, status_reason=inp.reason)
    _event(ctx, b.binding_id, "reject", reason=inp.reason)
    return binding_wire(ctx, b)


def handle_J104(ctx: Ctx, raw: dict) -> dict:
    """共济额度/扣款顺序变更: never below what is used; a raise must fit the unfenced balance."""
    inp = InJ104.model_validate(raw)
    b, acct = _locked_binding(ctx, inp.binding_id)
    if b.status not in LIVE:
        raise _refuse([DeskReason.BINDING_NOT_ACTIVE])
    changes: dict = {}
    detail: dict = {}
    if inp.quota is not None and inp.quota != b.quota:
        if inp.quota < b.quota_used:
            raise _refuse([DeskReason.QUOTA_BELOW_USED])
        if inp.quota > b.quota and b.status == BindingStatus.ACTIVE.value:
            mine = b.quota - b.quota_used if _in_force_today(ctx, b) else ZERO
            others = ring_fenced(ctx, b.giver_psn_no) - mine
            spendable = (acct.balance if acct else ZERO) - others
            if inp.quota - b.quota_used > spendable:
                raise _refuse([DeskReason.QUOTA_EXCEEDS_BALANCE])
        changes["quota"] = inp.quota
        detail["quota"] = [fmt(b.quota), fmt(inp.quota)]
    if inp.order is not None and inp.order != b.order:
        changes["order"] = inp.order
        detail["order"] = [b.order, inp.order]
    if changes:
        store(ctx, b, **changes)
        _event(ctx, b.binding_id, "edit", **detail)
    return binding_wire(ctx, b)


def handle_J105(ctx: Ctx, raw: dict) -> dict:
    """解除共济绑定: the unused quota is no longer ring-fenced (the money never left the account)."""
    inp = InJ105.model_validate(raw)
    b, _ = _locked_binding(ctx, inp.binding_id)
    if b.status not in LIVE:
        raise _refuse([DeskReason.BINDING_NOT_ACTIVE])
    returned = b.quota - b.quota_used if b.status == BindingStatus.ACTIVE.value else ZERO
    reason = inp.reason or "共济人申请解绑 / unbound at the giver's request"
    store(ctx, b, status=BindingStatus.UNBOUND.value, status_reason=reason)
    _event(ctx, b.binding_id, "unbind", reason=reason, quota_returned=fmt(returned))
    return {**binding_wire(ctx, b), "quota_returned": fmt(returned)}


def handle_J106(ctx: Ctx, raw: dict) -> dict:
    """共济关系查询: every binding of a giver or of a beneficiary, whatever its status."""
    inp = InJ106.model_validate(raw)
    if inp.giver_psn_no:
        _person(ctx, inp.giver_psn_no, "giver_psn_no")
        where = CenterBinding.giver_psn_no == inp.giver_psn_no
    else:
        _person(ctx, inp.beneficiary_psn_no or "", "beneficiary_psn_no")
        where = CenterBinding.beneficiary_psn_no == inp.beneficiary_psn_no
    rows = ctx.session.execute(
        select(CenterBinding).where(where).order_by(CenterBinding.binding_id)
    ).scalars()
    return {"bindings": [binding_wire(ctx, b) for b in rows]}


# ------------------------------------------------------------------ J201 代缴


def handle_J201(ctx: Ctx, raw: dict) -> dict:
    """代缴城乡居民医保费: the giver pays a bound relative's resident premium for a year."""
    inp = InJ201.model_validate(raw)
    _person(ctx, inp.giver_psn_no, "giver_psn_no")
    _person(ctx, inp.beneficiary_psn_no, "beneficiary_psn_no")
    acct = _lock_account(ctx, inp.giver_psn_no)
    q = (
        select(CenterBinding)
        .where(
            CenterBinding.giver_psn_no == inp.giver_psn_no,
            CenterBinding.beneficiary_psn_no == inp.beneficiary_psn_no,
        )
        .order_by(CenterBinding.order, CenterBinding.binding_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    mine = list(ctx.session.execute(q).scalars())
    active = [b for b in mine if b.status == BindingStatus.ACTIVE.value]
    if not active:
        pending = [b for b in mine if b.status == BindingStatus.PENDING.value]
        if pending:
            raise _refuse([CopayReason.BINDING_PENDING], "beneficiary_psn_no")
        raise _refuse([DeskReason.NO_BINDING])
    b = active[0]
    reasons: list[CodeEnum] = []
    if ctx.today < b.valid_from:
        reasons.append(CopayReason.BINDING_NOT_YET_VALID)
    if b.valid_to is not None and ctx.today > b.valid_to:
        reasons.append(CopayReason.BINDING_EXPIRED)
    giver = giver_state(ctx, inp.giver_psn_no, acct)
    reasons += [r for r in party_reasons(giver, None) if r.value.startswith("GIVER_")]
    resident = next(
        (e for e in _enrolments(ctx, inp.beneficiary_psn_no) if e.insutype == Insutype.RESIDENT),
        None,
    )
    amount: Decimal | None = None
    if resident is None:
        reasons.append(DeskReason.PREMIUM_NOT_RESIDENT)
    else:
        beneficiary = BeneficiaryState(
            resident.psn_no, resident.insutype, resident.status, resident.admdvs
        )
        reasons += scope_reasons(
            beneficiary, Relationship(b.relationship), _scope(ctx, giver, beneficiary)
        )
        table = ctx.policy_for(resident.admdvs).premium
        amount = table.resident_for(inp.year) if table else None
        # The collection period: this year (late) or next year (in advance), never a past year.
        if amount is None or not ctx.today.year <= inp.year <= ctx.today.year + 1:
            reasons.append(DeskReason.PREMIUM_YEAR_NOT_OPEN)
            amount = None
        paid = ctx.session.execute(
            select(CenterPremium.premium_id).where(
                CenterPremium.psn_no == resident.psn_no,
                CenterPremium.insutype == resident.insutype,
                CenterPremium.year == inp.year,
            )
        ).first()
        if paid is not None:
            reasons.append(DeskReason.PREMIUM_ALREADY_PAID)
    if amount is not None:
        if b.quota - b.quota_used < amount:
            reasons.append(DeskReason.QUOTA_INSUFFICIENT)
        if acct is not None and acct.balance < amount:
            reasons.append(DeskReason.BALANCE_INSUFFICIENT)
    if reasons or resident is None or amount is None or acct is None:
        raise _refuse(reasons or [DeskReason.BALANCE_INSUFFICIENT])
    admdvs = resident.admdvs
    premium_id = f"JF{admdvs}{ctx.today:%Y%m%d}{next_value(ctx.conn, 'premium'):08d}"
    after = acct.balance - amount
    who = mask_name(ctx.name(resident.psn_no))
    text = (
        f"【医保】您的职工医保个人账户为家庭共济成员{who}代缴{inp.year}年度城乡居民医保费 "
        f"{fmt(amount)} 元，余额 {fmt(after)} 元。"
    )
    insert_rows(
        ctx,
        CenterPremium,
        [
            {
                "premium_id": premium_id,
                "psn_no": resident.psn_no,
                "insutype": resident.insutype,
                "year": inp.year,
                "admdvs": admdvs,
                "amount": amount,
                "payer_psn_no": acct.psn_no,
                "binding_id": b.binding_id,
                "paid_at": ctx.now,
                "msgid": ctx.env.msgid,
                "opter": ctx.env.opter,
            }
        ],
    )
    move(ctx, acct, -amount, "premium", premium_id, b, notice=text)
    policy = ctx.policy_for(admdvs)
    return {
        "premium_id": premium_id,
        "psn_no": resident.psn_no,
        "psn_name_masked": who,
        "insutype": resident.insutype,
        "year": inp.year,
        "insuplc_admdvs": admdvs,
        "region_name": policy.region_name,
        "amount": fmt(amount),
        "payer_psn_no": acct.psn_no,
        "payer_name_masked": mask_name(ctx.name(acct.psn_no)),
        "binding_id": b.binding_id,
        "balc": fmt(acct.balance),
        "quota_used": fmt(b.quota_used),
        "paid_time": ctx.now.strftime("%Y-%m-%d %H:%M:%S"),
        "label": policy.premium.label if policy.premium else PREMIUM_LABEL,
        "notice": text,
    }


# ------------------------------------------------------------------ J301 … J303 异地就医备案


def _filing_status(ctx: Ctx, f: CenterFiling) -> str:
    if f.cancelled_at is not None:
        return "cancelled"
    if ctx.today < f.valid_from:
        return "future"
    if ctx.today > f.valid_to:
        return "expired"
    return "valid"


def filing_wire(ctx: Ctx, f: CenterFiling) -> dict:
    return {
        "filing_id": f.id,
        "psn_no": f.psn_no,
        "insuplc_admdvs": f.from_admdvs,
        "mdtrtarea_admvs": f.to_admdvs,
        "valid_from": f.valid_from.isoformat(),
        "valid_to": f.valid_to.isoformat(),
        "status": _filing_status(ctx, f),
        "cancelled_time": f.cancelled_at.strftime("%Y-%m-%d %H:%M:%S") if f.cancelled_at else None,
    }


def _filings(ctx: Ctx, psn_no: str) -> list[CenterFiling]:
    q = select(CenterFiling).where(CenterFiling.psn_no == psn_no).order_by(CenterFiling.id)
    return list(ctx.session.execute(q).scalars())


def handle_J301(ctx: Ctx, raw: dict) -> dict:
    """异地就医备案登记: destination region and period."""
    inp = InJ301.model_validate(raw)
    _person(ctx, inp.psn_no, "psn_no")
    enrolment = ctx.enrolment(inp.psn_no, lock=True)  # serializes this person's filings
    if inp.valid_to < ctx.today:
        raise CenterError(f"valid_to: {inp.valid_to} 已过去 / is in the past")
    reasons: list[CodeEnum] = []
    if enrolment.status != PsnInsuStas.NORMAL.value:
        reasons.append(DeskReason.PERSON_NOT_INSURED)
    if inp.to_admdvs[:4] == enrolment.admdvs[:4]:
        reasons.append(DeskReason.FILING_NOT_NEEDED)
    for f in _filings(ctx, inp.psn_no):
        if (
            f.cancelled_at is None
            and f.to_admdvs[:4] == inp.to_admdvs[:4]
            and f.valid_from <= inp.valid_to
            and inp.valid_from <= f.valid_to
        ):
            reasons.append(DeskReason.FILING_DUPLICATE)
            break
    if reasons:
        raise _refuse(reasons)
    row = CenterFiling(
        psn_no=inp.psn_no,
        from_admdvs=enrolment.admdvs,
        to_admdvs=inp.to_admdvs,
        valid_from=inp.valid_from,
        valid_to=inp.valid_to,
    )
    ctx.session.add(row)
    ctx.session.flush()
    return filing_wire(ctx, row)


def handle_J302(ctx: Ctx, raw: dict) -> dict:
    """异地就医备案撤销: the filing stays on file, cancelled."""
    inp = InJ302.model_validate(raw)
    _person(ctx, inp.psn_no, "psn_no")
    ctx.enrolment(inp.psn_no, lock=True)
    row = ctx.session.get(CenterFiling, inp.filing_id, populate_existing=True)
    if row is None or row.psn_no != inp.psn_no:
        raise CenterError(f"filing_id: 该人员没有备案 {inp.filing_id} / no such filing")
    if row.cancelled_at is not None:
        raise _refuse([DeskReason.FILING_CANCELLED])
    store(ctx, row, cancelled_at=ctx.now)
    return filing_wire(ctx, row)


def handle_J303(ctx: Ctx, raw: dict) -> dict:
    """异地就医备案查询."""
    inp = InJ303.model_validate(raw)
    _person(ctx, inp.psn_no, "psn_no")
    return {"filings": [filing_wire(ctx, f) for f in _filings(ctx, inp.psn_no)]}


# ------------------------------------------------------------------ J401 notices


def handle_J401(ctx: Ctx, raw: dict) -> dict:
    """余额变动提醒查询: a giver's notices, newest first (deductions, refunds, 代缴)."""
    inp = InJ401.model_validate(raw)
    _person(ctx, inp.giver_psn_no, "giver_psn_no")
    rows = list(
        ctx.session.execute(
            select(CenterNotice)
            .where(CenterNotice.giver_psn_no == inp.giver_psn_no)
            .order_by(CenterNotice.id.desc())
            .limit(inp.limit)
        ).scalars()
    )
    premiums = set(
        ctx.session.execute(
            select(CenterPremium.premium_id).where(
                CenterPremium.premium_id.in_([n.setl_id for n in rows])
            )
        ).scalars()
    )

    def kind(n: CenterNotice) -> str:
        if n.setl_id in premiums:
            return "premium"
        return "deduction" if n.amount < 0 else "refund"

    return {
        "notices": [
            {
                "notice_id": n.id,
                "giver_psn_no": n.giver_psn_no,
                "beneficiary_psn_no": n.beneficiary_psn_no,
                "beneficiary_name_masked": mask_name(ctx.name(n.beneficiary_psn_no)),
                "binding_id": n.binding_id,
                "kind": kind(n),
                "ref_id": n.setl_id,
                "amount": fmt(n.amount),
                "balc": fmt(n.balance_after),
                "text": n.text,
                "notice_time": n.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            }
            for n in rows
        ]
    }


# ------------------------------------------------------------------ J901 the trainer's switch


def handle_J901(ctx: Ctx, raw: dict) -> dict:
    """参保状态变更（模拟）: change an enrolment's status / arrears, or freeze an account.

    A status that is no longer 正常 ends every pending or active binding where the person is the
    giver or the beneficiary ("the binding ends if either side's insurance changes").
    """
    inp = InJ901.model_validate(raw)
    _person(ctx, inp.psn_no, "psn_no")
    rows = list(
        ctx.session.execute(
            queries.enrolment(True, False), {"psn_no": inp.psn_no, "insutype": None}
        ).scalars()
    )
    if not rows:
        raise CenterError(f"psn_no: {inp.psn_no} 无参保记录 / not enrolled")
    if inp.insutype is not None:
        rows = [r for r in rows if r.insutype == inp.insutype.value]
        if not rows:
            raise CenterError(f"insutype: 该人员没有险种 {inp.insutype} / no such enrolment")
    elif len(rows) > 1 and (inp.psn_insu_stas or inp.arrears is not None):
        raise CenterError("insutype: 该人员有多个险种，请指明 / several enrolments: name one")
    enrolment = rows[0]
    changes: dict = {}
    if inp.psn_insu_stas is not None:
        changes["status"] = inp.psn_insu_stas
    if inp.arrears is not None:
        changes["arrears"] = inp.arrears
    if changes:
        store(ctx, enrolment, **changes)
    acct = _lock_account(ctx, inp.psn_no) if inp.acct_frozen is not None else None
    if inp.acct_frozen is not None:
        if acct is None:
            raise CenterError("acct_frozen: 该人员没有个人账户 / no personal account")
        store(ctx, acct, frozen=inp.acct_frozen)
    ended = []
    if enrolment.status != PsnInsuStas.NORMAL.value:
        status = PsnInsuStas(enrolment.status)
        q = (
            select(CenterBinding)
            .where(
                or_(
                    CenterBinding.giver_psn_no == inp.psn_no,
                    CenterBinding.beneficiary_psn_no == inp.psn_no,
                ),
                CenterBinding.status.in_(LIVE),
            )
            .order_by(CenterBinding.binding_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        for b in ctx.session.execute(q).scalars():
            giver = b.giver_psn_no == inp.psn_no
            reason = (
                f"{'共济人' if giver else '被共济人'}参保状态变更为{status.zh} / "
                f"the {'giver' if giver else 'beneficiary'}'s insurance is now {status.en}"
            )
            store(ctx, b, status=BindingStatus.ENDED.value, status_reason=reason)
            _event(ctx, b.binding_id, "end", reason=reason)
            ended.append(binding_wire(ctx, b))
    if acct is None:
        acct = ctx.account(inp.psn_no)
    lang = ctx.registry.lang
    return {
        "psn_no": inp.psn_no,
        "insuinfo": [
            {
                "insutype": e.insutype,
                "psn_insu_stas": e.status,
                "psn_insu_stas_name": PsnInsuStas(e.status).label(lang),
                "arrears": e.arrears,
                "insuplc_admdvs": e.admdvs,
            }
            for e in _enrolments(ctx, inp.psn_no)
        ],
        "acct_frozen": bool(acct and acct.frozen),
        "ended": ended,
    }

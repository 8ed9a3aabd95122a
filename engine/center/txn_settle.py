"""【2206】门诊预结算 and 【2207】门诊结算: the same computation; 2207 locks, posts and remembers.

2207 is idempotent per (mdtrt_id, chrg_bchno): while a settlement of the batch stands, a retry
answers that settlement again (also under a new msgid). 2207 recomputes under its locks, so if a
giver's balance moved since the 2206, the split may differ: the hospital tenders from the 2207
answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.center import queries
from engine.center.context import CenterError, Ctx
from engine.center.eligibility import (
    Option,
    choose_sources,
    default_sources,
    has_filing,
    options,
    ring_fenced,
)
from engine.center.ids import fingerprint
from engine.center.inputs import In2206, In2207
from engine.center.ledger import (
    add_ytd,
    insert_settlement,
    lock_accounts,
    lock_bindings,
    move,
    ytd_row,
)
from engine.center.models import (
    CenterAccount,
    CenterEnrolment,
    CenterInstitution,
    CenterPerson,
    CenterVisit,
)
from engine.center.txn_person import check_cert
from engine.center.txn_visit import fee_item
from engine.codes import FundPayType, Insutype, PsnInsuStas, clr_type_for
from engine.copay import BindingStatus
from engine.masking import mask_name
from engine.models import AcctState, MulaidSource, SettleRequest, Ytd
from engine.money import ZERO, fmt
from engine.policy import PolicyError
from engine.settle import Settlement, settle


@dataclass(slots=True)
class Computed:
    visit: CenterVisit
    inst: CenterInstitution
    person: CenterPerson
    patient: CenterEnrolment
    own_acct: CenterAccount | None
    accounts: dict[str, CenterAccount]
    opts: list[Option]
    chosen: list[Option]
    settlement: Settlement
    ytd: dict
    year: int


@dataclass(slots=True)
class Reads:
    """What a 2206/2207 reads, read together (one round trip on PostgreSQL; engine.center.onetrip).

    In the global lock order: the visit, the patient's enrolment, the ytd rows, the accounts,
    the bindings. `accounts` and the locked `bindings` are None when the givers are not named in
    the request (a real client's 2207): whom to lock is then learnt first, as compute does.
    """

    visit: object
    attempts: list
    patient: object
    lines: list
    ytd: list
    accounts: list | None
    bindings: list | None
    giver_rows: tuple[list, list]
    own_bindings: list | None
    setl_no: int | None


def read_all(ctx: Ctx, inp: In2206, *, lock: bool) -> Reads:
    requested = inp.exp_content.mulaid_psn_nos
    employee = inp.insutype.value == Insutype.EMPLOYEE.value
    batch = {"mdtrt_id": inp.mdtrt_id, "chrg_bchno": inp.chrg_bchno}
    who = {"psn_no": inp.psn_no}
    enrolled = {**who, "insutype": inp.insutype.value}
    reads = {
        "visit": (queries.visit(lock), {"mdtrt_id": inp.mdtrt_id}),
        "patient": (queries.enrolment(lock, True), enrolled),
        "lines": (queries.batch_lines(), batch),
        "ytd": (queries.ytd(lock), {**enrolled, "year": ctx.now.year}),
    }
    if lock:
        reads["attempts"] = (queries.batch_attempts(), batch)
    named = not (requested is None and inp.acct_used_flag == "1")
    if named:
        wanted = sorted({*(requested or []), *([inp.psn_no] if employee else [])})
        if wanted:
            listed = queries.accounts_listed(lock, ctx.postgres)
            reads["accounts"] = (listed, {"psn_nos": wanted})
        reads["bindings"] = (queries.bindings_of_beneficiary(lock), who)
    reads["giver_enrolments"] = (queries.giver_enrolments(), who)
    reads["giver_accounts"] = (queries.giver_accounts(), who)
    if employee and inp.acct_used_flag == "1":
        reads["own_bindings"] = (
            queries.bindings_of_giver(),
            {**who, "status": BindingStatus.ACTIVE.value},
        )
    prefetch = getattr(ctx.registry.ids, "prefetch_setl", None) if lock else None
    setl = prefetch(ctx.conn) if prefetch else None
    if setl is not None:
        reads["setl"] = (setl, {})
    # Dicts keep their order: the statements run (and lock) in the order written above.
    got = dict(zip(reads, ctx.fetch(*reads.values()), strict=True))
    return Reads(
        visit=got["visit"][0] if got["visit"] else None,
        attempts=got.get("attempts", []),
        patient=got["patient"][0] if got["patient"] else None,
        lines=got["lines"],
        ytd=got["ytd"],
        accounts=got.get("accounts", []) if named else None,
        bindings=got.get("bindings"),
        giver_rows=(got["giver_enrolments"], got["giver_accounts"]),
        own_bindings=got.get("own_bindings"),
        setl_no=got["setl"][0][0] if setl is not None else None,
    )


def compute(ctx: Ctx, inp: In2206, *, lock: bool, got: Reads | None = None) -> Computed:
    got = got or read_all(ctx, inp, lock=lock)
    visit = ctx.own_visit(got.visit, inp.mdtrt_id, inp.psn_no)
    inst = ctx.institution(visit.fixmedins_code)
    if not inst.designated:
        raise CenterError(
            "fixmedins_code: 非定点医药机构，不能进行医保结算 / not a designated institution"
        )
    if visit.insutype != inp.insutype.value:
        raise CenterError(f"insutype: 与挂号时的险种 {visit.insutype} 不符 / differs from 2201")
    if visit.med_type and visit.med_type != inp.med_type.value:
        raise CenterError(
            f"med_type: 与就诊信息的医疗类别 {visit.med_type} 不符 / differs from 2203"
        )
    check_cert(ctx, inp.psn_no, inp.mdtrt_cert_type, inp.mdtrt_cert_no)
    patient = ctx.enrolled(got.patient, inp.psn_no, inp.insutype.value)
    if patient.status != PsnInsuStas.NORMAL.value:
        raise CenterError("insutype: 参保状态异常，不能医保结算 / insurance is not active")
    lines = got.lines
    if not lines:
        raise CenterError(
            "chrg_bchno: 该收费批次没有上传费用明细 (2204) / no fee lines in this batch"
        )
    total = sum((r.det_item_fee_sumamt for r in lines), ZERO)
    if total != inp.medfee_sumamt:
        raise CenterError(
            f"medfee_sumamt: 与明细合计 {fmt(total)} 不符 / does not match the uploaded lines"
        )

    policy = ctx.policy_for(patient.admdvs)
    if (
        inst.admdvs[:4] != patient.admdvs[:4]
        and policy.cross_region.unfiled == "refuse"
        and not has_filing(ctx, patient.psn_no, patient.admdvs, inst.admdvs, ctx.today)
    ):
        raise CenterError(
            "psn_no: 异地就医未备案，参保地规定不能直接结算（请先办理异地就医备案）/ "
            "care outside the insured region without a filing (异地就医备案): "
            "the insured region does not settle it directly"
        )
    try:
        params = policy.resolve(patient.insutype, patient.psn_type, inp.med_type, inst.level)
        scope = policy.dedc_scope(patient.insutype, inp.med_type)
    except PolicyError as exc:
        raise CenterError(f"med_type: {exc}") from None
    year = ctx.now.year
    ytd_rows = {r.bucket: r for r in got.ytd}
    # One accumulator row per med_type; those of one rule section count together (11, 12 and 13
    # share the outpatient 起付线 and annual cap where the policy settles them as outpatient).
    section = policy.section_of(inp.med_type)
    shared = [r for b, r in ytd_rows.items() if policy.section_of(b) == section]
    dedc_paid = (
        ctx.admission_dedc_paid(visit.mdtrt_id)
        if scope == "admission"
        else sum((r.dedc_paid for r in shared), ZERO)
    )

    requested = inp.exp_content.mulaid_psn_nos
    if inp.acct_used_flag == "0" and requested:
        raise CenterError(
            "exp_content.mulaid_psn_nos: acct_used_flag 为 0（不使用个人账户），不能使用共济账户 / "
            "acct_used_flag 0 uses no account money: no co-pay givers either"
        )
    employee = patient.insutype == Insutype.EMPLOYEE.value
    if got.accounts is None:
        # No choice sent (a real client's 2207): every giver bound to the patient may pay. Read
        # unlocked to learn whom to lock; the lock order stays accounts, then bindings.
        q = queries.bindings_of_beneficiary(False)
        seen = ctx.session.execute(q, {"psn_no": patient.psn_no}).scalars()
        candidates = sorted({b.giver_psn_no for b in seen})
        wanted = [*candidates, patient.psn_no] if employee else candidates
        if lock:
            accounts = lock_accounts(ctx, wanted)
        else:
            q = queries.accounts(False)
            found = ctx.session.execute(q, {"psn_nos": sorted(set(wanted))}).scalars()
            accounts = {a.psn_no: a for a in found}
        bindings = lock_bindings(ctx, patient.psn_no) if lock else None
    else:
        candidates = list(requested or [])
        accounts = {a.psn_no: a for a in got.accounts}
        bindings = got.bindings
    opts = options(
        ctx,
        patient,
        inst,
        inp.med_type,
        accounts=accounts,
        bindings=bindings,
        giver_rows=got.giver_rows,
    )
    proof = inp.exp_content.copay_proof_checked
    if requested is None:
        # A binding made after the read above has no locked account: it waits for the next visit.
        usable = [o for o in opts if o.decision.giver_psn_no in candidates]
        chosen = (
            default_sources(usable, policy.copay.deduction_order, proof)
            if inp.acct_used_flag == "1"
            else []
        )
    else:
        chosen = choose_sources(opts, requested, proof, ctx.registry.lang)

    own_acct = accounts.get(patient.psn_no) if employee else None
    use_own = inp.acct_used_flag == "1" and own_acct is not None and not own_acct.frozen
    usable_own = (
        max(ZERO, own_acct.balance - ring_fenced(ctx, patient.psn_no, got.own_bindings))
        if use_own and own_acct
        else ZERO
    )
    req = SettleRequest.model_construct(
        policy=None,
        params=params,
        insutype=Insutype(patient.insutype),
        psn_type=None,
        med_type=inp.med_type,
        hosp_lv=None,
        ytd=Ytd.model_construct(
            dedc_paid=dedc_paid,
            hifp_paid=sum((r.hifp_paid for r in shared), ZERO),
            big_illness_paid=sum((r.big_paid for r in ytd_rows.values()), ZERO),
        ),
        items=[fee_item(r) for r in lines],
        acct=AcctState.model_construct(balc=usable_own, used=use_own),
        mulaid=[
            MulaidSource.model_construct(
                giver=o.decision.giver_psn_no, available=o.decision.available
            )
            for o in chosen
        ],
    )
    s = settle(req, params)
    # The slip shows the real balance after this payment, not the part free of ring-fenced quota.
    s.balc = own_acct.balance - s.own if own_acct is not None else ZERO
    return Computed(
        visit,
        inst,
        ctx.person_facts(patient.psn_no),
        patient,
        own_acct,
        accounts,
        opts,
        chosen,
        s,
        ytd_rows,
        year,
    )


def _output(ctx: Ctx, c: Computed, setl_id: str | None, *, preview: bool) -> dict:
    lang = ctx.registry.lang
    s, person, patient = c.settlement, c.person, c.patient
    setlinfo = s.setlinfo().model_dump(mode="json")
    setlinfo.update(
        setl_id=setl_id,
        mdtrt_id=c.visit.mdtrt_id,
        psn_no=person.psn_no,
        psn_name=person.name,
        psn_cert_type="01",
        certno=person.certno,
        gend=person.gend,
        brdy=person.brdy.isoformat(),
        age=ctx.age(person.brdy),
        psn_type=patient.psn_type,
        cvlserv_flag="0",
        setl_time=ctx.now.strftime("%Y-%m-%d %H:%M:%S"),
        mdtrt_cert_type=c.visit.mdtrt_cert_type,
        clr_optins=patient.admdvs,
        clr_way="01",
        clr_type=clr_type_for(s.req.med_type).value,
        medins_setl_id=ctx.env.msgid,
        naty="01",
    )
    by_giver = {o.decision.giver_psn_no: o for o in c.chosen}
    mulaid = [
        {
            "giver_psn_no": giver,
            "giver_name_masked": mask_name(by_giver[giver].giver_name),
            "binding_id": by_giver[giver].decision.binding_id,
            "relationship": by_giver[giver].decision.relationship.value,
            "amount": fmt(amount),
        }
        for giver, amount in s.mulaid
        if amount > 0
    ]
    # Simulator extensions: what the platform's setlinfo does not carry.
    exp: dict = {
        "mulaid_detail": mulaid,
        "own_acct_pay": fmt(s.own),
        "insuplc_admdvs": patient.admdvs,
        "mdtrtarea_admvs": c.inst.admdvs,
    }
    if preview:
        exp["mulaid_options"] = [o.wire(lang) for o in c.opts]
        exp["trace"] = s.trace(lang)
        exp["result"] = [r.model_dump(mode="json") for r in s.item_results()]
    setldetail = [d.model_dump(mode="json") for d in s.setldetail(lang)]
    info = s.setlinfo()
    if info.acct_pay > 0:
        # The platform lists the personal-account fund with the others (captured 2207 answers:
        # 310200 个人账户基金, fund_payamt = acct_pay, co-pay included).
        setldetail.append(
            {
                "fund_pay_type": FundPayType.EMP_ACCT.value,
                "fund_pay_type_name": FundPayType.EMP_ACCT.label(lang),
                "inscp_scp_amt": fmt(info.inscp_scp_amt),
                "crt_payb_lmt_amt": None,
                "fund_payamt": fmt(info.acct_pay),
                "setl_proc_info": None,
            }
        )
    return {"setlinfo": setlinfo, "setldetail": setldetail, "exp_content": exp}


def handle_2206(ctx: Ctx, raw: dict) -> dict:
    inp = In2206.model_validate(raw)
    return _output(ctx, compute(ctx, inp, lock=False), None, preview=True)


def handle_2207(ctx: Ctx, raw: dict) -> dict:
    inp = In2207.model_validate(raw)
    got = read_all(ctx, inp, lock=True)  # the visit's lock serializes 2207s of one visit
    visit = ctx.own_visit(got.visit, inp.mdtrt_id, inp.psn_no)
    attempts = got.attempts
    digest = ctx.digest or fingerprint(raw)  # taken once: the center's, when it took it
    for a in attempts:
        undo = ctx.undone(a.setl_id)
        if undo is None:
            if a.request_sha256 not in (None, digest):
                # Another person's card, another amount, another giver: not a retry of this one.
                if ctx.env.msgid and ctx.env.msgid == a.msgid:
                    raise CenterError(
                        "msgid: 已用于另一笔内容不同的报文，请换新的报文ID重发 / "
                        "already used for a different request: send it with a new msgid"
                    )
                raise CenterError(
                    "chrg_bchno: 该收费批次已按另一笔内容不同的请求结算，请先撤销或冲正 / "
                    "already settled for a different request: refund or reverse it first"
                )
            return a.output  # idempotent: this batch is already settled by this very request
        if undo.kind == "refund":
            raise CenterError(
                "chrg_bchno: 该收费批次已退费，请使用新的收费批次号 / batch refunded: use a new chrg_bchno"
            )
    c = compute(ctx, inp, lock=True, got=got)
    s = c.settlement
    for name, mine in (
        ("fulamt_ownpay_amt", s.ownpay),
        ("overlmt_selfpay", s.over),
        ("preselfpay_amt", s.pre),
        ("inscp_scp_amt", s.inscp),
    ):
        theirs = getattr(inp, name)
        if theirs is not None and theirs != mine:
            raise CenterError(
                f"{name}: 医院 {fmt(theirs)} 与中心 {fmt(mine)} 不一致，请重新预结算 / differs from the center"
            )

    if got.setl_no is not None:
        setl_id = ctx.registry.ids.setl_id_of(got.setl_no, ctx.now, c.inst.admdvs)
    else:
        setl_id = ctx.registry.ids.setl_id(ctx.conn, ctx.now, c.inst.admdvs)
    out = _output(ctx, c, setl_id, preview=False)
    info = s.setlinfo()
    row = dict(
        setl_id=setl_id,
        kind="settle",
        orig_setl_id=None,
        attempt=len(attempts),
        mdtrt_id=visit.mdtrt_id,
        chrg_bchno=inp.chrg_bchno,
        psn_no=inp.psn_no,
        fixmedins_code=c.inst.fixmedins_code,
        msgid=ctx.env.msgid,
        opter=ctx.env.opter,
        setl_time=ctx.now,
        insutype=c.patient.insutype,
        psn_type=c.patient.psn_type,
        med_type=inp.med_type.value,
        clr_type=out["setlinfo"]["clr_type"],
        year=c.year,
        medfee_sumamt=info.medfee_sumamt,
        fulamt_ownpay_amt=info.fulamt_ownpay_amt,
        overlmt_selfpay=info.overlmt_selfpay,
        preselfpay_amt=info.preselfpay_amt,
        inscp_scp_amt=info.inscp_scp_amt,
        act_pay_dedc=info.act_pay_dedc,
        hifp_pay=info.hifp_pay,
        hifmi_pay=info.hifmi_pay,
        hifob_pay=info.hifob_pay,
        fund_pay_sumamt=info.fund_pay_sumamt,
        psn_part_amt=info.psn_part_amt,
        acct_pay=info.acct_pay,
        acct_mulaid_pay=info.acct_mulaid_pay,
        psn_cash_pay=info.psn_cash_pay,
        hosp_part_amt=info.hosp_part_amt,
        balc=info.balc,
        output=out,
        request_sha256=digest,
    )
    insert_settlement(ctx, row)
    if s.own > 0:
        move(ctx, c.own_acct, -s.own, "own", setl_id, None)
    by_giver = {o.decision.giver_psn_no: o.binding for o in c.chosen}
    for giver, amount in s.mulaid:
        if amount > 0:
            move(ctx, c.accounts[giver], -amount, "mulaid", setl_id, by_giver[giver])
    add_ytd(
        ctx, ytd_row(ctx, c.ytd, c.patient.psn_no, c.patient.insutype, c.year, row["med_type"]), row
    )
    return out

"""【1101】人员信息获取: who is this credential, how are they insured, whom may they draw on."""

from __future__ import annotations

from engine.center import queries
from engine.center.context import CenterError, Ctx
from engine.center.eligibility import options, ring_fenced
from engine.center.inputs import In1101
from engine.center.onetrip import Record
from engine.codes import MdtrtCertType, MedType, PsnInsuStas
from engine.copay import BindingStatus
from engine.idcard import IdCardError, validate
from engine.masking import mask_name
from engine.money import fmt

UNKNOWN_DATE = "1900-01-01"


def resolve_cert(ctx: Ctx, cert_type: MdtrtCertType, cert_no: str) -> tuple[Record, str | None]:
    """The person a credential identifies (a plain row: psn_no, certno, name, gend, brdy, …),
    and who showed it when it came from a 亲情账户."""
    shown_by = None
    if cert_type is MdtrtCertType.ECERT:
        (tokens,) = ctx.fetch((queries.token(), {"token": cert_no}))
        if not tokens:
            raise CenterError(
                "mdtrt_cert_no: 电子凭证无效或已过期 / unknown or expired e-voucher token"
            )
        column, value, shown_by = "psn_no", tokens[0].psn_no, tokens[0].shown_by
    elif cert_type is MdtrtCertType.ID_CARD:
        try:
            column, value = "certno", validate(cert_no)
        except IdCardError as exc:
            raise CenterError(f"mdtrt_cert_no: {exc}") from None
    else:
        column, value = "card_no", cert_no.upper()
    (people,) = ctx.fetch((queries.person_by(column), {"value": value}))
    if not people:
        if column == "psn_no":
            raise CenterError(f"psn_no: 查无此人 {value} / unknown person")
        raise CenterError(
            f"mdtrt_cert_no: 未查询到参保人员 {cert_type.zh} / no insured person for this credential"
        )
    return people[0], shown_by


def check_cert(ctx: Ctx, psn_no: str, cert_type: MdtrtCertType, cert_no: str) -> None:
    """Money is shared, identity is not: the credential must be the patient's own."""
    # Credentials never move between persons here, so a checked pair is remembered.
    key = (cert_type.value, cert_no)
    owner = ctx.registry.cache.certs.get(key)
    if owner is None:
        owner = resolve_cert(ctx, cert_type, cert_no)[0].psn_no
        ctx.registry.cache.certs[key] = owner
    if owner != psn_no:
        raise CenterError(
            "mdtrt_cert_no: 凭证不属于该人员（卡不能共用）/ the credential belongs to someone else"
        )


def handle_1101(ctx: Ctx, raw: dict) -> dict:
    inp = In1101.model_validate(raw)
    person, shown_by = resolve_cert(ctx, inp.mdtrt_cert_type, inp.mdtrt_cert_no)
    lang = ctx.registry.lang
    # Plain rows, read together (one round trip on PostgreSQL): 1101 only reads.
    enrolments, accounts, given = ctx.fetch(
        *((stmt, {"psn_no": person.psn_no}) for stmt in queries.person_1101())
    )
    acct = accounts[0] if accounts else None
    insuinfo = []
    ext = []  # simulator extension: what the platform's insuinfo does not carry
    for e in enrolments:
        own = acct is not None and e.insutype == "310"
        insuinfo.append(
            {
                "balc": fmt(acct.balance) if own and acct else "0.00",
                "insutype": e.insutype,
                "psn_type": e.psn_type,
                "psn_insu_stas": e.status,
                # The simulator keeps no enrolment dates or employers: the platform's own
                # "unknown" placeholder date (a captured Shanghai 1101 answer shows 1900-01-01).
                "psn_insu_date": UNKNOWN_DATE,
                "paus_insu_date": None if e.status == PsnInsuStas.NORMAL.value else UNKNOWN_DATE,
                "cvlserv_flag": "0",
                "insuplc_admdvs": e.admdvs,
                "emp_name": "",
            }
        )
        ext.append(
            {
                "insutype": e.insutype,
                "psn_insu_stas_name": PsnInsuStas(e.status).label(lang),
                "acct_frozen": bool(own and acct and acct.frozen),
                "arrears": e.arrears,
            }
        )
    exp: dict = {"shown_by": None, "bindings": [], "as_giver": [], "insuinfo": ext}
    if shown_by:
        exp["shown_by"] = {"psn_no": shown_by, "psn_name_masked": mask_name(ctx.name(shown_by))}
    inst = ctx.institution() if ctx.env.fixmedins_code else None
    if enrolments and inst is not None:
        # Judged for an ordinary outpatient visit here; 2206 judges again for the real visit.
        opts = options(
            ctx,
            enrolments[0],
            inst,
            MedType.PHARMACY if inst.level == "pharmacy" else MedType.OUTPATIENT,
        )
        exp["bindings"] = [o.wire(lang) for o in opts]
    exp["as_giver"] = [
        {
            "binding_id": b.binding_id,
            "beneficiary_psn_no": b.beneficiary_psn_no,
            "relationship": b.relationship,
            "quota": fmt(b.quota),
            "quota_used": fmt(b.quota_used),
            "status": b.status,
        }
        for b in given
    ]
    if acct is not None:
        active = [b for b in given if b.status == BindingStatus.ACTIVE.value]
        exp["ring_fenced"] = fmt(ring_fenced(ctx, person.psn_no, active))
    return {
        "baseinfo": {
            "psn_no": person.psn_no,
            "psn_cert_type": "01",  # 居民身份证 in the 人员证件类型 dictionary
            "certno": person.certno,
            "psn_name": person.name,
            "gend": person.gend,
            "naty": "01",
            "brdy": person.brdy.isoformat(),
            "age": ctx.age(person.brdy),
        },
        "insuinfo": insuinfo,
        "idetinfo": [],
        "exp_content": exp,
    }

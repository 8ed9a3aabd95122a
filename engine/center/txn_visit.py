"""【2201】门诊挂号, 【2203】就诊信息上传, 【2204】费用明细上传 (with the center's item split)."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import select

from engine.center import queries
from engine.center.context import CenterError, Ctx
from engine.center.inputs import In2201, In2203, In2204
from engine.center.ledger import insert_rows
from engine.center.models import CenterFeeDetail, CenterVisit
from engine.center.txn_person import check_cert
from engine.codes import ChrgitmLv, MedChrgitmType, MedType, PsnInsuStas
from engine.models import FeeItem, SettleParams
from engine.money import fmt, fmt_ratio, round2
from engine.policy import PolicyError
from engine.settle import split_item


def handle_2201(ctx: Ctx, raw: dict) -> dict:
    inp = In2201.model_validate(raw)
    inst = ctx.institution()
    if not inst.designated:
        raise CenterError(
            "fixmedins_code: 非定点医药机构，不能进行医保结算 / not a designated institution"
        )
    ctx.person(inp.psn_no)
    check_cert(ctx, inp.psn_no, inp.mdtrt_cert_type, inp.mdtrt_cert_no)
    enr = ctx.enrolment(inp.psn_no, inp.insutype.value)
    if enr.status != PsnInsuStas.NORMAL.value:
        raise CenterError(
            f"insutype: 参保状态为{PsnInsuStas(enr.status).zh}，不能医保结算 / insurance is not active"
        )
    # A retried registration (same outpatient number here) gets the same visit back.
    same = ctx.session.execute(
        select(CenterVisit).where(
            CenterVisit.fixmedins_code == inst.fixmedins_code,
            CenterVisit.ipt_otp_no == inp.ipt_otp_no,
        )
    ).scalar_one_or_none()
    if same is not None:
        if same.psn_no != inp.psn_no:
            raise CenterError(
                "ipt_otp_no: 该门诊号已被其他人员使用 / outpatient number already used"
            )
        visit = same
    else:
        visit = CenterVisit(
            mdtrt_id=ctx.registry.ids.mdtrt_id(ctx.conn, ctx.now),
            psn_no=inp.psn_no,
            insutype=inp.insutype.value,
            fixmedins_code=inst.fixmedins_code,
            begntime=inp.begntime,
            mdtrt_cert_type=inp.mdtrt_cert_type.value,
            ipt_otp_no=inp.ipt_otp_no,
            dept_code=inp.dept_code,
            dept_name=inp.dept_name,
        )
        ctx.session.add(visit)
    # The platform answers in output.data (Output_2201.cs; captured in openhis ClassHelper.cs).
    return {
        "data": {"mdtrt_id": visit.mdtrt_id, "psn_no": visit.psn_no, "ipt_otp_no": visit.ipt_otp_no}
    }


def handle_2203(ctx: Ctx, raw: dict) -> dict:
    inp = In2203.model_validate(raw)
    info = inp.mdtrtinfo
    visit = ctx.visit(info.mdtrt_id, info.psn_no, lock=True)
    if info.med_type is MedType.CHRONIC and not info.dise_codg:
        raise CenterError(
            "mdtrtinfo.dise_codg: 门诊慢特病须填写病种编码 / med_type 14 needs a disease code"
        )
    enr = ctx.enrolment(visit.psn_no, visit.insutype)
    inst = ctx.institution(visit.fixmedins_code)
    try:
        ctx.policy_for(enr.admdvs).resolve(enr.insutype, enr.psn_type, info.med_type, inst.level)
    except PolicyError as exc:
        raise CenterError(
            f"mdtrtinfo.med_type: 本机构不能按{info.med_type.zh}结算 ({exc})"
        ) from None
    if visit.med_type and visit.med_type != info.med_type.value and _has_lines(ctx, visit.mdtrt_id):
        raise CenterError(
            "mdtrtinfo.med_type: 已上传费用明细，不能更改医疗类别 / fees already uploaded"
        )
    visit.med_type = info.med_type.value
    visit.dise_codg = info.dise_codg
    visit.dise_name = info.dise_name
    visit.diseinfo = inp.diseinfo
    return {}


def _has_lines(ctx: Ctx, mdtrt_id: str) -> bool:
    q = select(CenterFeeDetail.id).where(CenterFeeDetail.mdtrt_id == mdtrt_id).limit(1)
    return ctx.session.execute(q).first() is not None


def _split_params(default_prop: Decimal) -> SettleParams:
    # The item split only needs the region's default 乙类 ratio; the rest is settlement's business.
    return SettleParams.model_construct(
        dedc=Decimal(0),
        pool_ratio=Decimal(0),
        annual_cap=None,
        big_illness=None,
        acct_pays_ownpay=True,
        default_selfpay_prop=default_prop,
    )


def fee_item(row: CenterFeeDetail) -> FeeItem:
    return FeeItem.model_construct(
        name=row.name,
        chrgitm_lv=ChrgitmLv(row.chrgitm_lv),  # enums: split_item compares by identity
        med_chrgitm_type=MedChrgitmType(row.med_chrgitm_type),
        pric=Decimal(row.pric),
        cnt=Decimal(row.cnt),
        pric_uplmt_amt=None if row.pric_uplmt_amt is None else Decimal(row.pric_uplmt_amt),
        selfpay_prop=None if row.selfpay_prop is None else Decimal(row.selfpay_prop),
        acct_payable=row.acct_payable,
        med_list_codg=row.med_list_codg,
    )


# The platform writes a large sentinel for "no ceiling", never null (999999 in captured answers).
NO_CEILING = "999999"


def _result_row(row: CenterFeeDetail, params: SettleParams) -> dict:
    """One 2204 result line as the platform writes it (Output_2204.cs): the split, the catalogue's
    flags; what only the simulator has (name, acct_payable) is in the line's exp_content."""
    s = split_item(fee_item(row), params)
    return {
        "feedetl_sn": row.feedetl_sn,
        "det_item_fee_sumamt": fmt(s.amt),
        "cnt": row.cnt,
        "pric": row.pric,
        "pric_uplmt_amt": NO_CEILING if row.pric_uplmt_amt is None else row.pric_uplmt_amt,
        "selfpay_prop": fmt_ratio(s.prop),
        "fulamt_ownpay_amt": fmt(s.ownpay),
        "overlmt_amt": fmt(s.over),
        "preselfpay_amt": fmt(s.pre),
        "inscp_scp_amt": fmt(s.inscp),
        "chrgitm_lv": row.chrgitm_lv,
        "med_chrgitm_type": row.med_chrgitm_type,
        # The catalogue carries none of these marks: every flag "0" (no), as most lines are.
        "bas_medn_flag": "0",
        "hi_nego_drug_flag": "0",
        "chld_medc_flag": "0",
        "list_sp_item_flag": "0",
        "lmt_used_flag": "0",
        "drt_reim_flag": "0",
        "memo": None,
        "med_list_codg": row.med_list_codg,
        "medins_list_codg": row.medins_list_codg,
        "exp_content": {"name": row.name, "acct_payable": row.acct_payable},
    }


def handle_2204(ctx: Ctx, raw: dict) -> dict:
    inp = In2204.model_validate(raw)
    first = inp.feedetail[0]
    # The visit (locked) and the batch's settlements, in one round trip.
    visits, attempts = ctx.fetch(
        (queries.visit(True), {"mdtrt_id": first.mdtrt_id}),
        (queries.batch_attempts(), {"mdtrt_id": first.mdtrt_id, "chrg_bchno": first.chrg_bchno}),
    )
    visit = ctx.own_visit(visits[0] if visits else None, first.mdtrt_id, first.psn_no)
    for attempt in attempts:
        undo = ctx.undone(attempt.setl_id)
        if undo is None:
            raise CenterError(
                "chrg_bchno: 该收费批次已结算，不能再上传明细 / batch already settled"
            )
        if undo.kind == "refund":
            raise CenterError(
                "chrg_bchno: 该收费批次已退费，请使用新的收费批次号 / batch refunded: use a new chrg_bchno"
            )
    params = _split_params(
        ctx.policy_for(ctx.home_admdvs(visit.psn_no, visit.insutype)).default_selfpay_prop
    )
    catalog = ctx.registry.catalog
    existing = {}
    if ctx.replay:
        # Only after the insert clashed with lines already there: the common path skips this read.
        sns = [line.feedetl_sn for line in inp.feedetail]
        found = ctx.session.execute(
            queries.lines_by_sn(), {"mdtrt_id": visit.mdtrt_id, "sns": sns}
        ).scalars()
        existing = {r.feedetl_sn: r for r in found}
    rows: list = []
    new: list[dict] = []
    for n, line in enumerate(inp.feedetail):
        where = f"feedetail[{n}]"
        item = catalog.lookup(line.medins_list_codg, line.med_list_codg)
        if item is None:
            raise CenterError(
                f"{where}.medins_list_codg: {line.medins_list_codg} 未在医保目录中对照 / not in the catalogue"
            )
        amt = round2(line.pric * line.cnt)
        if amt != line.det_item_fee_sumamt:
            raise CenterError(
                f"{where}.det_item_fee_sumamt: 应为 {fmt(amt)} (pric × cnt) / should be {fmt(amt)}"
            )
        old = existing.get(line.feedetl_sn)
        if old is not None:
            same = (old.chrg_bchno, old.medins_list_codg, Decimal(old.pric), Decimal(old.cnt)) == (
                line.chrg_bchno,
                line.medins_list_codg,
                line.pric,
                line.cnt,
            )
            if not same:
                raise CenterError(
                    f"{where}.feedetl_sn: {line.feedetl_sn} 已上传且内容不同 / already uploaded with other content"
                )
            rows.append(old)  # an identical re-upload is a retry: answer the same
            continue
        row = dict(
            mdtrt_id=visit.mdtrt_id,
            feedetl_sn=line.feedetl_sn,
            chrg_bchno=line.chrg_bchno,
            med_list_codg=item.med_list_codg,
            medins_list_codg=item.medins_list_codg,
            name=item.name,
            chrgitm_lv=item.chrgitm_lv.value,
            med_chrgitm_type=item.med_chrgitm_type.value,
            pric=str(line.pric),
            cnt=str(line.cnt),
            pric_uplmt_amt=None if item.pric_uplmt_amt is None else str(item.pric_uplmt_amt),
            selfpay_prop=None if item.selfpay_prop is None else str(item.selfpay_prop),
            acct_payable=item.acct_payable,
            det_item_fee_sumamt=amt,
            fee_ocur_time=line.fee_ocur_time,
        )
        new.append(row)
        rows.append(SimpleNamespace(**row))
    insert_rows(ctx, CenterFeeDetail, new)
    return {"result": [_result_row(r, params) for r in rows]}

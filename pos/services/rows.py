"""Rows of the books → the desk's views (pos.services.views)."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from engine.money import round2
from engine.policy import PolicyError, load_policy
from pos.services.views import (
    CatalogItemView,
    LineView,
    SettlementView,
    StationView,
    TenderView,
)
from pos.store import queries
from pos.store.books import tenders_of
from pos.store.models import (
    SETTLEMENT_MONEY,
    CatalogItem,
    DraftLine,
    FeeLine,
    Institution,
    Settlement,
    Station,
)

SPLIT_FIELDS = ("fulamt_ownpay_amt", "overlmt_amt", "preselfpay_amt", "inscp_scp_amt")


def catalog_item_view(item: CatalogItem) -> CatalogItemView:
    return CatalogItemView(
        medins_list_codg=item.medins_list_codg,
        med_list_codg=item.med_list_codg,
        name=item.name,
        spec=item.spec,
        unit=item.unit,
        pric=item.pric,
        chrgitm_lv=item.chrgitm_lv,
        med_chrgitm_type=item.med_chrgitm_type,
        acct_payable=item.acct_payable,
        pinyin=item.pinyin,
        pric_uplmt_amt=item.pric_uplmt_amt,
    )


def draft_line_view(line: DraftLine, item: CatalogItem, split: dict | None = None) -> LineView:
    return LineView(
        line_no=line.line_no,
        medins_list_codg=item.medins_list_codg,
        name=item.name,
        spec=item.spec,
        unit=item.unit,
        pric=item.pric,
        cnt=line.cnt,
        amount=round2(item.pric * line.cnt),
        chrgitm_lv=item.chrgitm_lv,
        med_chrgitm_type=item.med_chrgitm_type,
        acct_payable=item.acct_payable,
        order_no=line.order_no,
        split=split,
        pric_uplmt_amt=item.pric_uplmt_amt,
    )


def fee_line_view(line: FeeLine, item: CatalogItem | None) -> LineView:
    return LineView(
        line_no=line.line_no,
        medins_list_codg=line.medins_list_codg,
        name=line.name,
        spec=item.spec if item else "",
        unit=item.unit if item else "",
        pric=line.pric,
        cnt=line.cnt,
        amount=line.det_item_fee_sumamt,
        chrgitm_lv=line.chrgitm_lv,
        med_chrgitm_type=line.med_chrgitm_type,
        acct_payable=item.acct_payable if item else True,
        order_no=None,
        split={name: getattr(line, name) for name in SPLIT_FIELDS},
        pric_uplmt_amt=line.pric_uplmt_amt,
    )


def batch_line_views(s: Session, batch_no: str) -> list[LineView]:
    return [fee_line_view(line, item) for line, item in queries.fee_lines(s, batch_no)]


def settlement_view(s: Session, row: Settlement) -> SettlementView:
    reverses = s.get(Settlement, row.reverses_id) if row.reverses_id else None
    refund = queries.refund_of(s, row.id)
    amounts = {name: getattr(row, name) for name in SETTLEMENT_MONEY}
    amounts["balc"] = row.balc
    return SettlementView(
        id=row.id,
        kind=row.kind,
        setl_id=row.setl_id,
        msgid=row.msgid,
        receipt_no=row.receipt_no,
        visit_id=row.visit_id,
        mdtrt_id=row.mdtrt_id,
        chrg_bchno=row.chrg_bchno,
        psn_no=row.psn_no,
        psn_name=row.psn_name,
        insutype=row.insutype,
        med_type=row.med_type,
        setl_time=row.setl_time,
        cashier_no=row.cashier_no,
        amounts=amounts,
        mulaid_detail=tuple(json.loads(row.mulaid_detail or "[]")),
        tenders=tuple(
            TenderView(t.seq, t.method, t.amount, t.tendered, t.change)
            for t in tenders_of(s, row.id)
        ),
        reverses_setl_id=reverses.setl_id if reverses else None,
        refunded_by=refund.setl_id if refund else None,
    )


def station_view(row: Station, inst: Institution) -> StationView:
    """A window with its institution, and what its region's policy says the window must know."""
    try:
        policy = load_policy(inst.policy_id)
        region, proof = policy.region_name, policy.copay.proof_at_counter
    except PolicyError:
        region, proof = "", False
    return StationView(
        station_id=row.station_id,
        station_name=row.name,
        fixmedins_code=inst.fixmedins_code,
        institution_name=inst.name,
        institution_name_en=inst.name_en,
        kind=inst.kind,
        level=inst.level,
        admdvs=inst.admdvs,
        designated=inst.designated,
        policy_id=inst.policy_id,
        region_name=region,
        proof_at_counter=proof,
    )

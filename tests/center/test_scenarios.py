"""Every 家庭共济 rule of DESIGN.md §2, through the center, with the demo families."""

from __future__ import annotations

from decimal import Decimal

import pytest
from center_helpers import open_visit
from conftest import BORTALA_CLINIC

from pos.bench.station import Refused, Station

D = Decimal


def reasons(pre: dict, giver_psn_no: str) -> set[str]:
    option = next(
        o for o in pre["exp_content"]["mulaid_options"] if o["giver_psn_no"] == giver_psn_no
    )
    return {r["code"] for r in option["reasons"]}


def test_frozen_giver_and_grandparent_not_allowed_in_bortala(bt, people):
    wxy = people["王小宇"]
    pre = open_visit(bt, wxy).presettle()
    assert reasons(pre, people["王磊"].psn_no) == {"GIVER_FROZEN"}
    assert reasons(pre, people["王建国"].psn_no) == {"RELATIONSHIP_NOT_ALLOWED"}
    with pytest.raises(Refused, match="冻结"):
        open_visit(bt, wxy, batch="B2").settle(givers=[people["王磊"].psn_no])


def test_arrears_and_expired_binding(bt, people):
    pre = open_visit(bt, people["巴图"]).presettle()
    assert reasons(pre, people["巴特尔"].psn_no) == {"GIVER_IN_ARREARS"}
    assert reasons(pre, people["其其格"].psn_no) == {"BINDING_EXPIRED"}


def test_uninsured_beneficiary_cannot_register_and_cannot_be_paid_for(bt, people):
    wy = people["乌云"]
    out = bt.identify("02", wy.certno)
    assert out["insuinfo"][0]["psn_insu_stas"] == "4"
    assert {r["code"] for r in out["exp_content"]["bindings"][0]["reasons"]} == {
        "BENEFICIARY_NOT_INSURED"
    }
    with pytest.raises(Refused, match="参保状态"):
        bt.open_visit(wy.psn_no, "390", ("02", wy.certno), "11", "MZ-WY")


def test_cross_region_with_and_without_filing(zt, bt, people):
    zw = people["张伟"].psn_no
    filed = open_visit(zt, people["张晓燕"]).presettle()
    assert reasons(filed, zw) == set()
    unfiled = open_visit(zt, people["张建华"]).presettle()
    assert reasons(unfiled, zw) == {"CROSS_REGION_NO_FILING"}
    at_home = open_visit(bt, people["张建华"], batch="B9").presettle()
    assert reasons(at_home, zw) == set()


def test_sibling_allowed_in_zhaotong_with_counter_proof(zt, engine, people):
    lm, lh = people["李梅"], people["李华"]
    visit = open_visit(zt, lm)
    pre = visit.presettle()
    assert reasons(pre, lh.psn_no) == set()
    assert pre["exp_content"]["mulaid_options"][0]["needs_counter_proof"]
    with pytest.raises(Refused, match="copay_proof_checked"):
        visit.settle(givers=[lh.psn_no])
    out = visit.settle(givers=[lh.psn_no], proof=True)
    assert Decimal(out["setlinfo"]["acct_mulaid_pay"]) > 0


def test_zhaotong_account_money_never_pays_class_c(zt, people):
    # 昭通: acct_pays_ownpay = false. 进口靶向药 (丙类) must be cash even with a co-pay source.
    visit = open_visit(
        zt, people["陈小龙"], [("HD00018", "1280.00", "1"), ("HS00045", "10.00", "1")]
    )
    info = visit.settle(givers=[people["陈军"].psn_no], proof=True)["setlinfo"]
    assert Decimal(info["psn_cash_pay"]) >= Decimal("1280.00")


def test_non_medical_goods_are_cash_only(bt, people):
    visit = open_visit(bt, people["艾孜买提·艾力"], [("HG00065", "45.00", "2")])
    info = visit.settle(givers=[people["艾力·买买提"].psn_no])["setlinfo"]
    assert (info["acct_mulaid_pay"], info["psn_cash_pay"]) == (D("0.00"), D("90.00"))


def test_two_givers_in_zhaotong_follow_the_requested_order(zt, people):
    cj, lh = people["陈军"].psn_no, people["李华"].psn_no
    visit = open_visit(zt, people["陈小龙"], [("HE00035", "560.00", "1")])
    out = visit.settle(givers=[cj, lh], proof=True)
    detail = [
        (d["giver_psn_no"], Decimal(d["amount"])) for d in out["exp_content"]["mulaid_detail"]
    ]
    assert detail[0] == (cj, Decimal("400.00"))  # 陈军's whole balance first
    assert detail[1][0] == lh and detail[1][1] > 0


def test_nearly_used_quota_and_zero_balance(zt, people):
    visit = open_visit(zt, people["杨柳"])
    pre = visit.presettle()
    ygr, lf = people["杨光荣"].psn_no, people["刘芳"].psn_no
    assert reasons(pre, lf) == {"GIVER_BALANCE_ZERO"}
    options = {o["giver_psn_no"]: o for o in pre["exp_content"]["mulaid_options"]}
    assert options[ygr]["available"] == D("10.00")
    info = visit.settle(givers=[ygr], proof=True)["setlinfo"]
    assert info["acct_mulaid_pay"] == D("10.00")


def test_family_account_relative_has_no_copay(zt, people):
    zgy = people["赵桂英"]
    visit = open_visit(zt, zgy)
    assert visit.presettle()["exp_content"]["mulaid_options"] == []
    with pytest.raises(Refused, match="没有共济关系"):
        visit.settle(givers=[people["杨光荣"].psn_no], proof=True)


def test_beneficiary_out_of_province_scope_and_pending(bt, zt, people):
    zdm = people["周德明"].psn_no
    pre = open_visit(bt, people["周婷"]).presettle()
    assert reasons(pre, zdm) == {"BENEFICIARY_OUT_OF_SCOPE"}
    pending = open_visit(zt, people["孙玉兰"]).presettle()
    assert reasons(pending, zdm) == {"BINDING_PENDING"}


def test_retiree_pays_from_own_account(zt, engine, people):
    info = open_visit(zt, people["周德明"]).settle()["setlinfo"]
    assert info["psn_type"] == "1201" and Decimal(info["acct_pay"]) > 0
    assert info["pool_prop_selfpay"] == D("0.6000")  # 三级 0.55 + retiree bonus 0.05


def test_non_designated_clinic_refuses_insurance(center, people):
    clinic = Station(center, BORTALA_CLINIC)
    aili = people["艾力·买买提"]
    with pytest.raises(Refused, match="非定点"):
        clinic.open_visit(aili.psn_no, "310", ("02", aili.certno), "11", "MZ-C")
    out = clinic.identify("02", aili.certno)
    assert out["baseinfo"]["psn_no"] == aili.psn_no  # identifying still works


def test_cards_are_not_shared(bt, people):
    aziz, aili = people["艾孜买提·艾力"], people["艾力·买买提"]
    with pytest.raises(Refused, match="卡不能共用"):
        bt.open_visit(aziz.psn_no, "390", ("02", aili.certno), "11", "MZ-S")

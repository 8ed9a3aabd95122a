"""The settlement contract's worked examples (reference §2.4, §2.5) and its arithmetic rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.models import SettleRequest
from engine.settle import settle, settle_request, split_item

EXAMPLE_A = {
    "params": {
        "dedc": "200.00",
        "pool_ratio": "0.60",
        "annual_cap": "3000.00",
        "big_illness": None,
        "acct_pays_ownpay": True,
    },
    "insutype": "310",
    "psn_type": "1101",
    "med_type": "11",
    "hosp_lv": "2",
    "ytd": {"dedc_paid": "120.00", "hifp_paid": "0.00"},
    "items": [
        {
            "name": "诊察费",
            "chrgitm_lv": "01",
            "med_chrgitm_type": "02",
            "pric": "10.00",
            "cnt": "1",
        },
        {
            "name": "西药A",
            "chrgitm_lv": "01",
            "med_chrgitm_type": "09",
            "pric": "60.00",
            "cnt": "1",
        },
        {
            "name": "西药B",
            "chrgitm_lv": "02",
            "med_chrgitm_type": "09",
            "pric": "100.00",
            "cnt": "1",
            "selfpay_prop": "0.10",
        },
        {
            "name": "检查",
            "chrgitm_lv": "02",
            "med_chrgitm_type": "03",
            "pric": "150.00",
            "cnt": "1",
            "pric_uplmt_amt": "120.00",
            "selfpay_prop": "0.20",
        },
        {
            "name": "自费药",
            "chrgitm_lv": "03",
            "med_chrgitm_type": "09",
            "pric": "40.00",
            "cnt": "1",
        },
    ],
    "acct": {"balc": "150.00", "used": True},
    "mulaid": [{"giver": "G1", "available": "80.00"}],
}

EXPECTED_A = {
    "medfee_sumamt": "360.00",
    "fulamt_ownpay_amt": "40.00",
    "overlmt_selfpay": "30.00",
    "preselfpay_amt": "34.00",
    "inscp_scp_amt": "256.00",
    "act_pay_dedc": "80.00",
    "hifp_pay": "105.60",
    "pool_prop_selfpay": "0.6000",
    "cvlserv_pay": "0.00",
    "hifes_pay": "0.00",
    "hifmi_pay": "0.00",
    "hifob_pay": "0.00",
    "maf_pay": "0.00",
    "oth_pay": "0.00",
    "fund_pay_sumamt": "105.60",
    "psn_part_amt": "254.40",
    "acct_pay": "230.00",
    "acct_mulaid_pay": "80.00",
    "psn_cash_pay": "24.40",
    "hosp_part_amt": "0.00",
    "balc": "0.00",
    "insutype": "310",
    "med_type": "11",
}


def wire(request: dict, lang: str = "zh") -> dict:
    return settle_request(SettleRequest.model_validate(request), lang).to_wire()


def test_example_a_matches_the_contract_to_the_fen():
    out = wire(EXAMPLE_A)
    assert out["setlinfo"] == EXPECTED_A
    assert out["mulaid_detail"] == [{"giver": "G1", "amount": "80.00"}]
    assert out["setldetail"][0]["fund_pay_type"] == "310100"
    assert out["setldetail"][0]["fund_payamt"] == "105.60"


def test_example_a_item_split():
    rows = {r["name"]: r for r in wire(EXAMPLE_A)["result"]}
    exam = rows["检查"]
    assert (exam["overlmt_amt"], exam["preselfpay_amt"], exam["inscp_scp_amt"]) == (
        "30.00",
        "24.00",
        "96.00",
    )
    assert rows["自费药"]["fulamt_ownpay_amt"] == "40.00"
    assert rows["自费药"]["selfpay_prop"] == "1.0000"
    assert rows["西药B"]["preselfpay_amt"] == "10.00"


def test_trace_explains_the_pool_share_in_both_languages():
    zh = wire(EXAMPLE_A, "zh")["setldetail"][0]["setl_proc_info"]
    en = wire(EXAMPLE_A, "en")["setldetail"][0]["setl_proc_info"]
    assert "起付线 200.00" in zh and "统筹基金支付 105.60" in zh
    assert "deductible 200.00" in en and "pooled fund 105.60" in en
    assert "(256.00 − 80.00) × 60%" in zh


def test_example_b_resident_inpatient_with_big_illness_and_copay():
    # §2.5: 50,000 in scope plus 5,000 全自费, 1,000 超限价, 4,000 先行自付.
    req = {
        "params": {
            "dedc": "1000.00",
            "pool_ratio": "0.60",
            "annual_cap": None,
            "big_illness": {"threshold": "15000.00", "ratio": "0.60", "fund": "hifmi"},
            "acct_pays_ownpay": True,
        },
        "insutype": "390",
        "med_type": "21",
        "items": [
            {"name": "自费", "chrgitm_lv": "03", "pric": "5000.00", "cnt": "1"},
            {
                "name": "超限价材料",
                "chrgitm_lv": "01",
                "pric": "2000.00",
                "cnt": "1",
                "pric_uplmt_amt": "1000.00",
            },
            {
                "name": "乙类",
                "chrgitm_lv": "02",
                "pric": "40000.00",
                "cnt": "1",
                "selfpay_prop": "0.10",
            },
            {"name": "甲类", "chrgitm_lv": "01", "pric": "13000.00", "cnt": "1"},
        ],
        "acct": {"balc": "0.00", "used": True},
        "mulaid": [{"giver": "SON", "available": "2000.00"}],
    }
    s = wire(req)["setlinfo"]
    assert s["medfee_sumamt"] == "60000.00"
    assert (
        s["fulamt_ownpay_amt"],
        s["overlmt_selfpay"],
        s["preselfpay_amt"],
        s["inscp_scp_amt"],
    ) == (
        "5000.00",
        "1000.00",
        "4000.00",
        "50000.00",
    )
    assert s["hifp_pay"] == "29400.00"
    assert s["hifmi_pay"] == "3360.00"
    assert s["fund_pay_sumamt"] == "32760.00"
    assert s["psn_part_amt"] == "27240.00"
    # A resident has no personal account: co-pay comes first, even with acct.used.
    assert s["acct_mulaid_pay"] == "2000.00" and s["acct_pay"] == "2000.00"
    assert s["psn_cash_pay"] == "25240.00"
    assert s["balc"] == "0.00"


def _params(**over) -> dict:
    base = {"dedc": "0.00", "pool_ratio": "0.50", "annual_cap": None}
    return base | over


def _one(item: dict, **req) -> dict:
    return wire(
        {
            "params": _params(**req.pop("params", {})),
            "insutype": "310",
            "med_type": "11",
            "items": [item],
            **req,
        }
    )["setlinfo"]


def test_annual_cap_limits_the_pool_share():
    s = _one(
        {"name": "x", "chrgitm_lv": "01", "pric": "1000.00", "cnt": "1"},
        params={"annual_cap": "3000.00"},
        ytd={"hifp_paid": "2900.00"},
    )
    assert s["hifp_pay"] == "100.00"
    s = _one(
        {"name": "x", "chrgitm_lv": "01", "pric": "1000.00", "cnt": "1"},
        params={"annual_cap": "3000.00"},
        ytd={"hifp_paid": "3500.00"},
    )
    assert s["hifp_pay"] == "0.00"


def test_class_c_is_wholly_self_paid_whatever_it_says():
    s = _one(
        {
            "name": "x",
            "chrgitm_lv": "03",
            "pric": "50.00",
            "cnt": "1",
            "selfpay_prop": "0.00",
            "pric_uplmt_amt": "10.00",
        }
    )
    assert s["fulamt_ownpay_amt"] == "50.00" and s["inscp_scp_amt"] == "0.00"


def test_class_b_uses_the_policy_default_self_pay_ratio():
    item = {"name": "x", "chrgitm_lv": "02", "pric": "100.00", "cnt": "1"}
    s = _one(item, params={"default_selfpay_prop": "0.15"})
    assert s["preselfpay_amt"] == "15.00"


def test_rounding_is_half_up_at_the_fen():
    # 0.125 × 3 = 0.375 → 0.38; 33.33 × 0.15 = 4.9995 → 5.00
    s = _one({"name": "x", "chrgitm_lv": "01", "pric": "0.125", "cnt": "3"})
    assert s["medfee_sumamt"] == "0.38"
    s = _one({"name": "x", "chrgitm_lv": "02", "pric": "33.33", "cnt": "1", "selfpay_prop": "0.15"})
    assert s["preselfpay_amt"] == "5.00"


def test_non_medical_goods_land_in_cash():
    req = {
        "params": _params(),
        "insutype": "310",
        "med_type": "41",
        "items": [
            {
                "name": "口罩",
                "chrgitm_lv": "03",
                "pric": "20.00",
                "cnt": "1",
                "acct_payable": False,
            },
            {"name": "药", "chrgitm_lv": "01", "pric": "10.00", "cnt": "1"},
        ],
        "acct": {"balc": "1000.00", "used": True},
    }
    s = wire(req)["setlinfo"]
    assert s["acct_pay"] == "5.00"  # the drug's personal half only
    assert s["psn_cash_pay"] == "20.00"


def test_region_without_account_ownpay_keeps_class_c_in_cash():
    req = {
        "params": _params(acct_pays_ownpay=False),
        "insutype": "310",
        "med_type": "11",
        "items": [{"name": "自费药", "chrgitm_lv": "03", "pric": "40.00", "cnt": "1"}],
        "acct": {"balc": "1000.00", "used": True},
    }
    s = wire(req)["setlinfo"]
    assert s["acct_pay"] == "0.00" and s["psn_cash_pay"] == "40.00"


def test_account_not_used_leaves_balance_alone():
    s = _one(
        {"name": "x", "chrgitm_lv": "01", "pric": "10.00", "cnt": "1"},
        acct={"balc": "50.00", "used": False},
    )
    assert s["acct_pay"] == "0.00" and s["balc"] == "50.00" and s["psn_cash_pay"] == "5.00"


def test_several_givers_are_walked_in_order():
    req = {
        "params": _params(pool_ratio="0.00"),
        "insutype": "390",
        "med_type": "11",
        "items": [{"name": "x", "chrgitm_lv": "01", "pric": "100.00", "cnt": "1"}],
        "mulaid": [
            {"giver": "A", "available": "30.00"},
            {"giver": "B", "available": "500.00"},
            {"giver": "C", "available": "9.00"},
        ],
    }
    out = wire(req)
    assert out["mulaid_detail"] == [
        {"giver": "A", "amount": "30.00"},
        {"giver": "B", "amount": "70.00"},
        {"giver": "C", "amount": "0.00"},
    ]
    assert out["setlinfo"]["psn_cash_pay"] == "0.00"


def test_split_item_quantity_with_four_decimals():
    req = SettleRequest.model_validate(
        {
            "params": _params(),
            "insutype": "310",
            "med_type": "11",
            "items": [
                {
                    "name": "x",
                    "chrgitm_lv": "02",
                    "pric": "3.3333",
                    "cnt": "1.5",
                    "pric_uplmt_amt": "3.00",
                    "selfpay_prop": "0.10",
                }
            ],
        }
    )
    s = split_item(req.items[0], req.params)
    assert s.amt == Decimal("5.00")
    assert s.amt == s.ownpay + s.over + s.pre + s.inscp
    assert s.over == Decimal("0.50")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_settle_is_deterministic(lang):
    req = SettleRequest.model_validate(EXAMPLE_A)
    assert (
        settle(req, req.params).result(lang).to_wire()
        == settle(req, req.params).result(lang).to_wire()
    )

"""A second, deliberately naive reading of docs/SETTLEMENT.md, checked against the engine.

The oracle below is written from the contract's text, line by line, with no shared code: if the
engine drifts from the contract on any random bill, the two disagree.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings

from engine.models import SettleRequest
from engine.settle import settle
from tests.test_settle_properties import request


def r2(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def oracle(req: dict) -> dict:
    p = req["params"]
    D = Decimal
    items = []
    for it in req["items"]:
        pric, cnt = D(str(it["pric"])), D(str(it["cnt"]))
        amt = r2(pric * cnt)
        if it["chrgitm_lv"] == "03":
            items.append((amt, amt, D(0), D(0), D(0), it.get("acct_payable", True)))
            continue
        prop = it.get("selfpay_prop")
        if prop is None:
            prop = p.get("default_selfpay_prop", "0.10") if it["chrgitm_lv"] == "02" else "0"
        prop = D(str(prop))
        up = it.get("pric_uplmt_amt")
        in_ceiling = amt if up is None else r2(min(pric, D(str(up))) * cnt)
        over = amt - in_ceiling
        pre = r2(in_ceiling * prop)
        items.append((amt, D(0), over, pre, in_ceiling - pre, it.get("acct_payable", True)))

    medfee = sum(i[0] for i in items)
    ownpay = sum(i[1] for i in items)
    over = sum(i[2] for i in items)
    pre = sum(i[3] for i in items)
    inscp = sum(i[4] for i in items)
    ytd = req.get("ytd", {})
    dedc_paid = D(str(ytd.get("dedc_paid", "0")))
    hifp_paid = D(str(ytd.get("hifp_paid", "0")))
    act_pay_dedc = min(inscp, max(D(0), D(str(p["dedc"])) - dedc_paid))
    hifp = r2((inscp - act_pay_dedc) * D(str(p["pool_ratio"])))
    if p.get("annual_cap") is not None:
        hifp = min(hifp, max(D(0), D(str(p["annual_cap"])) - hifp_paid))
    hifmi = hifob = D(0)
    big = p.get("big_illness")
    if big:
        amount = r2(max(D(0), inscp - hifp - D(str(big["threshold"]))) * D(str(big["ratio"])))
        if big.get("cap") is not None:
            used = D(str(ytd.get("big_illness_paid", "0")))
            amount = min(amount, max(D(0), D(str(big["cap"])) - used))
        if big["fund"] == "hifmi":
            hifmi = amount
        else:
            hifob = amount
    fund = hifp + hifmi + hifob
    psn_part = medfee - fund
    payable = psn_part - sum(i[0] for i in items if not i[5])
    if not p.get("acct_pays_ownpay", True):
        payable -= sum(i[1] for i in items if i[5])
    payable = max(D(0), payable)
    acct = req.get("acct", {})
    balc = D(str(acct.get("balc", "0")))
    own = min(payable, balc) if acct.get("used") and req["insutype"] == "310" else D(0)
    left = payable - own
    mulaid = D(0)
    for source in req.get("mulaid", []):
        take = min(left, D(str(source["available"])))
        mulaid += take
        left -= take
    acct_pay = own + mulaid
    return {
        "medfee_sumamt": medfee, "fulamt_ownpay_amt": ownpay, "overlmt_selfpay": over,
        "preselfpay_amt": pre, "inscp_scp_amt": inscp, "act_pay_dedc": act_pay_dedc,
        "hifp_pay": hifp, "hifmi_pay": hifmi, "hifob_pay": hifob, "fund_pay_sumamt": fund,
        "psn_part_amt": psn_part, "acct_pay": acct_pay, "acct_mulaid_pay": mulaid,
        "psn_cash_pay": psn_part - acct_pay, "balc": balc - own,
    }  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(request)
def test_engine_agrees_with_a_naive_reading_of_the_contract(data):
    # Round-trip through JSON text, as `pos settle` would receive it.
    wire = json.loads(json.dumps(data, default=str))
    req = SettleRequest.model_validate(wire)
    got = settle(req, req.params).result().to_wire()["setlinfo"]
    want = oracle(wire)
    for field, value in want.items():
        assert got[field] == f"{r2(value):.2f}", field

"""The naive baseline of `pos bench jsonl`: docs/SETTLEMENT.md written out plainly — dicts,
Decimal, the json module — one request per line in, one result per line out.

It trusts its input (no validation: the product's edge checks are extra work it does not do) and
takes `params` requests only (no policy files). The arithmetic is the contract's, line by line,
sharing no code with engine.settle; the sentences of the "why" are engine.trace's (the contract
does not fix their words). tests/test_bench_cli.py holds its answers equal to the product's.

    python -m pos.bench.naive_settle < requests.jsonl > results.jsonl
"""

from __future__ import annotations

import json
import sys
from decimal import ROUND_HALF_UP, Decimal

from engine.codes import FundPayType
from engine.trace import TraceWriter

D = Decimal
ZERO = D("0")


def r2(x: Decimal) -> Decimal:
    return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def money(x: Decimal) -> str:
    x = r2(x)
    return str(abs(x) if x.is_zero() else x)


def ratio(x: Decimal) -> str:
    return str(x.quantize(D("0.0001"), rounding=ROUND_HALF_UP))


def settle(req: dict, lang: str = "zh") -> dict:
    p = req["params"]
    default_prop = D(str(p.get("default_selfpay_prop") or "0.10"))
    lines = []
    for it in req["items"]:
        pric, cnt = D(str(it["pric"])), D(str(it["cnt"]))
        amt = r2(pric * cnt)
        up = it.get("pric_uplmt_amt")
        up = None if up is None else D(str(up))
        if it["chrgitm_lv"] == "03":
            own, over, pre, inscp, prop = amt, ZERO, ZERO, ZERO, D(1)
        else:
            prop = it.get("selfpay_prop")
            if prop is None:
                prop = default_prop if it["chrgitm_lv"] == "02" else ZERO
            prop = D(str(prop))
            in_ceiling = amt if up is None or up >= pric else r2(up * cnt)
            own, over = ZERO, amt - in_ceiling
            pre = r2(in_ceiling * prop)
            inscp = in_ceiling - pre
        acct_payable = it.get("acct_payable", True) is not False
        lines.append((it, amt, own, over, pre, inscp, prop, up, acct_payable))

    medfee = sum((ln[1] for ln in lines), ZERO)
    ownpay = sum((ln[2] for ln in lines), ZERO)
    over = sum((ln[3] for ln in lines), ZERO)
    pre = sum((ln[4] for ln in lines), ZERO)
    inscp = sum((ln[5] for ln in lines), ZERO)
    not_acct = sum((ln[1] for ln in lines if not ln[8]), ZERO)
    ownpay_on_acct = sum((ln[2] for ln in lines if ln[8]), ZERO)

    ytd = req.get("ytd") or {}
    dedc_paid = D(str(ytd.get("dedc_paid") or "0"))
    hifp_paid = D(str(ytd.get("hifp_paid") or "0"))
    big_paid = D(str(ytd.get("big_illness_paid") or "0"))
    dedc, pool_ratio = D(str(p["dedc"])), D(str(p["pool_ratio"]))
    act_pay_dedc = min(inscp, max(ZERO, dedc - dedc_paid))
    hifp = r2((inscp - act_pay_dedc) * pool_ratio)
    cap = p.get("annual_cap")
    cap_left = None
    if cap is not None:
        cap_left = max(ZERO, D(str(cap)) - hifp_paid)
        hifp = min(hifp, cap_left)
    hifmi = hifob = ZERO
    big = p.get("big_illness")
    big_left = None
    if big:
        threshold, big_ratio = D(str(big["threshold"])), D(str(big["ratio"]))
        amount = r2(max(ZERO, inscp - hifp - threshold) * big_ratio)
        if big.get("cap") is not None:
            big_left = max(ZERO, D(str(big["cap"])) - big_paid)
            amount = min(amount, big_left)
        if big["fund"] == "hifmi":
            hifmi = amount
        else:
            hifob = amount
    fund = hifp + hifmi + hifob
    psn_part = medfee - fund
    barred = ZERO if p.get("acct_pays_ownpay", True) is not False else ownpay_on_acct
    payable = max(ZERO, psn_part - not_acct - barred)
    acct = req.get("acct") or {}
    balc = D(str(acct.get("balc") or "0"))
    employee = req["insutype"] == "310"
    own = min(payable, balc) if acct.get("used") and employee else ZERO
    left = payable - own
    mulaid = []
    for source in req.get("mulaid") or []:
        take = min(left, D(str(source["available"])))
        mulaid.append((source["giver"], take))
        left -= take
    mulaid_sum = sum((m[1] for m in mulaid), ZERO)
    acct_pay = own + mulaid_sum
    cash = psn_part - acct_pay

    tw = TraceWriter(lang)
    pool_info = tw.pool(
        inscp=inscp,
        dedc=dedc,
        dedc_paid=dedc_paid,
        act_pay_dedc=act_pay_dedc,
        ratio=pool_ratio,
        cap=None if cap is None else D(str(cap)),
        cap_used=hifp_paid,
        hifp=hifp,
    )
    pool = FundPayType.EMP_POOL if employee else FundPayType.RES_POOL
    details = [
        {
            "fund_pay_type": pool.value,
            "fund_pay_type_name": pool.label(lang),
            "inscp_scp_amt": money(inscp),
            "crt_payb_lmt_amt": None if cap_left is None else money(cap_left),
            "fund_payamt": money(hifp),
            "setl_proc_info": pool_info,
        }
    ]
    trace = [tw.items(medfee, ownpay, over, pre, inscp), pool_info]
    if big:
        kind = FundPayType.RES_BIG_ILLNESS if big["fund"] == "hifmi" else FundPayType.LARGE_AMOUNT
        big_info = tw.big_illness(
            inscp=inscp,
            hifp=hifp,
            threshold=D(str(big["threshold"])),
            ratio=D(str(big["ratio"])),
            amount=hifmi + hifob,
            fund_name=kind.label(lang),
        )
        trace.append(big_info)
        if hifmi + hifob > 0:
            details.append(
                {
                    "fund_pay_type": kind.value,
                    "fund_pay_type_name": kind.label(lang),
                    "inscp_scp_amt": money(max(ZERO, inscp - hifp)),
                    "crt_payb_lmt_amt": None if big_left is None else money(big_left),
                    "fund_payamt": money(hifmi + hifob),
                    "setl_proc_info": big_info,
                }
            )
    trace.append(
        tw.payment(
            psn_part=psn_part,
            not_acct=not_acct,
            ownpay_barred=barred,
            payable=payable,
            acct_used=bool(acct.get("used")),
            employee=employee,
            balc=balc,
            own=own,
            mulaid=mulaid,
            cash=cash,
        )
    )
    return {
        "setlinfo": {
            "medfee_sumamt": money(medfee),
            "fulamt_ownpay_amt": money(ownpay),
            "overlmt_selfpay": money(over),
            "preselfpay_amt": money(pre),
            "inscp_scp_amt": money(inscp),
            "act_pay_dedc": money(act_pay_dedc),
            "hifp_pay": money(hifp),
            "pool_prop_selfpay": ratio(pool_ratio),
            "cvlserv_pay": money(ZERO),
            "hifes_pay": money(ZERO),
            "hifmi_pay": money(hifmi),
            "hifob_pay": money(hifob),
            "maf_pay": money(ZERO),
            "oth_pay": money(ZERO),
            "fund_pay_sumamt": money(fund),
            "psn_part_amt": money(psn_part),
            "acct_pay": money(acct_pay),
            "acct_mulaid_pay": money(mulaid_sum),
            "psn_cash_pay": money(cash),
            "hosp_part_amt": money(ZERO),
            "balc": money(balc - own),
            "insutype": req["insutype"],
            "med_type": req["med_type"],
        },
        "result": [
            {
                "name": it["name"],
                "chrgitm_lv": it["chrgitm_lv"],
                "med_chrgitm_type": it.get("med_chrgitm_type") or "14",
                "det_item_fee_sumamt": money(amt),
                "fulamt_ownpay_amt": money(own),
                "overlmt_amt": money(over_),
                "preselfpay_amt": money(pre_),
                "inscp_scp_amt": money(inscp_),
                "selfpay_prop": ratio(prop),
                "pric_uplmt_amt": None if up is None else str(up),
                "acct_payable": acct_payable,
            }
            for it, amt, own, over_, pre_, inscp_, prop, up, acct_payable in lines
        ],
        "setldetail": details,
        "mulaid_detail": [{"giver": g, "amount": money(a)} for g, a in mulaid],
        "trace": trace,
    }


def main(lang: str = "zh") -> int:
    out = sys.stdout
    for line in sys.stdin.buffer:
        req = json.loads(line, parse_float=D)
        out.write(json.dumps(settle(req, lang), ensure_ascii=False, separators=(",", ":")) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "zh"))

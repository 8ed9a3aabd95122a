"""Random bills: the contract's identities hold to the fen and no limit is ever crossed."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.models import SETLINFO_MONEY_FIELDS, SettleRequest
from engine.settle import settle

ZERO = Decimal("0.00")


def money(lo="0", hi="5000"):
    return st.decimals(
        min_value=Decimal(lo),
        max_value=Decimal(hi),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    )


ratio = st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=2)

item = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["药", "检查", "材料", "口罩"]),
        "chrgitm_lv": st.sampled_from(["01", "02", "03"]),
        "pric": st.decimals(min_value=Decimal("0"), max_value=Decimal("3000"), places=4),
        "cnt": st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("50"), places=4),
        "pric_uplmt_amt": st.none()
        | st.decimals(min_value=Decimal("0"), max_value=Decimal("3000"), places=2),
        "selfpay_prop": st.none() | ratio,
        "acct_payable": st.booleans(),
    }
)

request = st.fixed_dictionaries(
    {
        "params": st.fixed_dictionaries(
            {
                "dedc": money("0", "2000"),
                "pool_ratio": ratio,
                "annual_cap": st.none() | money("0", "100000"),
                "big_illness": st.none()
                | st.fixed_dictionaries(
                    {
                        "threshold": money("0", "20000"),
                        "ratio": ratio,
                        "fund": st.sampled_from(["hifmi", "hifob"]),
                        "cap": st.none() | money("0", "50000"),
                    }
                ),
                "acct_pays_ownpay": st.booleans(),
                "default_selfpay_prop": ratio,
            }
        ),
        "insutype": st.sampled_from(["310", "390"]),
        "med_type": st.sampled_from(["11", "14", "21", "41"]),
        "ytd": st.fixed_dictionaries(
            {
                "dedc_paid": money("0", "3000"),
                "hifp_paid": money("0", "120000"),
                "big_illness_paid": money("0", "60000"),
            }
        ),
        "items": st.lists(item, min_size=1, max_size=12),
        "acct": st.fixed_dictionaries({"balc": money("0", "3000"), "used": st.booleans()}),
        "mulaid": st.lists(
            st.fixed_dictionaries(
                {"giver": st.sampled_from(["G1", "G2", "G3"]), "available": money("0", "800")}
            ),
            max_size=3,
        ),
    }
)


@settings(max_examples=400, deadline=None)
@given(request)
def test_identities_and_limits_hold_for_any_bill(data):
    req = SettleRequest.model_validate(data)
    params = req.params
    s = settle(req, params)
    info = s.setlinfo()

    # Both identities, to the fen.
    assert (
        info.medfee_sumamt
        == info.fulamt_ownpay_amt + info.overlmt_selfpay + info.preselfpay_amt + info.inscp_scp_amt
    )
    assert (
        info.medfee_sumamt
        == info.fund_pay_sumamt + info.acct_pay + info.psn_cash_pay + info.hosp_part_amt
    )
    for split in s.splits:
        assert split.amt == split.ownpay + split.over + split.pre + split.inscp

    # Nothing negative, everything at two places.
    for name in SETLINFO_MONEY_FIELDS:
        value = getattr(info, name)
        assert value >= 0, name
        assert value == value.quantize(Decimal("0.01")), name

    # The deductible never exceeds what is left of it, nor the in-scope amount.
    assert info.act_pay_dedc <= max(ZERO, params.dedc - req.ytd.dedc_paid)
    assert info.act_pay_dedc <= info.inscp_scp_amt
    # The pool never crosses the annual cap, nor pays more than the in-scope amount.
    if params.annual_cap is not None:
        assert info.hifp_pay <= max(ZERO, params.annual_cap - req.ytd.hifp_paid)
    assert info.fund_pay_sumamt <= info.inscp_scp_amt
    big = params.big_illness
    if big is not None and big.cap is not None:
        assert info.hifmi_pay + info.hifob_pay <= max(ZERO, big.cap - req.ytd.big_illness_paid)

    # Co-pay never above what each giver has, nor above what account money may pay.
    assert len(s.mulaid) == len(req.mulaid)
    for (giver, amount), source in zip(s.mulaid, req.mulaid, strict=True):
        assert giver == source.giver and amount <= source.available
    assert info.acct_mulaid_pay <= s.payable
    assert info.acct_pay <= s.payable
    own = info.acct_pay - info.acct_mulaid_pay
    assert own <= req.acct.balc
    assert info.balc == req.acct.balc - own
    if req.insutype == "390" or not req.acct.used:
        assert own == 0

    # Goods that account money may not pay always land in cash.
    not_acct = sum((sp.amt for sp in s.splits if not sp.item.acct_payable), ZERO)
    assert info.psn_cash_pay >= min(info.psn_part_amt, not_acct)
    if not params.acct_pays_ownpay:
        barred = sum((sp.ownpay for sp in s.splits if sp.item.acct_payable), ZERO)
        assert info.psn_cash_pay >= min(info.psn_part_amt, not_acct + barred)

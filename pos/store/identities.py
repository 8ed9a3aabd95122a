"""The accounting identities every settlement row satisfies to the fen (docs/SETTLEMENT.md)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

FUNDS = ("hifp_pay", "cvlserv_pay", "hifes_pay", "hifmi_pay", "hifob_pay", "maf_pay", "oth_pay")


def identity_problems(a: Mapping[str, Decimal]) -> list[str]:
    """Each identity that fails, as `lhs ≠ rhs` text; [] when all hold."""
    problems = []

    def same(label: str, lhs: Decimal, rhs: Decimal) -> None:
        if lhs != rhs:
            problems.append(f"{label}: {lhs} ≠ {rhs}")

    buckets = (
        a["fulamt_ownpay_amt"] + a["overlmt_selfpay"] + a["preselfpay_amt"] + a["inscp_scp_amt"]
    )
    same("medfee_sumamt = 全自费+超限价+先行自付+符合范围", a["medfee_sumamt"], buckets)
    same(
        "fund_pay_sumamt = Σ funds",
        a["fund_pay_sumamt"],
        sum((a[f] for f in FUNDS), Decimal("0.00")),
    )
    same(
        "psn_part_amt = acct_pay + psn_cash_pay",
        a["psn_part_amt"],
        a["acct_pay"] + a["psn_cash_pay"],
    )
    same(
        "medfee_sumamt = fund + acct + cash + hosp_part",
        a["medfee_sumamt"],
        a["fund_pay_sumamt"] + a["acct_pay"] + a["psn_cash_pay"] + a["hosp_part_amt"],
    )
    if abs(a["acct_mulaid_pay"]) > abs(a["acct_pay"]):
        problems.append(
            f"acct_mulaid_pay {a['acct_mulaid_pay']} is more than acct_pay {a['acct_pay']}"
        )
    return problems

"""`pos settle` with a policy id: a patient away from home, with or without a 异地就医备案."""

from __future__ import annotations

import io
import json

import pytest
from pydantic import ValidationError

from engine.models import SettleRequest
from engine.settle import settle_request
from pos.commands.settle import run_one


def request(policy: str, cross_region: dict | None, mulaid: bool = True) -> dict:
    data = {
        "policy": policy,
        "insutype": "390",
        "psn_type": "1403",
        "med_type": "11",
        "hosp_lv": "2",
        "mulaid": [{"giver": "G1", "available": "80.00"}] if mulaid else [],
        "items": [{"name": "头孢克肟", "chrgitm_lv": "02", "pric": "28.60", "cnt": "1"}],
    }
    if cross_region is not None:
        data["cross_region"] = cross_region
    return data


def settle_cli(data: dict) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_one(io.StringIO(json.dumps(data, ensure_ascii=False)), out, err, "zh")
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("policy", ["bortala-2025", "zhaotong-2025"])
def test_with_a_filing_or_at_home_it_settles_as_before(policy):
    home = settle_request(SettleRequest.model_validate(request(policy, None)))
    filed = settle_request(SettleRequest.model_validate(request(policy, {"filing": True})))
    assert filed.to_wire() == home.to_wire()
    assert home.setlinfo.acct_mulaid_pay > 0


def test_bortala_settles_without_a_filing_but_not_with_co_pay():
    code, _, err = settle_cli(request("bortala-2025", {"filing": False}))
    assert code == 2 and err.count("\n") == 1 and "mulaid" in err and "备案" in err
    code, out, _ = settle_cli(request("bortala-2025", {"filing": False}, mulaid=False))
    assert code == 0 and json.loads(out)["setlinfo"]["acct_mulaid_pay"] == "0.00"


def test_zhaotong_does_not_settle_without_a_filing():
    code, out, err = settle_cli(request("zhaotong-2025", {"filing": False}, mulaid=False))
    assert (code, out) == (2, "") and "cross_region.filing" in err and err.count("\n") == 1


def test_cross_region_needs_a_policy_and_a_boolean():
    data = request("bortala-2025", {"filing": "no"})
    with pytest.raises(ValidationError):
        SettleRequest.model_validate(data)
    params = {"dedc": "100.00", "pool_ratio": "0.60", "annual_cap": None}
    data = {**request("bortala-2025", {"filing": True}), "params": params}
    del data["policy"]
    code, _, err = settle_cli(data)
    assert code == 2 and "cross_region" in err

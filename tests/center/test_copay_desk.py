"""The co-pay desk's transactions (J101…J901), on SQLite and PostgreSQL: a new binding pays at the
cashier and comes back on refund and unbind; an enrolment change ends bindings; 代缴 once per
year; 异地就医备案 decides cross-region settlement; every refusal names its reason."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from center_helpers import balance, open_visit, quota_used, snapshot
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.center import check_center
from engine.center.models import CenterBinding, CenterBindingEvent, CenterNotice, CenterPremium

D = Decimal
GIVER = "6527000000000002"  # 古丽娜尔: 800.00, 300 ring-fenced for 阿依努尔 (BND-BT-0103)
SON = "6527000000000003"  # 艾孜买提: resident minor, father's BND-BT-0101
FATHER = "6527000000000001"  # 艾力: 3200.00, bindings 0101 (to SON) and 0102


def desk(center, infno: str, data: dict, msgid: str | None = None) -> dict:
    message = {"infno": infno, "opter": "D01", "input": data}
    if msgid:
        message["msgid"] = msgid
    return center.handle(message)


def ok(center, infno: str, data: dict, msgid: str | None = None) -> dict:
    answer = desk(center, infno, data, msgid)
    assert answer["infcode"] == 0, answer.get("err_msg")
    return answer["output"]


def codes(answer: dict) -> list[str]:
    """The refusing rules as a client reads them (err_detail.codes), the same as err_msg names
    them for a person."""
    assert answer["infcode"] == -1
    found = answer["err_detail"]["codes"]
    assert found == re.findall(r"\[([A-Z_]+)\]", answer["err_msg"])
    return found


def clean(engine) -> None:
    with Session(engine) as s:
        assert check_center(s) == []


def bind_input(**over) -> dict:
    data = {
        "giver_psn_no": GIVER,
        "beneficiary_psn_no": SON,
        "relationship": "child",
        "proof_type": "出生证明",
        "proof_no": "Q652701201406",
        "pledge_signed": True,
        "quota": "200.00",
        "channel": "counter",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def ring_fenced(bt, psn_no: str) -> Decimal:
    return D(bt.identify("03", f"X6527{psn_no[-4:]}")["exp_content"]["ring_fenced"])


# ------------------------------------------------------------------ the money path


def test_bind_approve_settle_refund_unbind(center, bt, engine, people):
    son = people["艾孜买提·艾力"]
    before = balance(engine, GIVER)
    assert ring_fenced(bt, GIVER) == D("300.00")

    b = ok(center, "J101", bind_input(), msgid="DESK-1")
    bid = b["binding_id"]
    assert (b["status"], b["quota"], b["quota_used"], b["order"]) == (
        "pending",
        "200.00",
        "0.00",
        2,
    )
    clean(engine)

    visit = open_visit(bt, son)
    refused = visit.answer("2206", givers=[GIVER])  # pending: not usable yet
    assert refused["infcode"] == -1 and "共济关系待审核" in refused["err_msg"]

    assert ok(center, "J102", {"binding_id": bid})["status"] == "active"
    assert ring_fenced(bt, GIVER) == D("500.00")  # the new quota is ring-fenced at once
    clean(engine)

    out = visit.settle(givers=[GIVER])
    info = out["setlinfo"]
    paid = D(info["acct_mulaid_pay"])
    assert paid > 0 and [m["binding_id"] for m in out["exp_content"]["mulaid_detail"]] == [bid]
    assert balance(engine, GIVER) == before - paid
    assert quota_used(engine, bid) == paid
    clean(engine)

    bt.send("2208", {"setl_id": info["setl_id"], "mdtrt_id": visit.mdtrt_id, "psn_no": son.psn_no})
    assert balance(engine, GIVER) == before
    assert quota_used(engine, bid) == D("0.00")
    clean(engine)

    kinds = [n["kind"] for n in ok(center, "J401", {"giver_psn_no": GIVER})["notices"]]
    assert kinds == ["refund", "deduction"]  # newest first

    gone = ok(center, "J105", {"binding_id": bid})
    assert (gone["status"], gone["quota_returned"]) == ("unbound", "200.00")
    assert ring_fenced(bt, GIVER) == D("300.00")
    assert balance(engine, GIVER) == before
    clean(engine)
    with Session(engine) as s:
        events = s.scalars(
            select(CenterBindingEvent.event).where(CenterBindingEvent.binding_id == bid)
        ).all()
    assert events == ["submit", "approve", "unbind"]


def test_unbind_after_use_returns_only_the_unused_quota(center, bt, engine, people):
    bid = ok(center, "J101", bind_input())["binding_id"]
    ok(center, "J102", {"binding_id": bid})
    paid = D(
        open_visit(bt, people["艾孜买提·艾力"]).settle(givers=[GIVER])["setlinfo"][
            "acct_mulaid_pay"
        ]
    )
    gone = ok(center, "J105", {"binding_id": bid, "reason": "家长申请"})
    assert D(gone["quota_returned"]) == D("200.00") - paid
    assert gone["status_reason"] == "家长申请"
    clean(engine)


def test_a_second_giver_and_the_deduction_order(center, bt, people):
    bid = ok(center, "J101", bind_input())["binding_id"]
    ok(center, "J102", {"binding_id": bid})
    visit = open_visit(bt, people["艾孜买提·艾力"])
    order = [o["binding_id"] for o in visit.presettle()["exp_content"]["mulaid_options"]]
    assert order == ["BND-BT-0101", bid]
    ok(center, "J104", {"binding_id": "BND-BT-0101", "order": 3})
    order = [o["binding_id"] for o in visit.presettle()["exp_content"]["mulaid_options"]]
    assert order == [bid, "BND-BT-0101"]


def test_quota_edits_stay_between_used_and_the_unfenced_balance(center, engine):
    # 艾力: 3200 − (800 left on 0101 + 500 on 0102) = 1900 not yet promised.
    assert codes(desk(center, "J104", {"binding_id": "BND-BT-0101", "quota": "199.99"})) == [
        "QUOTA_BELOW_USED"
    ]
    assert codes(desk(center, "J104", {"binding_id": "BND-BT-0101", "quota": "2900.01"})) == [
        "QUOTA_EXCEEDS_BALANCE"
    ]
    out = ok(center, "J104", {"binding_id": "BND-BT-0101", "quota": "2900.00"})
    assert (out["quota"], out["quota_used"]) == ("2900.00", "200.00")
    assert (
        ok(center, "J104", {"binding_id": "BND-BT-0101", "quota": "200.00"})["quota_left"] == "0.00"
    )
    clean(engine)


def test_msgid_replay_binds_once(center, engine):
    first = desk(center, "J101", bind_input(), msgid="DESK-R")
    again = desk(center, "J101", bind_input(), msgid="DESK-R")
    # The same answer in a fresh envelope: every response has an inf_refmsgid of its own.
    assert (first["infcode"], first["output"]) == (again["infcode"], again["output"])
    assert first["inf_refmsgid"] != again["inf_refmsgid"]
    with Session(engine) as s:
        mine = s.scalars(select(CenterBinding).where(CenterBinding.giver_psn_no == GIVER)).all()
    assert len(mine) == 2  # 0103 and the new one


# ------------------------------------------------------------------ ends by itself


def test_an_enrolment_change_ends_the_bindings_of_both_sides(center, bt, engine, people):
    out = ok(center, "J901", {"psn_no": FATHER, "psn_insu_stas": "4"})
    assert sorted(b["binding_id"] for b in out["ended"]) == ["BND-BT-0101", "BND-BT-0102"]
    assert all("共济人参保状态变更为终止参保" in b["status_reason"] for b in out["ended"])
    rows = {b["binding_id"]: b for b in ok(center, "J106", {"giver_psn_no": FATHER})["bindings"]}
    assert rows["BND-BT-0104"]["status"] == "unbound"  # already over: untouched
    assert rows["BND-BT-0101"]["status"] == "ended"

    options = open_visit(bt, people["艾孜买提·艾力"]).presettle()["exp_content"]["mulaid_options"]
    [mine] = [o for o in options if o["binding_id"] == "BND-BT-0101"]
    assert "BINDING_ENDED" in {r["code"] for r in mine["reasons"]}

    # Back to normal: the binding stays ended (bind again to share again).
    ok(center, "J901", {"psn_no": FATHER, "psn_insu_stas": "1"})
    assert ok(center, "J106", {"beneficiary_psn_no": SON})["bindings"][0]["status"] == "ended"
    clean(engine)


def test_the_beneficiary_side_ends_too_and_frozen_accounts_do_not_end_anything(center):
    frozen = ok(center, "J901", {"psn_no": GIVER, "acct_frozen": True})
    assert frozen["acct_frozen"] is True and frozen["ended"] == []
    out = ok(center, "J901", {"psn_no": "6527000000000004", "psn_insu_stas": "2"})
    assert sorted(b["binding_id"] for b in out["ended"]) == ["BND-BT-0102", "BND-BT-0103"]
    assert "被共济人" in out["ended"][0]["status_reason"]


# ------------------------------------------------------------------ 代缴


def test_premium_paid_once_with_a_notice_and_a_journal_row(center, engine):
    giver, kid = "5306000000000002", "5306000000000004"  # 陈军 400.00 → 陈小龙 (0102: 900 left)
    receipt = ok(center, "J201", {"giver_psn_no": giver, "beneficiary_psn_no": kid, "year": 2025})
    assert (receipt["amount"], receipt["balc"], receipt["binding_id"]) == (
        "400.00",
        "0.00",
        "BND-ZT-0102",
    )
    assert balance(engine, giver) == D("0.00")
    assert quota_used(engine, "BND-ZT-0102") == D("500.00")
    clean(engine)
    again = desk(center, "J201", {"giver_psn_no": giver, "beneficiary_psn_no": kid, "year": 2025})
    assert codes(again)[0] == "PREMIUM_ALREADY_PAID"
    [notice] = ok(center, "J401", {"giver_psn_no": giver})["notices"]
    assert (notice["kind"], notice["amount"], notice["ref_id"]) == (
        "premium",
        "-400.00",
        receipt["premium_id"],
    )
    assert "代缴2025年度城乡居民医保费" in notice["text"]
    with Session(engine) as s:
        assert s.scalar(select(CenterPremium.amount)) == D("400.00")
        assert s.scalar(select(CenterNotice.binding_id)) == "BND-ZT-0102"


def test_premium_refused_when_the_balance_is_short(center, engine):
    # 刘芳: balance 0.00, binding BND-ZT-0202 to 杨柳 with 500 of quota left.
    before = snapshot(engine)
    answer = desk(
        center,
        "J201",
        {
            "giver_psn_no": "5306000000000007",
            "beneficiary_psn_no": "5306000000000008",
            "year": 2025,
        },
    )
    assert codes(answer) == ["BALANCE_INSUFFICIENT"]
    assert snapshot(engine) == before


@pytest.mark.parametrize(
    ("giver", "beneficiary", "year", "reason"),
    [
        (GIVER, "6527000000000012", 2025, "NO_BINDING"),  # no binding to 乌云
        ("5306000000000009", "5306000000000011", 2025, "PREMIUM_NOT_RESIDENT"),  # 周婷: employee
        ("5306000000000009", "5306000000000010", 2025, "BINDING_PENDING"),  # 孙玉兰: pending
        (FATHER, SON, 2024, "PREMIUM_YEAR_NOT_OPEN"),
        (FATHER, SON, 2027, "PREMIUM_YEAR_NOT_OPEN"),
        ("5306000000000005", "5306000000000008", 2025, "QUOTA_INSUFFICIENT"),  # 10 left
    ],
)
def test_premium_refusals(center, engine, giver, beneficiary, year, reason):
    before = snapshot(engine)
    answer = desk(
        center, "J201", {"giver_psn_no": giver, "beneficiary_psn_no": beneficiary, "year": year}
    )
    assert codes(answer)[0] == reason
    assert snapshot(engine) == before


# ------------------------------------------------------------------ binding refusals

REFUSALS = {
    "RELATIONSHIP_NOT_ALLOWED": {"relationship": "sibling", "proof_type": "户口本"},
    "BENEFICIARY_OUT_OF_SCOPE": {"beneficiary_psn_no": "5306000000000004"},  # 云南 insured
    "BENEFICIARY_NOT_INSURED": {
        "beneficiary_psn_no": "6527000000000012",  # 乌云: terminated
        "relationship": "parent",
        "proof_type": "户口本",
    },
    "GIVER_FROZEN": {
        "giver_psn_no": "6527000000000007",  # 王磊
        "beneficiary_psn_no": "6527000000000006",
        "relationship": "parent",
        "proof_type": "户口本",
    },
    "GIVER_IN_ARREARS": {
        "giver_psn_no": "6527000000000009",  # 巴特尔
        "beneficiary_psn_no": "6527000000000010",
        "relationship": "spouse",
        "proof_type": "结婚证",
    },
    "GIVER_NO_ACCOUNT": {"giver_psn_no": "6527000000000006"},  # 李秀兰: resident
    "QUOTA_EXCEEDS_BALANCE": {"quota": "500.01"},  # 800 − 300 ring-fenced
    "PROOF_MISSING": {"proof_no": None},
    "PROOF_NOT_FOR_RELATIONSHIP": {"proof_type": "结婚证"},
    "PLEDGE_MISSING": {"pledge_signed": False},
    "DUPLICATE_BINDING": {"giver_psn_no": FATHER},  # BND-BT-0101 exists
    "SELF_BINDING": {
        "beneficiary_psn_no": GIVER,
        "relationship": "spouse",
        "proof_type": "结婚证",
    },
}


@pytest.mark.parametrize("reason", list(REFUSALS))
def test_each_bind_refusal_names_exactly_its_reason_and_changes_nothing(center, engine, reason):
    before = snapshot(engine)
    answer = desk(center, "J101", bind_input(**REFUSALS[reason]), msgid=f"R-{reason}"[:40])
    assert codes(answer) == [reason]
    assert snapshot(engine) == before


def test_the_quota_may_use_every_unfenced_yuan(center):
    assert ok(center, "J101", bind_input(quota="500.00"))["status"] == "pending"


def test_review_refusals(center, engine):
    assert codes(desk(center, "J102", {"binding_id": "BND-BT-0101"})) == ["BINDING_NOT_PENDING"]
    assert codes(desk(center, "J103", {"binding_id": "BND-BT-0104", "reason": "x"})) == [
        "BINDING_NOT_PENDING"
    ]
    assert codes(desk(center, "J105", {"binding_id": "BND-BT-0104"})) == ["BINDING_NOT_ACTIVE"]
    # Approval judges again: the giver's account was frozen after the request.
    bid = ok(center, "J101", bind_input())["binding_id"]
    ok(center, "J901", {"psn_no": GIVER, "acct_frozen": True})
    assert codes(desk(center, "J102", {"binding_id": bid})) == ["GIVER_FROZEN"]
    rejected = ok(center, "J103", {"binding_id": bid, "reason": "证明不清晰"})
    assert (rejected["status"], rejected["status_reason"]) == ("rejected", "证明不清晰")
    clean(engine)


@pytest.mark.parametrize(
    ("infno", "data", "field"),
    [
        ("J101", bind_input(quota=1.5), "input.quota"),
        ("J101", bind_input(quota="0"), "input.quota"),
        ("J101", bind_input(valid_to="2020-01-01"), "valid_to"),
        ("J101", bind_input(giver_psn_no="9999"), "giver_psn_no"),
        ("J101", bind_input(channel="fax"), "input.channel"),
        ("J101", bind_input(proof_type="身份证"), "input.proof_type"),
        ("J102", {"binding_id": "BND-NOPE"}, "binding_id"),
        ("J201", {"giver_psn_no": GIVER, "beneficiary_psn_no": SON, "year": "2025"}, "input.year"),
        ("J901", {"psn_no": GIVER}, "input"),
        ("J302", {"psn_no": GIVER, "filing_id": 1}, "filing_id"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(center, engine, infno, data, field):
    before = snapshot(engine)
    answer = desk(center, infno, data, msgid="BAD-1")
    assert answer["infcode"] == -1 and answer["err_msg"].startswith(field)
    assert snapshot(engine) == before


# ------------------------------------------------------------------ 异地就医备案


def test_a_filing_opens_co_pay_away_from_home_and_cancelling_closes_it(center, zt, people):
    grandpa = people["张建华"]  # 博州 insured, in 昭通 without a filing

    def reasons():
        opts = open_visit(zt, grandpa, batch=f"B{next(n)}").presettle()
        return {r["code"] for o in opts["exp_content"]["mulaid_options"] for r in o["reasons"]}

    n = iter(range(1, 10))
    assert reasons() == {"CROSS_REGION_NO_FILING"}
    f = ok(
        center,
        "J301",
        {
            "psn_no": grandpa.psn_no,
            "to_admdvs": "530602",
            "valid_from": "2025-06-01",
            "valid_to": "2025-12-31",
        },
    )
    assert (f["status"], f["insuplc_admdvs"]) == ("valid", "652700")
    assert reasons() == set()
    ok(center, "J302", {"psn_no": grandpa.psn_no, "filing_id": f["filing_id"]})
    assert reasons() == {"CROSS_REGION_NO_FILING"}
    listed = ok(center, "J303", {"psn_no": grandpa.psn_no})["filings"]
    assert [x["status"] for x in listed] == ["cancelled"]


def test_zhaotong_refuses_direct_settlement_away_from_home_without_a_filing(center, bt, people):
    kid = people["陈小龙"]  # 昭通 insured, at a 博州 hospital
    visit = open_visit(bt, kid)
    refused = visit.answer("2206", acct_used=False)
    assert refused["infcode"] == -1 and "异地就医未备案" in refused["err_msg"]
    f = ok(
        center,
        "J301",
        {
            "psn_no": kid.psn_no,
            "to_admdvs": "652700",
            "valid_from": "2025-06-01",
            "valid_to": "2025-08-31",
        },
    )
    assert visit.answer("2206", acct_used=False)["infcode"] == 0
    assert visit.answer("2207", acct_used=False)["infcode"] == 0
    ok(center, "J302", {"psn_no": kid.psn_no, "filing_id": f["filing_id"]})
    again = open_visit(bt, kid, batch="B2").answer("2206", acct_used=False)
    assert again["infcode"] == -1


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"psn_no": "6527000000000015", "to_admdvs": "652722"}, "FILING_NOT_NEEDED"),
        ({"psn_no": "6527000000000014", "to_admdvs": "530600"}, "FILING_DUPLICATE"),
        ({"psn_no": "6527000000000012", "to_admdvs": "530600"}, "PERSON_NOT_INSURED"),
    ],
)
def test_filing_refusals(center, engine, data, reason):
    before = snapshot(engine)
    answer = desk(center, "J301", {**data, "valid_from": "2025-07-01", "valid_to": "2025-09-30"})
    assert codes(answer) == [reason]
    assert snapshot(engine) == before


def test_a_cancelled_filing_cannot_be_cancelled_again(center):
    f = ok(
        center,
        "J301",
        {
            "psn_no": "6527000000000015",
            "to_admdvs": "530600",
            "valid_from": "2025-07-01",
            "valid_to": "2025-09-30",
        },
    )
    ok(center, "J302", {"psn_no": "6527000000000015", "filing_id": f["filing_id"]})
    answer = desk(center, "J302", {"psn_no": "6527000000000015", "filing_id": f["filing_id"]})
    assert codes(answer) == ["FILING_CANCELLED"]

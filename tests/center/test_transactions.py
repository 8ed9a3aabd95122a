"""Every transaction, on SQLite and PostgreSQL: the happy path, idempotency, 冲红 and 冲正."""

from __future__ import annotations

from decimal import Decimal

import pytest
from center_helpers import balance, open_visit, quota_used, snapshot
from conftest import NOW
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.center import ResponseLost, check_center
from engine.center.models import CenterNotice
from pos.bench.station import Refused

D = Decimal


def _identities(info: dict) -> None:
    a = {
        k: D(v)
        for k, v in info.items()
        if isinstance(v, D) and k.endswith(("amt", "pay", "selfpay", "dedc"))
    }
    assert (
        a["medfee_sumamt"]
        == a["fulamt_ownpay_amt"] + a["overlmt_selfpay"] + a["preselfpay_amt"] + a["inscp_scp_amt"]
    )
    assert (
        a["medfee_sumamt"]
        == a["fund_pay_sumamt"] + a["acct_pay"] + a["psn_cash_pay"] + a["hosp_part_amt"]
    )


def _clean(engine) -> None:
    with Session(engine) as s:
        assert check_center(s) == []


def test_1101_every_credential_finds_the_same_person(bt, people):
    aili = people["艾力·买买提"]
    answers = [
        bt.identify("01", aili.ecert_token),
        bt.identify("02", aili.certno),
        bt.identify("03", aili.card_no),
    ]
    assert {a["baseinfo"]["psn_no"] for a in answers} == {aili.psn_no}
    info = answers[0]["insuinfo"][0]
    assert (info["insutype"], info["balc"], info["psn_insu_stas"]) == ("310", D("3200.00"), "1")
    assert answers[0]["baseinfo"]["age"] == 41
    assert answers[0]["exp_content"]["as_giver"]  # he gives to his children


def test_1101_family_account_token_identifies_the_relative(zt, people):
    import tomllib
    from pathlib import Path

    data = tomllib.loads(Path("fixtures/families/zhaotong.toml").read_text())
    token = next(r["token"] for f in data["family"] for r in f.get("family_account", []))
    out = zt.identify("01", token)
    assert out["baseinfo"]["psn_name"] == "赵桂英"
    assert out["exp_content"]["shown_by"]["psn_no"] == people["杨光荣"].psn_no
    assert out["exp_content"]["bindings"] == []  # 亲情账户 moves no money


def test_1101_unknown_credentials(bt):
    for cert in (
        ("02", "652701198403120318"),
        ("02", "11010519491231002X"),
        ("01", "YB652700" + "A" * 22),
        ("03", "X00000000"),
    ):
        answer = bt.center.handle(
            bt.message("1101", {"mdtrt_cert_type": cert[0], "mdtrt_cert_no": cert[1]})
        )
        assert answer["infcode"] == -1 and answer["err_msg"]


def test_copay_settlement_moves_the_money(bt, engine, people):
    aziz, aili = people["艾孜买提·艾力"], people["艾力·买买提"]
    visit = open_visit(bt, aziz)
    pre = visit.presettle(givers=[aili.psn_no])
    option = pre["exp_content"]["mulaid_options"][0]
    assert option["usable"] and option["available"] == D("800.00")
    out = visit.settle(givers=[aili.psn_no])
    info = out["setlinfo"]
    _identities(info)
    assert info["setl_id"] and info["acct_mulaid_pay"] == pre["setlinfo"]["acct_mulaid_pay"]
    mulaid = D(info["acct_mulaid_pay"])
    assert mulaid > 0 and D(info["acct_pay"]) == mulaid  # a minor on 390 has no own account
    assert balance(engine, aili.psn_no) == D("3200.00") - mulaid
    assert quota_used(engine, "BND-BT-0101") == D("200.00") + mulaid
    with Session(engine) as s:
        notice = s.execute(select(CenterNotice)).scalar_one()
        assert (
            notice.giver_psn_no == aili.psn_no and notice.amount == -mulaid and "艾*" in notice.text
        )
    _clean(engine)


def test_two_givers_pay_in_order_up_to_their_quotas(bt, engine, people):
    ayin, aili, guli = people["阿依努尔·艾力"], people["艾力·买买提"], people["古丽娜尔·吐尔逊"]
    visit = open_visit(bt, ayin, [("HE00035", "560.00", "1"), ("HD00017", "178.00", "2")])
    out = visit.settle(givers=[aili.psn_no, guli.psn_no])
    detail = {d["giver_psn_no"]: D(d["amount"]) for d in out["exp_content"]["mulaid_detail"]}
    assert detail[aili.psn_no] == D("500.00")  # his quota for her
    assert 0 < detail[guli.psn_no] <= D("300.00")
    assert D(out["setlinfo"]["acct_mulaid_pay"]) == sum(detail.values())
    _clean(engine)


def test_employee_own_account_first_and_ytd(bt, engine, people):
    aili = people["艾力·买买提"]
    first = open_visit(bt, aili, batch="B1").settle()
    info = first["setlinfo"]
    _identities(info)
    # 三级: deductible 300 a year, 120 already paid this year → 180 left.
    assert D(info["act_pay_dedc"]) == min(D(info["inscp_scp_amt"]), D("180.00"))
    assert D(first["exp_content"]["own_acct_pay"]) == D(info["acct_pay"]) > 0
    second = open_visit(bt, aili, batch="B2").settle()["setlinfo"]
    assert D(second["act_pay_dedc"]) == D("180.00") - D(info["act_pay_dedc"])
    # Ring-fenced quota (800 + 500 still promised to his children) is not his to spend.
    assert balance(engine, aili.psn_no) >= D("1300.00")
    _clean(engine)


def test_2207_is_idempotent(bt, engine, people):
    aziz, aili = people["艾孜买提·艾力"], people["艾力·买买提"]
    visit = open_visit(bt, aziz)
    first = visit.answer(msgid="RETRY-1", givers=[aili.psn_no])
    after = snapshot(engine)
    again = visit.answer(msgid="RETRY-1", givers=[aili.psn_no])
    # Same msgid: the stored answer, in a fresh envelope (an inf_refmsgid of its own).
    assert (again["infcode"], again["output"]) == (first["infcode"], first["output"])
    other = visit.answer(msgid="RETRY-2", givers=[aili.psn_no])
    assert other["output"] == first["output"]  # same batch, new msgid: still one settlement
    after2 = snapshot(engine)
    assert after2["balances"] == after["balances"] and after2["quota"] == after["quota"]
    assert after2["counts"]["center_settlements"] == after["counts"]["center_settlements"]
    _clean(engine)


def test_2208_restores_everything(bt, engine, people):
    aziz, aili = people["艾孜买提·艾力"], people["艾力·买买提"]
    visit = open_visit(bt, aziz)
    before = snapshot(engine)
    info = visit.settle(givers=[aili.psn_no])["setlinfo"]
    refund = bt.send(
        "2208", {"setl_id": info["setl_id"], "mdtrt_id": visit.mdtrt_id, "psn_no": aziz.psn_no}
    )
    r = refund["setlinfo"]
    assert r["setl_id"] != info["setl_id"] and r["orig_setl_id"] == info["setl_id"]
    assert (
        r["medfee_sumamt"] == -info["medfee_sumamt"]
        and r["acct_mulaid_pay"] == -info["acct_mulaid_pay"]
    )
    after = snapshot(engine)
    assert after["balances"] == before["balances"] and after["quota"] == before["quota"]
    assert {k: v for k, v in after["ytd"].items() if any(v)} == {
        k: v for k, v in before["ytd"].items() if any(v)
    }
    again = bt.send(
        "2208", {"setl_id": info["setl_id"], "mdtrt_id": visit.mdtrt_id, "psn_no": aziz.psn_no}
    )
    assert again == refund
    status = bt.send("5203", {"psn_no": aziz.psn_no, "setl_id": info["setl_id"]})["exp_content"]
    assert status["status"] == "refunded"
    with pytest.raises(Refused, match="已退费"):
        visit.settle(givers=[aili.psn_no])
    _clean(engine)


def test_lost_response_then_2601_then_settle_again(bt, engine, people):
    aziz, aili = people["艾孜买提·艾力"], people["艾力·买买提"]
    visit = open_visit(bt, aziz)
    before = snapshot(engine)
    bt.center.faults.lose_response_after_commit = {"2207"}
    with pytest.raises(ResponseLost):
        visit.answer(msgid="LOST-1", givers=[aili.psn_no])
    bt.center.faults.lose_response_after_commit = set()
    assert balance(engine, aili.psn_no) < before["balances"][aili.psn_no]  # it did commit
    out = bt.send("2601", {"psn_no": aziz.psn_no, "omsgid": "LOST-1", "oinfno": "2207"})
    assert out["rvs_stas"] == "1"
    assert snapshot(engine)["balances"] == before["balances"]
    assert snapshot(engine)["quota"] == before["quota"]
    again = bt.send("2601", {"psn_no": aziz.psn_no, "omsgid": "LOST-1", "oinfno": "2207"})
    assert again["rvs_stas"] == "1"  # reversing twice changes nothing
    nothing = bt.send("2601", {"psn_no": aziz.psn_no, "omsgid": "NEVER-SENT", "oinfno": "2207"})
    assert nothing["rvs_stas"] == "0"
    settled = visit.settle(givers=[aili.psn_no])["setlinfo"]  # the same batch settles anew
    totals = {
        "medfee_sumamt": settled["medfee_sumamt"],
        "fund_pay_sumamt": settled["fund_pay_sumamt"],
        "acct_pay": settled["acct_pay"],
    }
    stmt = bt.send(
        "3201",
        {
            "insutype": "390",
            "clr_type": "11",
            "setl_optins": "652700",
            "stmt_begndate": "2025-06-15",
            "stmt_enddate": "2025-06-15",
            "fixmedins_setl_cnt": 1,
            **totals,
        },
    )
    assert stmt["stmtinfo"]["stmt_rslt"] == "0", stmt
    _clean(engine)


def test_2601_reverses_a_refund(bt, engine, people):
    aziz, aili = people["艾孜买提·艾力"], people["艾力·买买提"]
    visit = open_visit(bt, aziz)
    info = visit.settle(givers=[aili.psn_no])["setlinfo"]
    settled = snapshot(engine)
    bt.send(
        "2208",
        {"setl_id": info["setl_id"], "mdtrt_id": visit.mdtrt_id, "psn_no": aziz.psn_no},
        "REFUND-1",
    )
    bt.send("2601", {"psn_no": aziz.psn_no, "omsgid": "REFUND-1", "oinfno": "2208"})
    after = snapshot(engine)
    assert after["balances"] == settled["balances"] and after["quota"] == settled["quota"]
    assert (
        bt.send("5203", {"psn_no": aziz.psn_no, "mdtrt_id": visit.mdtrt_id})["exp_content"][
            "status"
        ]
        == "settled"
    )
    _clean(engine)


def test_3201_and_3202_reconcile(bt, engine, people):
    a = open_visit(bt, people["艾力·买买提"]).settle()["setlinfo"]
    b_visit = open_visit(bt, people["古丽娜尔·吐尔逊"])
    b = b_visit.settle()["setlinfo"]
    period = {"setl_optins": "652700", "stmt_begndate": "2025-06-01", "stmt_enddate": "2025-06-30"}
    total = {k: str(D(a[k]) + D(b[k])) for k in ("medfee_sumamt", "fund_pay_sumamt", "acct_pay")}
    ok = bt.send(
        "3201", {**period, "insutype": "310", "clr_type": "11", "fixmedins_setl_cnt": 2, **total}
    )
    assert ok["stmtinfo"]["stmt_rslt"] == "0"
    bad = bt.send(
        "3201", {**period, "insutype": "310", "clr_type": "11", "fixmedins_setl_cnt": 1, **total}
    )
    assert (
        bad["stmtinfo"]["stmt_rslt"] == "1"
        and "fixmedins_setl_cnt" in bad["stmtinfo"]["stmt_rslt_dscr"]
    )

    def row(info, **over):
        return {
            "psn_no": info["psn_no"],
            "mdtrt_id": info["mdtrt_id"],
            "setl_id": info["setl_id"],
            "medfee_sumamt": info["medfee_sumamt"],
            "fund_pay_sumamt": info["fund_pay_sumamt"],
            "acct_pay": info["acct_pay"],
            **over,
        }

    sums = {
        "medfee_sumamt": total["medfee_sumamt"],
        "fund_pay_sumamt": total["fund_pay_sumamt"],
        "cash_payamt": "0.00",
    }
    good = bt.send("3202", {**period, **sums, "fixmedins_setl_cnt": 2, "details": [row(a), row(b)]})
    assert good["stmtinfo"]["stmt_rslt"] == "0"
    wrong = bt.send(
        "3202",
        {**period, **sums, "fixmedins_setl_cnt": 2, "details": [row(a, medfee_sumamt="1.00")]},
    )
    memos = {r["setl_id"]: r for r in wrong["result"]}
    assert memos[a["setl_id"]]["stmt_rslt"] == "1" and memos[b["setl_id"]]["stmt_rslt"] == "1"
    assert "医院未上传" in memos[b["setl_id"]]["memo"]


def test_2204_result_and_retry(bt, people):
    aili = people["艾力·买买提"]
    mdtrt_id = bt.open_visit(aili.psn_no, "310", ("02", aili.certno), "11", "MZ-X")
    line = {
        "feedetl_sn": "1",
        "mdtrt_id": mdtrt_id,
        "psn_no": aili.psn_no,
        "chrg_bchno": "B1",
        "medins_list_codg": "HE00031",
        "pric": "150.00",
        "cnt": "1",
        "det_item_fee_sumamt": "150.00",
    }
    out = bt.send("2204", {"feedetail": [line]})["result"][0]
    # 胸部DR: ceiling 120, 乙类 20% → 30 over, 24 先行自付, 96 in scope (reference §2.4).
    assert (out["overlmt_amt"], out["preselfpay_amt"], out["inscp_scp_amt"]) == (
        D("30.00"),
        D("24.00"),
        D("96.00"),
    )
    assert bt.send("2204", {"feedetail": [line]})["result"][0] == out  # an identical re-upload
    with pytest.raises(Refused, match="已上传且内容不同"):
        bt.send("2204", {"feedetail": [{**line, "cnt": "2", "det_item_fee_sumamt": "300.00"}]})


def test_clock_is_injected(bt, people, clock):
    visit = open_visit(bt, people["艾力·买买提"])
    clock.advance(minutes=5)
    info = visit.settle()["setlinfo"]
    assert info["setl_time"] == "2025-06-15 09:35:00"
    assert info["setl_id"].startswith("65270020250615")
    assert NOW.year == 2025


def test_refund_reversed_then_refunded_again(bt, engine, people):
    aziz, aili = people["艾孜买提·艾力"], people["艾力·买买提"]
    visit = open_visit(bt, aziz)
    before = snapshot(engine)
    info = visit.settle(givers=[aili.psn_no])["setlinfo"]
    refund = {"setl_id": info["setl_id"], "mdtrt_id": visit.mdtrt_id, "psn_no": aziz.psn_no}
    bt.send("2208", refund, "R-1")
    bt.send("2601", {"psn_no": aziz.psn_no, "omsgid": "R-1", "oinfno": "2208"})
    again = bt.send("2208", refund, "R-2")["setlinfo"]
    assert again["orig_setl_id"] == info["setl_id"]
    after = snapshot(engine)
    assert after["balances"] == before["balances"] and after["quota"] == before["quota"]
    _clean(engine)

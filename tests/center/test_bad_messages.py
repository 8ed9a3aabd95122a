"""Bad messages answer infcode -1 with a clear err_msg, and change nothing."""

from __future__ import annotations

import pytest
from center_helpers import open_visit, snapshot


@pytest.fixture
def setting(bt, people):
    """A visit with an uploaded batch, so bad 2206/2207/2208 have something to aim at."""
    visit = open_visit(bt, people["艾孜买提·艾力"])
    settled = open_visit(bt, people["艾力·买买提"]).settle()["setlinfo"]
    return visit, settled


def bad_messages(visit, settled, people):
    aili = people["艾力·买买提"]
    good = visit.input(givers=[aili.psn_no])
    refund = {
        "setl_id": settled["setl_id"],
        "mdtrt_id": settled["mdtrt_id"],
        "psn_no": settled["psn_no"],
    }
    H = visit.station.fixmedins_code

    def m(infno, data, **env):
        return {
            "infno": infno,
            "fixmedins_code": H,
            "msgid": env.pop("msgid", None),
            "input": data,
            **env,
        }

    return {
        "not an object": ["2207"],
        "no infno": {"input": {}},
        "unknown infno": m("9999", {}),
        "infno not a string": {"infno": 2207, "input": good},
        "input missing": {"infno": "2207", "fixmedins_code": H},
        "input not an object": m("2207", ["x"]),
        "msgid not a string": m("2207", good, msgid=12345),
        "missing field": m("2207", {k: v for k, v in good.items() if k != "chrg_bchno"}),
        "amount as float": m("2207", {**good, "medfee_sumamt": 12.5}),
        "amount with 3 decimals": m("2207", {**good, "medfee_sumamt": "12.505"}),
        "flag as int": m("2207", {**good, "acct_used_flag": 1}),
        "unknown med_type": m("2207", {**good, "med_type": "99"}),
        "givers not a list": m(
            "2207", {**good, "exp_content": {"mulaid_psn_nos": "6527000000000001"}}
        ),
        "unknown giver": m(
            "2207", {**good, "exp_content": {"mulaid_psn_nos": ["6527009999999999"]}}
        ),
        "giver twice": m(
            "2207", {**good, "exp_content": {"mulaid_psn_nos": [aili.psn_no, aili.psn_no]}}
        ),
        "wrong total": m("2207", {**good, "medfee_sumamt": "1.00"}),
        "wrong split echo": m("2207", {**good, "inscp_scp_amt": "0.01"}),
        "unknown batch": m("2207", {**good, "chrg_bchno": "NOPE"}),
        "unknown visit": m("2207", {**good, "mdtrt_id": "999999999999"}),
        "someone else's visit": m("2207", {**good, "psn_no": aili.psn_no}),
        "unknown psn_no in 2201": m(
            "2201",
            {
                "psn_no": "6527009999999999",
                "insutype": "310",
                "begntime": "2025-06-15 09:00:00",
                "mdtrt_cert_type": "02",
                "mdtrt_cert_no": aili.certno,
                "ipt_otp_no": "X1",
            },
        ),
        "unknown institution": {
            **m("1101", {"mdtrt_cert_type": "02", "mdtrt_cert_no": aili.certno}),
            "fixmedins_code": "H00000000000",
        },
        "bad cert type": m("1101", {"mdtrt_cert_type": "09", "mdtrt_cert_no": aili.certno}),
        "2204 unknown item": m(
            "2204",
            {
                "feedetail": [
                    {
                        "feedetl_sn": "9",
                        "mdtrt_id": visit.mdtrt_id,
                        "psn_no": visit.person.psn_no,
                        "chrg_bchno": "B7",
                        "medins_list_codg": "NOPE",
                        "pric": "1.00",
                        "cnt": "1",
                        "det_item_fee_sumamt": "1.00",
                    }
                ]
            },
        ),
        "2204 wrong line total": m(
            "2204",
            {
                "feedetail": [
                    {
                        "feedetl_sn": "9",
                        "mdtrt_id": visit.mdtrt_id,
                        "psn_no": visit.person.psn_no,
                        "chrg_bchno": "B7",
                        "medins_list_codg": "HD00001",
                        "pric": "12.50",
                        "cnt": "2",
                        "det_item_fee_sumamt": "20.00",
                    }
                ]
            },
        ),
        "2204 negative count": m(
            "2204",
            {
                "feedetail": [
                    {
                        "feedetl_sn": "9",
                        "mdtrt_id": visit.mdtrt_id,
                        "psn_no": visit.person.psn_no,
                        "chrg_bchno": "B7",
                        "medins_list_codg": "HD00001",
                        "pric": "12.50",
                        "cnt": "-2",
                        "det_item_fee_sumamt": "25.00",
                    }
                ]
            },
        ),
        "2208 unknown setl_id": m("2208", {**refund, "setl_id": "NOPE"}),
        "2208 wrong person": m("2208", {**refund, "psn_no": visit.person.psn_no}),
        "2601 bad oinfno": m("2601", {"psn_no": aili.psn_no, "omsgid": "X", "oinfno": "2201"}),
        "3201 end before begin": m(
            "3201",
            {
                "insutype": "310",
                "clr_type": "11",
                "setl_optins": "652700",
                "stmt_begndate": "2025-06-30",
                "stmt_enddate": "2025-06-01",
                "medfee_sumamt": "0",
                "fund_pay_sumamt": "0",
                "acct_pay": "0",
                "fixmedins_setl_cnt": 0,
            },
        ),
        "5203 no key": m("5203", {"psn_no": aili.psn_no}),
    }


def test_bad_messages_change_nothing(setting, bt, engine, people):
    visit, settled = setting
    messages = bad_messages(visit, settled, people)
    before = snapshot(engine)
    for name, message in messages.items():
        answer = bt.center.handle(message)
        assert answer["infcode"] == -1, (name, answer)
        assert isinstance(answer["err_msg"], str) and 5 < len(answer["err_msg"]) < 400, (
            name,
            answer,
        )
        assert "\n" not in answer["err_msg"] and "Traceback" not in answer["err_msg"], name
    assert snapshot(engine) == before


def test_err_msg_names_the_field(setting, bt, people):
    visit, _ = setting
    answer = bt.center.handle(
        bt.message("2207", {k: v for k, v in visit.input().items() if k != "chrg_bchno"})
    )
    assert "chrg_bchno" in answer["err_msg"]
    answer = bt.center.handle(bt.message("2207", {**visit.input(), "medfee_sumamt": 12.5}))
    assert "medfee_sumamt" in answer["err_msg"]


def test_msgid_reused_for_a_different_request_is_refused_not_replayed(setting, bt, engine):
    visit, _ = setting
    info = bt.send("2207", visit.input(), "SAME-ID")["setlinfo"]
    before = snapshot(engine)
    # The same msgid and infno, but another (valid) request, as when a window restarts within the
    # second and its counter begins again: replaying the stored answer would answer the wrong one.
    other = {**visit.input(), "invono": "FP-0002"}
    answer = bt.center.handle(bt.message("2207", other, "SAME-ID"))
    assert answer["infcode"] == -1
    assert "msgid" in answer["err_msg"] and "different request" in answer["err_msg"]
    assert snapshot(engine) == before
    # The very same request again is still a retry: the stored answer, nothing done twice.
    again = bt.center.handle(bt.message("2207", visit.input(), "SAME-ID"))
    assert again["infcode"] == 0 and again["output"]["setlinfo"]["setl_id"] == info["setl_id"]
    assert snapshot(engine) == before


def test_msgid_reused_for_another_transaction(setting, bt, engine):
    visit, _ = setting
    bt.send("2206", visit.input())  # reads are not remembered
    info = bt.send("2207", visit.input(), "SAME-ID")["setlinfo"]
    before = snapshot(engine)
    refund = {"setl_id": info["setl_id"], "mdtrt_id": info["mdtrt_id"], "psn_no": info["psn_no"]}
    answer = bt.center.handle(bt.message("2208", refund, "SAME-ID"))  # a valid refund, a used msgid
    assert answer["infcode"] == -1 and "msgid" in answer["err_msg"]
    assert snapshot(engine) == before

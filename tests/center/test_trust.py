"""Trust boundaries (issue 9): every message that reads or writes a visit or a settlement names
its institution and sees only its own business; a replayed 2207 must be the same request."""

from __future__ import annotations

from decimal import Decimal

import pytest
from center_helpers import balance, open_visit, snapshot
from conftest import ZHAOTONG_HOSPITAL

D = Decimal


@pytest.fixture
def copay(bt, people):
    """A co-pay settlement at the Bortala hospital: 艾力 pays for his son 艾孜买提."""
    aziz, aili = people["艾孜买提·艾力"], people["艾力·买买提"]
    visit = open_visit(bt, aziz)
    msgid = "BT-COPAY-1"
    info = visit.settle(msgid=msgid, givers=[aili.psn_no])["setlinfo"]
    return visit, info, msgid, aili


def _without_code(message: dict) -> dict:
    return {k: v for k, v in message.items() if k != "fixmedins_code"}


def _as_other(message: dict) -> dict:
    return {**message, "fixmedins_code": ZHAOTONG_HOSPITAL}


def _messages(visit, info, msgid, aili) -> dict[str, dict]:
    st = visit.station
    refund = {"setl_id": info["setl_id"], "mdtrt_id": info["mdtrt_id"], "psn_no": info["psn_no"]}
    fee = {
        "feedetl_sn": "77",
        "mdtrt_id": visit.mdtrt_id,
        "psn_no": visit.person.psn_no,
        "chrg_bchno": "B9",
        "medins_list_codg": "HS00045",
        "pric": "10.00",
        "cnt": "1",
        "det_item_fee_sumamt": "10.00",
    }
    return {
        "2201": st.message(
            "2201",
            {
                "psn_no": visit.person.psn_no,
                "insutype": visit.person.enrolment.insutype.value,
                "begntime": "2025-06-15 09:00:00",
                "mdtrt_cert_type": "02",
                "mdtrt_cert_no": visit.person.certno,
                "ipt_otp_no": "MZ-TRUST-1",
            },
        ),
        "2203": st.message(
            "2203",
            {
                "mdtrtinfo": {
                    "mdtrt_id": visit.mdtrt_id,
                    "psn_no": visit.person.psn_no,
                    "med_type": "11",
                    "begntime": "2025-06-15 09:00:00",
                }
            },
        ),
        "2204": st.message("2204", {"feedetail": [fee]}),
        "2206": st.message("2206", visit.input(givers=[aili.psn_no])),
        "2207": st.message("2207", {**visit.input(givers=[aili.psn_no]), "chrg_bchno": "B2"}),
        "2208": st.message("2208", refund),
        "2601": st.message("2601", {"psn_no": info["psn_no"], "omsgid": msgid, "oinfno": "2207"}),
        "3201": st.message(
            "3201",
            {
                "insutype": "390",
                "clr_type": "11",
                "setl_optins": "652701",
                "stmt_begndate": "2025-06-15",
                "stmt_enddate": "2025-06-15",
                "medfee_sumamt": "0.00",
                "fund_pay_sumamt": "0.00",
                "acct_pay": "0.00",
                "fixmedins_setl_cnt": 0,
            },
        ),
        "3202": st.message(
            "3202",
            {
                "setl_optins": "652701",
                "stmt_begndate": "2025-06-15",
                "stmt_enddate": "2025-06-15",
                "medfee_sumamt": "0.00",
                "fund_pay_sumamt": "0.00",
                "cash_payamt": "0.00",
                "fixmedins_setl_cnt": 0,
            },
        ),
        "5203": st.message("5203", {"psn_no": info["psn_no"], "setl_id": info["setl_id"]}),
    }


INFNOS = ["2201", "2203", "2204", "2206", "2207", "2208", "2601", "3201", "3202", "5203"]


@pytest.mark.parametrize("infno", INFNOS)
def test_every_business_message_needs_its_institution(copay, engine, infno):
    visit, info, msgid, aili = copay
    before = snapshot(engine)
    answer = visit.station.center.handle(_without_code(_messages(visit, info, msgid, aili)[infno]))
    assert answer["infcode"] == -1 and answer["err_msg"].startswith("fixmedins_code")
    assert snapshot(engine) == before


@pytest.mark.parametrize("infno", ["2203", "2204", "2206", "2207", "2208", "2601", "5203"])
def test_another_institution_sees_nothing_of_ours(copay, engine, infno):
    visit, info, msgid, aili = copay
    before = snapshot(engine)
    answer = visit.station.center.handle(_as_other(_messages(visit, info, msgid, aili)[infno]))
    assert answer["infcode"] == -1, answer
    assert info["certno"] not in str(answer) and info["psn_name"] not in str(answer)
    assert snapshot(engine) == before


def test_2208_without_institution_moves_no_giver_money(copay, engine):
    """The probe: a 2208 without fixmedins_code gave the giver 3050.00 → 3200.00."""
    visit, info, msgid, aili = copay
    paid = balance(engine, aili.psn_no)
    assert paid < D("3200.00")
    message = _without_code(_messages(visit, info, msgid, aili)["2208"])
    assert visit.station.center.handle(message)["infcode"] == -1
    assert balance(engine, aili.psn_no) == paid


def test_5203_of_another_institution_answers_like_an_unknown_settlement(copay):
    visit, info, msgid, aili = copay
    theirs = visit.station.center.handle(_as_other(_messages(visit, info, msgid, aili)["5203"]))
    unknown = visit.station.center.handle(
        _as_other(
            visit.station.message("5203", {"psn_no": info["psn_no"], "setl_id": "NO-SUCH-SETL"})
        )
    )
    assert theirs["err_msg"] == unknown["err_msg"]


def test_a_msgid_of_another_institution_is_never_replayed(copay):
    """The same request under the same msgid from another institution gets no stored answer."""
    visit, _info, msgid, aili = copay
    answer = visit.station.center.handle(
        _as_other(visit.station.message("2207", visit.input(givers=[aili.psn_no]), msgid))
    )
    assert answer["infcode"] == -1 and "setlinfo" not in str(answer)


# ---------------------------------------------------------------- 4. a replayed 2207


def test_a_replayed_2207_must_be_the_same_request(bt, engine, people):
    aziz, aili, other = people["艾孜买提·艾力"], people["艾力·买买提"], people["古丽娜尔·吐尔逊"]
    visit = open_visit(bt, aziz)
    first = visit.settle(givers=[aili.psn_no])
    again = visit.answer(givers=[aili.psn_no])  # the same request, another msgid: the same answer
    assert again["infcode"] == 0 and again["output"] == first
    before = snapshot(engine)
    for changed in (
        visit.input(givers=[aili.psn_no], mdtrt_cert_no=other.certno),
        visit.input(givers=[aili.psn_no], medfee_sumamt="1.00"),
        visit.input(givers=[other.psn_no]),
    ):
        answer = bt.center.handle(bt.message("2207", changed))
        assert answer["infcode"] == -1 and answer["err_msg"].startswith("chrg_bchno"), answer
    assert snapshot(engine) == before


# ---------------------------------------------------------------- 3. loose amounts

LOOSE = ["１２", "١٢", "१२", "1_000", "1e2", "+12.50", "12.50\u00a0", "1e400", " 1 2", "0x10"]


@pytest.mark.parametrize("text", LOOSE)
def test_loose_amounts_are_refused_naming_the_field(bt, text):
    """3201 echoed "1e400" and friends back as totals (infcode 0); now they are refused."""
    answer = _3201(bt, text)
    assert answer["infcode"] == -1 and "medfee_sumamt" in answer["err_msg"], answer


@pytest.mark.parametrize("number", [D("0.00"), 0])
def test_json_numbers_for_amounts_are_read_exactly(bt, number):
    """#10: real clients send amounts as JSON numbers (C# decimal, BigDecimal): read as Decimal."""
    answer = _3201(bt, number)
    assert answer["infcode"] == 0 and answer["output"]["stmtinfo"]["stmt_rslt"] == "0", answer


@pytest.mark.parametrize("number", [D("1E+400"), 0.0, D("0.001"), True])
def test_floats_and_impossible_numbers_are_refused_by_the_center(bt, number):
    answer = _3201(bt, number)
    assert answer["infcode"] == -1 and "medfee_sumamt" in answer["err_msg"], answer


def _3201(bt, amount) -> dict:
    return bt.center.handle(
        bt.message(
            "3201",
            {
                "insutype": "310",
                "clr_type": "11",
                "setl_optins": "652701",
                "stmt_begndate": "2025-06-15",
                "stmt_enddate": "2025-06-15",
                "medfee_sumamt": amount,
                "fund_pay_sumamt": amount,
                "acct_pay": amount,
                "fixmedins_setl_cnt": 0,
            },
        )
    )


def test_minus_zero_is_zero_and_never_printed(bt):
    answer = _3201(bt, "-0.00")
    assert answer["infcode"] == 0 and answer["output"]["stmtinfo"]["stmt_rslt"] == "0"
    assert "-0" not in str(answer)
    assert _3201(bt, "1e400")["infcode"] == -1
    assert _3201(bt, "9" * 40)["infcode"] == -1


def test_an_optional_field_given_as_null_means_absent(bt, people):
    visit = open_visit(bt, people["艾力·买买提"])
    plain = bt.center.handle(bt.message("2206", visit.input()))
    nulled = bt.center.handle(bt.message("2206", {**visit.input(), "exp_content": None}))
    assert plain["infcode"] == 0 and nulled["infcode"] == 0
    amounts = ("medfee_sumamt", "fund_pay_sumamt", "acct_pay", "psn_cash_pay")
    assert [nulled["output"]["setlinfo"][k] for k in amounts] == [
        plain["output"]["setlinfo"][k] for k in amounts
    ]

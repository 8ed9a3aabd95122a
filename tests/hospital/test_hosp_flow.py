"""The cashier window end to end: identify → visit → lines → pre-settle → settle → refund → close."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pos.errors import PosError
from pos.services.views import TenderInput
from tests.hospital.helpers import (
    AILI,
    AIZMAT,
    AYNUR,
    BT_CLINIC,
    BT_PHARMACY,
    GULNAR,
    WUYUN,
    ZHANG_JIANHUA,
    ZHAO_GUIYING_TOKEN,
    ZT_HOSPITAL,
    checkout,
    drop_append_only_guards,
    pay,
    problems,
)


def test_minor_pays_with_fathers_copay(db, desk):
    patient = desk.identify(AIZMAT)
    assert patient.mdtrt_cert_type == "02"
    assert patient.insurance.insutype == "390"
    assert patient.pending_orders == ("RX-BT-001",)
    assert patient.certno_masked == "6527**********0152"
    visit = desk.open_visit("11")
    assert visit.loaded_orders == ("RX-BT-001",) and len(visit.lines) == 5
    assert visit.mdtrt_id and visit.status == "open"

    pre = desk.presettle()
    assert pre.setlinfo["acct_mulaid_pay"] == 0  # no giver chosen yet: the prompt lists them
    father = [o for o in pre.copay_options if o.usable]
    assert [o.giver_psn_no for o in father] == ["6527000000000001"]
    pre = desk.presettle(copay_givers=[father[0].giver_psn_no])
    assert (
        pre.setlinfo["acct_mulaid_pay"] == pre.setlinfo["psn_part_amt"]
    )  # all of it, quota allows
    assert pre.psn_cash_pay == 0

    out = desk.settle([])
    st = out.settlement
    assert st.kind == "settle" and st.receipt_no == "MZ202500000001"
    assert st.amounts["acct_mulaid_pay"] == pre.setlinfo["acct_mulaid_pay"]
    assert [d["giver_psn_no"] for d in st.mulaid_detail] == ["6527000000000001"]
    assert len(out.fee_lines) == 5 and all(ln.split for ln in out.fee_lines)
    assert desk.current_visit().status == "settled"
    assert problems(db) == []


def test_two_givers_in_order_then_cash_with_change(db, desk):
    desk.identify(AYNUR)
    desk.open_visit("11")
    options = desk.presettle().copay_options
    givers = [o.giver_psn_no for o in options if o.usable]
    assert givers == ["6527000000000001", "6527000000000002"]
    pre = desk.presettle(copay_givers=givers)
    taken = {d["giver_psn_no"]: Decimal(d["amount"]) for d in pre.mulaid_detail}
    assert taken["6527000000000001"] == Decimal("500.00")  # father's quota first, to the limit
    due = pre.psn_cash_pay
    out = desk.settle([TenderInput("cash", due, tendered=due + Decimal("20.00"))])
    assert out.settlement.change == Decimal("20.00")
    assert out.settlement.tenders[0].tendered - out.settlement.tenders[0].amount == Decimal("20.00")
    assert problems(db) == []


def test_settle_twice_returns_the_first_settlement(db, desk):
    pre, first = checkout(desk, AIZMAT)
    again = desk.settle(pay(pre.psn_cash_pay))
    assert again.already and again.settlement.setl_id == first.settlement.setl_id
    assert len(desk.settlements()) == 1
    assert problems(db) == []


def test_split_tender_must_add_up_exactly(desk):
    desk.identify(AILI)
    desk.open_visit("11")
    desk.add_line("HS00045", "1")
    desk.add_line("HE00031", "1")
    pre = desk.presettle(acct_used=False)
    due = pre.psn_cash_pay
    assert due > 0
    with pytest.raises(PosError) as e:
        desk.settle([TenderInput("wechat", due - Decimal("0.01"))])
    assert e.value.code == "TENDER_MISMATCH"
    with pytest.raises(PosError) as e:
        desk.settle([TenderInput("alipay", due, tendered=due + 1)])
    assert e.value.code == "TENDER_CHANGE"
    with pytest.raises(PosError) as e:
        desk.settle([TenderInput("cheque", due)])
    assert e.value.code == "TENDER_BAD_METHOD"
    half = (due / 2).quantize(Decimal("0.01"))
    out = desk.settle(
        [TenderInput("bank_card", half), TenderInput("cash", due - half, tendered=Decimal("500"))]
    )
    assert [t.method for t in out.settlement.tenders] == ["bank_card", "cash"]
    assert sum(t.amount for t in out.settlement.tenders) == due


def test_lines_are_validated_and_a_change_needs_a_new_presettle(desk):
    desk.identify(AIZMAT)
    visit = desk.open_visit("11")
    with pytest.raises(PosError) as e:
        desk.add_line("HX99999", "1")
    assert e.value.code == "LINE_UNKNOWN_ITEM"
    for bad in ("0", "-1", "abc", "1.23456", "100000", 1.5):
        with pytest.raises(PosError) as e:
            desk.add_line("HD00004", bad)
        assert e.value.code == "LINE_BAD_QTY", bad
    pre = desk.presettle()
    line = desk.add_line("HD00004", "2")
    assert line.line_no == len(visit.lines) + 1 and line.amount == Decimal("13.60")
    with pytest.raises(PosError) as e:
        desk.settle(pay(pre.psn_cash_pay))
    assert e.value.code == "PRESETTLE_REQUIRED"
    desk.edit_line(line.line_no, "3")
    desk.remove_line(1)
    assert next(ln.line_no for ln in desk.current_visit().lines) == 2
    pre = desk.presettle()
    assert pre.setlinfo["medfee_sumamt"] == desk.current_visit().total
    with pytest.raises(PosError) as e:
        desk.edit_line(99, "1")
    assert e.value.code == "LINE_UNKNOWN"


def test_stale_presettle_is_refused(desk, desk_at):
    desk.identify(AIZMAT)
    visit = desk.open_visit("11")
    pre = desk.presettle()
    other = desk_at("H65270100001-02", "1002", "222222")
    other.resume_visit(visit.visit_id)
    other.add_line("HD00004", "1")  # another window changed the bill after our pre-settlement
    with pytest.raises(PosError) as e:
        desk.settle(pay(pre.psn_cash_pay))
    assert e.value.code == "PRESETTLE_STALE"


def test_pharmacy_sells_goods_but_accounts_do_not_pay_for_them(db, desk_at):
    desk = desk_at(BT_PHARMACY, "1201")
    desk.identify(AILI)
    with pytest.raises(PosError) as e:
        desk.open_visit("11")
    assert e.value.code == "VISIT_BAD_MED_TYPE"
    visit = desk.open_visit("41")
    assert visit.loaded_orders == ("RX-BT-003",)
    with pytest.raises(PosError) as e:
        desk.add_line("HE00031", "1")  # an X-ray at a pharmacy
    assert e.value.code == "LINE_NOT_SOLD_HERE"
    pre = desk.presettle(acct_used=True)
    assert pre.setlinfo["acct_pay"] > 0
    assert pre.psn_cash_pay >= Decimal("45.00")  # the 保温杯 is cash only
    desk.settle(pay(pre.psn_cash_pay, "alipay"))
    assert problems(db) == []


def test_refusals_name_the_reason(desk, desk_at):
    with pytest.raises(PosError) as e:
        desk.identify("652701201406010153")  # check digit wrong
    assert e.value.code == "SCAN_BAD_IDCARD"
    desk.identify(WUYUN)
    with pytest.raises(PosError) as e:
        desk.open_visit("11")
    assert e.value.code == "PATIENT_NOT_INSURED" and "终止参保" in e.value.message_zh
    clinic = desk_at(BT_CLINIC, "1901")
    clinic.identify(GULNAR)
    with pytest.raises(PosError) as e:
        clinic.open_visit("11")
    assert e.value.code == "INSTITUTION_NOT_DESIGNATED"
    with pytest.raises(PosError) as e:
        desk_at(BT_CLINIC).identify(GULNAR)
    assert e.value.code == "AUTH_REQUIRED"


def test_family_account_code_identifies_the_relative(desk_at):
    desk = desk_at(ZT_HOSPITAL, "2001")
    patient = desk.identify(ZHAO_GUIYING_TOKEN)
    assert patient.mdtrt_cert_type == "01"
    assert patient.psn_name == "赵桂英"
    assert patient.shown_by and patient.shown_by["psn_no"] == "5306000000000005"


def test_full_refund_is_a_negated_copy(db, desk):
    _pre, out = checkout(desk, AYNUR)
    orig = out.settlement
    refund = desk.refund(orig.setl_id)
    r = refund.refund
    assert r.kind == "refund" and r.reverses_setl_id == orig.setl_id
    assert r.receipt_no == "HC202500000001"
    for name in ("medfee_sumamt", "fund_pay_sumamt", "acct_pay", "acct_mulaid_pay", "psn_cash_pay"):
        assert r.amounts[name] == -orig.amounts[name]
    assert [(t.method, t.amount) for t in r.tenders] == [
        (t.method, -t.amount) for t in orig.tenders
    ]
    assert refund.original.refunded_by == r.setl_id
    assert refund.reopened_visit is None
    assert desk.visit_view(orig.visit_id).status == "refunded"
    with pytest.raises(PosError) as e:
        desk.refund(orig.setl_id)
    assert e.value.code == "REFUND_ALREADY"
    assert problems(db) == []


def test_partial_refund_reverses_all_then_resettles_the_rest(db, desk):
    _, out = checkout(desk, AYNUR)
    orig = out.settlement
    refund = desk.refund(orig.setl_id, keep_line_nos=[1, 2])
    visit = refund.reopened_visit
    assert visit is not None and visit.status == "open"
    assert [ln.medins_list_codg for ln in visit.lines] == ["HS00043", "HS00045"]
    pre = desk.presettle()
    again = desk.settle(pay(pre.psn_cash_pay))
    assert (
        again.settlement.visit_id == orig.visit_id
        and again.settlement.chrg_bchno != orig.chrg_bchno
    )
    assert again.settlement.amounts["medfee_sumamt"] == Decimal("11.00")
    with pytest.raises(PosError) as e:
        desk.refund(again.settlement.setl_id, keep_line_nos=[1, 2])
    assert e.value.code == "REFUND_NOTHING"
    assert problems(db) == []


def test_lost_settle_response_is_reversed_then_settled_once(db, desk, center_for):
    center = center_for(db)
    desk.identify(AIZMAT)
    desk.open_visit("11")
    pre = desk.presettle()
    center.faults.lose_response_after_commit = {"2207"}
    center.faults.once = True
    with pytest.raises(PosError) as e:
        desk.settle(pay(pre.psn_cash_pay))
    assert e.value.code == "SETTLE_RESPONSE_LOST"
    lost = desk.pending_reversals()
    assert [c.infno for c in lost] == ["2207"]
    assert any("unknown outcome" in p for p in problems(db))  # check names it …
    assert any("not on the hospital's books" in p for p in problems(db))  # … and the orphan
    with pytest.raises(PosError) as e:
        desk.settle(pay(pre.psn_cash_pay))  # cannot settle blindly over an unknown outcome
    assert e.value.code == "SETTLE_IN_FLIGHT"
    with pytest.raises(PosError) as e:
        desk.day_close()
    assert e.value.code == "DAYCLOSE_OPEN_CALLS"
    desk.reverse_lost(lost[0].msgid)
    assert desk.pending_reversals() == []
    out = desk.settle(pay(pre.psn_cash_pay))
    assert not out.already and out.settlement.receipt_no == "MZ202500000001"
    assert problems(db) == []


def test_day_close_takes_each_settlement_exactly_once(db, desk, desk_at, clock):
    checkout(desk, AIZMAT)
    _, second = checkout(desk, AYNUR)
    desk.refund(second.settlement.setl_id)
    other = desk_at("H65270100001-02", "1002", "222222")
    checkout(other, ZHANG_JIANHUA)  # another cashier's work is not in 1001's close
    clock.advance(hours=8)
    close = desk.day_close()
    assert (close.settle_count, close.refund_count) == (2, 1)
    assert close.psn_cash_pay == sum(
        s.amounts["psn_cash_pay"] for s in desk.settlements() if s.cashier_no == "1001"
    )
    assert "MZ202500000001–MZ202500000002" in close.receipts and "HC202500000001" in close.receipts
    with pytest.raises(PosError) as e:
        desk.day_close()  # nothing since the last close: the period is closed once
    assert e.value.code == "DAYCLOSE_ALREADY"
    assert problems(db) == []


def test_reconciliation_balances_and_finds_what_only_the_center_has(db, desk, center_for):
    checkout(desk, AIZMAT)
    view = desk.reconcile()
    assert view.balanced and view.lines[0].setl_cnt == 1 and view.mismatches == ()
    # A lost response nobody reversed: the center has a settlement the hospital never recorded.
    center = center_for(db)
    desk.identify(AYNUR)
    desk.open_visit("11")
    pre = desk.presettle()
    center.faults.lose_response_after_commit = {"2207"}
    center.faults.once = True
    with pytest.raises(PosError):
        desk.settle(pay(pre.psn_cash_pay))
    view = desk.reconcile()
    assert not view.balanced
    assert [m["stmt_rslt"] for m in view.mismatches] == ["1"]
    assert "missing at the hospital" in view.mismatches[0]["memo"]


def test_the_database_refuses_to_rewrite_money_rows(db, desk):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    checkout(desk, AYNUR)
    for sql in (
        "UPDATE hosp_settlements SET psn_cash_pay = 0",
        "DELETE FROM hosp_tenders",
        "UPDATE hosp_audit_log SET actor = 'x'",
        "DELETE FROM hosp_fee_lines",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(sql))
    assert problems(db) == []


def test_check_names_tampering(db, desk):
    from sqlalchemy import text

    checkout(desk, AYNUR)
    drop_append_only_guards(db)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE hosp_tenders SET amount = amount + 1"))
        conn.execute(text("UPDATE hosp_audit_log SET payload = '{}' WHERE seq = 2"))
    found = problems(db)
    assert any("tenders add up to" in p for p in found)
    assert any("audit: entry 2" in p for p in found)


def test_money_rows_refuse_updates_through_the_orm(db, desk):
    from pos.store.models import Settlement

    checkout(desk, AIZMAT)
    with pytest.raises(PermissionError), db.transaction() as s:
        row = s.query(Settlement).one()
        row.psn_cash_pay = Decimal("1.00")
        s.flush()
    with pytest.raises(PermissionError), db.transaction() as s:
        s.delete(s.query(Settlement).one())
        s.flush()
    assert problems(db) == []


def test_lost_upload_answer_is_a_retry_not_a_stuck_batch(db, desk, center_for):
    center = center_for(db)
    desk.identify(AIZMAT)
    desk.open_visit("11")
    center.faults.lose_response_after_commit = {"2204"}
    center.faults.once = True
    with pytest.raises(PosError) as e:
        desk.presettle()
    assert e.value.code == "CENTER_NO_RESPONSE"
    desk.edit_line(1, "2")  # the bill changes before the retry: a new batch number, no conflict
    pre = desk.presettle()
    desk.settle(pay(pre.psn_cash_pay))
    assert problems(db) == []


def test_lost_refund_answer_is_reversed_then_refunded(db, desk, center_for):
    center = center_for(db)
    _, out = checkout(desk, AYNUR)
    center.faults.lose_response_after_commit = {"2208"}
    center.faults.once = True
    with pytest.raises(PosError) as e:
        desk.refund(out.settlement.setl_id)
    assert e.value.code == "REFUND_RESPONSE_LOST"
    (lost,) = desk.pending_reversals()
    assert lost.infno == "2208"
    desk.reverse_lost(lost.msgid)
    assert desk.pending_reversals() == []
    assert problems(db) == []  # the refund never happened, on either side


def test_refund_again_after_a_reversed_refund(db, desk, center_for):
    center = center_for(db)
    _, out = checkout(desk, AYNUR)
    center.faults.lose_response_after_commit = {"2208"}
    center.faults.once = True
    with pytest.raises(PosError):
        desk.refund(out.settlement.setl_id)
    desk.reverse_lost(desk.pending_reversals()[0].msgid)
    refund = desk.refund(out.settlement.setl_id)
    assert refund.refund.amounts["medfee_sumamt"] == -out.settlement.amounts["medfee_sumamt"]
    assert problems(db) == []


def test_cancelled_visit_gives_its_orders_back(desk):
    desk.identify(AIZMAT)
    first = desk.open_visit("11")
    desk.cancel_visit()
    assert desk.current_visit() is None
    assert desk.visit_view(first.visit_id).status == "cancelled"
    assert desk.identify(AIZMAT).pending_orders == ("RX-BT-001",)
    second = desk.open_visit("11")
    assert second.loaded_orders == ("RX-BT-001",) and len(second.lines) == 5
    with pytest.raises(PosError) as e:
        desk.resume_visit(first.visit_id) and desk.add_line("HD00004", "1")
    assert e.value.code == "VISIT_CLOSED"


def test_catalog_search_by_code_name_or_pinyin(desk, desk_at):
    assert [i.medins_list_codg for i in desk.search_catalog("amxl")] == ["HD00001"]
    assert [i.name for i in desk.search_catalog("阿莫西林")] == ["阿莫西林胶囊"]
    assert desk.search_catalog("he0003")[0].medins_list_codg.startswith("HE0003")
    assert desk.search_catalog("  ") == []
    pharmacy = desk_at(BT_PHARMACY, "1201")
    assert pharmacy.search_catalog("HE") == []  # no examinations at a pharmacy


def test_the_message_log_shows_the_platforms_shapes(desk):
    """#10: the desk sends input.data where the platform does and reads the real answers; the F9
    log keeps both as they crossed the wire (amounts as numbers, read as Decimal)."""
    desk.identify(AIZMAT)
    desk.open_visit("11")
    desk.presettle()
    log = {ex.infno: ex for ex in desk.exchanges()}
    for infno in ("1101", "2201", "2206"):
        assert set(log[infno].request["input"]) == {"data"}, infno
    assert "feedetail" in log["2204"].request["input"]
    assert log["2206"].request["input"]["data"]["exp_content"] == {
        "mulaid_psn_nos": [],  # the prompt has not run: explicitly no co-pay
        "copay_proof_checked": False,
    }
    assert isinstance(log["2206"].request["input"]["data"]["medfee_sumamt"], Decimal)
    assert set(log["2201"].response["output"]["data"]) == {"mdtrt_id", "psn_no", "ipt_otp_no"}
    info = log["2206"].response["output"]["setlinfo"]
    assert isinstance(info["medfee_sumamt"], Decimal) and "own_acct_pay" not in info
    assert (
        log["2206"].response["err_msg"] is None and len(log["2206"].response["respond_time"]) == 17
    )


def test_a_refused_settlement_voids_its_presettlement(db, desk, desk_at):
    """Between 2206 and 2207 the father's quota for AIZMAT is spent at a pharmacy: the 2207 is
    refused, and the pre-settlement it was built on can no longer be settled or tendered."""
    desk.identify(AIZMAT)
    desk.open_visit("11")
    father = [o.giver_psn_no for o in desk.presettle().copay_options if o.usable]
    pre = desk.presettle(copay_givers=father)
    assert pre.setlinfo["acct_mulaid_pay"] > 0

    pharmacy = desk_at(BT_PHARMACY, "1201")
    pharmacy.identify(AIZMAT)
    pharmacy.open_visit("41")
    pharmacy.add_line("HD00001", "150")  # 1,875.00: more than the father's quota for the boy
    mine = pharmacy.presettle()
    mine = pharmacy.presettle(copay_givers=[o.giver_psn_no for o in mine.copay_options if o.usable])
    assert sum(Decimal(d["amount"]) for d in mine.mulaid_detail) > 0
    pharmacy.settle(pay(mine.psn_cash_pay))

    with pytest.raises(PosError) as refused:
        desk.settle(pay(pre.psn_cash_pay))
    assert refused.value.code == "SETTLE_REFUSED"
    assert "F5" in refused.value.message_zh
    with pytest.raises(PosError) as again:  # the old split is gone: pre-settle again first
        desk.settle(pay(pre.psn_cash_pay))
    assert again.value.code == "PRESETTLE_REQUIRED"
    fresh = desk.presettle()
    assert all(o.giver_psn_no not in father or not o.usable for o in fresh.copay_options)
    desk.settle(pay(fresh.psn_cash_pay))
    assert problems(db) == []


def test_a_settlement_that_differs_is_reversed_and_voids_its_presettlement(db, desk, monkeypatch):
    """Defence in depth: should the center settle a different cash part than pre-settled, the
    desk reverses it and the old split cannot be settled again; a fresh one settles once."""
    desk.identify(AIZMAT)
    desk.open_visit("11")
    pre = desk.presettle()
    real_call = desk.link.call

    def other_cash_part(infno, data, **kw):
        out = real_call(infno, data, **kw)
        if infno == "2207":
            out = {**out, "setlinfo": {**out["setlinfo"], "psn_cash_pay": "0.01"}}
        return out

    monkeypatch.setattr(desk.link, "call", other_cash_part)
    with pytest.raises(PosError) as changed:
        desk.settle(pay(pre.psn_cash_pay))
    assert changed.value.code == "SETTLE_AMOUNT_CHANGED"
    monkeypatch.setattr(desk.link, "call", real_call)
    with pytest.raises(PosError) as again:
        desk.settle(pay(pre.psn_cash_pay))
    assert again.value.code == "PRESETTLE_REQUIRED"
    fresh = desk.presettle()
    out = desk.settle(pay(fresh.psn_cash_pay))
    assert out.settlement.kind == "settle" and len(desk.settlements()) == 1
    assert problems(db) == []

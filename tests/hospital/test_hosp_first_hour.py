"""Issue #8 at the desk: what a new user met in the first hour, each with its regression."""

from __future__ import annotations

from tests.hospital.helpers import AILI, AIZMAT, BT_CLINIC, GULNAR, WUYUN, checkout, problems

# ------------------------------------------------------------------ #8.1 an abandoned visit


def test_next_patient_gives_the_orders_back(db, desk):
    desk.identify(AIZMAT)
    assert len(desk.open_visit("11").lines) == 5
    desk.clear_patient()  # F10 (twice) or quit
    patient = desk.identify(AIZMAT)
    assert patient.pending_orders == ("RX-BT-001",)
    assert len(desk.open_visit("11").lines) == 5
    assert problems(db) == []


def test_a_new_scan_gives_the_previous_visits_orders_back(desk):
    desk.identify(AIZMAT)
    desk.open_visit("11")
    desk.identify(AILI)  # the cashier moved on without settling
    assert desk.identify(AIZMAT).pending_orders == ("RX-BT-001",)
    assert len(desk.open_visit("11").lines) == 5


def test_another_med_type_gives_the_orders_back(desk):
    desk.identify(AIZMAT)
    desk.open_visit("11")
    desk.open_visit("11")  # F3: the same or another 医疗类别 opens a new visit
    assert len(desk.current_visit().lines) == 5


def test_a_settled_visit_is_not_abandoned(db, desk):
    _, done = checkout(desk, AIZMAT)
    desk.clear_patient()
    assert desk.visit_view(done.settlement.visit_id).status == "settled"
    assert desk.identify(AIZMAT).pending_orders == ()
    assert problems(db) == []


def test_abandoning_is_audited(db, desk):
    from sqlalchemy import select

    from pos.store.models import AuditEntry

    desk.identify(AIZMAT)
    visit = desk.open_visit("11")
    desk.clear_patient()
    with db.reading() as s:
        actions = s.scalars(
            select(AuditEntry.action).where(AuditEntry.subject == visit.ipt_otp_no)
        ).all()
    assert actions[-1] == "visit.cancel"


# ------------------------------------------------------------------ #8.5 全自费


def test_terminated_insurance_settles_as_selfpay(db, desk):
    from decimal import Decimal

    import pytest

    from pos.errors import PosError
    from pos.services.views import TenderInput

    desk.identify(WUYUN)
    with pytest.raises(PosError) as refused:
        desk.open_visit("11")
    assert refused.value.code == "PATIENT_NOT_INSURED" and "全自费" in refused.value.message_zh
    visit = desk.open_selfpay_visit("11")
    assert visit.selfpay and visit.lines and visit.mdtrt_id == ""
    sent = len(desk.exchanges())
    pre = desk.presettle()
    assert pre.psn_cash_pay == visit.total and pre.amount("fund_pay_sumamt") == 0
    assert pre.copay_options == ()
    done = desk.settle([TenderInput("wechat", pre.psn_cash_pay)])
    assert len(desk.exchanges()) == sent  # nothing went to the center
    st = done.settlement
    assert st.kind == "selfpay" and st.receipt_no == "MZ202500000001"
    assert st.amounts["fulamt_ownpay_amt"] == st.amounts["psn_cash_pay"] == visit.total
    assert [t.method for t in st.tenders] == ["wechat"]
    assert desk.settle([TenderInput("wechat", pre.psn_cash_pay)]).already  # never twice
    assert problems(db) == []
    close = desk.day_close()
    assert close.settle_count == 1 and close.tenders == {"wechat": visit.total}
    assert close.psn_cash_pay == visit.total and close.fund_pay_sumamt == Decimal("0.00")
    assert problems(db) == []


def test_selfpay_and_insured_share_the_receipt_series(db, desk):
    from pos.services.views import TenderInput

    checkout(desk, AIZMAT)
    desk.identify(AILI)  # insured, but declines insurance: 全自费 on request
    desk.open_selfpay_visit("11")
    desk.add_line(desk.catalog()[0].medins_list_codg, "1")
    pre = desk.presettle()
    done = desk.settle([TenderInput("cash", pre.psn_cash_pay, tendered=pre.psn_cash_pay + 10)])
    assert done.settlement.receipt_no == "MZ202500000002" and done.settlement.change == 10
    assert problems(db) == []


def test_selfpay_at_a_non_designated_clinic(db, desk_at):
    from pos.services.views import TenderInput

    clinic = desk_at(BT_CLINIC, "1901")
    clinic.identify(GULNAR)
    visit = clinic.open_selfpay_visit("11")
    assert visit.lines  # her order at the clinic
    pre = clinic.presettle()
    done = clinic.settle([TenderInput("alipay", pre.psn_cash_pay)])
    assert done.settlement.kind == "selfpay"
    assert problems(db) == []


def test_db_check_names_a_selfpay_row_with_insurance_money(db, desk):
    from pos.services.views import TenderInput
    from tests.hospital.helpers import drop_append_only_guards

    desk.identify(WUYUN)
    desk.open_selfpay_visit("11")
    pre = desk.presettle()
    done = desk.settle([TenderInput("cash", pre.psn_cash_pay)])
    drop_append_only_guards(db)
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE hosp_settlements SET hifp_pay = 1, fund_pay_sumamt = 1 WHERE setl_id = ?"
            if db.engine.dialect.name == "sqlite"
            else "UPDATE hosp_settlements SET hifp_pay = 1, fund_pay_sumamt = 1 WHERE setl_id = %s",
            (done.settlement.setl_id,),
        )
    assert any("全自费" in p for p in problems(db))


def test_selfpay_reprints_from_the_books_without_insurance_lines(db, desk, tmp_path, capsys):
    from pos.cli import main
    from pos.services.views import TenderInput

    desk.identify(WUYUN)
    desk.open_selfpay_visit("11")
    pre = desk.presettle()
    done = desk.settle([TenderInput("bank_card", pre.psn_cash_pay)])
    if db.engine.dialect.name != "sqlite":
        return
    assert main(["--db", db.url, "receipt", "list"]) == 0
    assert "全自费" in capsys.readouterr().out
    no = done.settlement.receipt_no
    assert main(["--db", db.url, "receipt", "show", no, "--format", "text"]) == 0
    text = capsys.readouterr().out
    assert "补打" in text and "全自费" in text and "医保统筹基金支付" not in text


# ------------------------------------------------------------------ #8.3 receipt files


def test_receipts_of_two_institutions_and_a_reprint_never_overwrite(db, desk, desk_at, tmp_path):
    """Fixed by the printing merge (pos/printing/sinks.py); this holds it at the desk: 博州's and
    昭通's MZ…0001 and a 补打 are three files side by side in one folder."""
    from pos.config import PrinterSettings
    from tests.hospital.helpers import ZT_HOSPITAL

    printer = PrinterSettings(target=str(tmp_path / "out"), format="text")
    _, bt = checkout(desk, AIZMAT)
    zt_desk = desk_at(ZT_HOSPITAL, "2001")
    _, zt = checkout(zt_desk, "530602201702070717", copay_proof_checked=True)
    assert bt.settlement.receipt_no == zt.settlement.receipt_no == "MZ202500000001"
    first = desk.print_receipt(bt, printer)
    other = zt_desk.print_receipt(zt, printer)
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(files) == 2 and first != other
    assert files == [
        "H53060200001_MZ202500000001_all_r0.txt",
        "H65270100001_MZ202500000001_all_r0.txt",
    ]
    original = (tmp_path / "out" / files[1]).read_text(encoding="utf-8")
    again = desk.print_receipt(bt, printer)  # the same print twice: a new file, never the old one
    assert again != first and (tmp_path / "out" / files[1]).read_text(encoding="utf-8") == original
    assert len(list((tmp_path / "out").iterdir())) == 3


# ------------------------------------------------------------------ #8.6 smaller things


def test_the_failure_that_locks_says_locked_and_until_when(desk_at):
    import pytest

    from pos.auth import MAX_FAILURES
    from pos.errors import PosError
    from tests.hospital.helpers import BT_HOSPITAL

    desk = desk_at(BT_HOSPITAL)
    answers = []
    for _ in range(MAX_FAILURES + 1):
        with pytest.raises(PosError) as e:
            desk.login("1002", "000000")
        answers.append(e.value)
    assert [a.code for a in answers[: MAX_FAILURES - 1]] == ["AUTH_FAILED"] * (MAX_FAILURES - 1)
    for locked in answers[MAX_FAILURES - 1 :]:  # the fifth already, and the sixth
        assert locked.code == "AUTH_LOCKED"
        assert "锁定至 09:45" in locked.message_zh and "until 09:45" in locked.message_en

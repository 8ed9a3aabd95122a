"""The back office, headless: find, 补打 / 重打 (a void is a new row), a supervisor's yes for a
refund, the day close with a blind count (over, short, closed once), X and Z reports, 3201 不平
fixed by 2601."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from pos.config import PrinterSettings
from pos.errors import PosError
from pos.printing.document import WIDTHS
from pos.services.views import DENOMINATIONS, DrawerCount
from pos.store.models import AuditEntry, ReceiptReissue, Settlement
from tests.hospital.helpers import AIZMAT, AYNUR, ZHANG_JIANHUA, checkout, pay, problems


def count_of(**pieces: int) -> DrawerCount:
    names = {"y100": "100", "y50": "50", "y20": "20", "y10": "10", "y5": "5", "y1": "1",
             "j5": "0.5", "j1": "0.1", "f5": "0.05", "f1": "0.01"}  # fmt: skip
    got = {names[k]: v for k, v in pieces.items()}
    return DrawerCount(tuple((d, got.get(d, 0)) for d in DENOMINATIONS))


def audit_rows(db, action: str) -> list[AuditEntry]:
    with db.reading() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.fixture
def printer(tmp_path) -> PrinterSettings:
    return PrinterSettings(target=str(tmp_path / "receipts"))


def test_find_today_by_receipt_by_patient_and_by_name(db, desk, desk_at):
    _, a = checkout(desk, AIZMAT)
    _, b = checkout(desk, AYNUR)
    other = desk_at("H65270100001-02", "1002", "222222")
    checkout(other, ZHANG_JIANHUA)  # another window and cashier: not in 1001's today list
    today = desk.find_settlements("")
    assert [r.receipt_no for r in today] == [b.settlement.receipt_no, a.settlement.receipt_no]
    [hit] = desk.find_settlements(a.settlement.receipt_no)
    assert hit.settlement.setl_id == a.settlement.setl_id and hit.refundable
    [hit] = desk.find_settlements(AYNUR)  # a 身份证 scan: 1101 says who it is
    assert hit.settlement.setl_id == b.settlement.setl_id
    name = b.settlement.psn_name
    assert [r.settlement.setl_id for r in desk.find_settlements(name[:2])] == [b.settlement.setl_id]
    assert desk.patient is not None  # finding never replaces the patient on the counter …
    assert desk.patient.psn_no == b.settlement.psn_no  # … (the last one identified at the desk)
    with pytest.raises(PosError) as e:
        desk.find_settlements("65270120201120026")  # 17 digits: not a credential, not a name
    assert e.value.code.startswith("SCAN_")
    record = desk.settlement_record(a.settlement.id)
    assert record.fee_lines and record.refund is None


def test_supervisor_approval_keeps_the_cashier_signed_in_and_is_audited(db, desk):
    _, out = checkout(desk, AYNUR)
    setl_id = out.settlement.setl_id
    with pytest.raises(PosError) as e:
        desk.approve("1009", "000000", action="refund", subject=setl_id, reason="开错药")
    assert e.value.code == "AUTH_FAILED"
    with pytest.raises(PosError) as e:
        desk.approve("1002", "222222", action="refund", subject=setl_id, reason="开错药")
    assert e.value.code == "AUTH_SUPERVISOR"
    with pytest.raises(PosError) as e:
        desk.approve("1009", "999999", action="refund", subject=setl_id, reason="  ")
    assert e.value.code == "REASON_REQUIRED"
    ok = desk.approve("1009", "999999", action="refund", subject=setl_id, reason="开错药")
    assert ok.supervisor_no == "1009" and desk.cashier.cashier_no == "1001"
    assert [r.payload for r in audit_rows(db, "supervisor.refused")] and len(
        audit_rows(db, "supervisor.refused")
    ) == 2
    other = desk.approve("1009", "999999", action="refund", subject="X", reason="r")
    with pytest.raises(PosError) as e:
        desk.refund(setl_id, approval=other)
    assert e.value.code == "APPROVAL_MISMATCH"
    refund = desk.refund(setl_id, approval=ok)
    [entry] = audit_rows(db, "refund")
    assert '"approved_by":"1009"' in entry.payload and "开错药" in entry.payload
    assert refund.refund.receipt_no.startswith("HC")
    with pytest.raises(PosError) as e:
        desk.refund(setl_id, approval=ok)
    assert e.value.code == "REFUND_ALREADY"
    assert problems(db) == []


def test_reprint_counts_and_reissue_voids_the_old_number_by_a_new_row(db, desk, printer):
    from pos.printing.books import load

    _, out = checkout(desk, AIZMAT)
    sid, first = out.settlement.id, out.settlement.receipt_no
    with db.reading() as s:
        money_rows = s.scalar(select(func.count()).select_from(Settlement))
    one = desk.reprint(sid, printer)
    two = desk.reprint(sid, printer)
    assert (one.reprint, two.reprint) == (1, 2) and "补打（第2次）" in two.receipt
    with pytest.raises(PosError) as e:
        desk.reissue(sid, "", printer)
    assert e.value.code == "REASON_REQUIRED"
    again = desk.reissue(sid, "打印机卡纸", printer)
    assert again.receipt_no != first and again.receipt_no.startswith("MZ")
    assert f"原票据号 {first} 作废" in again.receipt and again.printed_to
    record = desk.settlement_record(sid)
    assert (record.receipt_no, record.void_numbers, record.reprints) == (
        again.receipt_no,
        (first,),
        0,
    )
    [found] = desk.find_settlements(first)  # the void number still finds its settlement
    assert found.receipt_no == again.receipt_no
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Settlement)) == money_rows
        assert s.scalar(select(func.count()).select_from(ReceiptReissue)) == 1
        old = load(s, first, out.settlement.amounts and "H65270100001")
    assert old.void and old.reissue_of is None
    [entry] = audit_rows(db, "receipt.reissue")
    assert first in entry.payload and "打印机卡纸" in entry.payload
    desk.refund(out.settlement.setl_id)
    with pytest.raises(PosError) as e:
        desk.reissue(sid, "again", printer)
    assert e.value.code == "REISSUE_REFUNDED"
    assert problems(db) == []


def test_day_close_blind_count_short_then_over_and_never_twice(db, desk, clock, printer):
    _, a = checkout(desk, AYNUR)
    _, b = checkout(desk, AIZMAT, givers="none")
    assert b.settlement.amounts["psn_cash_pay"] > 0
    desk.refund(b.settlement.setl_id)
    desk.reprint(a.settlement.id, printer)
    cash = a.settlement.amounts["psn_cash_pay"]  # b was paid and paid back in cash
    x = desk.x_report()
    assert x.kind == "X" and x.close_id is None and x.cash_expected == cash
    assert (x.settle_count, x.refund_count, x.reprint_count) == (2, 1, 1)
    assert sum(v for _, v, _ in x.by_hour) == x.totals["psn_cash_pay"] == cash
    counted = count_of(f1=int(cash * 100) - 10)  # one 角 short
    clock.advance(hours=8)
    close = desk.day_close(counted)
    assert close.drawer_expected == cash and close.over_short == Decimal("-0.10")
    assert (close.settle_count, close.refund_count, close.reprint_count) == (2, 1, 1)
    with pytest.raises(PosError) as e:
        desk.day_close(counted)
    assert e.value.code == "DAYCLOSE_ALREADY"
    z = desk.z_report()
    assert z.kind == "Z" and z.close_id == close.id and z.over_short == Decimal("-0.10")
    assert z.drawer == counted and z.totals == x.totals and z.tenders == x.tenders
    for width in WIDTHS:
        text = desk.report_text(z, width)
        assert "短款" in text and "0.10" in text
    printed = desk.print_report(z, printer)
    assert printed.printed_to and printed.printed_to.endswith(".txt")
    # The next period: one settlement, counted 10 元 over.
    clock.advance(hours=16)
    _, c = checkout(desk, ZHANG_JIANHUA, givers="none")
    due = c.settlement.amounts["psn_cash_pay"]
    close2 = desk.day_close(count_of(y10=1, f1=int(due * 100)))
    assert close2.over_short == Decimal("10.00") and close2.settle_count == 1
    assert desk.z_report().since == close.closed_at
    [e1, e2] = audit_rows(db, "day_close")
    assert '"over_short":"-0.10"' in e1.payload and '"over_short":"10.00"' in e2.payload
    assert problems(db) == []


def test_lost_response_is_not_balanced_until_reversed(db, desk, center_for):
    checkout(desk, AIZMAT)
    center = center_for(db)
    desk.identify(AYNUR)
    desk.open_visit("11")
    pre = desk.presettle()
    center.faults.lose_response_after_commit = {"2207"}
    center.faults.once = True
    with pytest.raises(PosError):
        desk.settle(pay(pre.psn_cash_pay))
    assert not desk.reconcile().balanced
    [lost] = desk.pending_reversals()
    desk.reverse_lost(lost.msgid)
    assert desk.reconcile().balanced


def test_every_back_office_act_is_in_the_audit_log_and_an_edit_is_caught(
    sqlite_db, clock, center_for, printer, tmp_path, capsys
):
    from pos.cli import main
    from pos.config import Settings
    from pos.services.configaudit import summary
    from pos.services.desk import CashierDesk
    from pos.services.link import MsgIds
    from tests.hospital.helpers import BT_HOSPITAL, drop_append_only_guards

    db = sqlite_db

    def window(settings: Settings, no: str = "1001", pin: str = "111111") -> CashierDesk:
        desk = CashierDesk(
            db, BT_HOSPITAL, clock=clock, center=center_for(db), msgids=MsgIds(1),
            config=summary(settings),
        )  # fmt: skip
        desk.login(no, pin)
        return desk

    live = Settings(training=False, printer={"target": str(tmp_path / "r")})
    desk = window(live)
    window(live)  # the same settings again: nothing new to say
    changed = live.model_copy(update={"printer": live.printer.model_copy(update={"width": 32})})
    desk = window(changed)
    [first, second] = audit_rows(db, "config.change")
    assert '"first":true' in first.payload
    assert '"printer.width":["48","32"]' in second.payload and '"first":false' in second.payload
    _, out = checkout(desk, AYNUR)
    desk.reprint(out.settlement.id, printer)
    desk.reissue(out.settlement.id, "卡纸", printer)
    ok = desk.approve("1009", "999999", action="refund", subject=out.settlement.setl_id,
                      reason="退药")  # fmt: skip
    desk.refund(out.settlement.setl_id, approval=ok)
    desk.day_close(count_of())
    desk.logout()
    boss = window(changed, "1009", "999999")
    boss.unlock_cashier("1002")
    with db.reading() as s:
        actions = set(s.scalars(select(AuditEntry.action)))
    assert {
        "login", "config.change", "settle", "receipt.reprint", "receipt.reissue",
        "supervisor.approve", "refund", "day_close", "logout", "cashier.unlock",
    } <= actions  # fmt: skip
    url = str(db.engine.url)
    assert main(["--db", url, "audit", "verify"]) == 0
    [refund] = audit_rows(db, "refund")
    drop_append_only_guards(db)
    with db.engine.begin() as conn:  # someone "fixes" the reason after the fact
        conn.exec_driver_sql(
            "UPDATE hosp_audit_log SET payload = replace(payload, '退药', '系统故障') "
            f"WHERE seq = {refund.seq}"
        )
    capsys.readouterr()
    assert main(["--db", url, "audit", "verify"]) == 1
    assert f"entry {refund.seq}" in capsys.readouterr().out

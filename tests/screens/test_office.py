"""The back office from the cashier screen (Shift+F12 / Ctrl+U), driven by keys like a cashier:
find, open, 补打, 重打, refunds (full and partial, each with a supervisor's PIN and a reason; a
second one refused), the day close with a blind count (short and over; a second close refused),
and 3201 不平 after a lost 2207 answer, fixed by 2601 from the screen."""

from __future__ import annotations

from decimal import Decimal

from pos.services.views import TenderInput
from screens.cashier import CashierScreen
from screens.office.count import BlindCountModal
from screens.office.office import BackOfficeScreen
from screens.office.record import RecordModal
from screens.office.refund import RefundModal
from screens.tender import TenderModal
from tests.screens import personas as P
from tests.screens.flow import login, press, settle_ui, type_text


async def desk_call(app, fn, *args, **kw):
    return await app.call(fn, *args, **kw)


async def checkout(app, who: str, givers: bool = True, method: str = "cash"):
    """Settle one patient at the desk the window uses (what the cashier screen would do)."""

    def run():
        desk = app.desk
        desk.identify(who)
        desk.open_visit("11")
        pre = desk.presettle()
        if givers:
            chosen = [o.giver_psn_no for o in pre.copay_options if o.usable]
            if chosen:
                pre = desk.presettle(copay_givers=chosen)
        tenders = [TenderInput(method, pre.psn_cash_pay)] if pre.psn_cash_pay else []
        done = desk.settle(tenders)
        desk.clear_patient()
        return done

    return await app.call(run)


def status(app) -> str:
    screen = app.screen
    for sel in ("#record-status", "#office-status", "#refund-status", "#count-status"):
        found = screen.query(sel)
        if found:
            return str(found.first().content)
    return ""


async def open_office(pilot) -> BackOfficeScreen:
    await press(pilot, "ctrl+u")
    assert isinstance(pilot.app.screen, BackOfficeScreen)
    return pilot.app.screen


def refunds_of(app, setl_id: str):
    return [s for s in app.desk.settlements() if s.reverses_setl_id == setl_id]


async def open_first_record(pilot) -> RecordModal:
    await open_office(pilot)
    await press(pilot, "enter")  # the newest of today's list
    assert isinstance(pilot.app.screen, RecordModal), status(pilot.app)
    return pilot.app.screen


async def fill_refund(pilot, reason="患者退药", supervisor="1009", pin="999999", keep=()):
    await press(pilot, "f7")
    assert isinstance(pilot.app.screen, RefundModal), status(pilot.app)
    for i, line in enumerate(keep):
        if i:
            await press(pilot, *["down"] * (line - keep[i - 1]))
        elif line > 1:
            await press(pilot, *["down"] * (line - 1))
        await press(pilot, "space")
    pilot.app.screen.query_one("#refund-reason").focus()
    await type_text(pilot, reason)
    await press(pilot, "enter")
    await type_text(pilot, supervisor)
    await press(pilot, "enter")
    await type_text(pilot, pin)
    await press(pilot, "f8")
    await settle_ui(pilot)


async def test_full_refund_needs_a_supervisor_and_a_second_is_refused(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        done = await checkout(app, P.MINOR_TWO_GIVERS)
        orig = done.settlement
        assert orig.amount("psn_cash_pay") > 0
        await open_first_record(pilot)
        await fill_refund(pilot, pin="000000")  # a wrong supervisor PIN refunds nothing
        assert isinstance(app.screen, RecordModal)
        assert "工号或密码错误" in status(app) and refunds_of(app, orig.setl_id) == []
        await fill_refund(pilot, supervisor="1002", pin="222222")  # a cashier cannot approve
        assert "不是收费组长" in status(app) and refunds_of(app, orig.setl_id) == []
        await fill_refund(pilot)
        [refund] = refunds_of(app, orig.setl_id)
        assert refund.receipt_no.startswith("HC") and refund.receipt_no in status(app)
        # the cash part goes back the way it came: the same tender, negated
        assert [(t.method, t.amount) for t in refund.tenders] == [
            (t.method, -t.amount) for t in orig.tenders
        ]
        assert app.desk.cashier.cashier_no == "1001"  # the supervisor did not sign the cashier out
        await press(pilot, "f7")  # a second refund of the same settlement
        assert isinstance(app.screen, RecordModal)
        assert "不能重复退费" in status(app) and refund.receipt_no in status(app)
        assert len(refunds_of(app, orig.setl_id)) == 1
        # the 冲红 printed, marked 冲红
        printed = sorted((app.settings.printer.path).glob("*HC*"))
        assert printed and "冲红" in printed[0].read_text(encoding="utf-8")


async def test_partial_refund_settles_the_kept_lines_again(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        done = await checkout(app, P.MINOR_TWO_GIVERS)
        orig = done.settlement
        await open_first_record(pilot)
        await fill_refund(pilot, keep=(1, 2))
        assert isinstance(app.screen, TenderModal), status(app)
        await press(pilot, "f8")
        await settle_ui(pilot)
        assert isinstance(app.screen, RecordModal)
        [refund] = refunds_of(app, orig.setl_id)
        again = app.desk.settlements()[0]
        assert again.kind == "settle" and again.visit_id == orig.visit_id
        assert again.amount("medfee_sumamt") == Decimal("11.00")
        assert again.receipt_no in status(app) and refund.receipt_no in status(app)
        assert again.receipt_no in str(app.screen.query_one("#record-title").content)


async def test_reprint_then_reissue_voids_the_old_number(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        done = await checkout(app, P.MINOR_ONE_GIVER)
        first = done.settlement.receipt_no
        await open_first_record(pilot)
        await press(pilot, "f5")
        assert "已补打（第1次）" in status(app)
        assert "补打（第1次）" in str(app.screen.query_one("#receipt-text").content)
        await press(pilot, "ctrl+p")  # F5's one Ctrl twin
        assert "已补打（第2次）" in status(app)
        await press(pilot, "f6")
        await type_text(pilot, "卡纸")
        await press(pilot, "enter")
        assert isinstance(app.screen, RecordModal)
        assert f"原票据号 {first} 作废" in status(app)
        record = app.desk.settlement_record(done.settlement.id)
        assert record.void_numbers == (first,) and record.receipt_no != first
        assert record.receipt_no in str(app.screen.query_one("#record-title").content)
        await press(pilot, "escape")
        office = app.screen
        assert isinstance(office, BackOfficeScreen)
        await press(pilot, "f2")
        await type_text(pilot, first)  # the void number still finds its settlement
        await press(pilot, "enter")
        assert office.query_one("#records-table").row_count == 1
        await press(pilot, "escape")
        assert isinstance(app.screen, CashierScreen)


async def count_drawer(pilot, pieces: dict[str, int]) -> None:
    """Key the blind count: each denomination's field in order."""
    from pos.services.views import DENOMINATIONS

    await press(pilot, "f6")
    modal = pilot.app.screen
    assert isinstance(modal, BlindCountModal)
    text = " ".join(str(w.content) for w in modal.query("Static"))
    assert "68.75" not in text  # blind: the expected cash is nowhere on the count
    keys: list[str] = []
    for denom in DENOMINATIONS:
        n = pieces.get(denom, 0)
        keys += [*(str(n) if n else ""), "enter"]
    await pilot.press(*keys)  # Enter moves to the next denomination; the last one closes
    await settle_ui(pilot)


async def test_day_close_short_then_a_second_close_refused(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await checkout(app, P.MINOR_TWO_GIVERS)  # 68.75 in cash
        await open_office(pilot)
        await count_drawer(pilot, {"50": 1, "10": 1, "5": 1, "1": 3, "0.5": 1})  # 68.50
        assert isinstance(app.screen, BackOfficeScreen)
        result = str(app.screen.query_one("#closing-result").content)
        assert "短款 0.25 元" in result and "应有 68.75 元" in result
        assert "第 1 号日结" in result
        await count_drawer(pilot, {"100": 1})
        assert "不能重复日结" in status(app)


async def test_day_close_over(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await checkout(app, P.MINOR_TWO_GIVERS)
        await open_office(pilot)
        await press(pilot, "f5")  # X report: nothing closed
        assert "未日结" in str(app.screen.query_one("#closing-result").content)
        await count_drawer(pilot, {"100": 1})
        result = str(app.screen.query_one("#closing-result").content)
        assert "长款 31.25 元" in result
        await press(pilot, "f8")
        assert "已打印" in status(app) or "receipts" in status(app)


async def test_lost_answer_is_not_balanced_and_2601_from_the_screen_fixes_it(make_app):
    from tests.screens.test_e2e import settle_all_cash

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await checkout(app, P.MINOR_ONE_GIVER)
        center = app.desk.center
        center.faults.lose_response_after_commit = {"2207"}
        center.faults.once = True
        from tests.screens.flow import scan

        await scan(pilot, P.SON_ARREARS_EXPIRED)
        await press(pilot, "f5", "ctrl+n")
        await settle_all_cash(pilot)
        assert isinstance(app.screen, CashierScreen)
        office = await open_office(pilot)
        await press(pilot, "f7")
        assert "不平" in status(app)
        assert office.query_one("#lost-table").row_count == 1
        assert office.query_one("#mismatch-table").row_count == 1
        await press(pilot, "f12")
        assert "已冲正 2207" in status(app) and "全部平" in status(app)
        assert office.query_one("#lost-table").row_count == 0
        assert app.desk.pending_reversals() == []


async def test_a_selfpay_settlement_is_refunded_from_the_back_office(make_app):
    # Was (#8): refused with "全自费结算暂不支持在本系统退费"; now the same supervisor-approved 冲红
    # as an insured one, written to the hospital's books alone.
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)

        def run():
            desk = app.desk
            desk.identify(P.GRANDMA_TERMINATED)  # 乌云: insurance terminated, so 全自费
            desk.open_selfpay_visit("11")
            pre = desk.presettle()
            done = desk.settle([TenderInput("cash", pre.psn_cash_pay)])
            desk.clear_patient()
            return done

        done = await app.call(run)
        assert done.settlement.kind == "selfpay"
        sent = len(app.desk.exchanges())
        await open_first_record(pilot)
        from rich.console import Console

        from screens.office.record import facts_table

        console = Console(width=80, record=True)
        console.print(facts_table(app.screen.record))
        assert "普通门诊 · 全自费" in console.export_text()  # was "普通门诊 · " (no 险种)
        await fill_refund(pilot)
        [refund] = refunds_of(app, done.settlement.setl_id)
        assert refund.selfpay and refund.receipt_no in status(app)
        assert refund.amount("psn_cash_pay") == -done.settlement.amount("psn_cash_pay")
        assert len(app.desk.exchanges()) == sent  # no message to the center
        printed = sorted((app.settings.printer.path).glob("*HC*"))
        assert printed and "冲红" in printed[0].read_text(encoding="utf-8")


async def test_an_action_is_never_cancelled_by_the_reload_it_asks_for(make_app):
    # Was: the record's reload (an exclusive worker) shared the actions' group, so the load a
    # refund or a 补打 asks for at its end cancelled the action's own worker: its task ended
    # cancelled, and whoever awaited it (a test waiting for the screen) got WorkerCancelled.
    from textual.worker import Worker

    workers: dict[str, Worker] = {}

    def hook(message) -> None:
        if isinstance(message, Worker.StateChanged):
            workers[message.worker.name] = message.worker

    app = make_app()
    async with app.run_test(size=(120, 36), message_hook=hook) as pilot:
        await login(pilot)
        done = await checkout(app, P.MINOR_TWO_GIVERS)
        await open_first_record(pilot)
        await fill_refund(pilot)
        assert refunds_of(app, done.settlement.setl_id)
        await press(pilot, "f5")  # a 补打 ends with a reload too
    for action in ("run_refund", "run_reprint"):
        assert action in workers, sorted(workers)
        assert not workers[action].is_cancelled, action

"""Issue #8 at the window: what a new user met in the first hour, one regression each."""

from __future__ import annotations

from screens.cashier import CashierScreen
from screens.receipt_preview import ReceiptModal
from tests.screens import personas as P
from tests.screens.flow import login, press, scan, settle_ui, wedge


def cashier(app) -> CashierScreen:
    return next(s for s in app.screen_stack if isinstance(s, CashierScreen))


def status(app) -> str:
    return str(cashier(app).status.render())


# ------------------------------------------------------------------ #8.1 abandoned visits


async def test_f10_twice_gives_the_orders_back(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.MINOR_ONE_GIVER)
        assert len(cashier(app).state.visit.lines) == 5
        await press(pilot, "f10", "f10")
        assert cashier(app).state.visit is None
        await scan(pilot, P.MINOR_ONE_GIVER)
        assert len(cashier(app).state.visit.lines) == 5  # was: 带入医嘱 0 项


async def test_quit_with_an_unsettled_bill_asks_then_gives_the_orders_back(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.MINOR_ONE_GIVER)
        desk = app.desk
        visit_id = desk.visit_id
        await press(pilot, "ctrl+q")
        assert app.is_running and "Ctrl+Q" in status(app)  # asked first
        await pilot.press("ctrl+q")
        await settle_ui(pilot)
    assert desk.visit_view(visit_id).status == "cancelled"
    assert desk.identify(P.MINOR_ONE_GIVER).pending_orders == ("RX-BT-001",)


async def test_escape_after_the_quit_question_keeps_the_bill(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.MINOR_ONE_GIVER)
        await press(pilot, "ctrl+q", "escape", "ctrl+q")
        assert app.is_running  # Esc disarmed it: the next Ctrl+Q asks again
        assert len(cashier(app).state.visit.lines) == 5


# ------------------------------------------------------------------ #8.2 a scan is never lost


def test_wedge_buffer_and_the_desks_classifier():
    from screens.cashier import WedgeBuffer, is_credential

    buf = WedgeBuffer()
    for ch in P.FATHER_ECERT:
        assert buf.feed(ch, ch) is None
    assert buf.feed("enter", "\r") == P.FATHER_ECERT
    assert buf.feed("enter", "\r") is None
    for ch in "X650":
        buf.feed(ch, ch)
    buf.feed("escape", "\x1b")  # any non-printable key starts over
    assert buf.feed("enter", "\r") is None
    assert is_credential(P.FATHER_ECERT) and is_credential(P.MINOR_TWO_GIVERS_CARD)
    assert is_credential(P.MINOR_ONE_GIVER)
    assert not is_credential(P.BAD_CHECK_DIGIT) and not is_credential("阿莫西林")


async def test_scan_with_focus_on_the_bill_identifies(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.FATHER_ECERT)  # 艾力: a pharmacy order only, so no lines here
        cashier(app).query_one("#bill-table").focus()
        await wedge(pilot, P.MINOR_TWO_GIVERS_CARD)
        assert cashier(app).state.patient.name_masked.startswith("阿")


async def test_scan_in_the_item_field_is_not_an_item(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.FATHER_ECERT)
        await press(pilot, "f4")
        await wedge(pilot, P.MINOR_TWO_GIVERS_CARD)
        assert "未找到" not in status(app)
        assert cashier(app).state.patient.name_masked.startswith("阿")


async def test_scan_in_the_receipt_preview_serves_the_next_patient(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.RETIREE_OWN_ACCOUNT)
        await press(pilot, "f3", "down", "enter", "f8")
        await press(pilot, "f8")  # settle: all from his own account
        await settle_ui(pilot)
        assert isinstance(app.screen, ReceiptModal)
        await wedge(pilot, P.MINOR_ONE_GIVER)
        assert not isinstance(app.screen, ReceiptModal)
        assert cashier(app).state.patient.name_masked.startswith("艾")
        assert len(cashier(app).state.visit.lines) == 5


async def test_scan_after_escape_from_a_modal(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.FATHER_ECERT)
        await press(pilot, "f3", "escape")
        app.set_focus(None)
        await wedge(pilot, P.MINOR_ONE_GIVER)
        assert cashier(app).state.patient.name_masked.startswith("艾孜"[0])
        assert len(cashier(app).state.visit.lines) == 5


async def test_scan_over_an_unsettled_bill_asks_and_keeps_the_scan(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.MINOR_ONE_GIVER)
        first = cashier(app).state.patient.psn_no
        cashier(app).query_one("#bill-table").focus()
        await wedge(pilot, P.MINOR_TWO_GIVERS_CARD)
        screen = cashier(app)
        assert screen.state.patient.psn_no == first  # not yet: it asks
        assert screen.query_one("#scan").value == P.MINOR_TWO_GIVERS_CARD  # the scan waits
        assert "Enter" in status(app)
        await press(pilot, "enter")
        assert screen.state.patient.psn_no != first
        assert len(screen.state.visit.lines) > 0  # 阿依努尔's own order
        await press(pilot, "f10", "f10")
        await scan(pilot, P.MINOR_ONE_GIVER)
        assert len(screen.state.visit.lines) == 5  # the first bill's orders came back


# ------------------------------------------------------------------ #8.5 全自费


async def test_terminated_insurance_is_charged_as_selfpay(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.GRANDMA_TERMINATED)
        assert "F3" in status(app) and "全自费" in status(app)  # the way on is named
        await press(pilot, "f3", "end", "enter")
        visit = cashier(app).state.visit
        assert visit is not None and visit.selfpay and visit.lines
        await press(pilot, "f8")  # pre-settle, then the tender dialog
        await press(pilot, "f8")  # cash, exact
        await settle_ui(pilot)
        assert isinstance(app.screen, ReceiptModal)
        receipt, slip = app.screen.papers
        assert "全自费" in receipt and "医保统筹基金支付" not in receipt
        assert "收费明细（全自费）" in slip
    stored = app.desk.settlements()
    assert stored[0].kind == "selfpay" and stored[0].amounts["psn_cash_pay"] == visit.total


# ------------------------------------------------------------------ #8.7 Ctrl alternatives


def test_every_f_key_action_has_a_ctrl_alternative():
    from pos.app import PosApp
    from screens.copay import CopayModal
    from screens.help import HelpModal
    from screens.receipt_preview import ReceiptModal
    from screens.tender import TenderModal

    for node in (PosApp, CashierScreen, CopayModal, HelpModal, ReceiptModal, TenderModal):
        for binding in node.BINDINGS:
            keys = binding.key.split(",")
            if any(k.startswith("f") and k[1:].isdigit() for k in keys):
                assert any(k.startswith("ctrl+") for k in keys), (node.__name__, binding.key)


async def test_ctrl_keys_work_from_the_scan_field_and_show_in_footer_and_help(make_app):
    from screens.help import HelpModal, binding_rows

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.MINOR_ONE_GIVER)
        screen = cashier(app)
        screen.query_one("#scan").focus()
        await press(pilot, "ctrl+p")  # F5 预结算, from inside a text field
        assert screen.state.split is not None
        rows = {ident: keys for keys, _, ident in binding_rows(screen)}
        assert rows["presettle"] == "f5/^p" and rows["reverse-lost"] == "f12/^z"
        assert rows["help"] == "f1/^g"
        footer = {k.key_display for k in screen.query("FooterKey")}
        assert {"f2/^r", "f5/^p", "f8/^s", "f10/^y"} <= footer
        await press(pilot, "escape")
        await press(pilot, "ctrl+g")
        assert isinstance(app.screen, HelpModal)


# ------------------------------------------------------------------ #8.6 smaller things


def test_quantity_message_does_not_offer_zero_and_english_counts_lines():
    from pos.i18n import catalog

    zh, en = catalog("zh"), catalog("en")
    assert "0～" not in zh["quantity.bad"] and "more than 0" in en["quantity.bad"]
    assert en["bill.total_one"].format(n=1, total="5.00").startswith("1 line ")

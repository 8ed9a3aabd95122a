"""End to end through the keyboard, one persona per rule, asserting what was STORED, not the screen.

Each test drives the real app (Pilot) on a seeded SQLite copy and then reads the settlement back
through the services (pos.services: settlements / settlement_detail).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from screens.cashier import CashierScreen
from screens.copay import CopayModal
from screens.receipt_preview import ReceiptModal
from screens.tender import TenderModal
from tests.screens import personas as P
from tests.screens.flow import add_item, login, press, scan, settle_ui, type_text

D = Decimal
ZERO = D("0.00")


def desk(app):
    return app.desk


def stored(app, psn_no=None):
    """Settlements stored at this institution (newest first)."""
    return desk(app).settlements(psn_no=psn_no)


def patient_psn(app) -> str:
    return app.screen_stack[1].state.patient.psn_no if len(app.screen_stack) > 1 else ""


def cashier(app) -> CashierScreen:
    screen = next(s for s in app.screen_stack if isinstance(s, CashierScreen))
    return screen


def plain(renderable) -> str:
    import io

    from rich.console import Console

    console = Console(width=60, file=io.StringIO(), record=True)
    console.print(renderable)
    return console.export_text()


def check_identities(st) -> None:
    a = st.amounts
    assert a["medfee_sumamt"] == a["fund_pay_sumamt"] + a["psn_part_amt"] + a["hosp_part_amt"]
    assert a["psn_part_amt"] == a["acct_pay"] + a["psn_cash_pay"]
    assert a["acct_mulaid_pay"] <= a["acct_pay"]
    assert sum((t.amount for t in st.tenders), ZERO) == a["psn_cash_pay"]


async def settle_all_cash(pilot, received: str | None = None) -> None:
    """From the co-pay decision on: F8 tender, optionally type the cash received, F8 settle."""
    await press(pilot, "f8")
    assert isinstance(pilot.app.screen, TenderModal)
    if received:
        await type_text(pilot, received)
    await press(pilot, "f8")
    await settle_ui(pilot)


async def test_settle_with_own_account(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.RETIREE_OWN_ACCOUNT)
        await press(pilot, "f3", "down", "enter")  # 14 门诊慢特病: his pending order
        assert cashier(app).state.visit.med_type == "14"
        await press(pilot, "f5")
        assert not isinstance(app.screen, CopayModal)  # he has no co-pay bindings as beneficiary
        split = cashier(app).state.split
        await settle_all_cash(pilot)
        assert isinstance(app.screen, ReceiptModal)
        [st] = stored(app)
        check_identities(st)
        a = st.amounts
        assert a["acct_pay"] > 0 and a["acct_mulaid_pay"] == ZERO
        assert a["acct_pay"] == split.amount("acct_pay")
        assert a["balc"] == D("5600.00") - a["acct_pay"]
        assert st.kind == "settle" and st.psn_no == "6527000000000005"


async def test_settle_with_copay_one_giver(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.MINOR_ONE_GIVER)
        await press(pilot, "f5")
        assert isinstance(app.screen, CopayModal)
        await press(pilot, "f8")  # accept the preselected usable giver
        await settle_all_cash(pilot)
        [st] = stored(app)
        check_identities(st)
        a = st.amounts
        assert a["acct_mulaid_pay"] == a["psn_part_amt"] > 0  # quota 800 covers it
        assert a["psn_cash_pay"] == ZERO
        assert [(m["giver_psn_no"], D(m["amount"])) for m in st.mulaid_detail] == [
            ("6527000000000001", a["acct_mulaid_pay"])
        ]


async def test_settle_with_two_givers_and_cash_top_up(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.MINOR_TWO_GIVERS)
        await press(pilot, "f5", "f8")
        split = cashier(app).state.split
        assert split.amount("acct_mulaid_pay") == D("800.00")
        await settle_all_cash(pilot, received="100")
        [st] = stored(app)
        check_identities(st)
        givers = [(m["giver_psn_no"], D(m["amount"])) for m in st.mulaid_detail]
        assert givers == [("6527000000000001", D("500.00")), ("6527000000000002", D("300.00"))]
        cash = st.amounts["psn_cash_pay"]
        assert cash > 0
        [tender] = st.tenders
        assert tender.method == "cash" and tender.tendered == D("100.00")
        assert tender.change == D("100.00") - cash


async def test_copay_quota_then_cash_with_zhaotong_proof(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot, "zhaotong")
        await scan(pilot, P.ZT_SON_TWO_GIVERS)
        await press(pilot, "f5")
        assert isinstance(app.screen, CopayModal)
        await press(pilot, "f8")  # refused: proof not confirmed
        assert isinstance(app.screen, CopayModal)
        await press(pilot, "f2", "f8")
        assert cashier(app).state.proof_checked
        await settle_all_cash(pilot)
        [st] = stored(app)
        check_identities(st)
        assert st.amounts["acct_mulaid_pay"] > 0
        first = next(m["giver_psn_no"] for m in st.mulaid_detail)
        assert first == "5306000000000002"  # father first


REFUSALS = [
    (P.GRANDSON_REFUSED, "bortala", {"GIVER_FROZEN", "RELATIONSHIP_NOT_ALLOWED"}),
    (P.SON_ARREARS_EXPIRED, "bortala", {"GIVER_IN_ARREARS", "BINDING_EXPIRED"}),
    (P.ZT_GRANDPA_NO_FILING, "zhaotong", {"CROSS_REGION_NO_FILING"}),
    (P.ZT_DAUGHTER_QUOTA_10, "zhaotong", {"GIVER_BALANCE_ZERO"}),
]


@pytest.mark.parametrize(
    ("text", "where", "reasons"), REFUSALS, ids=[sorted(r[2])[0] for r in REFUSALS]
)
async def test_each_refusal_settles_without_that_giver(make_app, text, where, reasons):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot, where)
        await scan(pilot, text)
        if not cashier(app).state.visit.lines:  # no pending order here: add one
            await add_item(pilot, "HD00001")
        await press(pilot, "f5")
        assert isinstance(app.screen, CopayModal)
        shown = {r.code for o in app.screen.options if not o.usable for r in o.reasons}
        assert reasons <= shown
        refused = {o.binding_id for o in app.screen.options if not o.usable}
        if app.screen.need_proof:
            await press(pilot, "f2")  # 昭通: the cashier checked the co-pay proof
        await press(pilot, "f8")  # accept whatever is usable (maybe nothing)
        await settle_all_cash(pilot)
        [st] = stored(app)
        check_identities(st)
        assert not {m["binding_id"] for m in st.mulaid_detail} & refused


async def test_pending_binding_is_refused(make_app):
    # 孙玉兰 at the township health centre: her husband's binding is still under review.
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot, "township_zt")
        await scan(pilot, "530602195904040286")
        await press(pilot, "f5")
        assert isinstance(app.screen, CopayModal)
        codes = {r.code for o in app.screen.options for r in o.reasons}
        assert "BINDING_PENDING" in codes
        await press(pilot, "ctrl+n")
        await settle_all_cash(pilot)
        [st] = stored(app)
        assert st.amounts["acct_mulaid_pay"] == ZERO
        assert st.amounts["psn_cash_pay"] == st.amounts["psn_part_amt"]


async def test_family_account_code_moves_no_money(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot, "zhaotong")
        await scan(pilot, P.ZT_FAMILY_ACCOUNT_TOKEN)
        patient = cashier(app).state.patient
        assert patient.psn_no == "5306000000000006"  # the relative herself, not the holder
        assert patient.shown_by  # a 亲情账户 code: it identifies her and moves no money
        assert "亲情账户" in plain(cashier(app).query_one("#patient").content)
        await press(pilot, "f5")
        await settle_all_cash(pilot)
        [st] = stored(app)
        assert st.psn_no == "5306000000000006"
        assert st.amounts["acct_mulaid_pay"] == ZERO and st.amounts["acct_pay"] == ZERO
        # The holder's own account is untouched.
        await press(pilot, "escape", "f10")
        await scan(pilot, "530621197910100132")
        assert cashier(app).state.patient.balance == D("950.00")


async def test_terminated_insurance_stores_nothing(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.GRANDMA_TERMINATED)
        assert cashier(app).state.visit is None
        await press(pilot, "f5", "f8")
        assert stored(app) == []
        assert isinstance(app.screen, CashierScreen)


async def test_second_settle_never_settles_twice(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.SON_ARREARS_EXPIRED)
        await press(pilot, "f5", "ctrl+n", "f8")
        assert isinstance(app.screen, TenderModal)
        # A double press on the settle key and an extra Enter.
        await pilot.press("f8", "f8", "enter")
        await settle_ui(pilot)
        await press(pilot, "escape", "f8", "escape", "f8")
        assert len(stored(app)) == 1
        # The backend itself answers a repeat with the first settlement.
        from pos.services.views import TenderInput

        again = app.desk.settle([TenderInput("cash", stored(app)[0].amounts["psn_cash_pay"])])
        assert again.already and len(stored(app)) == 1


async def test_escape_keeps_the_bill(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.MINOR_ONE_GIVER)
        lines = cashier(app).state.visit.lines
        await press(pilot, "f5", "escape", "f8", "escape", "escape", "f1", "escape")
        assert isinstance(app.screen, CashierScreen)
        assert cashier(app).state.visit.lines == lines
        assert cashier(app).state.split is not None
        await press(pilot, "f10")  # first F10 only warns
        assert cashier(app).state.visit is not None
        await press(pilot, "f10")
        assert cashier(app).state.visit is None
        assert stored(app) == []


async def test_edit_bill_then_settle(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.MOTHER_UNBOUND)  # employee with her own account, no orders here
        await press(pilot, "f4")
        await type_text(pilot, "HD00001*3")
        await press(pilot, "enter")
        await type_text(pilot, "blf")  # pinyin initials
        await press(pilot, "down", "enter")
        lines = cashier(app).state.visit.lines
        assert [ln.medins_list_codg for ln in lines][:1] == ["HD00001"] and len(lines) == 2
        blf = lines[1].medins_list_codg
        await press(pilot, "escape")  # back to the table, cursor on the line just added
        await press(pilot, "f7", "backspace", "2", "enter")
        await press(pilot, "up", "delete")
        lines = cashier(app).state.visit.lines
        assert [(ln.medins_list_codg, ln.cnt) for ln in lines] == [(blf, 2)]
        await press(pilot, "f5")
        await settle_all_cash(pilot)
        [st] = stored(app)
        detail = desk(app).settlement_detail(st.setl_id)
        assert [(ln.medins_list_codg, ln.cnt) for ln in detail.fee_lines] == [(blf, 2)]
        check_identities(st)


async def test_receipt_prints_to_the_file_printer(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.MINOR_TWO_GIVERS)
        await press(pilot, "f5", "f8", "f8", "f8")
        assert isinstance(app.screen, ReceiptModal)
        await press(pilot, "f8")
        await press(pilot, "f8")  # printed twice: two files, the first one never overwritten
        [st] = stored(app)
        files = sorted((tmp_path / "receipts").iterdir())
        assert len(files) == 2
        assert all(f.name.startswith(f"H65270100001_{st.receipt_no}_") for f in files)
        printed = files[0].read_text(encoding="utf-8")
        assert printed == files[1].read_text(encoding="utf-8")
        assert "其中：个人账户共济支出" in printed and "门诊收费票据" in printed
        assert "培训" in printed


async def test_automatic_station_follows_the_cashier(make_app):
    app = make_app()
    app.settings = app.settings.model_copy(update={"station": None})
    async with app.run_test(size=(120, 36)) as pilot:
        await settle_ui(pilot)
        assert app.screen.query_one("#station").value == "auto"
        await type_text(pilot, "2001")
        await pilot.press("enter")
        await type_text(pilot, "111111")
        await pilot.press("enter")
        await settle_ui(pilot)
        assert isinstance(app.screen, CashierScreen)
        assert app.session.station.station_id == "H53060200001-01"
        assert app.session.station.proof_at_counter  # 昭通


async def test_wrong_pin_is_refused_and_rate_limited(make_app):
    from screens.login import LoginScreen

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        messages = []
        for _ in range(6):
            await login(pilot, pin="000000")
            assert isinstance(app.screen, LoginScreen)
            messages.append(str(app.screen.query_one("#status").content))
        await login(pilot)  # even the right PIN is refused while locked
        assert isinstance(app.screen, LoginScreen)
        assert messages[0] != messages[-1]  # the answer changes once the number is locked
        assert "锁定" in messages[-1]
        assert app.session is None


@pytest.mark.parametrize(
    ("text", "cert_type"),
    [(P.FATHER_ECERT, "01"), (P.MINOR_TWO_GIVERS, "02"), (P.MINOR_TWO_GIVERS_CARD, "03")],
    ids=["e-voucher", "id-card", "ssc"],
)
async def test_scan_tells_which_credential_it_got(make_app, text, cert_type):
    from engine.codes import MdtrtCertType

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, text)
        assert cashier(app).state.patient.mdtrt_cert_type == cert_type
        label = MdtrtCertType(cert_type).zh
        assert label in plain(cashier(app).query_one("#patient").content)
        assert stored(app) == []


async def test_own_account_can_be_switched_off(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.RETIREE_OWN_ACCOUNT)
        await press(pilot, "f3", "down", "enter", "f5", "f11")  # acct_used_flag = 0
        split = cashier(app).state.split
        assert not split.acct_used and split.amount("acct_pay") == ZERO
        await settle_all_cash(pilot, received="200")
        [st] = stored(app)
        check_identities(st)
        assert st.amounts["acct_pay"] == ZERO
        assert st.amounts["psn_cash_pay"] == st.amounts["psn_part_amt"] > 0


async def test_lost_settle_response_is_reversed_then_settled_once(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        center = app.desk.center
        center.faults.lose_response_after_commit = {"2207"}
        center.faults.once = True
        await scan(pilot, P.SON_ARREARS_EXPIRED)
        await press(pilot, "f5", "ctrl+n")
        await settle_all_cash(pilot)
        assert isinstance(app.screen, CashierScreen)
        status = str(app.screen.query_one("#status").content)
        assert "F12" in status and "2601" in status
        assert stored(app) == []  # the hospital stored nothing; the center's outcome is unknown
        await press(pilot, "f12")  # 冲正 (2601)
        assert "2207" in str(app.screen.query_one("#status").content)
        await settle_all_cash(pilot)
        assert isinstance(app.screen, ReceiptModal)
        [st] = stored(app)
        check_identities(st)
        assert app.desk.pending_reversals() == []

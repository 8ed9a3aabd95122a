"""#8.6, the small things a cashier hit (regression tests, each failed before its fix)."""

from __future__ import annotations

from screens.cashier import CashierScreen
from screens.modals import QuantityModal
from tests.screens import personas as P
from tests.screens.flow import login, press, scan, type_text, wedge


async def test_an_expired_binding_is_not_called_in_force(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.SON_ARREARS_EXPIRED)  # 巴图: his mother's binding has expired
        from rich.console import Console

        console = Console(width=40, record=True)
        console.print(app.screen.query_one("#patient").content)
        shown = console.export_text()
        assert "已过有效期" in shown
        assert "已生效" not in shown
        assert "暂不可用" in shown


async def test_f7_works_from_the_add_item_field(make_app):
    # A guard: this already worked once the F-keys became priority bindings (with Ctrl twins).
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.MINOR_TWO_GIVERS)
        screen = app.screen
        assert isinstance(screen, CashierScreen)
        await press(pilot, "f4")
        assert screen.focused is not None and screen.focused.id == "item-entry"
        await press(pilot, "f7")
        assert isinstance(app.screen, QuantityModal)


async def test_delete_in_an_empty_add_item_field_removes_the_current_line(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.MINOR_TWO_GIVERS)
        screen = app.screen
        before = len(screen.state.visit.lines)
        await press(pilot, "f4")
        await type_text(pilot, "x")
        await press(pilot, "delete")  # with text in the field, Del edits the text
        assert len(screen.state.visit.lines) == before
        await press(pilot, "backspace", "delete")  # the field is empty: Del removes the line
        assert len(screen.state.visit.lines) == before - 1


def _panel_text(app, selector: str = "#patient", width: int = 40) -> str:
    from rich.console import Console

    console = Console(width=width, record=True)
    console.print(app.screen.query_one(selector).content)
    return console.export_text()


async def test_the_giver_is_named_as_who_they_are_to_the_patient(make_app):
    # 艾孜买提's binding says he is his father's child; the panel names the father, so 父母.
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.MINOR_ONE_GIVER)
        shown = _panel_text(app)
        assert "艾* 父母" in shown
        assert "子女" not in shown


async def test_after_settling_the_panel_shows_the_givers_new_available_amount(make_app):
    from decimal import Decimal

    from screens.tender import TenderModal

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.MINOR_ONE_GIVER)  # 艾孜买提: his father may give 800.00
        assert "可用 800.00" in _panel_text(app)
        await press(pilot, "f5", "f8")  # pre-settle, accept the father
        await press(pilot, "f8")
        assert isinstance(app.screen, TenderModal)
        await press(pilot, "f8")
        [st] = app.desk.settlements()
        used = st.amounts["acct_mulaid_pay"]
        assert used > 0
        await press(pilot, "escape")  # out of the receipt preview
        left = Decimal("800.00") - used
        shown = _panel_text(app)
        assert f"可用 {left:.2f}" in shown, shown
        assert "可用 800.00" not in shown


async def _login_as(pilot, number: str, pin: str) -> None:
    from tests.screens.flow import settle_ui

    app = pilot.app
    app.screen.query_one("#station").value = "H65270100001-01"
    await pilot.pause()
    app.screen.query_one("#cashier-no").value = number
    app.screen.query_one("#pin").value = pin
    app.screen.query_one("#pin").focus()
    await pilot.press("enter")
    await settle_ui(pilot)


async def test_a_supervisor_unlocks_a_locked_cashier_at_the_login_screen(make_app):
    from pos.auth import MAX_FAILURES
    from screens.help import HelpModal, binding_rows
    from screens.login import LoginScreen
    from screens.unlock import UnlockModal
    from tests.screens.flow import settle_ui

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle_ui(pilot)
        for _ in range(MAX_FAILURES):
            await _login_as(pilot, "1002", "000000")
        await _login_as(pilot, "1002", "222222")
        status = str(app.screen.query_one("#status").content)
        assert "锁定" in status and "F3" in status
        assert "login-unlock" in [ident for _, _, ident in binding_rows(app.screen)]  # F1 lists it
        await press(pilot, "f1")
        assert isinstance(app.screen, HelpModal)
        await press(pilot, "escape")
        await press(pilot, "f3")
        assert isinstance(app.screen, UnlockModal)
        assert app.screen.query_one("#unlock-cashier").value == "1002"  # from the login field
        await type_text(pilot, "1001")  # a cashier is not a supervisor
        await press(pilot, "enter")
        await type_text(pilot, "111111")
        await press(pilot, "enter")
        assert isinstance(app.screen, UnlockModal)
        assert "不是收费组长" in str(app.screen.query_one("#unlock-status").content)
        app.screen.query_one("#unlock-supervisor").value = "1009"
        await type_text(pilot, "999999")  # focus went back to the PIN
        await press(pilot, "f8")
        assert isinstance(app.screen, LoginScreen)
        assert "已为工号 1002 阿依古丽 解锁" in str(app.screen.query_one("#status").content)
        await type_text(pilot, "222222")  # focus is in the PIN field, the number filled in
        await press(pilot, "enter")
        assert isinstance(app.screen, CashierScreen)
        assert app.session.cashier.cashier_no == "1002"


# ------------------------------------------------------------------ CJK line breaking on screen

CLOSING = "，。、：；！？）」』》〉】〕”’"


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def bad_line_starts(lines: list[str]) -> list[str]:
    """Lines (of any panel on the screen) that start with closing CJK punctuation."""
    import re

    bad = []
    for line in lines:
        for part in re.split(r"[│█▊▎┃║]", line):
            text = part.strip()
            if text and text[0] in CLOSING:
                bad.append(line)
    return bad


def flat(lines: list[str]) -> str:
    """The screen's text in reading order without borders and spaces (wrapped lines joined)."""
    import re

    return "".join(p.strip() for x in lines for p in re.split(r"[│█▊▎┃║]", x))


async def test_a_refusal_reason_in_the_patient_panel_never_leaves_a_lone_full_stop(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.GRANDSON_REFUSED)  # 共济人个人账户已冻结。 ends just past the edge
        lines = screen_lines(app)
        assert any("账户已冻" in x for x in lines)
        assert bad_line_starts(lines) == []


async def test_the_co_pay_dialogs_reasons_break_by_the_cjk_rule_at_80_columns(make_app):
    from screens.copay import CopayModal

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await scan(pilot, P.GRANDSON_REFUSED)
        await press(pilot, "f5")
        assert isinstance(app.screen, CopayModal)
        lines = screen_lines(app)
        # The whole reason, wrapped (it was cut with … at the dialog's edge), by the CJK rule.
        assert "本地区不允许此亲属关系使用家庭共济。" in flat(lines)
        assert bad_line_starts(lines) == []


async def test_a_long_status_wraps_by_the_cjk_rule_instead_of_being_cut(make_app):
    from pos.auth import MAX_FAILURES
    from tests.screens.flow import settle_ui

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_ui(pilot)
        for _ in range(MAX_FAILURES):
            await _login_as(pilot, "1002", "000000")
        lines = screen_lines(app)
        shown = "".join(x.strip() for x in lines)
        assert "或请组长解锁" in shown and "F3" in shown  # the whole message, over two lines
        assert bad_line_starts(lines) == []


def test_the_screen_breaks_lines_where_the_paper_does():
    from rich.text import Text

    from pos.cells import wrap_cells
    from screens.common import wrap_text

    cases = [
        ("共济人个人账户已冻结。", 20),
        ("连续输错密码，工号已锁定至 10:45（15 分钟后可再试），或请组长解锁（组长按 F3 解锁）", 30),
        ("Too many wrong PINs: this number is locked until 10:45 (15 min)", 24),
        ("核磁共振（MRI）平扫", 13),  # a Latin word before ）moves down with it
    ]
    for text, width in cases:
        styled = Text(text[:4], style="bold") + Text(text[4:], style="red")
        shown = wrap_text(styled, width)
        assert shown.plain.split("\n") == wrap_cells(text, width)  # one rule, paper and screen
        assert {span.style for span in shown.spans} == {"bold", "red"}  # styles kept
        assert not any(x[:1] in CLOSING for x in shown.plain.split("\n"))


async def test_the_tender_error_wraps_inside_the_tender_dialog(make_app):
    from screens.tender import TenderModal

    app = make_app(lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await scan(pilot, P.MINOR_TWO_GIVERS)
        await press(pilot, "f5", "f8", "f8")  # pre-settle, both givers, the tender dialog
        assert isinstance(app.screen, TenderModal)
        app.screen.query_one("#amt-bank_card").value = "1.234"
        await press(pilot, "f8")
        status = app.screen.query_one("#tender-status")
        box = app.screen.query_one("#tender-box")
        assert status.region.right <= box.region.right
        assert status.region.height >= 2  # wrapped, not cut at the dialog's edge
        shown = str(status.render())
        assert shown.replace("\n", " ").endswith("a non-negative number with at most two decimals.")
        assert len(shown.splitlines()) == status.region.height  # every line of it on screen
        assert any("most two decimals." in x for x in screen_lines(app))


# ------------------------------------------------------------------ the bill's name column


async def test_item_names_get_the_room_the_bill_has_at_120_columns(make_app):
    from screens.widgets import BillTable

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.SON_ARREARS_EXPIRED)  # 巴图: 普通门诊挂号费, 一次性使用无菌注射器 …
        table = app.screen.query_one(BillTable)
        names = [line.name for line in app.screen.state.visit.lines]
        assert "普通门诊挂号费" in names
        for line in app.screen.state.visit.lines:  # each whole, a long one on two lines
            cell = table.get_cell(str(line.line_no), "name")
            assert cell.plain.replace("\n", "") == line.name
            assert table.rows[
                next(k for k in table.rows if k.value == str(line.line_no))
            ].height == (1 if "\n" not in cell.plain else 2)
        shown = "".join(screen_lines(app))
        assert "普通门诊挂…" not in shown and "普通门诊挂号" in shown
        assert table.virtual_size.width <= table.size.width  # nothing scrolled out of sight


async def test_the_bill_fits_its_panel_at_80_columns(make_app):
    from screens.widgets import BillTable

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await scan(pilot, P.SON_ARREARS_EXPIRED)
        table = app.screen.query_one(BillTable)
        assert table.virtual_size.width <= table.size.width  # no column behind a scrollbar
        assert table.columns[next(k for k in table.columns if k.value == "name")].width >= 10


# ------------------------------------------------------------------ the footer at 80 columns


async def test_at_80_columns_the_footer_shows_every_key_and_f1_still_lists_both(make_app):
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    from screens.help import binding_rows

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await scan(pilot, P.MINOR_ONE_GIVER)
        footer = app.screen.query_one(Footer)
        keys = list(footer.query(FooterKey))
        shown = [b for b in app.screen.active_bindings.values() if b.binding.show]
        assert len(keys) == len({b.binding.id or b.binding.action for b in shown})
        assert keys and all(k.region.right <= 80 and k.region.width > 0 for k in keys)
        last = screen_lines(app)[-1]
        for label in ("下一位", "帮助"):  # after F10: was cut at 80 columns
            assert label in last
        rows = {ident: keys for keys, _, ident in binding_rows(app.screen)}
        assert rows["next-patient"] == "f10/^y"  # F1 help keeps the Ctrl twin
    async with make_app().run_test(size=(120, 36)) as pilot:
        await login(pilot)
        assert "f10/^y" in screen_lines(pilot.app)[-1]  # wide: both keys in the footer


# ------------------------------------------------------------------ a scan into a dialog's field


async def test_a_scan_typed_into_the_tender_amount_goes_to_identification(make_app):
    from screens.tender import TenderModal

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.MINOR_TWO_GIVERS)
        await press(pilot, "f5", "f8", "f8")
        assert isinstance(app.screen, TenderModal)
        assert app.screen.focused.id == "received"
        await wedge(pilot, P.MINOR_ONE_GIVER)  # 18 characters into a 14-character field
        screen = app.screen
        assert isinstance(screen, CashierScreen)  # the dialog closed, nothing was settled
        assert app.desk.settlements() == []
        # An unsettled bill is on the counter: the scan waits and asks, as from the scan field.
        assert screen.query_one("#scan").value == P.MINOR_ONE_GIVER
        await press(pilot, "enter")
        assert screen.state.patient.certno == P.MINOR_ONE_GIVER


async def test_a_scan_typed_into_the_quantity_field_goes_to_identification(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.MINOR_TWO_GIVERS)
        await press(pilot, "f10", "f10")  # 下一位 (the bill given up)
        await scan(pilot, P.MINOR_ONE_GIVER)
        screen = app.screen
        lines = screen.state.visit.lines
        await press(pilot, "f7")
        assert isinstance(app.screen, QuantityModal)
        await wedge(pilot, P.FATHER_ECERT)  # 艾力's e-voucher token
        assert app.screen is screen
        await press(pilot, "enter")  # yes, the bill may go
        assert screen.state.patient.psn_name.startswith("艾力")
        assert lines  # (the quantity was never changed)


async def test_an_amount_still_submits_as_an_amount(make_app):
    from screens.tender import TenderModal

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.MINOR_TWO_GIVERS)
        await press(pilot, "f5", "f8", "f8")
        assert isinstance(app.screen, TenderModal)
        await wedge(pilot, "100")  # cash received: Enter settles
        [st] = app.desk.settlements()
        assert st.tenders[0].tendered == 100


# ------------------------------------------------------------------ every footer fits its line


def _footer_fits(app) -> list[str]:
    """The footer's keys by action; fails when the last one runs past the screen's right edge."""
    from textual.widgets._footer import FooterKey

    keys = list(app.screen.query(FooterKey))
    assert keys, "no footer keys"
    right = max(k.region.right for k in keys)
    assert right <= app.screen.size.width, f"footer cut: {right} > {app.screen.size.width}"
    return [k.action for k in keys]


async def test_the_co_pay_desks_footer_fits_and_always_shows_help(make_app):
    # Was: with the Ctrl twins beside the F-keys twelve actions ran past 120 columns, and past 80
    # without them: 返回登录 and F1 帮助 were cut off.
    from screens.desk import DeskScreen
    from tests.screens.desk_flow import open_desk

    for lang in ("zh", "en"):
        for size in ((120, 36), (80, 24)):
            app = make_app(lang=lang)
            async with app.run_test(size=size) as pilot:
                desk = await open_desk(pilot)
                assert isinstance(desk, DeskScreen)
                actions = _footer_fits(app)
                assert {"help", "back", "bind"} <= set(actions), actions
                from screens.help import binding_rows  # F1 lists what the footer leaves out

                listed = {ident for _keys, _text, ident in binding_rows(desk)}
                assert {"desk-turn", "desk-enrolment", "desk-notices", "help"} <= listed


async def test_a_visit_just_opened_is_not_called_changed(make_app):
    # Was: every visit opened said "收费项目已变更，按 F5 重新预结算" before any pre-settlement.
    from screens.widgets import SplitPanel

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.MINOR_ONE_GIVER)

        def split_text() -> str:
            from rich.console import Console

            console = Console(width=40, record=True)
            console.print(app.screen.query_one(SplitPanel).content)
            return console.export_text()

        assert "按 F5 预结算" in split_text() and "已变更" not in split_text()
        await press(pilot, "f5", "ctrl+n")  # pre-settled (no co-pay)
        assert "按 F5" not in split_text()
        await press(pilot, "f3", "down", "down", "enter")  # 12 门诊挂号: that split no longer holds
        till = app.screen
        assert isinstance(till, CashierScreen) and till.state.visit.med_type == "12"
        assert "已变更" in split_text()

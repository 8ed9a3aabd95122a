"""#8.6, the small things a cashier hit (regression tests, each failed before its fix)."""

from __future__ import annotations

from screens.cashier import CashierScreen
from screens.modals import QuantityModal
from tests.screens import personas as P
from tests.screens.flow import login, press, scan, type_text


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

"""#14, scan Enter → patient panel: what the panel's quicker arrival must keep (behaviour only;
the latency itself is `pos bench ui`'s to measure, never asserted here)."""

from __future__ import annotations

from pos.errors import PosError
from pos.i18n import t
from screens.cashier import CashierScreen
from screens.common import StatusLine
from screens.widgets import BillTable, PatientPanel, SplitPanel, WhyPanel
from tests.screens import personas as P
from tests.screens.flow import login, press, scan, settle_ui


async def test_after_next_patient_a_resize_does_not_bring_the_old_bill_back(make_app):
    # 下一位 emptied the table but the table kept the last bill's lines, and its resize handler
    # laid them out again: the previous patient's charges reappeared on an empty counter.
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.SON_ARREARS_EXPIRED)  # 巴图: 普通门诊 orders, loaded as bill lines
        screen = app.screen
        assert isinstance(screen, CashierScreen)
        table = screen.query_one(BillTable)
        assert screen.state.visit is not None and screen.state.visit.lines
        assert table.row_count == len(screen.state.visit.lines)
        await press(
            pilot, "f10", "f10"
        )  # the first press asks (an unsettled bill), the second clears
        assert screen.state.patient is None and table.row_count == 0
        await pilot.resize_terminal(100, 30)
        await pilot.pause(0.1)
        assert table.row_count == 0


async def test_the_visit_is_opened_only_once_the_patient_is_painted(make_app, monkeypatch):
    # The visit's 2201/2203 run on the desk thread; started before the panel's paint they share
    # the interpreter with it. Now they wait for it: here no frame is drawn until the test says
    # so, and the visit waits; then the frame comes and the scan's visit opens as before.
    from textual.screen import Screen

    monkeypatch.setattr(PatientPanel, "PAINT_GRACE", 60.0)  # no fallback during the test
    frames = {"held": False}
    update = Screen._on_timer_update

    def held_update(self) -> None:
        if not frames["held"]:
            update(self)

    monkeypatch.setattr(Screen, "_on_timer_update", held_update)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        screen = app.screen
        assert isinstance(screen, CashierScreen)
        opened: list[str] = []
        open_visit = app.desk.open_visit

        def spy_open(*args, **kwargs):
            opened.append("2201")
            return open_visit(*args, **kwargs)

        app.desk.open_visit = spy_open  # type: ignore[method-assign]
        scan_field = screen.query_one("#scan")
        scan_field.focus()
        await pilot.pause()
        frames["held"] = True
        scan_field.value = P.SON_ARREARS_EXPIRED
        await pilot.press("enter")
        for _ in range(1000):  # the identification comes back; the frame does not
            if screen.state.patient is not None:
                break
            await pilot.pause(0.01)
        await pilot.pause(0.05)
        await app.call(lambda: None)  # the desk thread has done all it was given so far
        assert screen.state.patient is not None and opened == []
        frames["held"] = False
        await settle_ui(pilot)
        assert opened == ["2201"]
        assert screen.state.visit is not None and screen.state.visit.lines
        assert screen.query_one(BillTable).row_count == len(screen.state.visit.lines)


async def test_the_next_patient_never_shows_the_previous_patients_split(make_app):
    # A guard for the panels now left alone when they already show what they should: patient A's
    # split and its "why" must still go when B is identified (here B's visit cannot open, so
    # only what the identification itself did is on the screen).
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.SON_ARREARS_EXPIRED)
        await press(pilot, "f5", "escape")  # the split, and no co-pay this time
        screen = app.screen
        assert isinstance(screen, CashierScreen)
        split, why = screen.query_one(SplitPanel), screen.query_one(WhyPanel)
        assert screen.state.split is not None and why.content.renderables

        def refuse(*_args, **_kwargs):
            raise PosError("VISIT_REFUSED", "就诊登记失败", "the visit could not be opened")

        app.desk.open_visit = refuse  # type: ignore[method-assign]
        await scan(pilot, P.MINOR_TWO_GIVERS)  # asks first: A's bill is not settled
        await press(pilot, "enter")  # discard it and identify B
        assert screen.state.patient is not None
        assert screen.state.patient.certno == P.MINOR_TWO_GIVERS
        assert screen.state.visit is None
        assert split.content.plain == t("split.empty")
        assert not why.content.renderables
        assert screen.query_one(BillTable).row_count == 0


async def test_a_status_of_another_height_still_lays_the_screen_out(make_app):
    # A guard: a status line is repainted in place when it keeps its height; one that needs
    # more lines (or fewer) still gets them (the screen is laid out again).
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        status = app.screen.query_one(StatusLine)
        status.show("短", "ok")
        await pilot.pause(0.1)
        assert status.size.height == 1
        status.show("长" * 100, "error")
        await pilot.pause(0.1)
        assert status.size.height == 3
        status.show("又短", "ok")
        await pilot.pause(0.1)
        assert status.size.height == 1

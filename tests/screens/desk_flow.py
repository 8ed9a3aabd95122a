"""Pilot steps for the co-pay desk (screens/desk*.py), keyboard only, like a desk officer."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Select

from screens.desk import DeskScreen
from tests.screens.flow import press, settle_ui

# Demo people (docs/CENTER.md)
ALI = "652701198403120319"  # 艾力·买买提, father, 3200.00, gives to both children
GULI = "652701198709050421"  # 古丽娜尔, mother, 800.00 (300 ring-fenced for 阿依努尔)
GULI_CARD = "X65270002"
AZMAT = "652701201406010152"  # 艾孜买提, 12, resident: his father's binding only
AZMAT_PSN = "6527000000000003"
WANG_LEI = "652701198612030539"  # 王磊: account frozen
BATEER = "652722198208080173"  # 巴特尔: in arrears
WANG_JG = "652701195802140110"  # 王建国: retiree, 5600.00
WANG_XY = "652701201604180355"  # 王小宇, his grandson
QIQIGE = "652722198501250282"  # 其其格, 2000.00
WUYUN = "652722195505050241"  # 乌云, insurance terminated
ZHOU = "530602195711110153"  # 周德明 (昭通): his spouse binding is pending
ZHOU_SPOUSE_BINDING = "BND-ZT-0302"
GRANDPA_ZH = "652701195012240571"  # 张建华: 博州 insured, lives in 昭通, no filing


async def open_desk(pilot: Pilot) -> DeskScreen:
    """From the login screen: F2 共济经办台."""
    await settle_ui(pilot)
    await press(pilot, "f2")
    screen = pilot.app.screen
    assert isinstance(screen, DeskScreen), screen
    return screen


async def find_giver(pilot: Pilot, text: str) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, DeskScreen)
    scan = screen.query_one("#desk-scan", Input)
    scan.focus()
    scan.value = text
    await press(pilot, "enter")


async def fill_bind(
    pilot: Pilot,
    *,
    beneficiary: str,
    relationship: str | None,
    proof: str | None = None,
    proof_no: str = "",
    quota: str = "",
    valid_to: str = "",
    order: str = "",
    pledge: bool = True,
) -> None:
    """Fill the open bind form (values set as a paste would; the widgets are the real ones)."""
    screen = pilot.app.screen
    screen.query_one("#bind-ben", Input).value = beneficiary
    if relationship is not None:
        screen.query_one("#bind-rel", Select).value = relationship
    if proof is not None:
        screen.query_one("#bind-proof-type", Select).value = proof
    screen.query_one("#bind-proof-no", Input).value = proof_no
    screen.query_one("#bind-quota", Input).value = quota
    screen.query_one("#bind-valid-to", Input).value = valid_to
    screen.query_one("#bind-order", Input).value = order
    screen.query_one("#bind-pledge", Checkbox).value = pledge
    await settle_ui(pilot, rounds=1)


async def select_binding(pilot: Pilot, binding_id: str) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, DeskScreen)
    ids = [b.binding_id for b in screen.rows]
    table = screen.query_one("#desk-bindings")
    table.focus()
    table.move_cursor(row=ids.index(binding_id))
    await settle_ui(pilot, rounds=1)

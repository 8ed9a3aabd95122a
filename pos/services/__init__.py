"""Hospital-side services the screens call: plain Python, no Textual, no SQL in sight.

    desk = CashierDesk(open_database(), "H65270100001-01")
    desk.login("1001", "111111")
    desk.identify("652701201406010152")      # 1101
    desk.open_visit("11")                      # 2201 + 2203, pending orders loaded
    pre = desk.presettle(copay_givers=[...])   # 2204 + 2206
    desk.settle([TenderInput("cash", pre.psn_cash_pay, tendered=Decimal("100"))])   # 2207

Every method returns views (pos.services.views) or raises PosError(code, message_zh, message_en).
"""

from pos.errors import PosError
from pos.services.checkout import TENDER_METHODS
from pos.services.desk import CashierDesk, list_stations
from pos.services.link import MessageRecord, MsgIds
from pos.services.views import TenderInput

__all__ = [
    "TENDER_METHODS",
    "CashierDesk",
    "MessageRecord",
    "MsgIds",
    "PosError",
    "TenderInput",
    "list_stations",
]

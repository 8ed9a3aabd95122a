"""A cashier window that settles patient after patient until it is killed (test_hosp_sigkill).

Prints each settlement id as soon as the desk reports it committed, so the test knows what must
survive the kill.
"""

from __future__ import annotations

import sys

from pos.database import open_database
from pos.services.desk import CashierDesk
from pos.services.views import TenderInput
from tests.hospital.helpers import AILI, AIZMAT, BT_HOSPITAL

# Alternate an employee paying from her own account and a minor paid by his father's co-pay.
PATIENTS = (AILI, AIZMAT)
LINES = (("HD00001", "2"), ("HS00045", "1"))


def main(url: str) -> None:
    desk = CashierDesk(open_database(url), BT_HOSPITAL)
    desk.login("1001", "111111")
    i = 0
    while True:
        desk.identify(PATIENTS[i % 2])
        visit = desk.open_visit("11")
        if not visit.lines:
            for code, cnt in LINES:
                desk.add_line(code, cnt)
        pre = desk.presettle()
        givers = [o.giver_psn_no for o in pre.copay_options if o.usable]
        if givers:
            pre = desk.presettle(copay_givers=givers)
        tenders = [TenderInput("cash", pre.psn_cash_pay)] if pre.psn_cash_pay else []
        print(desk.settle(tenders).settlement.setl_id, flush=True)
        i += 1


if __name__ == "__main__":
    main(sys.argv[1])

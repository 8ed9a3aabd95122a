"""Several windows at once: one settlement per batch, and receipt numbers without gaps."""

from __future__ import annotations

import threading
from collections.abc import Callable

from pos.errors import PosError
from pos.services.desk import CashierDesk
from pos.services.link import MsgIds
from tests.hospital.helpers import (
    AIZMAT,
    AYNUR,
    BT_HOSPITAL,
    BT_HOSPITAL_2,
    ZHANG_JIANHUA,
    pay,
    problems,
)

WANG_XIAOYU = "652701201604180355"
BATU = "652722201310090196"


def _run_together(jobs: list[Callable[[], object]]) -> list[object]:
    """Start every job at the same moment; each result is its return value or its exception."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = jobs[i]()
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _desk(db, clock, center, station: str, n: int, cashier: str, pin: str) -> CashierDesk:
    desk = CashierDesk(db, station, clock=clock, center=center, msgids=MsgIds(n))
    desk.login(cashier, pin)
    return desk


def test_two_windows_settling_one_batch_settle_it_once(db, clock, center_for):
    center = center_for(db)
    one = _desk(db, clock, center, BT_HOSPITAL, 1, "1001", "111111")
    two = _desk(db, clock, center, BT_HOSPITAL_2, 2, "1002", "222222")
    one.identify(AYNUR)
    visit = one.open_visit("11")
    pre_one = one.presettle()
    two.resume_visit(visit.visit_id)
    pre_two = two.presettle()
    assert pre_two.chrg_bchno == pre_one.chrg_bchno  # same lines: no second upload
    results = _run_together(
        [
            lambda: one.settle(pay(pre_one.psn_cash_pay)),
            lambda: two.settle(pay(pre_two.psn_cash_pay)),
        ]
    )
    settled = [r for r in results if not isinstance(r, Exception)]
    assert settled, results
    others = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, PosError) and r.code == "SETTLE_IN_FLIGHT" for r in others), others
    assert len({r.settlement.setl_id for r in settled}) == 1
    assert len(one.settlements()) == 1
    assert problems(db) == []


def test_concurrent_settlements_take_consecutive_receipt_numbers(db, clock, center_for):
    center = center_for(db)
    desks = []
    for n, certno in enumerate((AIZMAT, AYNUR, WANG_XIAOYU, BATU, ZHANG_JIANHUA), start=1):
        desk = _desk(db, clock, center, BT_HOSPITAL, n, "1001", "111111")
        desk.identify(certno)
        desk.open_visit("11")
        desk.presettle()
        desks.append(desk)
    results = _run_together(
        [lambda d=d: d.settle(pay(d.counter.presettle.psn_cash_pay)) for d in desks]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    receipts = sorted(r.settlement.receipt_no for r in results)
    assert receipts == [f"MZ2025{n:08d}" for n in range(1, 6)]
    assert problems(db) == []

"""Past days for a class to practise on: `pos db seed --history N`.

Every settlement is made through the same CashierDesk the window uses (1101, 2201/2203, 2204,
2206, 2207), by the demo cashiers at their own windows, on a clock this module moves through each
past day (08:00–17:00 China time); ids come from the same counters as live ones. So the books,
the center and the audit chain look exactly as if the days had happened. A few of the day's
settlements are refunded (2208, approved by the supervisor, with a reason) and a few reprinted
(补打); each cashier closes the day at 17:30 with a blind count (now and then a little over or
short). Everything is chosen by `random.Random(seed)`: the same N, seed and end day give the same
database, byte for byte in the money rows.
"""

from __future__ import annotations

import contextlib
import random
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from pos.clock import CHINA
from pos.config import PrinterSettings
from pos.database import Database
from pos.errors import PosError
from pos.services.desk import CashierDesk
from pos.services.link import MsgIds
from pos.services.views import DENOMINATIONS, DrawerCount, TenderInput
from pos.store.seed import FIXTURES

MAX_DAYS = 60

# Who works where (demo staff, fixtures/staff.toml) and whom they see (fixtures/families): people
# the center settles at that institution. Orders are used on the first visit; later visits get
# items from the price list.
WINDOWS = (
    ("H65270100001-01", "1001", "1009"),
    ("H65270100001-02", "1002", "1009"),
    ("H53060200001-01", "2001", "2009"),
)
PATIENTS = {
    "H65270100001": (
        "652701201406010152",  # 艾孜买提, father's co-pay
        "652701202011200263",  # 阿依努尔, two givers
        "652701195802140110",  # 王建国, retiree, own account
        "652701198403120319",  # 艾力, employee, own account
        "652701198709050421",  # 古丽娜尔, employee
        "652701195012240571",  # 张建华, resident, son's co-pay
        "652722201310090196",  # 巴图, no usable giver: cash
    ),
    "H53060200001": (
        "530602201702070717",  # 陈小龙, two givers (昭通: proof checked)
        "530621201509090627",  # 杨柳
        "652701200509160407",  # 张晓燕, 异地就医 filed to 昭通
    ),
}
# Items a visit may have besides registration and consultation (outpatient, insured lines).
ITEMS = (
    "HD00001", "HD00003", "HD00004", "HD00005", "HD00006", "HD00009", "HD00010", "HD00014",
    "HD00020", "HD00021", "HD00023", "HE00031", "HE00034", "HE00037", "HE00038", "HE00039",
    "HS00048", "HS00049", "HM00058", "HM00059",
)  # fmt: skip
METHODS = ("cash", "cash", "cash", "wechat", "alipay", "bank_card")
REASONS = ("患者退药", "检查未做", "重复收费", "患者改期就诊")
OFF = PrinterSettings(sink="none")


@dataclass
class MovingClock:
    """The desk's clock: an instant this module sets and moves forward."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def step(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)


@dataclass
class HistoryCounts:
    days: int = 0
    settlements: int = 0
    refunds: int = 0
    reprints: int = 0
    closes: int = 0
    skipped: list[str] = field(default_factory=list)  # what the center refused, and why

    def as_dict(self) -> dict[str, int]:
        return {
            "days": self.days,
            "settlements": self.settlements,
            "refunds": self.refunds,
            "reprints": self.reprints,
            "closes": self.closes,
        }


def _pins(fixtures) -> dict[str, str]:
    with (fixtures / "staff.toml").open("rb") as fh:
        staff = tomllib.load(fh)
    return {c["cashier_no"]: c["pin"] for c in staff.get("cashier", [])}


def _count_for(expected: Decimal, rng: random.Random) -> DrawerCount:
    """The drawer as a cashier would count it: mostly right, now and then 1 元 over or short."""
    drift = rng.choice((Decimal(0),) * 8 + (Decimal(1), Decimal(-1)))
    left = max(expected + drift, Decimal(0))
    pieces = []
    for denom in DENOMINATIONS:
        value = Decimal(denom)
        n = int(left // value)
        left -= value * n
        pieces.append((denom, n))
    return DrawerCount(tuple(pieces))


def make_history(
    db: Database,
    days: int,
    *,
    until: date,
    seed: int = 11,
    fixtures=FIXTURES,
    progress: Callable[[str], None] | None = None,
) -> HistoryCounts:
    """Fill the `days` days before `until` (China dates) with settlements made at the desks."""
    if not 1 <= days <= MAX_DAYS:
        raise PosError(
            "HISTORY_DAYS",
            f"历史天数应为 1～{MAX_DAYS}",
            f"--history takes 1 to {MAX_DAYS} days",
            field="history",
        )
    rng = random.Random(seed)
    pins = _pins(fixtures)
    first = until - timedelta(days=days)
    clock = MovingClock(datetime.combine(first, time(8, 0), CHINA))
    desks = []
    for station, cashier, supervisor in WINDOWS:
        desk = CashierDesk(db, station, clock=clock, msgids=MsgIds(int(station[-2:])))
        desk.login(cashier, pins[cashier])
        desks.append((desk, cashier, supervisor))
    counts = HistoryCounts()
    for offset in range(days):
        day = first + timedelta(days=offset)
        counts.days += 1
        for desk, _cashier, supervisor in desks:
            clock.now = datetime.combine(day, time(8, 0), CHINA) + timedelta(
                minutes=rng.randrange(0, 30)
            )
            done = []
            for _ in range(rng.randrange(4, 9)):
                clock.step(rng.randrange(20, 75))
                if clock.now.hour >= 17:
                    break
                out = _one_visit(desk, rng, counts)
                if out is not None:
                    done.append(out)
            for settled in done:
                roll = rng.random()
                if roll < 0.08:
                    clock.step(3)
                    approval = desk.approve(
                        supervisor,
                        pins[supervisor],
                        action="refund",
                        subject=settled.setl_id,
                        reason=rng.choice(REASONS),
                    )
                    desk.refund(settled.setl_id, approval=approval)
                    counts.refunds += 1
                elif roll < 0.18:
                    clock.step(2)
                    desk.reprint(settled.id, OFF)
                    counts.reprints += 1
            clock.now = datetime.combine(day, time(17, 30), CHINA)
            expected = desk.x_report().cash_expected
            try:
                desk.day_close(_count_for(expected, rng))
            except PosError as exc:
                if exc.code != "DAYCLOSE_ALREADY":  # a day with nothing settled: nothing to close
                    raise
            else:
                counts.closes += 1
        if progress is not None:
            progress(f"{day.isoformat()}: {counts.settlements} settlements so far")
    for desk, _, _ in desks:
        desk.logout()
    return counts


def _one_visit(desk: CashierDesk, rng: random.Random, counts: HistoryCounts):
    """One patient at the window: identify, open the visit, bill, pre-settle, settle, next."""
    who = rng.choice(PATIENTS[desk.station.fixmedins_code])
    try:
        desk.identify(who)
        visit = desk.open_visit("11")
        if not visit.lines:
            desk.add_line("HS00043", "1")
            desk.add_line("HS00045", "1")
            for code in rng.sample(ITEMS, rng.randrange(1, 4)):
                desk.add_line(code, str(rng.randrange(1, 3)))
        pre = desk.presettle()
        usable = [o.giver_psn_no for o in pre.copay_options if o.usable]
        if usable and rng.random() < 0.7:
            pre = desk.presettle(copay_givers=usable, copay_proof_checked=True)
        due = pre.psn_cash_pay
        method = rng.choice(METHODS)
        tenders = []
        if due > 0:
            tendered = None
            if method == "cash":
                tendered = (due / 10).to_integral_value(rounding="ROUND_CEILING") * 10
            tenders = [TenderInput(method, due, tendered)]
        out = desk.settle(tenders)
    except PosError as exc:
        counts.skipped.append(f"{who}: {exc.code}")
        if desk.visit_id is not None:
            with contextlib.suppress(PosError):
                desk.cancel_visit()
        desk.clear_patient()
        return None
    desk.clear_patient()
    counts.settlements += 1
    return out.settlement

"""Shared steps for the center tests: take a demo person through a visit at a station."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.center.models import CenterAccount, CenterBase, CenterBinding, CenterYtd
from pos.bench.station import Station

# A small outpatient bill: 诊察费 (甲), 阿莫西林 (甲, over the ceiling), 头孢克肟 (乙), 胸部DR (乙, over).
BILL = [
    ("HS00045", "10.00", "1"),
    ("HD00001", "12.50", "2"),
    ("HD00002", "28.60", "1"),
    ("HE00031", "150.00", "1"),
]


@dataclass
class Visit:
    station: Station
    person: object
    mdtrt_id: str
    batch: str
    total: Decimal
    med_type: str

    @property
    def cert(self) -> tuple[str, str]:
        return ("02", self.person.certno)

    def input(self, givers=(), acct_used=True, proof=False, **extra) -> dict:
        data = Station.settle_input(
            self.person.psn_no,
            self.cert,
            self.mdtrt_id,
            self.batch,
            self.total,
            insutype=self.person.enrolment.insutype.value,
            med_type=self.med_type,
            givers=list(givers),
            acct_used=acct_used,
            proof=proof,
        )
        data.update(extra)
        return data

    def presettle(self, **kw) -> dict:
        return self.station.send("2206", self.input(**kw))

    def settle(self, msgid=None, **kw) -> dict:
        return self.station.send("2207", self.input(**kw), msgid)

    def answer(self, infno="2207", msgid=None, **kw) -> dict:
        return self.station.center.handle(self.station.message(infno, self.input(**kw), msgid))


def open_visit(
    station: Station, person, lines=BILL, *, med_type="11", batch="B1", otp=None
) -> Visit:
    ins = person.enrolment.insutype.value
    mdtrt_id = station.open_visit(
        person.psn_no, ins, ("02", person.certno), med_type, otp or f"MZ-{person.psn_no}-{batch}"
    )
    total = station.upload(mdtrt_id, person.psn_no, batch, lines)
    return Visit(station, person, mdtrt_id, batch, total, med_type)


def snapshot(engine) -> dict:
    """Row counts of every center table plus every balance, quota_used and accumulator.

    center_counters is left out: it numbers ids, and a process's first message, refused or not,
    takes a block of inf_refmsgid numbers there (engine.center.ids)."""
    with Session(engine) as s:
        counts = {
            t.name: s.execute(select(func.count()).select_from(t)).scalar_one()
            for t in CenterBase.metadata.sorted_tables
            if t.name != "center_counters"
        }
        return {
            "counts": counts,
            "balances": dict(s.execute(select(CenterAccount.psn_no, CenterAccount.balance)).all()),
            "quota": dict(
                s.execute(select(CenterBinding.binding_id, CenterBinding.quota_used)).all()
            ),
            "ytd": {
                (y.psn_no, y.year, y.bucket): (y.dedc_paid, y.hifp_paid, y.big_paid)
                for y in s.execute(select(CenterYtd)).scalars()
            },
        }


def balance(engine, psn_no: str) -> Decimal:
    with Session(engine) as s:
        return s.get(CenterAccount, psn_no).balance


def quota_used(engine, binding_id: str) -> Decimal:
    with Session(engine) as s:
        return s.get(CenterBinding, binding_id).quota_used

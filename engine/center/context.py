"""What every transaction handler gets: the connection (and an ORM session on it), the injected
clock's `now`, the envelope, and the center's read-only registries (policies, catalog, ids).
Plus the shared row lookups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from engine.center import onetrip, queries
from engine.center.models import (
    CenterAccount,
    CenterEnrolment,
    CenterInstitution,
    CenterPerson,
    CenterSettlement,
    CenterVisit,
)
from engine.center.registry import Registry
from engine.center.writes import Writes
from engine.policy import Policy


class CenterError(Exception):
    """A refusal: answered as infcode -1 with this message; the transaction is rolled back.

    The message is written "field: 中文 / English" (the field and the English part optional).
    `codes` names the rules that refused, when the refusal comes from a rule with a code (the
    desk's J-series): they travel in err_detail, so no client reads them out of the text.
    """

    def __init__(self, message: str, *, codes: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.codes = codes


def error_detail(message: str, codes: tuple[str, ...] = ()) -> dict:
    """A refusal as structured parts {field, zh, en}, split where the refusal is written (here),
    so callers never have to take the platform's one-line err_msg apart again."""
    field = ""
    head, sep, rest = message.partition(": ")
    if sep and head and head.isascii() and " " not in head:
        field, message = head, rest
    zh, sep, en = message.partition(" / ")
    detail = {"field": field, "zh": zh.strip(), "en": (en if sep else zh).strip()}
    if codes:
        detail["codes"] = list(codes)
    return detail


@dataclass(frozen=True, slots=True)
class Envelope:
    infno: str
    msgid: str | None
    fixmedins_code: str | None
    opter: str | None


@dataclass(slots=True)
class Ctx:
    """`conn` is the message's connection, inside its transaction. `session` is an ORM Session in
    the same transaction: the one the message runs in, or (on the settlement path, which runs
    without one) made on first use, bound to `conn`."""

    conn: Connection
    now: datetime
    env: Envelope
    registry: Registry
    # True on a retry after a unique-key clash: handlers then look for what the clash found.
    replay: bool = False
    # The request's fingerprint (engine.center.ids.fingerprint), when the center took it.
    digest: str | None = None
    orm: Session | None = None
    writes: Writes = field(init=False)

    def __post_init__(self) -> None:
        self.writes = Writes(self.conn)

    @property
    def session(self) -> Session:
        if self.orm is None:
            self.orm = Session(bind=self.conn, expire_on_commit=False, autoflush=True)
        return self.orm

    def commit_writes(self) -> None:
        """The message's last writes; on PostgreSQL inside `one_trip` they carry the COMMIT,
        unless the ORM still holds something to flush (then `one_trip` commits after it)."""
        orm = self.orm
        self.writes.flush(commit=orm is None or not (orm.new or orm.dirty or orm.deleted))

    def flush_orm(self) -> None:
        if self.orm is not None:
            self.orm.flush()

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def postgres(self) -> bool:
        return self.conn.dialect.name == "postgresql"

    # ------------------------------------------------------------------ lookups

    def institution(self, code: str | None = None) -> CenterInstitution:
        code = code or self.env.fixmedins_code
        if not code:
            raise CenterError(
                "fixmedins_code: 报文头缺少定点医药机构编号 / the envelope needs fixmedins_code"
            )
        # The registry of institutions does not change while the center runs: cache it.
        cache = self.registry.cache.institutions
        inst = cache.get(code)
        if inst is None:
            inst = self.session.get(CenterInstitution, code)
            if inst is None:
                raise CenterError(f"fixmedins_code: 未知的医药机构 {code} / unknown institution")
            self.session.expunge(inst)
            cache[code] = inst
        return inst

    def person_facts(self, psn_no: str) -> CenterPerson:
        """A detached copy of the person row (persons never change while the center runs)."""
        people = self.registry.cache.persons
        person = people.get(psn_no)
        if person is None:
            person = self.person(psn_no)
            self.session.expunge(person)
            people[psn_no] = person
        return person

    def name(self, psn_no: str) -> str:
        """A person's name (names never change here, so it is cached)."""
        return self.person_facts(psn_no).name

    def person(self, psn_no: str) -> CenterPerson:
        person = self.session.get(CenterPerson, psn_no)
        if person is None:
            raise CenterError(f"psn_no: 查无此人 {psn_no} / unknown person")
        return person

    def fetch(self, *reads: onetrip.Read) -> list[list]:
        """Several reads at once (one round trip on PostgreSQL), rows as `onetrip.Record`s."""
        return onetrip.fetch(self.conn, reads)

    def enrolment(
        self, psn_no: str, insutype: str | None = None, *, lock: bool = False
    ) -> CenterEnrolment:
        q = queries.enrolment(lock, insutype is not None)
        row = self.session.execute(q, {"psn_no": psn_no, "insutype": insutype}).scalars().first()
        return self.enrolled(row, psn_no, insutype)

    @staticmethod
    def enrolled(row, psn_no: str, insutype: str | None):
        """`row`, or the refusal for a person without that enrolment."""
        if row is None:
            what = f"险种 {insutype} " if insutype else ""
            raise CenterError(f"psn_no: {psn_no} 无{what}参保记录 / not enrolled")
        return row

    def account(self, psn_no: str) -> CenterAccount | None:
        return self.session.get(CenterAccount, psn_no)

    def visit(self, mdtrt_id: str, psn_no: str, *, lock: bool = False) -> CenterVisit:
        visit = self.session.execute(
            queries.visit(lock), {"mdtrt_id": mdtrt_id}
        ).scalar_one_or_none()
        return self.own_visit(visit, mdtrt_id, psn_no)

    def own_visit(self, visit, mdtrt_id: str, psn_no: str):
        """`visit` (a row read for mdtrt_id), or the refusal: unknown, someone else's, or
        another institution's."""
        if visit is None:
            raise CenterError(f"mdtrt_id: 就诊 {mdtrt_id} 不存在 / unknown visit")
        if visit.psn_no != psn_no:
            raise CenterError(f"psn_no: 与就诊 {mdtrt_id} 的人员不符 / does not match the visit")
        if self.env.fixmedins_code and visit.fixmedins_code != self.env.fixmedins_code:
            raise CenterError(
                f"mdtrt_id: 就诊 {mdtrt_id} 不属于本机构 / belongs to another institution"
            )
        return visit

    def home_admdvs(self, psn_no: str, insutype: str) -> str:
        """参保地 of an enrolment (cached: enrolments do not move between regions here)."""
        cache = self.registry.cache.home
        key = (psn_no, insutype)
        if key not in cache:
            cache[key] = self.enrolment(psn_no, insutype).admdvs
        return cache[key]

    def policy_for(self, admdvs: str) -> Policy:
        policy = self.registry.policy_by_region.get(admdvs[:4])
        if policy is None:
            raise CenterError(f"admdvs: 参保地 {admdvs} 没有政策参数 / no policy for this region")
        return policy

    def age(self, brdy: date) -> int:
        t = self.today
        return t.year - brdy.year - ((t.month, t.day) < (brdy.month, brdy.day))

    # ------------------------------------------------------------- settlement status

    def undone(self, setl_id: str) -> CenterSettlement | None:
        """The row that undid this one: a 2601 reversal, or (for a settlement) a live refund."""
        rows = self.session.execute(queries.undoers(), {"setl_id": setl_id}).scalars().all()
        for row in rows:
            if row.kind == "reversal":
                return row
        for row in rows:
            if row.kind == "refund" and self.undone(row.setl_id) is None:
                return row
        return None

    def batch_attempts(self, mdtrt_id: str, chrg_bchno: str) -> list[CenterSettlement]:
        params = {"mdtrt_id": mdtrt_id, "chrg_bchno": chrg_bchno}
        return list(self.session.execute(queries.batch_attempts(), params).scalars())

    def admission_dedc_paid(self, mdtrt_id: str):
        # Signed rows: refunds and reversals are negated, so the plain sum is what still counts.
        return self.session.execute(
            select(func.coalesce(func.sum(CenterSettlement.act_pay_dedc), 0)).where(
                CenterSettlement.mdtrt_id == mdtrt_id
            )
        ).scalar_one()

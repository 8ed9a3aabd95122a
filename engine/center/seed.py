"""Seed the center from fixtures: institutions.toml and families/*.toml (validated, all or nothing)."""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from decimal import Decimal
from itertools import groupby
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from engine.center.models import (
    CenterAccount,
    CenterBase,
    CenterBinding,
    CenterEnrolment,
    CenterFiling,
    CenterInstitution,
    CenterJournal,
    CenterPerson,
    CenterToken,
    CenterYtd,
)
from engine.clock import china_now
from engine.codes import HospLv, Insutype, MedType, PsnInsuStas, PsnType, Relationship
from engine.copay import BindingStatus
from engine.errors import describe
from engine.fixtures import fixtures_dir
from engine.idcard import IdCardError, validate
from engine.models import Amount

FIXTURES_DIR = fixtures_dir()
_ADMDVS = r"^[0-9]{6}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Enrolment(_Strict):
    insutype: Insutype
    psn_type: PsnType
    admdvs: str = Field(pattern=_ADMDVS)
    status: PsnInsuStas = PsnInsuStas.NORMAL
    arrears: bool = False


class Account(_Strict):
    balance: Amount
    frozen: bool = False


class YtdRow(_Strict):
    bucket: MedType
    dedc_paid: Amount = Decimal(0)
    hifp_paid: Amount = Decimal(0)
    big_paid: Amount = Decimal(0)


class Person(_Strict):
    psn_no: str = Field(pattern=r"^[0-9]{10,30}$")
    name: str = Field(min_length=1, max_length=50)
    certno: str
    gend: Literal["1", "2"]
    brdy: date
    card_no: str = Field(pattern=r"^[A-Z][0-9]{8}$")
    ecert_token: str = Field(pattern=r"^YB[0-9]{6}[A-Z0-9]{22}$")
    role: str = ""
    enrolment: Enrolment
    account: Account | None = None
    ytd: list[YtdRow] = Field(default_factory=list)

    @field_validator("certno")
    @classmethod
    def _certno(cls, value: str) -> str:
        try:
            return validate(value)
        except IdCardError as exc:
            raise ValueError(str(exc)) from None


class Binding(_Strict):
    id: str = Field(min_length=1, max_length=20)
    giver: str
    beneficiary: str
    relationship: Relationship
    quota: Amount
    quota_used: Amount = Decimal(0)
    valid_from: date
    valid_to: date | None = None
    status: BindingStatus = BindingStatus.ACTIVE
    channel: Literal["online", "counter"]
    proof: Literal["户口本", "出生证明", "结婚证"]
    pledge_signed: bool
    order: int = 1
    note: str | None = None


class Filing(_Strict):
    psn_no: str
    from_admdvs: str = Field(pattern=_ADMDVS)
    to_admdvs: str = Field(pattern=_ADMDVS)
    valid_from: date
    valid_to: date


class FamilyAccount(_Strict):
    holder: str
    relative: str
    token: str = Field(pattern=r"^YB[0-9]{6}[A-Z0-9]{22}$")


class Family(_Strict):
    id: str
    name: str
    story: str
    person: list[Person] = Field(min_length=1)
    binding: list[Binding] = Field(default_factory=list)
    filing: list[Filing] = Field(default_factory=list)
    family_account: list[FamilyAccount] = Field(default_factory=list)


class Institution(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)  # the hospital's file has more fields

    fixmedins_code: str = Field(pattern=r"^[A-Z][0-9]{11}$")
    name: str
    level: HospLv
    admdvs: str = Field(pattern=_ADMDVS)
    designated: bool
    policy: str


def _load(path: Path) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def load_families(fixtures_dir: Path = FIXTURES_DIR) -> list[Family]:
    families = []
    for path in sorted((Path(fixtures_dir) / "families").glob("*.toml")):
        for n, raw in enumerate(_load(path).get("family", [])):
            try:
                families.append(Family.model_validate(raw))
            except ValidationError as exc:
                raise ValueError(f"{path.name}: family[{n}]: {describe(exc)}") from None
    return families


def load_institutions(fixtures_dir: Path = FIXTURES_DIR) -> list[Institution]:
    path = Path(fixtures_dir) / "institutions.toml"
    out = []
    for n, raw in enumerate(_load(path).get("institution", [])):
        try:
            out.append(Institution.model_validate(raw))
        except ValidationError as exc:
            raise ValueError(f"{path.name}: institution[{n}]: {describe(exc)}") from None
    return out


def seed_center(session, fixtures_dir: Path = FIXTURES_DIR, *, year: int | None = None) -> dict:
    """Insert institutions and families into an empty center; the caller commits.

    `year` is the year the fixtures' ytd accumulators belong to (default: this year).
    Returns counts per table.
    """
    year = year or china_now().year  # the China year, whatever the host's zone
    opened = datetime(year, 1, 1)
    rows: list = [
        CenterInstitution(
            fixmedins_code=i.fixmedins_code,
            name=i.name,
            level=i.level.value,
            admdvs=i.admdvs,
            designated=i.designated,
            policy_id=i.policy,
        )
        for i in load_institutions(fixtures_dir)
    ]
    families = load_families(fixtures_dir)
    known = {p.psn_no for f in families for p in f.person}
    for fam in families:
        for p in fam.person:
            rows += _person_rows(fam.id, p, year, opened)
        for b in fam.binding:
            for who in (b.giver, b.beneficiary):
                if who not in known:
                    raise ValueError(f"family {fam.id}: binding {b.id}: unknown psn_no {who}")
            rows.append(
                CenterBinding(
                    binding_id=b.id,
                    giver_psn_no=b.giver,
                    beneficiary_psn_no=b.beneficiary,
                    relationship=b.relationship.value,
                    quota=b.quota,
                    quota_used_opening=b.quota_used,
                    quota_used=b.quota_used,
                    valid_from=b.valid_from,
                    valid_to=b.valid_to,
                    status=b.status.value,
                    channel=b.channel,
                    proof=b.proof,
                    pledge_signed=b.pledge_signed,
                    order=b.order,
                    note=b.note,
                )
            )
        rows += [CenterFiling(**f.model_dump()) for f in fam.filing]
        rows += [
            CenterToken(token=r.token, psn_no=r.relative, shown_by=r.holder)
            for r in fam.family_account
        ]
    # Without relationship()s the unit of work does not order tables by foreign key: do it here.
    order = {t.name: n for n, t in enumerate(CenterBase.metadata.sorted_tables)}
    for _, group in groupby(
        sorted(rows, key=lambda r: order[r.__tablename__]), key=lambda r: order[r.__tablename__]
    ):
        session.add_all(list(group))
        session.flush()
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.__tablename__] = counts.get(row.__tablename__, 0) + 1
    return counts


def _person_rows(family_id: str, p: Person, year: int, opened: datetime) -> list:
    e = p.enrolment
    rows: list = [
        CenterPerson(
            psn_no=p.psn_no,
            certno=p.certno,
            name=p.name,
            gend=p.gend,
            brdy=p.brdy,
            card_no=p.card_no,
            family_id=family_id,
            role=p.role,
        ),
        CenterToken(token=p.ecert_token, psn_no=p.psn_no, shown_by=None),
        CenterEnrolment(
            psn_no=p.psn_no,
            insutype=e.insutype.value,
            psn_type=e.psn_type.value,
            admdvs=e.admdvs,
            status=e.status.value,
            arrears=e.arrears,
        ),
    ]
    if p.account is not None:
        if e.insutype is not Insutype.EMPLOYEE:
            raise ValueError(f"{p.psn_no}: only 310 职工 enrolments have a personal account")
        rows.append(
            CenterAccount(psn_no=p.psn_no, balance=p.account.balance, frozen=p.account.frozen)
        )
        rows.append(
            CenterJournal(
                psn_no=p.psn_no,
                kind="opening",
                amount=p.account.balance,
                balance_after=p.account.balance,
                created_at=opened,
            )
        )
    for y in p.ytd:
        rows.append(
            CenterYtd(
                psn_no=p.psn_no,
                insutype=e.insutype.value,
                year=year,
                bucket=y.bucket.value,
                dedc_opening=y.dedc_paid,
                hifp_opening=y.hifp_paid,
                big_opening=y.big_paid,
                dedc_paid=y.dedc_paid,
                hifp_paid=y.hifp_paid,
                big_paid=y.big_paid,
            )
        )
    return rows

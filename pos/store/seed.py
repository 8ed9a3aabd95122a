"""Seed the hospital tables from fixtures/: institutions, stations, staff, price list, pending orders.

Fixture files are checked against each other (an order's patient must be in fixtures/families, its
items in the catalog, its department at its institution); a mistake raises SeedError naming the
file and the entry, and nothing is written (the caller's transaction rolls back).
"""

from __future__ import annotations

import tomllib
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy.orm import Session

from engine.fixtures import fixtures_dir
from pos.audit import GENESIS, head_mac, safe_actor
from pos.auth import SCRYPT_N, hash_pin
from pos.store.models import (
    AuditHead,
    Cashier,
    CatalogItem,
    Department,
    Institution,
    OrderLine,
    PendingOrder,
    Station,
)

FIXTURES = fixtures_dir()  # the checkout's fixtures/, or the copy shipped in the wheel
# What a designated pharmacy may sell (no consultations or examinations).
_PHARMACY_KINDS = {"drug", "material", "goods"}


class SeedError(ValueError):
    pass


def _load(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise SeedError(f"{path.name}: file not found in {path.parent}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SeedError(f"{path.name}: not valid TOML ({exc})") from None


def _decimal(text: object, where: str) -> Decimal:
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        raise SeedError(f"{where}: {text!r} is not a number") from None
    if isinstance(text, float) or not value.is_finite():
        raise SeedError(f'{where}: write amounts as strings, e.g. "12.50"')
    return value


def _need(entry: dict, key: str, where: str) -> object:
    if key not in entry:
        raise SeedError(f"{where}: missing {key!r}")
    return entry[key]


def catalog_ceilings(fixtures: Path = FIXTURES) -> dict[str, Decimal]:
    """medins_list_codg → the insurance ceiling price, for the items that have one."""
    out = {}
    for item in _load(fixtures / "catalog.toml").get("item", []):
        if item.get("pric_uplmt_amt") is not None:
            code = item["medins_list_codg"]
            out[code] = _decimal(item["pric_uplmt_amt"], f"catalog.toml item {code}")
    return out


def family_certnos(fixtures: Path) -> dict[str, str]:
    """certno → name of every demo person in fixtures/families/*.toml."""
    people: dict[str, str] = {}
    for path in sorted((fixtures / "families").glob("*.toml")):
        for family in _load(path).get("family", []):
            for person in family.get("person", []):
                people[person["certno"]] = person["name"]
    return people


def seed_hospital(
    session: Session, fixtures: Path = FIXTURES, *, pin_cost: int = SCRYPT_N
) -> dict[str, int]:
    """Insert every hospital fixture; returns row counts per kind."""
    counts = {"institutions": 0, "stations": 0, "cashiers": 0, "catalog": 0, "orders": 0}
    depts: set[tuple[str, str]] = set()
    institutions: set[str] = set()
    dept_rows: list[Department] = []
    for i, inst in enumerate(_load(fixtures / "institutions.toml").get("institution", [])):
        where = f"institutions.toml institution #{i + 1}"
        code = str(_need(inst, "fixmedins_code", where))
        if len(code) != 12:
            raise SeedError(f"{where}: fixmedins_code {code!r} must be 12 characters")
        session.add(
            Institution(
                fixmedins_code=code,
                name=inst["name"],
                name_en=inst.get("name_en", inst["name"]),
                kind=inst["kind"],
                level=str(inst["level"]),
                admdvs=inst["admdvs"],
                county_admdvs=inst.get("county_admdvs", inst["admdvs"]),
                designated=bool(inst["designated"]),
                policy_id=inst["policy"],
            )
        )
        for dept in inst.get("depts", []):
            depts.add((code, dept["code"]))
            dept_rows.append(
                Department(fixmedins_code=code, dept_code=dept["code"], dept_name=dept["name"])
            )
        institutions.add(code)
        counts["institutions"] += 1
    # Flushed in dependency order by hand: the models declare no relationships to sort by.
    session.flush()
    session.add_all(dept_rows)
    session.flush()

    staff = _load(fixtures / "staff.toml")
    for st in staff.get("station", []):
        if st["fixmedins_code"] not in institutions:
            raise SeedError(
                f"staff.toml station {st['station_id']}: unknown institution {st['fixmedins_code']}"
            )
        session.add(
            Station(
                station_id=st["station_id"], fixmedins_code=st["fixmedins_code"], name=st["name"]
            )
        )
        counts["stations"] += 1
    for c in staff.get("cashier", []):
        where = f"staff.toml cashier {c.get('cashier_no')}"
        if c["fixmedins_code"] not in institutions:
            raise SeedError(f"{where}: unknown institution {c['fixmedins_code']}")
        if c["role"] not in ("cashier", "supervisor"):
            raise SeedError(f"{where}: role must be cashier or supervisor")
        if safe_actor(str(c["cashier_no"])) != c["cashier_no"]:
            # The audit log never stores a PIN-shaped actor, so no cashier number may look like one.
            raise SeedError(f"{where}: a cashier number is 1-10 letters or digits, not 6+ digits")
        session.add(
            Cashier(
                cashier_no=c["cashier_no"],
                name=c["name"],
                fixmedins_code=c["fixmedins_code"],
                role=c["role"],
                pin_hash=hash_pin(str(c["pin"]), n=pin_cost),
                failed_logins=0,
                active=True,
            )
        )
        counts["cashiers"] += 1
    session.flush()

    catalog: set[str] = set()
    for item in _load(fixtures / "catalog.toml").get("item", []):
        code = item["medins_list_codg"]
        where = f"catalog.toml item {code}"
        session.add(
            CatalogItem(
                medins_list_codg=code,
                med_list_codg=item.get("med_list_codg", ""),
                name=item["name"],
                pinyin=item.get("pinyin", ""),
                spec=item.get("spec", ""),
                unit=item.get("unit", ""),
                pric=_decimal(_need(item, "price", where), where),
                chrgitm_lv=item["chrgitm_lv"],
                med_chrgitm_type=item["med_chrgitm_type"],
                acct_payable=bool(item.get("acct_payable", True)),
                pharmacy_ok=item.get("kind") in _PHARMACY_KINDS,
                pric_uplmt_amt=None
                if item.get("pric_uplmt_amt") is None
                else _decimal(item["pric_uplmt_amt"], where),
            )
        )
        catalog.add(code)
    counts["catalog"] = len(catalog)
    session.flush()

    people = family_certnos(fixtures)
    line_rows: list[OrderLine] = []
    for order in _load(fixtures / "orders.toml").get("order", []):
        where = f"orders.toml {order.get('order_no')}"
        certno = order["certno"]
        if certno not in people:
            raise SeedError(f"{where}: certno {certno} is not a person in fixtures/families")
        if order.get("psn_name") and order["psn_name"] != people[certno]:
            raise SeedError(
                f"{where}: psn_name {order['psn_name']} but families say {people[certno]}"
            )
        if (order["fixmedins_code"], order["dept_code"]) not in depts:
            raise SeedError(
                f"{where}: dept {order['dept_code']} is not at {order['fixmedins_code']}"
            )
        session.add(
            PendingOrder(
                order_no=order["order_no"],
                fixmedins_code=order["fixmedins_code"],
                certno=certno,
                psn_name=people[certno],
                med_type=order["med_type"],
                dept_code=order["dept_code"],
                dr_name=order.get("dr_name", ""),
                dise_codg=order.get("dise_codg", ""),
                dise_name=order.get("dise_name", ""),
                note=order.get("scenario", ""),
            )
        )
        for n, line in enumerate(order.get("lines", []), start=1):
            if line["code"] not in catalog:
                raise SeedError(f"{where} line {n}: {line['code']} is not in fixtures/catalog.toml")
            cnt = _decimal(line["cnt"], f"{where} line {n}")
            if cnt <= 0:
                raise SeedError(f"{where} line {n}: cnt must be more than 0")
            line_rows.append(
                OrderLine(
                    order_no=order["order_no"], line_no=n, medins_list_codg=line["code"], cnt=cnt
                )
            )
        counts["orders"] += 1
    session.flush()
    session.add_all(line_rows)
    # The audit chain's tip exists from the start, so concurrent first entries lock it, not race.
    if session.get(AuditHead, 1) is None:
        session.add(AuditHead(id=1, seq=0, hash=GENESIS, mac=head_mac(0, GENESIS)))
    session.flush()
    return counts

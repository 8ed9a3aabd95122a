"""Constants and steps shared by the hospital tests (fixtures are in conftest.py)."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from pos.clock import CHINA
from pos.database import Database
from pos.services.desk import CashierDesk
from pos.services.views import TenderInput

NOW = datetime(2025, 6, 16, 9, 30, tzinfo=CHINA)
PIN_COST = 2**10  # the demo PINs hashed cheaply: the KDF itself is tested in test_hosp_auth
BT_HOSPITAL = "H65270100001-01"
BT_HOSPITAL_2 = "H65270100001-02"
BT_PHARMACY = "P65270100001-01"
BT_CLINIC = "H65270100009-01"
BT_CENTRE = "H65270100002-01"
ZT_HOSPITAL = "H53060200001-01"
ZT_PHARMACY = "P53060200001-01"

# Demo people (fixtures/families), by what the tests use them for.
AIZMAT = "652701201406010152"  # minor, resident; father's co-pay quota 800 left (RX-BT-001)
AYNUR = "652701202011200263"  # two givers: father 500, mother 300 (RX-BT-002)
AILI = "652701198403120319"  # employee, own account 3200; pharmacy order RX-BT-003
ZHANG_JIANHUA = "652701195012240571"  # resident; son's co-pay usable at home (RX-BT-010)
WUYUN = "652722195505050241"  # insurance terminated (RX-BT-007)
GULNAR = "652701198709050421"  # order at the non-designated clinic (RX-BT-009)
ZHAO_GUIYING_TOKEN = "YB530600SR4V4UJDBZAWASVQUV6TUB"  # 亲情账户: son's phone shows her code


class Clock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def naive(self) -> datetime:
        """What the center keeps: the same instant as naive China time."""
        return self.now.astimezone(CHINA).replace(tzinfo=None)

    def advance(self, **kw) -> None:
        self.now += timedelta(**kw)


def pg_url_or_skip() -> str:
    url = os.environ.get("POS_TEST_PG_URL")
    if url:
        return url
    if os.environ.get("POS_REQUIRE_PG") == "1":
        pytest.fail(
            "POS_REQUIRE_PG=1 but POS_TEST_PG_URL is not set: PostgreSQL tests must run in CI"
        )
    pytest.skip("POS_TEST_PG_URL not set (set it, or POS_REQUIRE_PG=1 to make this a failure)")


def pay(amount: Decimal, method: str = "cash", tendered: str | None = None) -> list[TenderInput]:
    if amount == 0:
        return []
    return [TenderInput(method, amount, None if tendered is None else Decimal(tendered))]


def checkout(desk: CashierDesk, scan: str, med_type: str = "11", givers: str = "usable", **kw):
    """identify → open_visit → presettle (with every usable giver) → settle in cash."""
    desk.identify(scan)
    desk.open_visit(med_type)
    pre = desk.presettle(**kw)
    if givers == "usable":
        chosen = [o.giver_psn_no for o in pre.copay_options if o.usable]
        if chosen:
            pre = desk.presettle(copay_givers=chosen, **kw)
    return pre, desk.settle(pay(pre.psn_cash_pay))


def problems(database: Database) -> list[str]:
    from engine.center import check_center
    from pos.store.check import check_hospital
    from pos.store.seed import FIXTURES

    with database.reading() as s:
        return check_center(s, FIXTURES) + check_hospital(s)


def drop_append_only_guards(database: Database) -> None:
    """What an intruder with DDL rights could do: remove the triggers, to tamper with raw SQL."""
    tables = (
        "hosp_tenders",
        "hosp_audit_log",
        "hosp_settlements",
        "center_settlements",
        "center_account_journal",
        "center_messages",
        "center_notices",
        "center_fee_details",
    )
    with database.engine.begin() as conn:
        for table in tables:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            else:
                for event in ("update", "delete"):
                    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{event}")

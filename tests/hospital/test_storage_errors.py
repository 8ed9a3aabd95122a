"""A read-only or full database is reported as that, not as "busy, please retry" (issue 9, 5)."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from engine.center import Center
from engine.db import make_engine, storage_kind
from pos.database import storage_error


def _sqlite_error(message: str, code: int) -> OperationalError:
    orig = sqlite3.OperationalError(message)
    orig.sqlite_errorcode = code
    return OperationalError("INSERT …", {}, orig)


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (_sqlite_error("attempt to write a readonly database", 8), "STORE_READONLY"),
        (_sqlite_error("database or disk is full", 13), "STORE_FULL"),
        (_sqlite_error("database is locked", 5), "STORE_BUSY"),
        (OperationalError("x", {}, OSError("No space left on device")), "STORE_FULL"),
    ],
)
def test_classification(exc, code):
    assert storage_error(exc).code == code


def test_a_real_read_only_sqlite_database(sqlite_db):
    path = sqlite_db.url.removeprefix("sqlite:///")
    sqlite_db.dispose()
    ro = make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        with pytest.raises(OperationalError) as e, ro.begin() as conn:
            conn.execute(text("UPDATE hosp_counters SET last_no = last_no"))
        assert storage_kind(e.value) == "readonly"
        err = storage_error(e.value)
        assert err.code == "STORE_READONLY" and "retry" not in err.message_en.split(";")[0]
        answer = Center(ro).handle(
            {
                "infno": "2201",
                "fixmedins_code": "H65270100001",
                "msgid": "RO-1",
                "input": {
                    "psn_no": "6527000000000001",
                    "insutype": "310",
                    "begntime": "2025-06-16 09:00:00",
                    "mdtrt_cert_type": "02",
                    "mdtrt_cert_no": "652701198403120319",
                    "ipt_otp_no": "RO-1",
                },
            }
        )
        assert answer["infcode"] == -1 and "read-only" in answer["err_msg"], answer
    finally:
        ro.dispose()


@pytest.mark.postgres
def test_a_read_only_postgresql_transaction():
    from tests.hospital.helpers import pg_url_or_skip

    engine = make_engine(pg_url_or_skip())
    try:
        with pytest.raises(Exception) as e, engine.begin() as conn:
            conn.execute(text("SET TRANSACTION READ ONLY"))
            conn.execute(text("CREATE TEMP TABLE pos_ro_probe (x int)"))
    finally:
        engine.dispose()
    assert storage_kind(e.value) == "readonly"
    assert storage_error(e.value).code == "STORE_READONLY"


def test_check_names_a_center_settlement_missing_from_our_books(db, desk, center_for, monkeypatch):
    """The center committed the 2207, our write failed, the 2601 failed too: `pos db check` names
    the settlement standing at the center and the open call (and the batch cannot be re-settled)."""
    from pos.errors import PosError
    from tests.hospital.helpers import AIZMAT, pay, problems

    desk.identify(AIZMAT)
    desk.open_visit("11")
    pre = desk.presettle()
    full = _sqlite_error("database or disk is full", 13)

    def write_fails(*args, **kwargs):
        raise full

    real_call = desk.link.call

    def center_unreachable(infno, data, **kw):
        if infno == "2601":
            raise PosError("CENTER_DOWN", "中心不可达", "The center cannot be reached")
        return real_call(infno, data, **kw)

    monkeypatch.setattr(desk.checkout, "_record", write_fails)
    monkeypatch.setattr(desk.link, "call", center_unreachable)
    with pytest.raises(PosError) as told:
        desk.settle(pay(pre.psn_cash_pay))
    # The truth: it stands at the center, not on our books, not reversed; do not settle again.
    assert told.value.code == "STORE_NOT_RECORDED"
    assert "已满" in told.value.message_zh and "请勿重新办理" in told.value.message_zh
    assert "已冲正" not in told.value.message_zh
    assert [c.infno for c in desk.pending_reversals()] == ["2207"]
    found = problems(db)
    assert any("not on the hospital's books" in p for p in found), found
    assert any("unknown outcome" in p for p in found), found
    monkeypatch.undo()
    with pytest.raises(PosError) as e:
        desk.settle(pay(pre.psn_cash_pay))
    assert e.value.code == "SETTLE_IN_FLIGHT"


def test_a_failed_write_that_was_reversed_says_so_and_may_be_settled_again(db, desk, monkeypatch):
    from pos.errors import PosError
    from tests.hospital.helpers import AIZMAT, pay, problems

    desk.identify(AIZMAT)
    desk.open_visit("11")
    pre = desk.presettle()

    def write_fails(*args, **kwargs):
        raise _sqlite_error("attempt to write a readonly database", 8)

    monkeypatch.setattr(desk.checkout, "_record", write_fails)
    with pytest.raises(PosError) as told:
        desk.settle(pay(pre.psn_cash_pay))
    assert told.value.code == "STORE_NOT_RECORDED_REVERSED"
    assert "只读" in told.value.message_zh and "已冲正" in told.value.message_zh
    assert desk.pending_reversals() == []
    monkeypatch.undo()
    done = desk.settle(pay(pre.psn_cash_pay))
    assert not done.already and problems(db) == []

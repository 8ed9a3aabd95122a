"""The audit log: append-only, SHA-256 hash-chained over canonical JSON; verify names each break."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest

from pos import audit
from pos.store.models import AuditEntry
from tests.hospital.helpers import NOW, drop_append_only_guards


def _write(db, n: int) -> None:
    with db.transaction() as s:
        for i in range(n):
            audit.append(
                s,
                at=NOW + timedelta(seconds=i),
                actor="1001",
                action="test",
                subject=f"s{i}",
                data={"amount": Decimal("12.50"), "i": i, "名": "王丽"},
            )


def test_canonical_json_is_stable():
    assert audit.canonical({"b": 1, "a": Decimal("1.10")}) == '{"a":"1.10","b":1}'
    assert audit.canonical({"名": "王"}) == '{"名":"王"}'


def test_chain_verifies_and_links(sqlite_db):
    _write(sqlite_db, 5)
    with sqlite_db.reading() as s:
        entries = s.query(AuditEntry).order_by(AuditEntry.seq).all()
        assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
        assert entries[0].prev_hash == audit.GENESIS
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
        assert audit.verify(s) == []


@pytest.mark.parametrize(
    ("sql", "expect"),
    [
        (
            "UPDATE hosp_audit_log SET payload = '{\"i\":9}' WHERE seq = 3",
            "entry 3 (test s2) was altered",
        ),
        ("UPDATE hosp_audit_log SET actor = '1002' WHERE seq = 1", "entry 1 (test s0) was altered"),
        ("DELETE FROM hosp_audit_log WHERE seq = 2", "entry 2 is missing"),
        ("DELETE FROM hosp_audit_log WHERE seq = 5", "chain tip says entry 5"),
    ],
)
def test_tampering_is_named(sqlite_db, sql, expect):
    _write(sqlite_db, 5)
    drop_append_only_guards(sqlite_db)
    with sqlite_db.engine.begin() as conn:
        conn.exec_driver_sql(sql)
    with sqlite_db.reading() as s:
        found = audit.verify(s)
    assert any(expect in p for p in found), found


def test_orm_refuses_to_rewrite_entries(sqlite_db):
    _write(sqlite_db, 1)
    with pytest.raises(PermissionError), sqlite_db.transaction() as s:
        s.query(AuditEntry).one().actor = "x"
        s.flush()
    with pytest.raises(PermissionError), sqlite_db.transaction() as s:
        s.delete(s.query(AuditEntry).one())
        s.flush()

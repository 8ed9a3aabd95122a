"""Forgery (issue 9, item 6), on SQLite and PostgreSQL: each way of rewriting the books that used
to pass every check is now refused by the database or named by `pos db check` /
`pos audit verify`."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from pos import audit
from pos.cli import main
from pos.store.models import AuditEntry
from tests.hospital.helpers import AIZMAT, AYNUR, checkout, drop_append_only_guards, problems

CENTER_MONEY = (
    "center_settlements",
    "center_account_journal",
    "center_messages",
    "center_notices",
    "center_fee_details",
)
GIVER = "6527000000000001"  # 艾力·买买提, who pays for 阿依努尔 (co-pay)


@pytest.fixture
def settled(db, desk):
    """Two co-pay settlements: a giver's money moved."""
    checkout(desk, AYNUR)
    desk.clear_patient()
    checkout(desk, AIZMAT)
    assert problems(db) == []
    return db


def _sql(db, *statements: str) -> None:
    with db.engine.begin() as conn:
        for s in statements:
            conn.execute(text(s))


@pytest.mark.parametrize("table", CENTER_MONEY)
def test_the_centers_money_rows_are_append_only(settled, table):
    for sql in (f"UPDATE {table} SET {_column(table)} = {_column(table)}", f"DELETE FROM {table}"):
        with pytest.raises(DBAPIError, match="append-only"):
            _sql(settled, sql)
    assert problems(settled) == []


def _column(table: str) -> str:
    return {"center_messages": "infno", "center_fee_details": "name"}.get(table, "setl_id")


def test_a_forged_credit_with_a_matching_balance_is_named(settled):
    """The probe: a journal row plus a balance raise (1000.00 to a giver) passed `pos db check`."""
    for kind, setl in (("opening", "NULL"), ("own", "NULL"), ("mulaid", "NULL")):
        _sql(
            settled,
            "INSERT INTO center_account_journal (psn_no, kind, amount, balance_after, setl_id, "
            f"binding_id, created_at) VALUES ('{GIVER}', '{kind}', 100000, 0, {setl}, NULL, "
            "'2025-06-16 10:00:00')",
            f"UPDATE center_accounts SET balance = balance + 100000 WHERE psn_no = '{GIVER}'",
        )
        found = problems(settled)
        assert any("journal row" in p and GIVER in p for p in found), (kind, found)


def test_a_rewritten_opening_balance_is_named_against_the_fixtures(settled):
    drop_append_only_guards(settled)
    _sql(
        settled,
        "UPDATE center_account_journal SET amount = amount + 100000, "
        f"balance_after = balance_after + 100000 WHERE psn_no = '{GIVER}' AND kind = 'opening'",
        f"UPDATE center_accounts SET balance = balance + 100000 WHERE psn_no = '{GIVER}'",
    )
    found = problems(settled)
    assert any(f"account {GIVER}: opening balance" in p for p in found), found


def test_deleting_the_audit_tail_and_rewinding_the_tip_is_named(settled):
    drop_append_only_guards(settled)
    with settled.engine.begin() as conn:
        last = conn.execute(text("SELECT max(seq) FROM hosp_audit_log")).scalar_one()
        keep = last - 3
        digest = conn.execute(
            text("SELECT hash FROM hosp_audit_log WHERE seq = :s"), {"s": keep}
        ).scalar_one()
        conn.execute(text("DELETE FROM hosp_audit_log WHERE seq > :s"), {"s": keep})
        conn.execute(
            text("UPDATE hosp_audit_head SET seq = :s, hash = :h"), {"s": keep, "h": digest}
        )
    found = problems(settled)
    assert any("chain tip" in p and "rewound" in p for p in found), found
    assert any("no audit entry records this settle" in p for p in found), found


def test_rewriting_an_entry_and_recomputing_the_chain_is_named(settled):
    """Recomputed as the unkeyed chain was, or under a guessed key: either way the key is missing."""
    drop_append_only_guards(settled)
    with settled.reading() as s:
        rows = [
            (e.seq, e.at, e.actor, e.action, e.subject, e.payload)
            for e in s.scalars(select(AuditEntry).order_by(AuditEntry.seq))
        ]
    with settled.engine.begin() as conn:
        prev = audit.GENESIS
        for seq, at, actor, action, subject, payload in rows:
            if action == "settle":
                data = json.loads(payload)
                data["psn_cash_pay"] = "0.00"
                payload = audit.canonical(data)
            body = audit.canonical(
                {
                    "seq": seq,
                    "at": at.astimezone(UTC).isoformat(),
                    "actor": actor,
                    "action": action,
                    "subject": subject,
                    "payload": payload,
                }
            )
            digest = hashlib.sha256((prev + body).encode()).hexdigest()
            conn.execute(
                text(
                    "UPDATE hosp_audit_log SET payload = :p, prev_hash = :prev, hash = :h "
                    "WHERE seq = :s"
                ),
                {"p": payload, "prev": prev, "h": digest, "s": seq},
            )
            prev = digest
        conn.execute(text("UPDATE hosp_audit_head SET hash = :h"), {"h": prev})
    found = problems(settled)
    assert any("audit: entry 1 " in p and "altered" in p for p in found), found
    assert any("chain tip" in p for p in found), found


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        ("UPDATE hosp_tenders SET method = 'wechat'", "tender 1 is wechat"),
        (
            "UPDATE hosp_tenders SET tendered = tendered + 10000, change = change + 10000",
            "(tendered",
        ),
    ],
)
def test_a_rewritten_tender_is_named_against_its_audit_entry(settled, sql, named):
    drop_append_only_guards(settled)
    _sql(settled, sql)
    found = problems(settled)
    assert any(named in p and "the audit entry records" in p for p in found), found


def test_pos_audit_verify(settled, capsys):
    assert main(["--db", settled.url, "audit", "verify"]) == 0
    assert "OK" in capsys.readouterr().out
    drop_append_only_guards(settled)
    _sql(settled, "UPDATE hosp_audit_log SET actor = '9999' WHERE seq = 2")
    assert main(["--db", settled.url, "audit", "verify"]) == 1
    assert "entry 2" in capsys.readouterr().out
    _sql(settled, "DELETE FROM hosp_audit_log WHERE seq = 3")
    assert main(["--db", settled.url, "audit", "verify"]) == 1
    assert "entry 3 is missing" in capsys.readouterr().out


def test_the_audit_key_lives_outside_the_database_readable_by_its_owner_only():
    path = audit.key_path()
    audit.audit_key()
    assert path.exists() and (path.stat().st_mode & 0o077) == 0

"""Append-only, SHA-256 hash-chained audit log (after Odoo's l10n_fr_pos_cert).

Each entry's hash covers the previous entry's hash and the canonical JSON of the entry (sorted
keys, compact separators, Decimal and datetime as strings), so changing, removing or reordering any
entry breaks every hash after it. `verify()` names the first entry where the chain breaks.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from pos.store.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _default(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON-serialisable in the audit log: {type(value).__name__}")


def canonical(obj: object) -> str:
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    )


def entry_hash(
    prev_hash: str, seq: int, at: datetime, actor: str, action: str, subject: str, payload: str
) -> str:
    body = canonical(
        {
            "seq": seq,
            "at": at.astimezone(UTC).isoformat(),
            "actor": actor,
            "action": action,
            "subject": subject,
            "payload": payload,
        }
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _head(session: Session) -> AuditHead:
    # FOR UPDATE: two stations appending at once queue here instead of forking the chain.
    head = session.scalars(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).one_or_none()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        session.add(head)
    return head


def append(
    session: Session, *, at: datetime, actor: str, action: str, subject: str, data: dict
) -> AuditEntry:
    """Add one entry in the caller's transaction: it commits (or rolls back) with what it records."""
    head = _head(session)
    payload = canonical(data)
    # UTC, whole seconds: exactly what reads back from either database, so the hash re-computes.
    at = at.astimezone(UTC).replace(microsecond=0)
    seq = head.seq + 1
    digest = entry_hash(head.hash, seq, at, actor, action, subject, payload)
    entry = AuditEntry(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        subject=subject,
        payload=payload,
        prev_hash=head.hash,
        hash=digest,
    )
    session.add(entry)
    head.seq, head.hash = seq, digest
    return entry


def verify(session: Session) -> list[str]:
    """Every break in the chain, as one sentence each; [] when it is intact."""
    problems: list[str] = []
    prev, expected_seq = GENESIS, 1
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).yield_per(500):
        if entry.seq != expected_seq:
            problems.append(f"audit: entry {expected_seq} is missing (next is {entry.seq})")
        if entry.prev_hash != prev:
            problems.append(
                f"audit: entry {entry.seq} does not follow the entry before it (prev_hash differs)"
            )
        digest = entry_hash(
            entry.prev_hash,
            entry.seq,
            entry.at,
            entry.actor,
            entry.action,
            entry.subject,
            entry.payload,
        )
        if digest != entry.hash:
            problems.append(
                f"audit: entry {entry.seq} ({entry.action} {entry.subject}) was altered (hash differs)"
            )
        prev, expected_seq = entry.hash, entry.seq + 1
    head = session.get(AuditHead, 1)
    last = expected_seq - 1
    if head is not None and (head.seq != last or head.hash != prev):
        problems.append(f"audit: chain tip says entry {head.seq} but the log ends at entry {last}")
    if head is None and last:
        problems.append("audit: chain tip row is missing")
    return problems

"""Append-only audit log, chained with a keyed MAC (after Odoo's l10n_fr_pos_cert).

Each entry's hash is HMAC-SHA256 under the audit key over the previous entry's hash and the
canonical JSON of the entry (sorted keys, compact separators, Decimal and datetime as strings), so
changing, removing or reordering any entry breaks every hash after it, and recomputing the chain
after a rewrite needs the key. The chain's tip (hosp_audit_head) carries its own MAC, so cutting
the tail off and rewinding the tip needs the key too. `verify()` names each break.

The key lives outside the database: a 32-byte file, created readable by its owner only (0600) on
first use, at POS_AUDIT_KEY_FILE or else `audit.key` in the user's config directory. Someone who
can rewrite the database but cannot read that file cannot forge the chain. Stations sharing one
PostgreSQL database share the key file (copy it to each station, as a licence). Losing the key
makes every entry unverifiable: keep a copy with the backups. A database written before revision
0004 (plain SHA-256 chain) reports its entries as altered: `pos db reset` starts it anew.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from pos.store.models import AuditEntry, AuditHead

KEY_ENV = "POS_AUDIT_KEY_FILE"
_keys: dict[Path, bytes] = {}


def key_path() -> Path:
    configured = os.environ.get(KEY_ENV)
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("hospital-pos")) / "audit.key"


def audit_key(path: Path | None = None) -> bytes:
    """The audit key, created (0600, atomically: two processes agree on one) on first use."""
    path = path or key_path()
    key = _keys.get(path)
    if key is not None:
        return key
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_hex(32).encode() + b"\n")
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # fails if another process made it first: theirs stands
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    text = path.read_text(encoding="ascii").strip()
    key = bytes.fromhex(text)
    if len(key) < 16:
        raise ValueError(f"audit key {path} is too short")
    _keys[path] = key
    return key


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
    return hmac.new(audit_key(), (prev_hash + body).encode("utf-8"), hashlib.sha256).hexdigest()


def head_mac(seq: int, digest: str) -> str:
    """The tip's own MAC: rewinding hosp_audit_head to an earlier entry needs the key."""
    return hmac.new(audit_key(), f"head|{seq}|{digest}".encode(), hashlib.sha256).hexdigest()


def _head(session: Session) -> AuditHead:
    # FOR UPDATE: two stations appending at once queue here instead of forking the chain.
    head = session.scalars(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).one_or_none()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS, mac=head_mac(0, GENESIS))
        session.add(head)
    return head


def lock(session: Session) -> None:
    """Take the chain's head row now, before reading what the next entry will count (补打's
    n-th reprint): concurrent writers queue here, so no two get the same count."""
    _head(session)


_ACTOR = re.compile(r"[0-9A-Za-z_-]{1,10}")
_PIN_LIKE = re.compile(r"[0-9]{6,}")
UNKNOWN_ACTOR = "?"


def safe_actor(actor: str) -> str:
    """Who did it, as stored: never a credential. A PIN typed into the cashier-number field (six
    or more digits), or anything that is not cashier-number-shaped, is stored as "?"."""
    text = actor.strip() if isinstance(actor, str) else ""
    if text == "-" or (_ACTOR.fullmatch(text) and not _PIN_LIKE.search(text)):
        return text
    return UNKNOWN_ACTOR


def append(
    session: Session, *, at: datetime, actor: str, action: str, subject: str, data: dict
) -> AuditEntry:
    """Add one entry in the caller's transaction: it commits (or rolls back) with what it records."""
    actor = safe_actor(actor)
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
    head.seq, head.hash, head.mac = seq, digest, head_mac(seq, digest)
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
    elif head is not None and not hmac.compare_digest(
        head.mac or "", head_mac(head.seq, head.hash)
    ):
        problems.append(
            f"audit: the chain tip (entry {head.seq}) was rewound or forged (its MAC differs): "
            "entries after it may have been removed"
        )
    if head is None and last:
        problems.append("audit: chain tip row is missing")
    return problems

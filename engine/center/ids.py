"""Identifiers the center hands out, deterministic and injectable.

`SequenceIds` numbers from the database (a PostgreSQL sequence, or a counter row on SQLite, where
writers are serialized anyway), so several processes never collide and a fresh test database
always starts at 1. Tests may pass any object with the same three methods.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from datetime import datetime
from typing import Protocol

from sqlalchemy import Sequence
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateSequence

from engine.center.models import CenterBase, CenterCounter

SEQUENCES = {
    name: Sequence(f"center_seq_{name}", metadata=CenterBase.metadata)
    # binding / premium: the desk's extension transactions (J101 bind, J201 代缴)
    for name in ("mdtrt", "setl", "binding", "premium")
}


class IdSource(Protocol):
    def mdtrt_id(self, session: Session, now: datetime) -> str: ...
    def setl_id(self, session: Session, now: datetime, admdvs: str) -> str: ...
    def refmsgid(self, now: datetime, admdvs: str) -> str: ...


_ensured: set[str] = set()  # engine urls whose sequences this process has made sure of


def _ensure_sequences(session: Session) -> None:
    """Create the sequences if a migration did not (alembic autogenerate skips sequences)."""
    engine = session.get_bind().engine
    key = str(engine.url)
    if key in _ensured:
        return
    try:
        with engine.connect() as conn:
            for seq in SEQUENCES.values():
                conn.execute(CreateSequence(seq, if_not_exists=True))
            conn.commit()
    except DBAPIError:
        pass  # another process created them at the same moment
    _ensured.add(key)


def next_value(session: Session, name: str) -> int:
    if session.get_bind().dialect.name == "postgresql":
        _ensure_sequences(session)
        return int(session.execute(SEQUENCES[name].next_value()).scalar_one())
    from engine.center.queries import bump_counter

    row = session.connection().execute(bump_counter(), {"counter": name}).scalar_one_or_none()
    if row is None:
        session.add(CenterCounter(name=name, value=1))
        session.flush()
        return 1
    return int(row)


class SequenceIds:
    """mdtrt_id: 12 digits; setl_id: 就医地 admdvs + yyyymmdd + 8-digit sequence (22 chars);
    inf_refmsgid: 接收方医保区划(6) + yyyyMMddHHmmss(14) + 流水号(10), as the platform's."""

    def __init__(self) -> None:
        self._ref = itertools.count(1)

    def mdtrt_id(self, session: Session, now: datetime) -> str:
        return f"{next_value(session, 'mdtrt'):012d}"

    def setl_id(self, session: Session, now: datetime, admdvs: str) -> str:
        return f"{admdvs}{now:%Y%m%d}{next_value(session, 'setl'):08d}"

    def refmsgid(self, now: datetime, admdvs: str) -> str:
        return f"{admdvs}{now:%Y%m%d%H%M%S}{next(self._ref):010d}"


def fingerprint(raw: dict) -> str:
    """SHA-256 of a message's input as canonical JSON (sorted keys): the identity of a request.
    A retry is answered from what is stored only when its fingerprint is the original's."""
    text = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

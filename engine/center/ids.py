"""Identifiers the center hands out, deterministic and injectable.

`SequenceIds` numbers from the database (a PostgreSQL sequence, or a counter row on SQLite, where
writers are serialized anyway), so several processes never collide and a fresh test database
always starts at 1. Tests may pass any object with the same three methods.

inf_refmsgid is answered for every message, refusals and reads included, so it cannot come from
the message's own transaction (a refusal rolls back; a read must not write). Each process takes a
block of 10,000 serial numbers from the database in a transaction of its own, before the message's
transaction begins, and numbers within it: two processes, or one process restarted, never answer
the same inf_refmsgid.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from sqlalchemy import Connection, Sequence, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateSequence

from engine.center.models import CenterBase, CenterCounter

SEQUENCES = {
    name: Sequence(f"center_seq_{name}", metadata=CenterBase.metadata)
    # binding / premium: the desk's extension transactions (J101 bind, J201 代缴)
    # refmsg: blocks of inf_refmsgid serial numbers, one per process start (alembic 0007)
    for name in ("mdtrt", "setl", "binding", "premium", "refmsg")
}


_NEXT_SETL = select(SEQUENCES["setl"].next_value())


class IdSource(Protocol):
    """`conn`: the message's connection, inside its transaction."""

    def mdtrt_id(self, conn: Connection, now: datetime) -> str: ...
    def setl_id(self, conn: Connection, now: datetime, admdvs: str) -> str: ...
    def refmsgid(self, now: datetime, admdvs: str) -> str: ...


_ensured: set[str] = set()  # engine urls whose sequences this process has made sure of


def _ensure_sequences(conn: Connection) -> None:
    """Create the sequences if a migration did not (alembic autogenerate skips sequences)."""
    engine = conn.engine
    key = str(engine.url)
    if key in _ensured:
        return
    try:
        with engine.connect() as own:
            for seq in SEQUENCES.values():
                own.execute(CreateSequence(seq, if_not_exists=True))
            own.commit()
    except DBAPIError:
        pass  # another process created them at the same moment
    _ensured.add(key)


def next_value(conn: Connection, name: str) -> int:
    """The next number of counter `name`, inside the caller's transaction on `conn`."""
    if conn.dialect.name == "postgresql":
        _ensure_sequences(conn)
        return int(conn.execute(SEQUENCES[name].next_value()).scalar_one())
    from engine.center.onetrip import scalar
    from engine.center.queries import bump_counter

    row = scalar(conn, bump_counter(), {"counter": name})
    if row is None:
        conn.execute(insert(CenterCounter).values(name=name, value=1))
        return 1
    return int(row)


BLOCK = 10_000  # inf_refmsgid serial numbers a process takes at a time


def database_blocks(sessions: Callable[[], Session]) -> Callable[[], int]:
    """Block numbers from the database, each in a transaction of its own."""

    def take() -> int:
        for _ in range(3):  # two processes creating the SQLite counter row at once: retry
            try:
                with sessions() as session, session.begin():
                    return next_value(session.connection(), "refmsg")
            except Exception:
                continue
        # No writable database (read-only, not migrated): a random block. Collisions then become
        # merely improbable (1 in 10^6 per pair of processes in the same second), not impossible.
        return secrets.randbelow(10**6)

    return take


class SequenceIds:
    """mdtrt_id: 12 digits; setl_id: 就医地 admdvs + yyyymmdd + 8-digit sequence (22 chars);
    inf_refmsgid: 接收方医保区划(6) + yyyyMMddHHmmss(14) + 流水号(10), as the platform's; the
    流水号 is block (6 digits) × 10,000 + the number within the block."""

    def __init__(self, blocks: Callable[[], int] | None = None) -> None:
        self.blocks = blocks
        self._lock = threading.Lock()
        self._block = 0
        self._used = BLOCK  # no block yet: the first refmsgid takes one

    def reserve(self) -> None:
        """Take a new block now if the current one is (nearly) spent. The center calls this before
        a message's transaction begins, so taking a block never waits on that transaction."""
        with self._lock:
            if self._used >= BLOCK - 64:  # room for threads already past their reserve()
                self._take()

    def _take(self) -> None:
        self._block = (self.blocks or random_block)() % 10**6
        self._used = 0

    def mdtrt_id(self, conn: Connection, now: datetime) -> str:
        return f"{next_value(conn, 'mdtrt'):012d}"

    def setl_id(self, conn: Connection, now: datetime, admdvs: str) -> str:
        return self.setl_id_of(next_value(conn, "setl"), now, admdvs)

    def setl_id_of(self, number: int, now: datetime, admdvs: str) -> str:
        return f"{admdvs}{now:%Y%m%d}{number:08d}"

    def prefetch_setl(self, conn: Connection):
        """On PostgreSQL, the SELECT of the next setl number, to be read with a message's other
        reads (one round trip); None on SQLite, where the counter row is bumped in place. A
        refused message then leaves a gap in the numbers, as any PostgreSQL sequence may."""
        if conn.dialect.name != "postgresql":
            return None
        _ensure_sequences(conn)
        return _NEXT_SETL

    def refmsgid(self, now: datetime, admdvs: str) -> str:
        with self._lock:
            if self._used >= BLOCK:
                self._take()
            serial = self._block * BLOCK + self._used
            self._used += 1
        return f"{admdvs}{now:%Y%m%d%H%M%S}{serial:010d}"


def random_block() -> int:
    """A block for SequenceIds used without a database: random (see database_blocks)."""
    return secrets.randbelow(10**6)


def fingerprint(raw: dict) -> str:
    """SHA-256 of a message's input as canonical JSON (sorted keys): the identity of a request.
    A retry is answered from what is stored only when its fingerprint is the original's."""
    text = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

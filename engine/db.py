"""Database engines for the center and the hospital: SQLite (embedded) or PostgreSQL (psycopg 3).

SQLite: WAL (readers never block the writer), foreign keys on, a busy timeout, and writers start
with BEGIN IMMEDIATE (SQLAlchemy's documented pysqlite recipe) so two stations can never both read
a balance and then both debit it: the second waits at BEGIN, not at its first write, where a
deferred transaction would fail with "database is locked" or work on a stale read.
A read-only unit of work may opt out with the execution option ``sqlite_begin="DEFERRED"``.

PostgreSQL: row locks (SELECT … FOR UPDATE) do the same job; see engine/center/ledger.py.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

BUSY_TIMEOUT_MS = 30_000


def default_sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path).expanduser().resolve()}"


def normalize_url(url: str) -> str:
    """`postgresql://…` means psycopg 3 here (SQLAlchemy's bare default is psycopg2)."""
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def is_sqlite(engine_or_url: Engine | str) -> bool:
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    return url.get_backend_name() == "sqlite"


def json_text(value: object) -> str:
    """The text of a JSON column (the center's stored answers, 2–3 KB each, two or three per
    settlement): orjson, ≈ 5× faster than the standard library's json.dumps that SQLAlchemy uses
    by default. Read back the same (json.loads); keys that are not strings are written as
    json.dumps writes them, as strings."""
    import orjson  # on first use: only what stores an answer pays for its import

    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def make_engine(url: str, **kwargs) -> Engine:
    url = normalize_url(url)
    kwargs.setdefault("json_serializer", json_text)
    if is_sqlite(url):
        return _sqlite_engine(url, **kwargs)
    # No pool_pre_ping: it costs a round trip per checkout, i.e. per message. Recycle instead.
    kwargs.setdefault("pool_recycle", 1800)
    return create_engine(url, **kwargs)


def _sqlite_engine(url: str, **kwargs) -> Engine:
    kwargs.setdefault("connect_args", {}).setdefault("timeout", BUSY_TIMEOUT_MS / 1000)
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when a transaction begins.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        memory = url.endswith(":memory:") or url in ("sqlite://", "sqlite:///")
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
            # FULL: every commit is on disk before the center answers. A settled payment must
            # survive a power cut (the patient has left with the receipt); NORMAL would survive
            # only a crash of the process.
            cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        if conn.connection.driver_connection.in_transaction:
            # Begun on the driver already (the center's settlement path,
            # engine.center.onetrip): SQLAlchemy joins that transaction.
            return
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def scratch_engine(url: str, schema: str, *, fresh: bool = False) -> Engine:
    """An engine for benchmarks: SQLite as is; on PostgreSQL, confined to `schema` (created, or
    dropped and created again when `fresh`), so the application's tables are never touched."""
    if is_sqlite(url):
        return make_engine(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        if fresh:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    engine.dispose()
    return make_engine(url, connect_args={"options": f"-csearch_path={schema}"})


def append_only_ddl(dialect: str, tables: tuple[str, ...], function: str) -> list[str]:
    """Statements that make `tables` append-only in the database itself: UPDATE and DELETE fail
    whoever asks. Idempotent (safe to run again on a schema that has them). `function` names the
    PostgreSQL trigger function (one per set of tables, so dropping one side leaves the other)."""
    out: list[str] = []
    if dialect == "postgresql":
        out.append(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'append-only table %: write a new row instead', TG_TABLE_NAME; "
            "END $$"
        )
        for table in tables:
            out.append(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            out.append(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {function}()"
            )
    elif dialect == "sqlite":
        for table in tables:
            for event_ in ("UPDATE", "DELETE"):
                out.append(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{event_.lower()} BEFORE {event_} "
                    f"ON {table} BEGIN SELECT RAISE(ABORT, "
                    f"'append-only table {table}: write a new row instead'); END"
                )
    return out


def drop_append_only_ddl(dialect: str, tables: tuple[str, ...], function: str) -> list[str]:
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}" for t in tables] + [
            f"DROP FUNCTION IF EXISTS {function}()"
        ]
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {t}_no_{e}" for t in tables for e in ("update", "delete")]
    return []


# ---------------------------------------------------------------- what a storage failure means

# SQLite result codes (sqlite3 exceptions carry them as sqlite_errorcode; the low byte is the
# primary code) and PostgreSQL SQLSTATEs, by what the cashier must be told.
_SQLITE_READONLY, _SQLITE_FULL, _SQLITE_BUSY, _SQLITE_LOCKED = 8, 13, 5, 6
_PG_READONLY = {"25006"}  # read_only_sql_transaction (a standby, default_transaction_read_only)
_PG_FULL = {"53100", "53200", "53300"}  # disk_full, out_of_memory, too_many_connections
_PG_BUSY = {"40001", "40P01", "55P03", "57014"}  # serialization, deadlock, lock, statement timeout


def storage_kind(exc: BaseException) -> str:
    """ "readonly", "full", "busy" or "error": what went wrong underneath a SQLAlchemy error."""
    orig = getattr(exc, "orig", exc)
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        primary = code & 0xFF
        if primary == _SQLITE_READONLY:
            return "readonly"
        if primary == _SQLITE_FULL:
            return "full"
        if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return "busy"
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state in _PG_READONLY:
        return "readonly"
    if state in _PG_FULL:
        return "full"
    if state in _PG_BUSY:
        return "busy"
    text = str(orig).lower()
    if "readonly database" in text or "read-only" in text or "read only" in text:
        return "readonly"
    if "disk is full" in text or "no space left" in text or "disk full" in text:
        return "full"
    if any(k in text for k in ("locked", "deadlock", "busy", "could not obtain lock")):
        return "busy"
    return "error"

"""The login screen's first look at the books: the station list, read with one plain query.

Opening the whole desk (the ORM models, the center, Alembic) takes longer than a cashier's first
glance at the login screen. When the database is already at the newest migration and seeded,
the stations are read here; otherwise (a new, older or empty database, or one that cannot be
opened) this answers None and the full open (pos.database.open_database) migrates and seeds
first, and says what is wrong. The embedded SQLite file is read with the standard library's
sqlite3, read-only (never created here: the full open creates it private, 0600); another
database through SQLAlchemy Core.
"""

from __future__ import annotations

import os
from pathlib import Path

STATIONS_SQL = (
    "SELECT s.station_id, s.name, i.fixmedins_code, i.name, i.name_en, i.kind, i.level,"
    " i.admdvs, i.designated, i.policy_id"
    " FROM hosp_stations s JOIN hosp_institutions i ON i.fixmedins_code = s.fixmedins_code"
    " ORDER BY s.station_id"
)
VERSION_SQL = "SELECT version_num FROM alembic_version"
KEYS = (
    "station_id",
    "station_name",
    "fixmedins_code",
    "institution_name",
    "institution_name_en",
    "kind",
    "level",
    "admdvs",
    "designated",
    "policy_id",
)
ENV_URL = "POS_DATABASE_URL"


def default_path() -> Path:
    """The embedded SQLite file in the user's data directory."""
    import platformdirs

    return Path(platformdirs.user_data_dir("hospital-pos")) / "hospital-pos.sqlite3"


def default_url() -> str:
    """The embedded SQLite file as a URL (the same as engine.db.default_sqlite_url, without
    importing SQLAlchemy: the login screen's first look runs before it loads)."""
    return f"sqlite:///{default_path().expanduser().resolve()}"


def chosen_url(url: str | None = None) -> str:
    """--db beats POS_DATABASE_URL beats the embedded SQLite file (pos.database.resolve_url
    normalises it for SQLAlchemy)."""
    return url or os.environ.get(ENV_URL) or default_url()


def current_revision(conn) -> str | None:
    """The database's Alembic revision (a SQLAlchemy connection), or None without its table."""
    from sqlalchemy import text

    if not conn.dialect.has_table(conn, "alembic_version"):
        return None
    return conn.execute(text(VERSION_SQL)).scalar()


def stations(url: str | None, head: str) -> list[dict] | None:
    """Every station with its institution when the database (`url`, else POS_DATABASE_URL,
    else the embedded file) is at revision `head` and seeded; None otherwise."""
    url = chosen_url(url)
    try:
        if url.startswith("sqlite:///"):
            rows = _sqlite(url.removeprefix("sqlite:///").split("?")[0], head)
        else:
            rows = _core(url, head)
    except Exception:
        return None
    if not rows:
        return None
    return [dict(zip(KEYS, row, strict=True)) | {"designated": bool(row[8])} for row in rows]


def _sqlite(path: str, head: str) -> list | None:
    import sqlite3

    if path in ("", ":memory:") or not Path(path).expanduser().is_file():
        return None
    uri = Path(path).expanduser().resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=5)
    try:
        known = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        if known is None or conn.execute(VERSION_SQL).fetchone() != (head,):
            return None
        return conn.execute(STATIONS_SQL).fetchall()
    finally:
        conn.close()


def _core(url: str, head: str) -> list | None:
    from sqlalchemy import text

    from engine.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if current_revision(conn) != head:
                return None
            return list(conn.execute(text(STATIONS_SQL)).all())
    finally:
        engine.dispose()

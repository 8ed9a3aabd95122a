"""Where the data lives and how it gets there: URL choice, migrations, first-run seeding, reset.

Default: one SQLite file (WAL) in the user's data directory, created, migrated and seeded from
fixtures/ the first time it is opened. `--db URL` or POS_DATABASE_URL selects another database,
e.g. postgresql+psycopg://user:pw@host/db (a bare postgresql:// also means psycopg 3).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from engine.db import is_sqlite, make_engine, normalize_url, storage_kind
from pos.clock import Clock, center_view, china_now
from pos.store.firstlook import chosen_url
from pos.store.models import HospitalBase, Institution
from pos.store.seed import FIXTURES, seed_hospital

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def build_center(engine: Engine, *, clock: Clock = china_now, lang: str = "zh"):
    """The embedded insurance center on `engine`, on the hospital's clock: the one way to build it
    (the app, the desk and `pos txn` all come here), so both sides agree on the day."""
    from engine.center import Center

    return Center(engine, clock=center_view(clock), lang=lang)


def create_private_file(path: Path) -> None:
    """Create the SQLite file readable by its owner only (0600) before SQLite opens it; SQLite
    gives its -wal and -shm files the same mode. An existing file is left as it is."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def resolve_url(url: str | None = None) -> str:
    """--db beats POS_DATABASE_URL beats the embedded SQLite file."""
    return normalize_url(chosen_url(url))


def redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@dataclass
class Database:
    url: str
    engine: Engine
    _writer: sessionmaker = field(init=False, repr=False)
    _reader: sessionmaker = field(init=False, repr=False)
    _center: object | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        # Reads need no write lock: on SQLite they start DEFERRED and never queue behind a writer.
        self._reader = sessionmaker(
            self.engine.execution_options(sqlite_begin="DEFERRED"), expire_on_commit=False
        )

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back if it raises."""
        with self._writer.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._reader() as session, session.begin():
            yield session

    @property
    def center(self):
        """The embedded insurance center on this database (engine.center.Center)."""
        if self._center is None:
            self._center = build_center(self.engine)
        return self._center

    def dispose(self) -> None:
        self.engine.dispose()


def _alembic(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision. A database already there is only looked at
    (one query, no Alembic import: the app opens this way every start)."""
    from pos.migrations import head
    from pos.store.firstlook import current_revision

    with engine.connect() as conn:
        if current_revision(conn) == head():
            return
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(_alembic(conn), "head")


def is_seeded(db: Database) -> bool:
    with db.reading() as s:
        if not inspect(s.connection()).has_table(Institution.__tablename__):
            return False
        return s.scalar(select(Institution.fixmedins_code).limit(1)) is not None


def seed(
    db: Database, fixtures: Path = FIXTURES, *, pin_cost: int | None = None, year: int | None = None
) -> dict[str, int]:
    """Seed center and hospital in one transaction: both or neither.

    year: the year the fixtures' year-to-date accumulators belong to (default: this year).
    pin_cost: scrypt N for the demo PINs (tests lower it; the stored hash records it).
    """
    from engine.center import seed_center

    kwargs = {} if pin_cost is None else {"pin_cost": pin_cost}
    with db.transaction() as s:
        counts = seed_center(s, fixtures, year=year) or {}
        counts = {f"center {k}": v for k, v in dict(counts).items()}
        counts.update(seed_hospital(s, fixtures, **kwargs))
    return counts


def open_database(
    url: str | None = None,
    *,
    seed_if_empty: bool = True,
    fixtures: Path = FIXTURES,
    pin_cost: int | None = None,
    year: int | None = None,
) -> Database:
    """Open (creating, migrating and seeding on first use) the database at `url`."""
    url = resolve_url(url)
    if is_sqlite(url):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            create_private_file(Path(path))
    db = Database(url, make_engine(url))
    migrate(db.engine)
    if seed_if_empty and not is_seeded(db):
        try:
            seed(db, fixtures, pin_cost=pin_cost, year=year)
        except IntegrityError:
            # Another process seeded it between our check and our insert; theirs stands.
            if not is_seeded(db):
                raise
    return db


class DatabaseMissing(ValueError):
    """The database a command was pointed at does not exist (or holds no tables): one line."""


def open_existing(url: str | None = None) -> Database:
    """Open a database that already exists, bringing an older schema up to date; never create it.

    Only `pos db init`, `pos db reset` and the app create a database. Everything else refuses a
    missing SQLite file, a database that cannot be opened, or one without the hospital's tables
    (e.g. a mistyped URL or an empty file) with DatabaseMissing, one line naming the URL.
    """
    url = resolve_url(url)
    hint = "请先运行 pos db init / run `pos db init` first"
    if is_sqlite(url):
        path = url.removeprefix("sqlite:///")
        if path in ("", ":memory:") or not Path(path).is_file():
            raise DatabaseMissing(f"数据库不存在 / no database at {redacted(url)}: {hint}")
    db = Database(url, make_engine(url))
    try:
        with db.engine.connect() as conn:
            ready = inspect(conn).has_table(Institution.__tablename__)
    except Exception as exc:
        db.dispose()
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise DatabaseMissing(
            f"无法打开数据库 / cannot open the database {redacted(url)}: {first}"
        ) from None
    if not ready:
        db.dispose()
        raise DatabaseMissing(f"数据库未初始化 / no tables in {redacted(url)}: {hint}")
    migrate(db.engine)
    return db


def drop_everything(engine: Engine) -> None:
    """Every table of both sides plus alembic's bookkeeping: the state before `init`."""
    from engine.center.models import CenterBase

    with engine.begin() as conn:
        HospitalBase.metadata.drop_all(conn)
        CenterBase.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        if (
            conn.dialect.name == "postgresql"
        ):  # the append-only trigger function outlives its tables
            conn.execute(text("DROP FUNCTION IF EXISTS hosp_append_only() CASCADE"))
            conn.execute(text("DROP FUNCTION IF EXISTS center_append_only() CASCADE"))


def reset(
    url: str | None = None,
    *,
    fixtures: Path = FIXTURES,
    pin_cost: int | None = None,
    year: int | None = None,
) -> Database:
    """Wipe both sides, migrate, seed: a fresh trainer database."""
    url = resolve_url(url)
    engine = make_engine(url)
    try:
        drop_everything(engine)
    finally:
        engine.dispose()
    return open_database(url, fixtures=fixtures, pin_cost=pin_cost, year=year)


# ---------------------------------------------------------------- what a storage failure means


def storage_error(exc: BaseException):
    """The PosError a cashier sees for a failed hospital write: a read-only or full database is
    named as that (retrying will not help; call IT), only a busy one says "try again"."""
    from sqlalchemy.exc import OperationalError

    from pos.errors import PosError

    kind = storage_kind(exc)
    if kind == "readonly":
        return PosError(
            "STORE_READONLY",
            "数据库只读，无法保存（本次未保存任何内容）：请联系信息科，重试无效",
            "The database is read-only: nothing was saved here. Call IT; retrying will not help",
        )
    if kind == "full":
        return PosError(
            "STORE_FULL",
            "磁盘或数据库已满，无法保存（本次未保存任何内容）：请联系信息科，重试无效",
            "The disk or database is full: nothing was saved here. Call IT; retrying will not help",
        )
    if kind == "busy" or isinstance(exc, OperationalError):
        return PosError(
            "STORE_BUSY",
            "数据库忙或不可用，请稍后重试（未保存任何内容）",
            "The database is busy or unavailable; nothing was saved, try again",
        )
    return PosError(
        "STORE_ERROR",
        f"数据保存失败（{type(exc).__name__}），未保存任何内容",
        f"Could not save ({type(exc).__name__}); nothing was saved",
    )

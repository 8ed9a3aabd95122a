"""The database's life: URL choice, migrations that match the models, seeding, `pos db …`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine.center.models import CenterBase
from pos.cli import main
from pos.database import is_seeded, open_database, resolve_url
from pos.store.firstlook import ENV_URL, default_url
from pos.store.models import HospitalBase
from pos.store.seed import FIXTURES, SeedError, seed_hospital


def test_url_choice(monkeypatch, tmp_path):
    monkeypatch.delenv(ENV_URL, raising=False)
    monkeypatch.setattr("platformdirs.user_data_dir", lambda app: str(tmp_path / app))
    assert default_url() == f"sqlite:///{tmp_path / 'hospital-pos' / 'hospital-pos.sqlite3'}"
    assert resolve_url(None) == default_url()
    monkeypatch.setenv(ENV_URL, "postgresql://u:p@h/db")
    assert resolve_url(None) == "postgresql+psycopg://u:p@h/db"  # psycopg 3, not psycopg2
    assert resolve_url("sqlite:///x.db") == "sqlite:///x.db"  # --db beats the environment


def test_first_use_creates_migrates_and_seeds(monkeypatch, tmp_path):
    monkeypatch.delenv(ENV_URL, raising=False)
    monkeypatch.setattr("platformdirs.user_data_dir", lambda app: str(tmp_path / "data" / app))
    db = open_database(pin_cost=2**10)
    try:
        assert Path(db.url.removeprefix("sqlite:///")).exists()
        with db.reading() as s:
            journal = s.connection().exec_driver_sql("PRAGMA journal_mode").scalar()
            assert journal == "wal"
    finally:
        db.dispose()


def test_migrations_match_the_models(db):
    with db.engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn), [CenterBase.metadata, HospitalBase.metadata]
        )
    assert diff == []


def test_seeded_counts(db):
    from sqlalchemy import func, select

    from pos.store.models import Cashier, CatalogItem, Institution, OrderLine, PendingOrder, Station

    with db.reading() as s:
        count = {
            m.__name__: s.scalar(select(func.count()).select_from(m))
            for m in (Institution, Station, Cashier, CatalogItem, PendingOrder, OrderLine)
        }
        designated = s.scalars(
            select(Institution.kind).where(Institution.designated.is_(False))
        ).all()
    assert count["Institution"] == 8 and sorted(designated) == ["clinic", "clinic"]
    assert count["Station"] == 10 and count["Cashier"] == 12 and count["PendingOrder"] == 19
    assert count["CatalogItem"] > 50 and count["OrderLine"] > 50


def test_bad_fixtures_are_named_and_nothing_is_written(tmp_path):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, fixtures)
    orders = fixtures / "orders.toml"
    orders.write_text(
        orders.read_text().replace('certno = "652701201406010152"', 'certno = "652701201406010153"')
    )
    db = open_database(f"sqlite:///{tmp_path / 'empty.sqlite3'}", seed_if_empty=False)
    try:
        with (
            pytest.raises(SeedError, match="RX-BT-001: certno 652701201406010153 is not a person"),
            db.transaction() as s,
        ):
            seed_hospital(s, fixtures, pin_cost=2**10)
        assert not is_seeded(db)
    finally:
        db.dispose()


def test_cli_init_seed_check_reset(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    assert main(["--db", url, "db", "init"]) == 0
    assert main(["db", "seed", "--db", url]) == 0
    assert "already seeded" in capsys.readouterr().out
    assert main(["--db", url, "db", "check"]) == 0
    assert capsys.readouterr().out.startswith("OK")
    db = open_database(url)
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE center_accounts SET balance = balance + 100 WHERE psn_no = '6527000000000001'"
        )
    db.dispose()
    assert main(["--db", url, "db", "check"]) == 1
    out = capsys.readouterr().out
    assert "center:" in out and "6527000000000001" in out
    assert main(["--db", url, "db", "reset"]) == 2  # not a terminal: refuses without --yes
    assert main(["--db", url, "db", "reset", "--yes"]) == 0
    assert main(["--db", url, "db", "check"]) == 0


def test_cli_check_reports_a_bad_url(capsys):
    assert main(["--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "db", "check"]) == 2
    assert "cannot open the database" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["db", "check"],
        ["db", "seed"],
        ["audit", "verify"],
        ["txn"],
        ["receipt", "list"],
        ["desk", "list", "--giver", "6527000000000001"],
    ],
    ids=lambda argv: "-".join(argv[:2]),
)
def test_only_init_reset_and_the_app_create_a_database(tmp_path, capsys, argv):
    """#8.4: a mistyped URL is refused with one line and a non-zero exit; nothing is created."""
    path = tmp_path / "typo.sqlite3"
    assert main(["--db", f"sqlite:///{path}", *argv]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "pos db init" in err, err
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


def test_an_empty_file_is_not_a_database(tmp_path, capsys):
    path = tmp_path / "empty.sqlite3"
    path.touch()
    assert main(["--db", f"sqlite:///{path}", "db", "check"]) == 2
    assert "pos db init" in capsys.readouterr().err

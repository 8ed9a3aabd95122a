"""Documents from the books: 补打 with its count (audited), 冲红 documents, and `pos receipt`."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from engine.center import Center
from pos import audit
from pos.cli import main
from pos.errors import PosError
from pos.printing import build_documents, from_outcome, render_text
from pos.printing.books import REPRINT, list_receipts, load, reprint, reprint_count
from pos.services.desk import CashierDesk
from pos.services.link import MsgIds
from tests.hospital.helpers import (
    AIZMAT,
    AYNUR,
    BT_HOSPITAL,
    ZT_HOSPITAL,
    checkout,
    problems,
)

ROOT = Path(__file__).resolve().parents[2]


def _url(db) -> str:
    return db.url


def test_reprint_counts_from_the_audit_log(db, desk, clock):
    _pre, out = checkout(desk, AIZMAT)
    number = out.settlement.receipt_no
    first = reprint(db, number, actor="1001", at=clock(), via="test")
    second = reprint(db, number, actor="1001", at=clock(), via="test")
    assert (first.reprint, second.reprint) == (1, 2)
    text = render_text(build_documents(second, "zh"), 32)
    assert "补打（第2次）" in text and number in text
    with db.reading() as s:
        assert reprint_count(s, "H65270100001", number) == 2
        assert audit.verify(s) == []
    assert problems(db) == []


def test_stored_settlement_prints_the_same_split(db, desk, clock):
    _pre, out = checkout(desk, AYNUR)  # two givers
    with db.reading() as s:
        data = load(s, out.settlement.receipt_no)
    assert data.settlement.amounts == out.settlement.amounts
    assert [ln.amount for ln in data.lines] == [ln.amount for ln in out.fee_lines]
    receipt, slip = build_documents(data, "zh")
    text = render_text(slip, 48)
    mulaid = out.settlement.amounts["acct_mulaid_pay"]
    assert any(
        "其中：个人账户共济支出" in x and x.endswith(f"{mulaid:,.2f}") for x in text.splitlines()
    )
    assert "阿*" in text and "阿依努尔" not in text
    for detail in out.settlement.mulaid_detail:
        assert detail["giver_name_masked"][0] + "*" in text
    assert "652701202011200263" not in render_text(receipt, 48)
    assert data.payer.region_name == "博尔塔拉蒙古自治州"


def test_preview_after_settling_equals_the_books(db, desk):
    """from_outcome (what the receipt preview calls) and the stored settlement print the same."""
    _pre, out = checkout(desk, AYNUR)
    visit = desk.visit_view(out.settlement.visit_id)
    fresh = from_outcome(out, desk.station, desk.cashier, desk.patient, ipt_otp_no=visit.ipt_otp_no)
    with db.reading() as s:
        stored = load(s, out.settlement.receipt_no)
    for width in (32, 48):
        assert render_text(build_documents(fresh, "zh"), width) == render_text(
            build_documents(stored, "zh"), width
        )
    assert fresh.opens_drawer  # a live cash payment


def test_refund_prints_as_chonghong(db, desk, clock):
    _pre, out = checkout(desk, AYNUR)
    refund = desk.refund(out.settlement.setl_id).refund
    with db.reading() as s:
        data = load(s, refund.receipt_no)
    assert data.refund and data.original_receipt_no == out.settlement.receipt_no
    text = render_text(build_documents(data, "zh"), 48)
    assert "门诊收费票据（冲红）" in text and "冲红" in text
    assert out.settlement.receipt_no in text  # 原票据号
    assert "负" in text  # 合计（大写） of a negative total


def test_missing_and_ambiguous_numbers(db, desk, desk_at, clock):
    _pre, bt = checkout(desk, AIZMAT)
    zt_desk = desk_at(ZT_HOSPITAL, "2001")
    _pre, zt = checkout(zt_desk, "530602201702070717", copay_proof_checked=True)
    number = bt.settlement.receipt_no
    assert zt.settlement.receipt_no == number  # each institution numbers its own receipts
    with pytest.raises(PosError) as e:
        reprint(db, number, actor="-", at=clock(), via="test")
    assert e.value.code == "RECEIPT_AMBIGUOUS"
    with pytest.raises(PosError) as e:
        reprint(db, "MZ209900000001", actor="-", at=clock(), via="test")
    assert e.value.code == "RECEIPT_NOT_FOUND"
    zt_copy = reprint(db, number, institution="H53060200001", actor="-", at=clock(), via="test")
    assert zt_copy.station.fixmedins_code == "H53060200001" and zt_copy.reprint == 1
    assert [r.institution for r in list_receipts(db)] == ["H65270100001", "H53060200001"]


# ------------------------------------------------------------------ the CLI


@pytest.fixture
def books(sqlite_db, clock):
    """A SQLite file with two cash settlements (艾孜买提, 阿依努尔) and the 冲红 of the second."""
    center = Center(sqlite_db.engine, clock=clock.naive)
    desk = CashierDesk(sqlite_db, BT_HOSPITAL, clock=clock, center=center, msgids=MsgIds(1))
    desk.login("1001", "111111")
    _pre, a = checkout(desk, AIZMAT)
    clock.advance(minutes=5)
    _pre, b = checkout(desk, AYNUR)
    clock.advance(minutes=5)
    desk.refund(b.settlement.setl_id)
    sqlite_db.engine.dispose()
    return sqlite_db, a.settlement


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_list_json(books, capsys):
    db, first = books
    code, out, err = run(capsys, "receipt", "list", "--json", "--db", db.url)
    assert code == 0, err
    rows = json.loads(out)
    assert [r["kind"] for r in rows] == ["settle", "settle", "refund"]
    assert set(rows[0]) >= {
        "receipt_no",
        "setl_id",
        "psn_name",
        "medfee_sumamt",
        "settled_at",
        "kind",
    }
    assert rows[0]["receipt_no"] == first.receipt_no and rows[0]["psn_name"] == "艾*"
    assert rows[0]["medfee_sumamt"] == str(first.amounts["medfee_sumamt"])
    assert rows[2]["receipt_no"].startswith("HC")
    code, out, _ = run(capsys, "receipt", "list", "--json", "--date", "2025-06-17", "--db", db.url)
    assert json.loads(out) == []
    code, out, _ = run(capsys, "receipt", "list", "--date", "2025-06-16", "--db", db.url)
    lines = out.splitlines()
    assert len(lines) == 5 and "冲红" in lines[-1]
    assert len({cell_len(x.split("  ")[0]) for x in lines}) == 1  # the first column lines up


def test_cli_show_reprints_text(books, capsys):
    db, first = books
    code, out, err = run(
        capsys, "receipt", "show", first.receipt_no, "--width", "32", "--db", db.url
    )
    assert code == 0, err
    assert "补打（第1次）" in out and first.receipt_no in out
    assert all(cell_len(x) <= 32 for x in out.splitlines())
    code, out, _ = run(capsys, "--lang", "en", "receipt", "show", first.receipt_no, "--db", db.url)
    assert "REPRINT #2" in out


def test_cli_show_files_are_new_and_private(books, capsys, tmp_path):
    db, first = books
    target = tmp_path / "out.pdf"
    for _ in range(2):
        code, _out, err = run(
            capsys,
            "receipt",
            "show",
            first.receipt_no,
            "--format",
            "pdf",
            "-o",
            str(target),
            "--db",
            db.url,
        )
        assert code == 0, err
    files = sorted(tmp_path.glob("out*.pdf"))
    assert [f.name for f in files] == ["out-2.pdf", "out.pdf"]
    for f in files:
        assert f.read_bytes().startswith(b"%PDF")
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
    code, _out, err = run(
        capsys,
        "receipt",
        "show",
        first.receipt_no,
        "--format",
        "escpos",
        "-o",
        str(tmp_path / "j.bin"),
        "--db",
        db.url,
    )
    assert code == 0 and b"\x1dV" in (tmp_path / "j.bin").read_bytes()


@pytest.mark.parametrize(
    ("argv", "status", "says"),
    [
        (["show", "MZ209900000001"], 1, "RECEIPT_NOT_FOUND"),
        (["show", "MZ1", "--format", "docx"], 2, "--format"),
        (["show", "MZ1", "--width", "44"], 2, "--width"),
        (["show", "../etc", "--width", "32"], 2, "NUMBER"),
        (["list", "--date", "16/06/2025"], 2, "--date"),
        (["list", "--bogus"], 2, "--bogus"),
    ],
)
def test_cli_bad_input_is_one_line(books, capsys, argv, status, says):
    db, _ = books
    code, _out, err = run_safely(capsys, "receipt", *argv, "--db", db.url)
    assert code == status
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert says in err or (says == "RECEIPT_NOT_FOUND" and "MZ209900000001" in err)


def run_safely(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_refuses_a_missing_database(tmp_path, capsys):
    missing = tmp_path / "nope.sqlite3"
    code, _out, err = run_safely(capsys, "receipt", "list", "--db", f"sqlite:///{missing}")
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert not missing.exists()  # refused, not created


def test_cli_in_a_fresh_interpreter(books, tmp_path):
    db, first = books
    env = {**os.environ, "POS_LANG": "zh"}
    proc = subprocess.run(
        [sys.executable, "-m", "pos.cli", "receipt", "show", first.receipt_no, "--db", db.url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "门诊收费票据" in proc.stdout and "医疗保障基金结算清单" in proc.stdout


def test_reprint_entries_are_audited(books, capsys):
    db, first = books
    run(capsys, "receipt", "show", first.receipt_no, "--db", db.url)
    from pos.database import open_database

    again = open_database(db.url, seed_if_empty=False)
    try:
        with again.reading() as s:
            from sqlalchemy import select

            from pos.store.models import AuditEntry

            rows = s.scalars(select(AuditEntry).where(AuditEntry.action == REPRINT)).all()
            assert [r.subject for r in rows] == [f"H65270100001/{first.receipt_no}"]
            assert json.loads(rows[0].payload)["count"] == 1
            assert audit.verify(s) == []
    finally:
        again.dispose()

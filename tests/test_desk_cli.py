"""`pos desk …`: the trainer's headless co-pay desk — JSON shapes, exit codes, one-line refusals,
and the money checked in the database after each step (pos db check stays clean)."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.center import check_center
from engine.center.models import CenterAccount, CenterBinding
from engine.db import make_engine
from pos.cli import main
from pos.database import open_database

CLOCK = "2025-06-15T09:30:00"
BINDING_KEYS = {
    "id",
    "giver_psn_no",
    "beneficiary_psn_no",
    "relationship",
    "quota",
    "quota_used",
    "valid_to",
    "status",
    "channel",
}
GIVER, SON = "6527000000000002", "6527000000000003"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("desk") / "pos.sqlite3"
    open_database(f"sqlite:///{path}", pin_cost=2**10, year=2025).dispose()
    return path


@pytest.fixture
def url(template, tmp_path) -> str:
    path = tmp_path / "pos.sqlite3"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


class Run:
    def __init__(self, url: str, capsys) -> None:
        self.url = url
        self.capsys = capsys

    def __call__(self, *argv: str, json_out: bool = True):
        args = ["desk", *argv, "--db", self.url, "--clock", CLOCK]
        if json_out:
            args.append("--json")
        code = main(args)
        out, err = self.capsys.readouterr()
        return code, (json.loads(out) if json_out and code == 0 else out), err

    def money(self) -> tuple[Decimal, dict[str, Decimal]]:
        engine = make_engine(self.url)
        try:
            with Session(engine) as s:
                assert check_center(s) == []
                bal = s.get(CenterAccount, GIVER).balance
                used = dict(
                    s.execute(select(CenterBinding.binding_id, CenterBinding.quota_used)).all()
                )
        finally:
            engine.dispose()
        return bal, used


@pytest.fixture
def run(url, capsys) -> Run:
    return Run(url, capsys)


BIND = (
    "bind",
    "--giver",
    GIVER,
    "--beneficiary",
    SON,
    "--relationship",
    "child",
    "--quota",
    "450",
    "--valid-to",
    "2030-12-31",
    "--proof",
    "出生证明:Q652701201406",
    "--channel",
    "counter",
)


def test_a_missing_database_is_refused_in_one_line_and_not_created(tmp_path, capsys):
    path = tmp_path / "nothing.sqlite3"
    code = main(["desk", "list", "--giver", GIVER, "--db", f"sqlite:///{path}"])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "pos db init" in err
    assert not path.exists()


def test_list_shapes(run):
    code, rows, _ = run("list", "--giver", "6527000000000001")
    assert code == 0 and isinstance(rows, list) and len(rows) == 3
    assert all(set(r) == BINDING_KEYS for r in rows)
    first = rows[0]
    assert first == {
        "id": "BND-BT-0101",
        "giver_psn_no": "6527000000000001",
        "beneficiary_psn_no": SON,
        "relationship": "child",
        "quota": "1000.00",
        "quota_used": "200.00",
        "valid_to": None,
        "status": "active",
        "channel": "online",
    }
    code, rows, _ = run("list", "--beneficiary", "6527000000000004")
    assert [r["id"] for r in rows] == ["BND-BT-0102", "BND-BT-0103"]
    code, empty, _ = run("list", "--giver", "6527000000000012")
    assert (code, empty) == (0, [])


def test_bind_approve_premium_notices_unbind_with_the_money_checked(run):
    bal0, used0 = run.money()
    code, b, _ = run(*BIND)
    assert code == 0 and set(b) == BINDING_KEYS
    assert (b["status"], b["quota"], b["valid_to"], b["channel"]) == (
        "pending",
        "450.00",
        "2030-12-31",
        "counter",
    )
    code, b, _ = run("approve", b["id"])
    assert b["status"] == "active"
    assert run.money() == (bal0, {**used0, b["id"]: Decimal("0.00")})

    code, receipt, _ = run("premium", "--giver", GIVER, "--beneficiary", SON, "--year", "2025")
    assert code == 0 and (receipt["amount"], receipt["binding_id"]) == ("400.00", b["id"])
    bal1, used1 = run.money()
    assert bal1 == bal0 - Decimal("400.00") and used1[b["id"]] == Decimal("400.00")

    code, _, err = run("premium", "--giver", GIVER, "--beneficiary", SON, "--year", "2025")
    assert code == 2 and err.startswith("PREMIUM_ALREADY_PAID") and err.count("\n") == 1
    assert run.money() == (bal1, used1)

    code, notices, _ = run("notices", "--giver", GIVER)
    assert [(n["kind"], n["amount"]) for n in notices] == [("premium", "-400.00")]

    code, gone, _ = run("unbind", b["id"])
    assert (code, gone["status"], gone["quota_used"]) == (0, "unbound", "400.00")
    assert run.money() == (bal1, used1)  # unbinding moves no money: the fence is released


def test_refusals_exit_2_with_one_line_naming_the_reason(run):
    cases = [
        (("bind", *BIND[1:7], "--quota", "501", *BIND[9:]), "QUOTA_EXCEEDS_BALANCE"),
        (("bind", *BIND[1:], "--no-pledge"), "PLEDGE_MISSING"),
        (tuple(a for a in BIND if not a.startswith(("--proof", "出生证明"))), "PROOF_MISSING"),
        (("approve", "BND-BT-0101"), "BINDING_NOT_PENDING"),
        (("unbind", "BND-BT-0104"), "BINDING_NOT_ACTIVE"),
        (("edit", "BND-BT-0101", "--quota", "100"), "QUOTA_BELOW_USED"),
        (
            (
                "premium",
                "--giver",
                "5306000000000007",
                "--beneficiary",
                "5306000000000008",
                "--year",
                "2025",
            ),
            "BALANCE_INSUFFICIENT",
        ),
        (
            (
                "filing",
                "add",
                "--psn",
                "6527000000000015",
                "--dest",
                "652722",
                "--from",
                "2025-07-01",
                "--to",
                "2025-08-01",
            ),
            "FILING_NOT_NEEDED",
        ),
    ]
    before = run.money()
    for argv, reason in cases:
        code, out, err = run(*argv)
        assert (code, out) == (2, ""), argv
        assert err.startswith(reason) and err.count("\n") == 1, err
    assert run.money() == before


def test_bad_values_are_refused_before_the_center(run):
    for argv, field in [
        (("bind", *BIND[1:7], "--quota", "1.234", *BIND[9:]), "--quota"),
        (("bind", *BIND[1:9], "--valid-to", "31/12/2030", *BIND[11:]), "--valid-to"),
        (("bind", *BIND[1:11], "--proof", "出生证明", *BIND[13:]), "--proof"),
        (("edit", "BND-BT-0101"), "--quota"),
    ]:
        code, _, err = run(*argv)
        assert code == 2 and field in err and err.count("\n") == 1, (argv, err)
    code, _, err = run("bind", *BIND[1:], "--giver", "9999")
    assert code == 2 and err.startswith("giver_psn_no")


def test_the_trainers_switch_ends_bindings(run):
    code, out, _ = run("enrolment", "--psn", "6527000000000001", "--status", "terminated")
    assert code == 0 and out["psn_insu_stas"] == "4"
    assert sorted(b["id"] for b in out["ended"]) == ["BND-BT-0101", "BND-BT-0102"]
    _, rows, _ = run("list", "--beneficiary", SON)
    assert [(r["id"], r["status"]) for r in rows] == [("BND-BT-0101", "ended")]
    code, _, err = run("enrolment", "--psn", "6527000000000001")
    assert code == 2 and "--status" in err


def test_filings_add_list_cancel(run):
    code, f, _ = run(
        "filing",
        "add",
        "--psn",
        "6527000000000015",
        "--dest",
        "530600",
        "--from",
        "2025-07-01",
        "--to",
        "2025-12-31",
    )
    assert code == 0 and (f["status"], f["mdtrtarea_admvs"]) == ("future", "530600")
    code, f2, _ = run("filing", "cancel", str(f["id"]), "--psn", "6527000000000015")
    assert f2["status"] == "cancelled"
    _, rows, _ = run("filing", "list", "--psn", "6527000000000015")
    assert [r["id"] for r in rows] == [f["id"]]


def test_human_output_and_db_before_the_subcommand(url, capsys):
    code = main(["--db", url, "desk", "list", "--giver", "6527000000000001", "--clock", CLOCK])
    out, _ = capsys.readouterr()
    assert code == 0 and out.count("\n") == 3 and "BND-BT-0104" in out and "已解绑" in out

"""`pos cards --pdf`: the printed demo cards read back — every fixture person's name and numbers
as text (pdftotext), and the QR codes decoded from the rendered page (pdftoppm → zbarimg) are
exactly the tokens the scan field takes, and 1101 finds the person named on the card.

pdftotext/pdftoppm (poppler-utils) and zbarimg (zbar-tools): skipped with the reason when missing
locally, a failure under CI=true (.ci/run installs them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from engine.center.seed import load_families
from pos.classroom.cards import load_cards, render_cards


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is missing in CI: .ci/run installs {package}")
        pytest.skip(f"{name} ({package}) is not installed")
    return path


def _pdf(tmp_path: Path, region: str | None = None) -> Path:
    from pos.cli import main

    path = tmp_path / "cards.pdf"
    args = ["cards", "--pdf", str(path)] + (["--region", region] if region else [])
    assert main(args) == 0
    return path


def _text(pdf: Path) -> str:
    tool = _tool("pdftotext", "poppler-utils")
    out = subprocess.run([tool, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def _people():
    return [(fam, p) for fam in load_families() for p in fam.person]


def test_every_fixture_person_is_on_a_card_with_their_numbers(tmp_path):
    text = _text(_pdf(tmp_path))
    people = _people()
    assert len(people) >= 20  # both regions' families, read from the fixtures
    for _, p in people:
        assert p.name in text, p.name
        assert p.card_no in text, p.name
        assert p.certno in text, p.name
        assert p.ecert_token in text, p.name  # printed under the QR too, for keying by hand
    assert "博尔塔拉蒙古自治州" in text and "昭通市" in text
    pages = text.count("\f")
    assert text.count("演示卡") >= pages >= 3  # every page says what it is
    assert text.count("培训用") >= len(people)  # and so does every card


def test_region_keeps_only_its_people(tmp_path):
    text = _text(_pdf(tmp_path, "zhaotong"))
    for _, p in _people():
        assert (p.card_no in text) == p.enrolment.admdvs.startswith("5306"), p.name


def test_unknown_region_is_refused_in_one_line(tmp_path, capsys):
    from pos.cli import main

    assert main(["cards", "--pdf", str(tmp_path / "x.pdf"), "--region", "mars"]) == 2
    err = capsys.readouterr().err.strip()
    assert "mars" in err and "bortala" in err and "\n" not in err
    assert not (tmp_path / "x.pdf").exists()


def test_the_qr_codes_scan_to_the_tokens_and_1101_finds_each_person(tmp_path):
    from engine.codes import MdtrtCertType
    from pos.database import open_database
    from pos.services.desk import CashierDesk
    from pos.services.scan import classify

    pdftoppm = _tool("pdftoppm", "poppler-utils")
    zbarimg = _tool("zbarimg", "zbar-tools")
    cards = load_cards()
    pdf = tmp_path / "cards.pdf"
    pdf.write_bytes(render_cards(cards))
    subprocess.run(
        [pdftoppm, "-r", "150", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    (png,) = tmp_path.glob("page*.png")
    out = subprocess.run([zbarimg, "-q", "--raw", str(png)], capture_output=True, check=True)
    scanned = out.stdout.decode("ascii").split()
    first_page = cards[:10]
    assert sorted(scanned) == sorted(c.token for c in first_page)

    db = open_database(f"sqlite:///{tmp_path / 'hospital.sqlite3'}", pin_cost=2**10)
    try:
        desk = CashierDesk(db, "H65270100001-01")
        desk.login("1001", "111111")
        by_token = {c.token: c for c in first_page}
        for token in scanned:
            assert classify(token) == (MdtrtCertType.ECERT, token)  # what the scan field sees
            patient = desk.identify(token)
            card = by_token[token]
            assert patient.psn_name == card.name
            assert patient.certno == card.certno
    finally:
        db.dispose()


def test_a_family_account_code_gets_a_card_naming_the_relative_it_identifies():
    accounts = [(fam, fa) for fam in load_families() for fa in fam.family_account]
    assert accounts  # the 亲情账户 trap has its card
    cards = {c.token: c for c in load_cards()}
    for fam, fa in accounts:
        card = cards[fa.token]
        names = {p.psn_no: p.name for p in fam.person}
        assert card.name == names[fa.relative]
        assert card.shown_by == names[fa.holder]

"""The demo data itself: valid 身份证, enough families and catalog items, every rule present."""

from __future__ import annotations

from collections import Counter

from engine.center.catalog import load_catalog
from engine.center.seed import load_families, load_institutions
from engine.idcard import birth_date, check_digit, gender, is_valid, validate
from engine.masking import mask_certno as mask


def test_check_digit_known_sample():
    assert check_digit("11010519491231002") == "X"
    assert is_valid("11010519491231002X")
    assert is_valid("11010519491231002x")  # normalized


def test_idcard_rejects_bad_numbers():
    for bad in (
        "11010519491231002",
        "110105194912310021",
        "11010519491331002X",
        "A1010519491231002X",
        "１１010519491231002X",
    ):
        assert not is_valid(bad), bad


def test_idcard_parts():
    assert birth_date("11010519491231002X").isoformat() == "1949-12-31"
    assert gender("11010519491231002X") == "2"
    assert mask("652701198403120319") == "6527**********0319"


def test_families_are_enough_and_valid():
    families = load_families()
    persons = [p for f in families for p in f.person]
    assert len(families) >= 6 and len(persons) >= 20
    regions = {p.enrolment.admdvs for p in persons}
    assert {"652700", "530600"} <= regions
    for p in persons:
        assert validate(p.certno) == p.certno
        assert birth_date(p.certno) == p.brdy
        assert gender(p.certno) == p.gend
    for key in ("certno", "card_no", "ecert_token", "psn_no"):
        dup = [v for v, n in Counter(getattr(p, key) for p in persons).items() if n > 1]
        assert not dup, (key, dup)
    assert all(f.story for f in families)


def test_catalog_covers_every_kind():
    catalog = load_catalog()
    assert len(catalog.items) >= 60
    kinds = Counter(i.kind for i in catalog.items)
    assert set(kinds) == {"drug", "exam", "service", "material", "goods"}
    assert {i.chrgitm_lv.value for i in catalog.items} == {"01", "02", "03"}
    assert all(not i.acct_payable for i in catalog.items if i.kind == "goods")
    assert catalog.search("amx")[0].name == "阿莫西林胶囊"


def test_institutions_known():
    codes = {i.fixmedins_code: i for i in load_institutions()}
    assert any(not i.designated for i in codes.values())
    assert {i.policy for i in codes.values()} == {"bortala-2025", "zhaotong-2025"}

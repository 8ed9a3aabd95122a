"""Policy files load, validate, and resolve to SettleParams; bad files fail with one clear line."""

from __future__ import annotations

from decimal import Decimal
from itertools import product
from pathlib import Path

import pytest

from engine.codes import HospLv, Insutype, MedType, PsnType, Relationship
from engine.policy import (
    POLICY_DIR,
    Policy,
    PolicyError,
    list_policies,
    load_policy,
    load_policy_file,
)

REGIONS = ["bortala-2025", "zhaotong-2025"]
PSN_TYPES = {"310": ["1101", "1201"], "390": ["1501", "1403"]}
MED_TYPES = ["11", "14", "21", "41"]
LEVELS = ["1", "2", "3", "pharmacy"]


def covered(med: str, lv: str) -> bool:
    # A pharmacy settles only 药店购药 (41), and 41 happens only at a pharmacy.
    return (med == "41") == (lv == "pharmacy")


def combos():
    for ins, psns in PSN_TYPES.items():
        for psn, med, lv in product(psns, MED_TYPES, LEVELS):
            yield ins, psn, med, lv


@pytest.fixture(params=REGIONS)
def policy(request) -> Policy:
    return load_policy(request.param)


def test_both_regions_are_listed_and_labelled():
    assert list_policies() == REGIONS
    assert POLICY_DIR.is_dir()
    for region_id in REGIONS:
        p = load_policy(region_id)
        assert p.id == region_id
        assert p.label == "示例参数（培训用，非官方）"
        assert p.year == 2025
    b, z = (load_policy(r) for r in REGIONS)
    assert (b.region_name, b.province, b.admdvs) == (
        "博尔塔拉蒙古自治州",
        "新疆维吾尔自治区",
        "652700",
    )
    assert (z.region_name, z.province, z.admdvs) == ("昭通市", "云南省", "530600")


def test_every_combination_resolves_or_refuses(policy):
    for ins, psn, med, lv in combos():
        if covered(med, lv):
            params = policy.resolve(ins, psn, med, lv)
            assert Decimal(0) <= params.pool_ratio <= 1
            assert params.dedc >= 0
            assert params.annual_cap is None or params.annual_cap > 0
            assert Decimal(0) <= params.default_selfpay_prop <= 1
            if params.big_illness:
                assert params.big_illness.fund == {"310": "hifob", "390": "hifmi"}[ins]
                assert params.big_illness.threshold > 0
                assert params.big_illness.ratio >= Decimal("0.60")
        else:
            with pytest.raises(PolicyError, match=rf"insutype\.{ins}\.\w+\.\w+: med_type {med}"):
                policy.resolve(ins, psn, med, lv)


def test_enum_members_and_codes_agree(policy):
    by_enum = policy.resolve(Insutype.EMPLOYEE, PsnType.EMPLOYED, MedType.OUTPATIENT, HospLv.LEVEL2)
    assert by_enum == policy.resolve("310", "1101", "11", "2")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("320", "1101", "11", "1"), "insutype.320: not covered (covered: 310, 390)"),
        (("330", "1101", "21", "3"), "insutype.330: not covered"),
        (("310", "1501", "11", "1"), "insutype.310.psn_types: psn_type 1501"),
        (("390", "1201", "21", "1"), "insutype.390.psn_types: psn_type 1201"),
        (("310", "1101", "99", "1"), "unknown MedType '99'"),
        (("310", "1101", "11", "4"), "unknown HospLv '4'"),
    ],
)
def test_uncovered_or_unknown_codes_raise(policy, args, fragment):
    with pytest.raises(PolicyError) as err:
        policy.resolve(*args)
    assert fragment in str(err.value)
    assert f"{policy.id}.toml" in str(err.value)


def test_retirees_get_more_and_lower_levels_pay_more(policy):
    for med, levels in (("11", "123"), ("14", "123"), ("21", "123"), ("41", ["pharmacy"])):
        for lv in levels:
            working = policy.resolve("310", "1101", med, lv).pool_ratio
            assert policy.resolve("310", "1201", med, lv).pool_ratio > working
        if med != "41":
            for ins, psn in (("310", "1101"), ("390", "1501")):
                l1, l2, l3 = (policy.resolve(ins, psn, med, lv) for lv in "123")
                assert l1.pool_ratio >= l2.pool_ratio >= l3.pool_ratio
                assert l1.dedc <= l2.dedc <= l3.dedc


def test_national_anchors(policy):
    emp_out = policy.resolve("310", "1101", "11", "3")
    emp_in = policy.resolve("310", "1101", "21", "3")
    assert emp_out.pool_ratio >= Decimal("0.50")
    assert emp_in.pool_ratio >= Decimal("0.80")
    assert Decimal(300) <= emp_in.dedc <= Decimal(1500)
    for med, lv in product(["11", "14", "21"], "123"):
        ratio = policy.resolve("390", "1501", med, lv).pool_ratio
        assert Decimal("0.50") <= ratio <= Decimal("0.75")
    # Employee caps are larger than resident ones, visit type by visit type.
    for med, lv in (("11", "1"), ("14", "1"), ("21", "1"), ("41", "pharmacy")):
        emp_cap = policy.resolve("310", "1101", med, lv).annual_cap
        res_cap = policy.resolve("390", "1501", med, lv).annual_cap
        assert emp_cap is not None and res_cap is not None and emp_cap > res_cap
    # A pharmacy is priced like a level-1 outpatient visit.
    for ins, psn in (("310", "1101"), ("390", "1501")):
        pharmacy = policy.resolve(ins, psn, "41", "pharmacy")
        level1 = policy.resolve(ins, psn, "11", "1")
        assert (pharmacy.dedc, pharmacy.pool_ratio) == (level1.dedc, level1.pool_ratio)


def test_big_illness_only_for_chronic_and_inpatient(policy):
    assert policy.resolve("390", "1501", "21", "3").big_illness.fund == "hifmi"
    assert policy.resolve("310", "1201", "14", "2").big_illness.fund == "hifob"
    assert policy.resolve("390", "1501", "11", "1").big_illness is None
    assert policy.resolve("310", "1101", "41", "pharmacy").big_illness is None


def test_dedc_scope(policy):
    for ins, med in product(PSN_TYPES, MED_TYPES):
        expected = "admission" if med == "21" else "year"
        assert policy.dedc_scope(ins, med) == expected
    assert policy.dedc_scope(Insutype.RESIDENT, MedType.INPATIENT) == "admission"
    with pytest.raises(PolicyError, match=r"insutype\.320: not covered"):
        policy.dedc_scope("320", "11")


def test_regions_differ_where_the_seeds_differ():
    b, z = (load_policy(r) for r in REGIONS)
    core = {Relationship.SPOUSE, Relationship.PARENT, Relationship.CHILD}
    assert set(b.copay.relationships) == core
    assert set(z.copay.relationships) == core | {
        Relationship.SIBLING,
        Relationship.GRANDPARENT,
        Relationship.GRANDCHILD,
    }
    assert (b.copay.proof_at_counter, z.copay.proof_at_counter) == (False, True)
    assert (b.copay.beneficiary_admdvs_prefixes, z.copay.beneficiary_admdvs_prefixes) == (
        ["65"],
        ["53"],
    )
    for p in (b, z):
        assert p.copay.cross_province is False
        assert p.copay.cross_region_requires_filing is True
        assert {m.value for m in p.copay.med_types} == {"11", "12", "13", "14", "21", "41"}
    assert b.resolve("310", "1101", "11", "1").acct_pays_ownpay is True
    assert z.resolve("310", "1101", "11", "1").acct_pays_ownpay is False
    assert b.resolve("310", "1101", "11", "2") != z.resolve("310", "1101", "11", "2")


# ---------------------------------------------------------------- bad files

GOOD = (POLICY_DIR / "bortala-2025.toml").read_text(encoding="utf-8")
L3 = "level3 = { dedc = 300, pool_ratio = 0.50 }"
L1 = "level1 = { dedc = 100, pool_ratio = 0.70 }"


def write(tmp_path: Path, text: str, name: str = "bortala-2025") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def edited(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        pytest.param(
            edited(L3, "level3 = { dedc = 300, pool_rato = 0.50 }"),
            ["insutype.310.outpatient.level3.pool_rato: unknown key", "level3.pool_ratio: missing"],
            id="misspelled-key",
        ),
        pytest.param(
            edited(L3, "level3 = { dedc = 300, pool_ratio = 1.5 }"),
            ["insutype.310.outpatient.level3.pool_ratio: ratio", "between 0 and 1"],
            id="ratio-1.5",
        ),
        pytest.param(
            edited(L1, "level1 = { dedc = -100, pool_ratio = 0.70 }"),
            ["insutype.310.outpatient.level1.dedc: amount", "negative"],
            id="negative-dedc",
        ),
        pytest.param(
            edited('label = "示例参数（培训用，非官方）"\n', ""),
            ["label: missing key"],
            id="no-label",
        ),
        pytest.param(
            edited("acct_pays_ownpay = true", "acct_pay_ownpay = true"),
            ["acct_pay_ownpay: unknown key", "acct_pays_ownpay: missing key"],
            id="top-level-typo",
        ),
        pytest.param(edited('"spouse"', '"cousin"'), ["copay.relationships.0"], id="relationship"),
        pytest.param(
            edited("annual_cap = 3000", 'annual_cap = "unlimited"'),
            ["insutype.310.outpatient.annual_cap"],
            id="cap-word",
        ),
        pytest.param(
            edited('fund = "hifob"', 'fund = "hifmi"'),
            ["insutype.310.big_illness.fund: 310 pays from 'hifob'"],
            id="wrong-fund",
        ),
        pytest.param(
            edited('"1101", ', '"1501", '), ["insutype.310.psn_types: ['1501']"], id="psn-type"
        ),
        pytest.param(edited("[insutype.390]", "[insutype.320]"), ["insutype.320"], id="insutype"),
        pytest.param(
            edited('dedc_scope = "admission"', 'dedc_scope = "stay"'),
            ["insutype.310.inpatient.dedc_scope"],
            id="dedc-scope",
        ),
        pytest.param(
            edited("pharmacy = { dedc = 100, pool_ratio = 0.70 }", ""),
            ["insutype.310.pharmacy: needs at least one of level1"],
            id="no-level",
        ),
        pytest.param("id = [unclosed\n", ["not valid TOML", "line 1"], id="garbage"),
        pytest.param(
            edited("year = 2025", 'year = 2025\nid = "again"'), ["not valid TOML"], id="dup-key"
        ),
    ],
)
def test_bad_file_names_file_key_and_problem(tmp_path, text, fragments):
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as err:
        load_policy_file(path)
    message = str(err.value)
    assert "\n" not in message
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message


def test_id_must_match_file_name(tmp_path):
    with pytest.raises(PolicyError, match="id: 'bortala-2025' does not match the file name"):
        load_policy_file(write(tmp_path, GOOD, name="other"))


def test_missing_file(tmp_path):
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy_file(tmp_path / "absent.toml")


def test_no_cap_and_retiree_clamp(tmp_path):
    text = edited(L1, "level1 = { dedc = 100, pool_ratio = 0.98 }")
    text = text.replace("annual_cap = 3000", 'annual_cap = "none"', 1)
    p = load_policy_file(write(tmp_path, text))
    assert p.resolve("310", "1101", "11", "1").annual_cap is None
    assert p.resolve("310", "1201", "11", "1").pool_ratio == Decimal(1)


def test_unknown_policy_id_lists_known_ones(tmp_path):
    for bad in ("nowhere-2025", "../policies/bortala-2025"):
        with pytest.raises(PolicyError) as err:
            load_policy(bad)
        assert "bortala-2025, zhaotong-2025" in str(err.value)
    write(tmp_path, GOOD)
    assert list_policies(tmp_path) == ["bortala-2025"]
    assert load_policy("bortala-2025", tmp_path).admdvs == "652700"
    with pytest.raises(PolicyError, match=r"known: bortala-2025\)"):
        load_policy("zhaotong-2025", tmp_path)


def test_a_resolved_visit_is_remembered_per_policy_not_shared_by_a_copy(policy):
    first = policy.resolve("310", "1101", "11", "2")
    assert policy.resolve("310", "1101", "11", "2") is first  # the center asks per message
    with pytest.raises(PolicyError):
        policy.resolve("310", "1101", "11", "4")  # a refusal is not remembered: it refuses again
    with pytest.raises(PolicyError):
        policy.resolve("310", "1101", "11", "4")
    # model_copy shares private values: the copy must answer from its own fields.
    changed = policy.model_copy(update={"default_selfpay_prop": Decimal("0.3")})
    assert changed.resolve("310", "1101", "11", "2").default_selfpay_prop == Decimal("0.3")
    assert policy.resolve("310", "1101", "11", "2") is first

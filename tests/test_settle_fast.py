"""The pure CLI's pydantic-free path (engine.models_plain, engine.policy_plain, Settlement.wire)
against the validating one: it may accept less, never more, and never answer differently."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from engine import policy_plain
from engine.codes import HospLv, Insutype, MedType, PsnType
from engine.models import SettleRequest
from engine.models_plain import Record, read_request
from engine.policy import PolicyError, list_policies, load_policy, load_policy_file
from engine.settle import resolve_params, settle
from pos.commands import jsonlines
from tests.hostile import line_strategy
from tests.test_settle_contract import EXAMPLE_A
from tests.test_settle_properties import request

POLICY_REQUEST = {
    "policy": "bortala-2025",
    "insutype": "310",
    "psn_type": "1201",
    "med_type": "14",
    "hosp_lv": "3",
    "ytd": {"dedc_paid": "120.00", "hifp_paid": "0.00"},
    "items": [
        {"name": "阿莫西林胶囊", "chrgitm_lv": "02", "pric": "12.50", "cnt": "2"},
        {"name": "口罩", "chrgitm_lv": "03", "pric": "30000", "cnt": 1, "acct_payable": False},
    ],
    "acct": {"balc": "150.00", "used": True},
    "mulaid": [{"giver": "G1", "available": "80.00"}],
    "cross_region": {"filing": True},
}


def same(plain: object, model: object) -> bool:
    """Field by field: the plain record holds what the model holds (enum members included)."""
    if isinstance(plain, Record):
        return all(same(getattr(plain, n), getattr(model, n)) for n in plain.__slots__)
    if isinstance(plain, list):
        return len(plain) == len(model) and all(map(same, plain, model))  # type: ignore[arg-type]
    if isinstance(plain, Decimal):  # equal and written the same (12.50 is not 12.5 on the wire)
        return type(model) is Decimal and str(plain) == str(model)
    return type(plain) is type(model) and plain == model


def check(data: object) -> None:
    plain = read_request(data)
    try:
        model = SettleRequest.model_validate(data)
    except ValidationError:
        assert plain is None, "the plain reader accepted what the models refuse"
        return
    if plain is None:
        return  # less is allowed: the validating path answers
    assert same(plain, model)
    if model.params is not None:
        wire = settle(plain, plain.params).wire("en")
        assert wire == settle(model, model.params).result("en").to_wire()


@settings(max_examples=300, deadline=None)
@given(request)
def test_well_formed_requests_take_the_plain_path_and_answer_the_same(data):
    wire = json.loads(json.dumps(data, default=str))  # as `pos settle` receives it
    assert read_request(wire) is not None
    check(wire)


@settings(max_examples=300, deadline=None)
@given(line_strategy([EXAMPLE_A, POLICY_REQUEST], list(POLICY_REQUEST)))
def test_the_plain_reader_never_accepts_what_the_models_refuse(raw):
    try:
        data = jsonlines.decode(raw)  # as `pos settle` reads a line
    except jsonlines.LineError:
        return
    check(data)
    if isinstance(data, dict):
        for key in ("items", "params", "ytd", "acct", "mulaid"):
            if isinstance(data.get(key), list) and data[key]:
                check({**data, key: [data[key][0], {"x": 1}]})


@pytest.mark.parametrize(
    "change",
    [
        {"acct": {"balc": "1", "used": "true"}},  # a bool as text: the models decide
        {"acct": {"balc": "1", "used": 1}},
        {"cross_region": {"filing": 1}},
        {"items": []},
        {"insutype": 310},
        {"mulaid": [{"giver": "", "available": "1"}]},
        {"psn_type": None},
        {"params": {"dedc": "1", "pool_ratio": "0.5"}},  # annual_cap is required
    ],
)
def test_doubtful_requests_go_to_the_models(change):
    data = {**POLICY_REQUEST, **change}
    assert read_request(data) is None
    check(data)


def test_the_wire_of_a_policy_settlement_is_the_models_one():
    plain = read_request(POLICY_REQUEST)
    model = SettleRequest.model_validate(POLICY_REQUEST)
    params = resolve_params(model)
    for lang in ("zh", "en"):
        assert settle(plain, params).wire(lang) == settle(model, params).result(lang).to_wire()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("POS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _combinations():
    for lv in HospLv:
        for med in MedType:
            for ins in Insutype:
                for psn in PsnType:
                    yield ins, psn, med, lv


@pytest.mark.parametrize("policy_id", list_policies())
def test_a_validated_policy_resolves_the_same_without_pydantic(policy_id, cache):
    assert policy_plain.resolve(policy_id, *next(_combinations())) is None  # never validated here
    from engine.policy import _load_cached

    _load_cached.cache_clear()
    policy = load_policy(policy_id)  # validates, and stamps the file's bytes
    resolved = 0
    for combo in _combinations():
        plain = policy_plain.resolve(policy_id, *combo)
        try:
            model = policy.resolve(*combo)
        except PolicyError:
            assert plain is None, combo
            continue
        assert plain is not None and same(plain, model), combo
        resolved += 1
    assert resolved > 20


def test_an_edited_policy_is_not_trusted_until_validated_again(tmp_path, cache):
    from engine.policy import POLICY_DIR

    text = (POLICY_DIR / "bortala-2025.toml").read_text(encoding="utf-8")
    (tmp_path / "bortala-2025.toml").write_text(text, encoding="utf-8")
    combo = (Insutype.EMPLOYEE, PsnType.EMPLOYED, MedType.OUTPATIENT, HospLv.LEVEL2)
    load_policy_file(tmp_path / "bortala-2025.toml")  # loading a file alone stamps nothing
    assert policy_plain.resolve("bortala-2025", *combo, directory=tmp_path) is None
    load_policy("bortala-2025", tmp_path)
    assert policy_plain.resolve("bortala-2025", *combo, directory=tmp_path).dedc == 200
    # An edit the models refuse (a ratio above 1): the plain path must not read it.
    bad = text.replace(
        "level2 = { dedc = 200, pool_ratio = 0.60 }", "level2 = { dedc = 200, pool_ratio = 6.0 }"
    )
    assert bad != text
    (tmp_path / "bortala-2025.toml").write_text(bad, encoding="utf-8")
    assert policy_plain.resolve("bortala-2025", *combo, directory=tmp_path) is None
    with pytest.raises(PolicyError):
        load_policy_file(tmp_path / "bortala-2025.toml")


def test_a_policy_id_is_never_a_path(cache):
    combo = (Insutype.EMPLOYEE, PsnType.EMPLOYED, MedType.OUTPATIENT, HospLv.LEVEL2)
    for bad in ("../bortala-2025", "/etc/passwd", "Bortala-2025", ""):
        assert policy_plain.resolve(bad, *combo, directory=Path("fixtures/policies")) is None


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(["zh", "en"]))
def test_cli_answers_a_policy_request_the_same_on_both_paths(lang):
    from pos.commands.settle import _validated, settle_text

    text = json.dumps(POLICY_REQUEST, ensure_ascii=False)
    model = _validated(json.loads(text))
    assert settle_text(text, lang) == settle(model, resolve_params(model)).result(lang).to_wire()


def test_a_stream_naming_a_policy_parses_its_file_once(tmp_path, cache, monkeypatch):
    # Was: every request of a --jsonl stream read, hashed and parsed the policy's TOML (≈ 2 ms).
    from engine.policy import POLICY_DIR

    (tmp_path / "bortala-2025.toml").write_bytes((POLICY_DIR / "bortala-2025.toml").read_bytes())
    load_policy("bortala-2025", tmp_path)  # validated and stamped
    monkeypatch.setattr(policy_plain, "_parsed", {}, raising=False)  # none held yet
    parsed = []
    real = policy_plain.tomllib.loads

    def counting(text, **kw):
        parsed.append(1)
        return real(text, **kw)

    monkeypatch.setattr(policy_plain.tomllib, "loads", counting)
    policy = load_policy("bortala-2025", tmp_path)
    combos = []
    for combo in _combinations():
        try:
            policy.resolve(*combo)
        except PolicyError:
            continue
        combos.append(combo)
    first = [policy_plain.resolve("bortala-2025", *c, directory=tmp_path) for c in combos]
    again = [policy_plain.resolve("bortala-2025", *c, directory=tmp_path) for c in combos * 3]
    assert len(parsed) == 1 and all(p is not None for p in first)
    assert again == first * 3

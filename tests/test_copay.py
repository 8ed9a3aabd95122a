"""Co-pay eligibility (engine.copay): each 不适用情形 alone, together, amounts and order."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.codes import Insutype, MedType, PsnInsuStas, Relationship
from engine.copay import (
    BeneficiaryState,
    BindingState,
    CopayReason,
    GiverState,
    VisitContext,
    evaluate_all,
    evaluate_binding,
)
from engine.policy import CopayScope

R = CopayReason
D = Decimal
TODAY = date(2025, 6, 15)

# 博尔塔拉 (652700): core family only, 新疆 beneficiaries, filing required away from home.
SCOPE = CopayScope(
    relationships=[Relationship.SPOUSE, Relationship.PARENT, Relationship.CHILD],
    beneficiary_admdvs_prefixes=["65"],
)
GIVER = GiverState(
    psn_no="G1",
    name="艾*",
    insutype=Insutype.EMPLOYEE,
    has_personal_account=True,
    acct_balance=D("800.00"),
    acct_frozen=False,
    in_arrears=False,
    insu_status=PsnInsuStas.NORMAL,
    admdvs="652701",
)
KID = BeneficiaryState(
    psn_no="K1", insutype=Insutype.RESIDENT, insu_status=PsnInsuStas.NORMAL, admdvs="652701"
)
BINDING = BindingState(
    binding_id="B1",
    giver_psn_no="G1",
    beneficiary_psn_no="K1",
    relationship=Relationship.CHILD,
    quota=D("500.00"),
    quota_used=D("120.00"),
    valid_from=date(2025, 1, 1),
    valid_to=date(2025, 12, 31),
    status="active",
    order=1,
)
VISIT = VisitContext(
    patient_psn_no="K1",
    today=TODAY,
    med_type=MedType.OUTPATIENT,
    institution_designated=True,
    institution_admdvs="652722",
    has_filing=False,
)


def decide(giver=GIVER, kid=KID, binding=BINDING, visit=VISIT, scope=SCOPE):
    return evaluate_binding(giver, kid, binding, visit, scope)


def test_base_case_is_usable_with_quota_left():
    d = decide()
    assert d.usable and d.reasons == ()
    assert d.available == D("380.00")  # min(800, 500 - 120)
    assert d.message("zh") == "" and not d.needs_counter_proof


# Each mutation of the eligible base case yields exactly one reason.
MUTATIONS = {
    R.WRONG_GIVER: {"binding": replace(BINDING, giver_psn_no="G2")},
    R.NOT_THE_PATIENT: {"visit": replace(VISIT, patient_psn_no="K2")},
    R.BENEFICIARY_NOT_INSURED: {"kid": replace(KID, insu_status=PsnInsuStas.PAUSED)},
    R.BENEFICIARY_OUT_OF_SCOPE: {
        # 云南 insured, treated in 博尔塔拉 with a filing: only the region scope fails.
        "kid": replace(KID, admdvs="530600"),
        "visit": replace(VISIT, has_filing=True),
    },
    R.GIVER_NO_ACCOUNT: {"giver": replace(GIVER, has_personal_account=False)},
    R.GIVER_NOT_INSURED: {"giver": replace(GIVER, insu_status=PsnInsuStas.TERMINATED)},
    R.GIVER_FROZEN: {"giver": replace(GIVER, acct_frozen=True)},
    R.GIVER_IN_ARREARS: {"giver": replace(GIVER, in_arrears=True)},
    R.BINDING_PENDING: {"binding": replace(BINDING, status="pending")},
    R.BINDING_REJECTED: {"binding": replace(BINDING, status="rejected")},
    R.BINDING_UNBOUND: {"binding": replace(BINDING, status="unbound")},
    R.BINDING_ENDED: {"binding": replace(BINDING, status="ended")},
    R.BINDING_NOT_YET_VALID: {"visit": replace(VISIT, today=date(2024, 12, 31))},
    R.BINDING_EXPIRED: {"visit": replace(VISIT, today=date(2026, 1, 1))},
    R.RELATIONSHIP_NOT_ALLOWED: {"binding": replace(BINDING, relationship=Relationship.SIBLING)},
    R.NON_DESIGNATED_INSTITUTION: {"visit": replace(VISIT, institution_designated=False)},
    R.CROSS_REGION_NO_FILING: {"visit": replace(VISIT, institution_admdvs="650102")},
    R.MED_TYPE_NOT_COVERED: {"scope": SCOPE.model_copy(update={"med_types": [MedType.PHARMACY]})},
    R.QUOTA_USED_UP: {"binding": replace(BINDING, quota_used=D("500.00"))},
    R.GIVER_BALANCE_ZERO: {"giver": replace(GIVER, acct_balance=D("0"))},
}


def test_every_reason_has_a_mutation():
    assert set(MUTATIONS) == set(CopayReason)


@pytest.mark.parametrize("reason", list(MUTATIONS), ids=lambda r: r.value)
def test_each_mutation_gives_exactly_its_reason(reason):
    d = decide(**MUTATIONS[reason])
    assert d.reasons == (reason,)
    assert not d.usable and d.available == D("0.00")
    assert d.message("zh") == reason.zh and d.message("en") == reason.en


def test_giver_on_resident_insurance_has_no_account_to_share():
    assert decide(giver=replace(GIVER, insutype=Insutype.RESIDENT)).reasons == (R.GIVER_NO_ACCOUNT,)


def test_boundary_days_are_valid_and_open_ended_binding_never_expires():
    assert decide(visit=replace(VISIT, today=date(2025, 1, 1))).usable
    assert decide(visit=replace(VISIT, today=date(2025, 12, 31))).usable
    forever = replace(BINDING, valid_to=None)
    assert decide(binding=forever, visit=replace(VISIT, today=date(2040, 1, 1))).usable


def test_cross_region_is_fine_with_a_filing_or_when_the_region_does_not_require_one():
    away = replace(VISIT, institution_admdvs="650102")  # 乌鲁木齐, another prefecture
    assert decide(visit=replace(away, has_filing=True)).usable
    no_filing_rule = SCOPE.model_copy(update={"cross_region_requires_filing": False})
    assert decide(visit=away, scope=no_filing_rule).usable


def test_cross_province_scope_accepts_beneficiary_insured_elsewhere():
    yunnan_kid = replace(KID, admdvs="530602")
    filed = replace(VISIT, has_filing=True)
    assert decide(kid=yunnan_kid, visit=filed).reasons == (R.BENEFICIARY_OUT_OF_SCOPE,)
    national = SCOPE.model_copy(update={"cross_province": True})
    assert decide(kid=yunnan_kid, visit=filed, scope=national).usable


def test_several_reasons_are_collected_in_catalog_order():
    d = decide(
        giver=replace(GIVER, acct_frozen=True, in_arrears=True),
        binding=replace(BINDING, status="unbound", quota_used=D("500")),
        visit=replace(VISIT, today=date(2026, 3, 1), institution_designated=False),
    )
    assert d.reasons == (
        R.GIVER_FROZEN,
        R.GIVER_IN_ARREARS,
        R.BINDING_UNBOUND,
        R.BINDING_EXPIRED,
        R.NON_DESIGNATED_INSTITUTION,
        R.QUOTA_USED_UP,
    )
    assert d.message("zh") == "".join(r.zh for r in d.reasons)
    assert d.message("en").startswith(R.GIVER_FROZEN.en + " ")


def test_available_is_the_smaller_of_balance_and_quota_left():
    assert decide(giver=replace(GIVER, acct_balance=D("66.50"))).available == D("66.50")
    assert decide(binding=replace(BINDING, quota_used=D("499.99"))).available == D("0.01")


def test_sibling_allowed_only_where_the_region_lists_near_relatives():
    sibling = replace(BINDING, relationship=Relationship.SIBLING)
    assert Relationship.SIBLING.near_relative
    near = SCOPE.model_copy(update={"relationships": list(Relationship)})
    assert decide(binding=sibling, scope=near).usable
    assert decide(binding=sibling).reasons == (R.RELATIONSHIP_NOT_ALLOWED,)


def test_zhaotong_asks_the_cashier_to_confirm_the_proof():
    zhaotong = SCOPE.model_copy(update={"proof_at_counter": True})
    assert decide(scope=zhaotong).needs_counter_proof


def test_inputs_are_validated():
    with pytest.raises(ValueError, match="float"):
        replace(GIVER, acct_balance=800.0)
    with pytest.raises(ValueError, match="negative"):
        replace(BINDING, quota=D("-1"))
    with pytest.raises(ValueError, match="6 digits"):
        replace(KID, admdvs="６５２７０１")  # full-width digits
    with pytest.raises(ValueError, match="before"):
        replace(BINDING, valid_to=date(2024, 1, 1))
    with pytest.raises(ValueError):
        replace(BINDING, status="approved")


# --- several givers ---------------------------------------------------------------------------

MOM = replace(GIVER, psn_no="M", acct_balance=D("100.00"))
DAD = replace(GIVER, psn_no="F", acct_balance=D("900.00"))
GRAN = replace(GIVER, psn_no="N", acct_balance=D("300.00"), acct_frozen=True)
GIVERS = {g.psn_no: g for g in (MOM, DAD, GRAN)}
BINDINGS = [
    replace(BINDING, binding_id="b-dad", giver_psn_no="F", quota_used=D("0"), order=2),
    replace(BINDING, binding_id="b-mom", giver_psn_no="M", order=1),
    replace(BINDING, binding_id="b-gran", giver_psn_no="N", order=3),
]


def test_binding_order_mode_follows_the_order_field():
    plan = evaluate_all(GIVERS, KID, BINDINGS, VISIT, SCOPE)
    assert [d.binding_id for d in plan.decisions] == ["b-mom", "b-dad", "b-gran"]
    assert plan.sources == [("M", D("100.00")), ("F", D("500.00"))]
    assert plan.decisions[2].reasons == (R.GIVER_FROZEN,)


def test_largest_available_first_mode_sorts_usable_by_amount():
    scope = SCOPE.model_copy(update={"deduction_order": "largest_available_first"})
    plan = evaluate_all(GIVERS, KID, BINDINGS, VISIT, scope)
    assert [d.binding_id for d in plan.decisions] == ["b-dad", "b-mom", "b-gran"]
    assert plan.sources == [("F", D("500.00")), ("M", D("100.00"))]


def test_largest_first_ties_keep_binding_order():
    scope = SCOPE.model_copy(update={"deduction_order": "largest_available_first"})
    twins = [
        replace(BINDING, binding_id="b2", giver_psn_no="F", order=2),
        replace(BINDING, binding_id="b1", giver_psn_no="M", order=1),
    ]
    rich = {"F": DAD, "M": replace(MOM, acct_balance=D("900.00"))}
    plan = evaluate_all(rich, KID, twins, VISIT, scope)
    assert [d.binding_id for d in plan.decisions] == ["b1", "b2"]


def test_one_giver_with_two_bindings_never_offers_the_balance_twice():
    two = [
        replace(BINDING, binding_id="x1", giver_psn_no="M", quota_used=D("0"), order=1),
        replace(BINDING, binding_id="x2", giver_psn_no="M", quota_used=D("0"), order=2),
        replace(BINDING, binding_id="x3", giver_psn_no="M", quota_used=D("0"), order=3),
    ]
    givers = {"M": replace(MOM, acct_balance=D("600.00"))}
    plan = evaluate_all(givers, KID, two, VISIT, SCOPE)
    assert plan.sources == [("M", D("500.00")), ("M", D("100.00"))]
    assert plan.decisions[2].reasons == (R.GIVER_BALANCE_ZERO,)


def test_missing_giver_state_is_a_caller_error():
    with pytest.raises(ValueError, match="no state"):
        evaluate_all({}, KID, BINDINGS, VISIT, SCOPE)


# --- catalogs and properties ---------------------------------------------------------------------


def test_zh_and_en_catalogs_have_the_same_members_and_text():
    zh = {r.value: r.label("zh") for r in CopayReason}
    en = {r.value: r.label("en") for r in CopayReason}
    assert zh.keys() == en.keys() and len(zh) == 20
    assert all(t.strip() for t in [*zh.values(), *en.values()])
    assert len(set(zh.values())) == len(zh) and len(set(en.values())) == len(en)


money = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False)


@given(
    balance=money,
    quota=money,
    used=money,
    frozen=st.booleans(),
    status=st.sampled_from(["pending", "active", "unbound", "rejected", "ended"]),
    today=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 1, 1)),
    relationship=st.sampled_from(list(Relationship)),
    designated=st.booleans(),
    med_type=st.sampled_from(list(MedType)),
)
def test_available_is_bounded_and_usable_iff_no_reasons(
    balance, quota, used, frozen, status, today, relationship, designated, med_type
):
    d = decide(
        giver=replace(GIVER, acct_balance=balance, acct_frozen=frozen),
        binding=replace(
            BINDING, quota=quota, quota_used=used, status=status, relationship=relationship
        ),
        visit=replace(VISIT, today=today, institution_designated=designated, med_type=med_type),
    )
    assert D(0) <= d.available <= balance
    assert d.available <= max(quota - used, D(0))
    assert d.usable == (d.reasons == ())
    assert d.usable == (d.available > 0)
    assert d.available.as_tuple().exponent == -2

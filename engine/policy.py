"""Regional policy parameters as data (fixtures/policies/*.toml), validated on load.

A policy file holds one region's deductibles, pool ratios, caps, big-illness layers and 家庭共济
scope (the layout is documented at the top of each file). `Policy.resolve` turns it into the
`SettleParams` of one visit. Every problem with a file surfaces as one-line `PolicyError`.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    model_validator,
)

from engine.codes import CodeEnum, HospLv, Insutype, MedType, PsnType, Relationship
from engine.fixtures import fixtures_dir
from engine.models import Amount, BigIllness, Ratio, SettleParams
from engine.policy_plain import remember_valid
from engine.tomlfile import load_model_file, shown

POLICY_DIR: Path = fixtures_dir() / "policies"


class PolicyError(ValueError):
    """A policy file or lookup problem: `<file>: <key path>: <problem>`, one line."""


class CopayScope(BaseModel):
    """Who may share a personal account with whom, and where (DESIGN.md §2, the seeds)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Relationships a binding may have in this region (近亲属 beyond spouse/parent/child is per region).
    relationships: list[Relationship]
    # The beneficiary must be insured in a region whose admdvs starts with one of these
    # (e.g. "65" = 新疆, "53" = 云南); cross_province lifts that (national notice, 2026).
    beneficiary_admdvs_prefixes: list[str] = Field(min_length=1)
    cross_province: bool = False
    # Care outside the insured region needs a 异地就医备案 filing before co-pay may be used.
    cross_region_requires_filing: bool = True
    # 昭通: the cashier must confirm the family co-payment proof was checked at the counter.
    proof_at_counter: bool = False
    # Several givers for one beneficiary: in the order the bindings set, or largest balance first.
    deduction_order: Literal["binding_order", "largest_available_first"] = "binding_order"
    # Visit types the co-pay may pay for (outpatient, 慢特病, inpatient, pharmacy).
    med_types: list[MedType] = Field(default_factory=lambda: list(MedType))


class CrossRegionRule(BaseModel):
    """异地就医: care outside the insured prefecture (the first four digits of the admdvs)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # With a valid 异地就医备案 the visit settles directly under the insured region's policy.
    # Without one: "settle" (settles all the same; co-pay still needs the filing, see [copay]) or
    # "refuse" (no direct settlement: register a filing first, or pay in full and claim at home).
    unfiled: Literal["settle", "refuse"] = "settle"


class PremiumTable(BaseModel):
    """城乡居民医保 individual premium per year (元), paid by a giver for a relative (代缴)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(min_length=1)  # 示例参数（培训用，非官方）: say the numbers are illustrative
    resident: dict[str, Amount] = Field(min_length=1)  # "2026" = 400

    @model_validator(mode="after")
    def _years(self) -> PremiumTable:
        for year, amount in self.resident.items():
            if not (len(year) == 4 and year.isascii() and year.isdigit()):
                raise ValueError(f"resident: {year!r} is not a four-digit year")
            if amount <= 0:
                raise ValueError(f"resident.{year}: the premium must be positive")
        return self

    def resident_for(self, year: int) -> Decimal | None:
        return self.resident.get(str(year))


# TOML has no null, so "no cap" is spelled "none"; the key stays required so it is never forgotten.
Cap = Annotated[Amount | None, BeforeValidator(lambda v: None if v == "none" else v)]
InsutypeKey = Literal["310", "390"]  # the two base insurances the engine settles
# The fund each insutype's big-illness layer pays from (contract: hifob 职工大额, hifmi 居民大病).
BIG_ILLNESS_FUND = {"310": "hifob", "390": "hifmi"}
# 人员类别 code prefixes that belong to each insutype (11/12 职工, 14/15 居民).
PSN_PREFIXES = {"310": ("11", "12"), "390": ("14", "15")}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LevelRule(_Strict):
    dedc: Amount  # 起付线, 元
    pool_ratio: Ratio  # 统筹支付比例 for in-service people


class MedTypeRule(_Strict):
    dedc_scope: Literal["year", "admission"]
    annual_cap: Cap
    retiree_bonus: Ratio = Decimal(0)
    level1: LevelRule | None = None
    level2: LevelRule | None = None
    level3: LevelRule | None = None
    pharmacy: LevelRule | None = None

    @model_validator(mode="after")
    def _some_level(self) -> MedTypeRule:
        if not any((self.level1, self.level2, self.level3, self.pharmacy)):
            raise ValueError("needs at least one of level1, level2, level3, pharmacy")
        return self


class BigIllnessRule(_Strict):
    fund: Literal["hifmi", "hifob"]
    threshold: Amount
    ratio: Ratio
    cap: Cap
    med_types: list[MedType] = Field(min_length=1)


class InsutypeRule(_Strict):
    psn_types: list[PsnType] = Field(min_length=1)
    # Rule sections; [med_types] says which med_type settles under which (default 11, 14, 21, 41).
    outpatient: MedTypeRule | None = None
    chronic: MedTypeRule | None = None
    inpatient: MedTypeRule | None = None
    pharmacy: MedTypeRule | None = None
    big_illness: BigIllnessRule | None = None


Section = Literal["outpatient", "chronic", "inpatient", "pharmacy"]
# The rule section each med_type settles under when a policy file does not say ([med_types]).
DEFAULT_MED_TYPES: dict[MedType, Section] = {
    MedType.OUTPATIENT: "outpatient",
    MedType.CHRONIC: "chronic",
    MedType.INPATIENT: "inpatient",
    MedType.PHARMACY: "pharmacy",
}


class Policy(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    label: str = Field(min_length=1)
    region_name: str = Field(min_length=1)
    province: str = Field(min_length=1)
    admdvs: str = Field(pattern=r"^\d{6}$")
    year: int = Field(ge=2000, le=2100)
    # May account money (own or co-pay) pay 全自费/丙类 amounts? Regions differ (reference §2.2).
    acct_pays_ownpay: bool
    default_selfpay_prop: Ratio  # 乙类 先行自付 when an item does not say
    copay: CopayScope
    cross_region: CrossRegionRule = CrossRegionRule()
    premium: PremiumTable | None = None  # without it, 代缴 of resident premiums is refused
    # 医疗类别 (national dictionary) this region settles → the insutype rule section it settles
    # under (12 门诊挂号 and 13 急诊 as outpatient). A med_type not listed is not settled here.
    med_types: dict[MedType, Section] = Field(default_factory=lambda: dict(DEFAULT_MED_TYPES))
    insutype: dict[InsutypeKey, InsutypeRule] = Field(min_length=1)

    _source: str = PrivateAttr(default="")
    # resolve()'s answers by its arguments: a frozen policy gives the same frozen parameters
    # every time (the center asks once per 2204 and 2207). Held with its owner, so a copy
    # (model_copy shares private values) starts its own.
    _resolved: tuple = PrivateAttr(default=(None, None))

    @model_validator(mode="after")
    def _consistent(self) -> Policy:
        for code, rule in self.insutype.items():
            wrong = [p.value for p in rule.psn_types if not p.value.startswith(PSN_PREFIXES[code])]
            if wrong:
                raise ValueError(f"insutype.{code}.psn_types: {wrong} do not belong to {code}")
            fund = BIG_ILLNESS_FUND[code]
            if rule.big_illness and rule.big_illness.fund != fund:
                raise ValueError(f"insutype.{code}.big_illness.fund: {code} pays from {fund!r}")
        if not self.admdvs.startswith(tuple(self.copay.beneficiary_admdvs_prefixes)):
            # The region's own insured must always be in co-pay scope.
            raise ValueError(
                f"copay.beneficiary_admdvs_prefixes: none matches admdvs {self.admdvs}"
            )
        return self

    def _error(self, path: str, problem: str) -> PolicyError:
        return PolicyError(f"{self._source or self.id}: {path}: {problem}")

    def _rule(self, insutype: object, med_type: object) -> tuple[Insutype, MedType, MedTypeRule]:
        ins = _parse(Insutype, insutype, self)
        med = _parse(MedType, med_type, self)
        rule = self.insutype.get(ins.value)  # type: ignore[call-overload]
        if rule is None:
            covered = ", ".join(self.insutype)
            raise self._error(f"insutype.{ins}", f"not covered (covered: {covered})")
        name = self.med_types.get(med)
        if name is None:
            settled = ", ".join(sorted(self.med_types))
            raise self._error(
                "med_types", f"med_type {med} ({med.zh}) is not settled here (settled: {settled})"
            )
        section = getattr(rule, name)
        if section is None:
            raise self._error(f"insutype.{ins}.{name}", f"med_type {med} not covered")
        return ins, med, section

    def section_of(self, med_type: object) -> str | None:
        """The rule section a med_type settles under here (None: not settled). Visits of one
        section share its accumulators: 起付线 and annual cap of 11, 12 and 13 are one."""
        try:
            return self.med_types.get(MedType.parse(med_type))
        except ValueError:
            return None

    def dedc_scope(self, insutype: object, med_type: object) -> Literal["year", "admission"]:
        return self._rule(insutype, med_type)[2].dedc_scope

    def resolve(
        self, insutype: object, psn_type: object, med_type: object, hosp_lv: object
    ) -> SettleParams:
        """The parameters of one visit; accepts enum members or their string codes."""
        owner, memo = self._resolved
        if owner is not self:
            memo = {}
            self._resolved = (self, memo)
        key = (insutype, psn_type, med_type, hosp_lv)
        try:
            found = memo.get(key)
        except TypeError:  # an unhashable argument: refused below, never remembered
            found = key = None
        if found is None:
            found = self._resolve(insutype, psn_type, med_type, hosp_lv)
            if key is not None:
                memo[key] = found
        return found

    def _resolve(
        self, insutype: object, psn_type: object, med_type: object, hosp_lv: object
    ) -> SettleParams:
        ins, med, section = self._rule(insutype, med_type)
        psn = _parse(PsnType, psn_type, self)
        lv = _parse(HospLv, hosp_lv, self)
        rule = self.insutype[ins.value]  # type: ignore[index]
        if psn not in rule.psn_types:
            raise self._error(f"insutype.{ins}.psn_types", f"psn_type {psn} ({psn.zh}) not covered")
        level_key = "pharmacy" if lv is HospLv.PHARMACY else f"level{lv.value}"
        level: LevelRule | None = getattr(section, level_key)
        path = f"insutype.{ins}.{self.med_types[med]}.{level_key}"
        if level is None:
            raise self._error(path, f"med_type {med} at hosp_lv {lv} ({lv.zh}) not covered")
        bonus = section.retiree_bonus if psn.retired else Decimal(0)
        big = rule.big_illness
        return SettleParams(
            dedc=level.dedc,
            pool_ratio=min(level.pool_ratio + bonus, Decimal(1)),
            annual_cap=section.annual_cap,
            big_illness=BigIllness(
                threshold=big.threshold, ratio=big.ratio, fund=big.fund, cap=big.cap
            )
            if big and med in big.med_types
            else None,
            acct_pays_ownpay=self.acct_pays_ownpay,
            default_selfpay_prop=self.default_selfpay_prop,
        )


def _parse(enum: type[CodeEnum], value: object, policy: Policy) -> Any:
    try:
        return enum.parse(value)
    except ValueError as exc:
        raise policy._error("resolve", str(exc)) from None


def load_policy_file(path: Path) -> Policy:
    policy = load_model_file(path, Policy, PolicyError)
    policy._source = shown(Path(path))
    return policy


def list_policies(directory: Path | None = None) -> list[str]:
    return sorted(p.stem for p in Path(directory or POLICY_DIR).glob("*.toml"))


def load_policy(policy_id: str, directory: Path | None = None) -> Policy:
    return _load_cached(policy_id, Path(directory or POLICY_DIR).resolve())


@lru_cache(maxsize=32)
def _load_cached(policy_id: str, directory: Path) -> Policy:
    known = list_policies(directory)
    # Only listed ids, so a request can never name a path ("../x") outside the directory.
    if policy_id not in known:
        raise PolicyError(
            f"{shown(directory)}: policy {policy_id!r} not found (known: {', '.join(known) or 'none'})"
        )
    path = directory / f"{policy_id}.toml"
    raw = _read(path)
    policy = load_policy_file(path)
    if raw is not None and raw == _read(path):  # unchanged while it was validated
        remember_valid(raw)  # engine.policy_plain may now resolve from these bytes alone
    return policy


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None

"""Regional policy parameters as data (fixtures/policies/*.toml), validated on load.

STUB: the co-pay scope model below is fixed (engine.copay depends on it); the loader and
`Policy.resolve` are being written.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.codes import MedType, Relationship


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

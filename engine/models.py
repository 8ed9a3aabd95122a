"""Pydantic models with the platform's field names (reference §1.6–§1.8).

Inputs validate at the edge (amounts are Decimal strings, codes are known); outputs serialize every
amount as a two-decimal string, as the settlement contract requires.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, model_validator

from engine.codes import ChrgitmLv, HospLv, Insutype, MedChrgitmType, MedType, PsnType
from engine.models_plain import (  # the edge parsers, shared with the pydantic-free reader
    parse_amount,
    parse_price,
    parse_quantity,
    parse_ratio,
)
from engine.money import ZERO, fmt, fmt_ratio

_as_money_str = PlainSerializer(fmt, return_type=str)
Amount = Annotated[Decimal, BeforeValidator(parse_amount), _as_money_str]
Price = Annotated[Decimal, BeforeValidator(parse_price), PlainSerializer(str, return_type=str)]
Quantity = Annotated[
    Decimal, BeforeValidator(parse_quantity), PlainSerializer(str, return_type=str)
]
Ratio = Annotated[
    Decimal, BeforeValidator(parse_ratio), PlainSerializer(fmt_ratio, return_type=str)
]
# Outputs: computed amounts, always two-decimal strings on the wire.
Money = Annotated[Decimal, _as_money_str]


def null_is_absent(model: type[BaseModel], data: object) -> object:
    """An optional field given as null means the same as leaving it out (`"acct": null`: no
    account), unless null is one of its values (`"annual_cap": null`: no cap)."""
    if not isinstance(data, dict):
        return data
    fields = model.model_fields
    return {
        k: v
        for k, v in data.items()
        if not (
            v is None
            and k in fields
            and not fields[k].is_required()
            and fields[k].get_default(call_default_factory=True) is not None
        )
    }


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data: object) -> object:
        return null_is_absent(cls, data)


# ---------------------------------------------------------------- request side


class FeeItem(Strict):
    """One charge line as uploaded in 2204 feedetail (the fields settlement needs)."""

    name: str = Field(min_length=1, max_length=100)
    chrgitm_lv: ChrgitmLv
    med_chrgitm_type: MedChrgitmType = MedChrgitmType.OTHER
    pric: Price
    cnt: Quantity
    pric_uplmt_amt: Price | None = None
    selfpay_prop: Ratio | None = None
    acct_payable: bool = True
    med_list_codg: str | None = Field(default=None, max_length=50)


class BigIllness(Strict):
    threshold: Amount
    ratio: Ratio
    fund: Literal["hifmi", "hifob"]
    cap: Amount | None = None  # per-year cap of this layer; null = none


class SettleParams(Strict):
    """Already-resolved parameters for one visit (contract `params`)."""

    dedc: Amount
    pool_ratio: Ratio
    annual_cap: Amount | None
    big_illness: BigIllness | None = None
    acct_pays_ownpay: bool = True
    # Default 乙类 先行自付 ratio when an item does not say; the contract's request may omit it.
    default_selfpay_prop: Ratio = Decimal("0.10")


class Ytd(Strict):
    """Year-to-date accumulators (5206): what this year already used."""

    dedc_paid: Amount = ZERO
    hifp_paid: Amount = ZERO
    big_illness_paid: Amount = ZERO


class AcctState(Strict):
    balc: Amount = ZERO
    used: bool = False


class MulaidSource(Strict):
    """One usable co-pay source; `available` is already min(giver balance, quota left)."""

    giver: str = Field(min_length=1, max_length=40)
    available: Amount


class CrossRegion(Strict):
    """异地就医: the patient is treated outside the policy's region; `filing`: 异地就医备案 on file."""

    filing: bool = Field(strict=True)


class SettleRequest(Strict):
    policy: str | None = None
    params: SettleParams | None = None
    insutype: Insutype
    psn_type: PsnType | None = None
    med_type: MedType
    hosp_lv: HospLv | None = None
    ytd: Ytd = Ytd()
    items: list[FeeItem] = Field(min_length=1, max_length=500)
    acct: AcctState = AcctState()
    mulaid: list[MulaidSource] = Field(default_factory=list, max_length=10)
    # Optional, with `policy`: the region's rules for care away from home apply (engine.policy).
    cross_region: CrossRegion | None = None

    @model_validator(mode="after")
    def _policy_or_params(self) -> SettleRequest:
        if self.cross_region is not None and self.policy is None:
            raise ValueError("'cross_region' needs 'policy' (its rules are the region's)")
        if self.params is None:
            if self.policy is None:
                raise ValueError("give either 'policy' or 'params'")
            if self.psn_type is None or self.hosp_lv is None:
                raise ValueError("'policy' needs 'psn_type' and 'hosp_lv' to resolve parameters")
        return self


# ---------------------------------------------------------------- result side


class ItemSplit(BaseModel):
    """One 2204 result row: how a line splits into the four buckets."""

    model_config = ConfigDict(frozen=True)

    name: str
    chrgitm_lv: ChrgitmLv
    med_chrgitm_type: MedChrgitmType
    det_item_fee_sumamt: Money
    fulamt_ownpay_amt: Money
    overlmt_amt: Money
    preselfpay_amt: Money
    inscp_scp_amt: Money
    selfpay_prop: Annotated[Decimal, PlainSerializer(fmt_ratio, return_type=str)]
    pric_uplmt_amt: Annotated[
        Decimal | None, PlainSerializer(lambda v: None if v is None else str(v))
    ]
    acct_payable: bool


class SetlInfo(BaseModel):
    """2206/2207 `setlinfo`: every amount of one settlement."""

    model_config = ConfigDict(frozen=True)

    medfee_sumamt: Money
    fulamt_ownpay_amt: Money
    overlmt_selfpay: Money
    preselfpay_amt: Money
    inscp_scp_amt: Money
    act_pay_dedc: Money
    hifp_pay: Money
    pool_prop_selfpay: Annotated[Decimal, PlainSerializer(fmt_ratio, return_type=str)]
    cvlserv_pay: Money
    hifes_pay: Money
    hifmi_pay: Money
    hifob_pay: Money
    maf_pay: Money
    oth_pay: Money
    fund_pay_sumamt: Money
    psn_part_amt: Money
    acct_pay: Money
    acct_mulaid_pay: Money
    psn_cash_pay: Money
    hosp_part_amt: Money
    balc: Money
    insutype: Insutype
    med_type: MedType


# The amount fields of setlinfo, in wire order (ledgers negate exactly these for 冲红).
SETLINFO_MONEY_FIELDS: tuple[str, ...] = tuple(
    name
    for name in SetlInfo.model_fields
    if name not in ("pool_prop_selfpay", "insutype", "med_type")
)
# The totals a day is closed and audited by: the bill, the funds, the accounts, the cash.
HEADLINE_MONEY_FIELDS = (
    "medfee_sumamt",
    "fund_pay_sumamt",
    "acct_pay",
    "acct_mulaid_pay",
    "psn_cash_pay",
)


class SetlDetail(BaseModel):
    model_config = ConfigDict(frozen=True)

    fund_pay_type: str
    fund_pay_type_name: str
    inscp_scp_amt: Money
    crt_payb_lmt_amt: Money | None
    fund_payamt: Money
    setl_proc_info: str


class MulaidDetail(BaseModel):
    model_config = ConfigDict(frozen=True)

    giver: str
    amount: Money


class SettleResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    setlinfo: SetlInfo
    result: list[ItemSplit]
    setldetail: list[SetlDetail]
    mulaid_detail: list[MulaidDetail]
    trace: list[str] = Field(default_factory=list)

    def to_wire(self) -> dict:
        return self.model_dump(mode="json")

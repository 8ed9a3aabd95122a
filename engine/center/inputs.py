"""The `input` of each message, validated at the edge (platform field names, docs/MESSAGES.md).

Unknown extra fields are ignored (real messages carry many we do not use); a missing field, a
wrong type or a bad code is an error naming the field. Strings stay strings: a number where a
code is expected is refused rather than guessed.

Types as real HIS clients send them (docs/MESSAGES.md names the sources): amounts, prices and
quantities as JSON numbers (C# decimal, Java BigDecimal: read exactly as Decimal, never float) or
plain decimal strings; `feedetl_sn` as a number or a string; `exp_content` as an object, a JSON
string, null or ""; an optional field sent as null or "" is the same as leaving it out
(hsa-his sends `"fulamt_ownpay_amt": ""` and `"invono": ""` on 2207).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from engine.codes import Insutype, MdtrtCertType, MedType, Relationship
from engine.models import null_is_absent, parse_amount, parse_price, parse_quantity
from engine.money import MAX_TOTAL, to_decimal

# Whether the center takes a JSON number for an amount, price or quantity: yes, as real clients send
# them (read exactly as Decimal by the JSON reader; a Python float is still refused).
JSON_NUMBERS = True


def _signed(value: object) -> Decimal:
    number = to_decimal(value, places=2, what="amount", numbers=JSON_NUMBERS)
    if abs(number) > MAX_TOTAL:
        raise ValueError(f"amount {value!r} is out of range (±{MAX_TOTAL})")
    return number


Amount = Annotated[Decimal, BeforeValidator(lambda v: parse_amount(v, JSON_NUMBERS))]
Price = Annotated[Decimal, BeforeValidator(lambda v: parse_price(v, JSON_NUMBERS))]
Quantity = Annotated[Decimal, BeforeValidator(lambda v: parse_quantity(v, JSON_NUMBERS))]
# A signed two-decimal amount: reconciliation totals include refunds (冲红 rows are negative).
Signed = Annotated[Decimal, BeforeValidator(_signed)]


class In(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data: object) -> object:
        data = null_is_absent(cls, data)
        if not isinstance(data, dict):
            return data
        # An optional field sent as "" (Java clients' habit for "nothing") is left out too.
        fields = cls.model_fields
        return {
            k: v
            for k, v in data.items()
            if not (v == "" and k in fields and not fields[k].is_required())
        }


def _sn(value: object) -> object:
    """feedetl_sn: a string, or a whole JSON number (hsa-his sends integers)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _exp_content(value: object) -> object:
    """exp_content: an object, or the same object as JSON text (the spec: 字符型 4000)."""
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value, parse_float=Decimal)
        except ValueError:
            raise ValueError("exp_content is neither an object nor JSON text of one") from None
        if value is None:
            return {}
    return value


class Cert(In):
    mdtrt_cert_type: MdtrtCertType
    mdtrt_cert_no: str = Field(min_length=1, max_length=50)


class In1101(Cert):
    card_sn: str | None = Field(default=None, max_length=50)


class In2201(Cert):
    psn_no: str = Field(min_length=1, max_length=30)
    insutype: Insutype
    begntime: datetime
    ipt_otp_no: str = Field(min_length=1, max_length=30)
    dept_code: str | None = Field(default=None, max_length=30)
    dept_name: str | None = Field(default=None, max_length=100)


class MdtrtInfo(In):
    mdtrt_id: str = Field(min_length=1, max_length=30)
    psn_no: str = Field(min_length=1, max_length=30)
    med_type: MedType
    begntime: datetime
    dise_codg: str | None = Field(default=None, max_length=30)
    dise_name: str | None = Field(default=None, max_length=100)


class In2203(In):
    mdtrtinfo: MdtrtInfo
    diseinfo: list[dict] = Field(default_factory=list, max_length=50)


class FeeDetail(In):
    feedetl_sn: Annotated[str, BeforeValidator(_sn)] = Field(min_length=1, max_length=30)
    mdtrt_id: str = Field(min_length=1, max_length=30)
    psn_no: str = Field(min_length=1, max_length=30)
    chrg_bchno: str = Field(min_length=1, max_length=30)
    med_list_codg: str = Field(default="", max_length=50)
    medins_list_codg: str = Field(min_length=1, max_length=150)
    pric: Price
    cnt: Quantity
    det_item_fee_sumamt: Amount
    fee_ocur_time: datetime | None = None


class In2204(In):
    feedetail: list[FeeDetail] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _one_batch(self) -> In2204:
        first = self.feedetail[0]
        key = (first.mdtrt_id, first.psn_no, first.chrg_bchno)
        for n, line in enumerate(self.feedetail):
            if (line.mdtrt_id, line.psn_no, line.chrg_bchno) != key:
                raise ValueError(
                    f"feedetail[{n}]: all lines of one message must share mdtrt_id, psn_no and chrg_bchno"
                )
        sns = [line.feedetl_sn for line in self.feedetail]
        if len(set(sns)) != len(sns):
            raise ValueError("feedetail: feedetl_sn repeats within the message")
        return self


class PreSettleExp(In):
    # Simulator extension. None (not sent): the center chooses — with acct_used_flag 1 every
    # usable binding in the region's deduction order; a list: exactly these givers, in this
    # order ([] = no co-pay).
    mulaid_psn_nos: list[str] | None = Field(default=None, max_length=10)
    copay_proof_checked: bool = False


class In2206(Cert):
    psn_no: str = Field(min_length=1, max_length=30)
    med_type: MedType
    medfee_sumamt: Amount
    psn_setlway: Literal["01", "02"]
    mdtrt_id: str = Field(min_length=1, max_length=30)
    chrg_bchno: str = Field(min_length=1, max_length=30)
    insutype: Insutype
    acct_used_flag: Literal["0", "1"]
    exp_content: Annotated[PreSettleExp, BeforeValidator(_exp_content)] = PreSettleExp()


class In2207(In2206):
    # The hospital's own totals of the 2204 split; when given they must agree with the center's.
    fulamt_ownpay_amt: Amount | None = None
    overlmt_selfpay: Amount | None = None
    preselfpay_amt: Amount | None = None
    inscp_scp_amt: Amount | None = None
    invono: str | None = Field(default=None, max_length=30)


class In2208(In):
    setl_id: str = Field(min_length=1, max_length=30)
    mdtrt_id: str = Field(min_length=1, max_length=30)
    psn_no: str = Field(min_length=1, max_length=30)


class In2601(In):
    psn_no: str = Field(min_length=1, max_length=30)
    omsgid: str = Field(min_length=1, max_length=40)
    oinfno: Literal["2207", "2208"]


class Period(In):
    setl_optins: str = Field(min_length=1, max_length=6)
    stmt_begndate: date
    stmt_enddate: date

    @model_validator(mode="after")
    def _order(self) -> Period:
        if self.stmt_enddate < self.stmt_begndate:
            raise ValueError("stmt_enddate is before stmt_begndate")
        return self


class In3201(Period):
    insutype: Insutype
    clr_type: Literal["11", "21", "41", "99"]
    medfee_sumamt: Signed
    fund_pay_sumamt: Signed
    acct_pay: Signed
    fixmedins_setl_cnt: int = Field(ge=0, strict=True)


class Detail3202(In):
    # Simulator extension: the detail rows inline, instead of a 9101 file named by file_qury_no.
    psn_no: str
    mdtrt_id: str
    setl_id: str
    msgid: str | None = None
    medfee_sumamt: Signed
    fund_pay_sumamt: Signed
    acct_pay: Signed
    refd_setl_flag: Literal["0", "1"] = "0"


class In3202(Period):
    clr_type: Literal["11", "21", "41", "99"] | None = None
    file_qury_no: str | None = Field(default=None, max_length=30)  # the 9101 upload's number
    medfee_sumamt: Signed
    fund_pay_sumamt: Signed
    cash_payamt: Signed
    fixmedins_setl_cnt: int = Field(ge=0, strict=True)
    # None: the real shape (totals only, the rows are in the file); a list: rows compared one by one.
    details: list[Detail3202] | None = Field(default=None, max_length=100_000)


class In5203(In):
    psn_no: str = Field(min_length=1, max_length=30)
    mdtrt_id: str | None = Field(default=None, max_length=30)
    setl_id: str | None = Field(default=None, max_length=30)

    @model_validator(mode="after")
    def _some_key(self) -> In5203:
        if not self.mdtrt_id and not self.setl_id:
            raise ValueError("give mdtrt_id or setl_id")
        return self


# ------------------------------------------------------------------ the co-pay desk (J…, simulator)


def _positive_quota(value: Decimal) -> Decimal:
    if value <= 0:
        raise ValueError("共济额度必须大于零 / must be positive")
    return value


PsnNo = Annotated[str, Field(min_length=1, max_length=30)]
BindingId = Annotated[str, Field(min_length=1, max_length=20)]
Admdvs = Annotated[str, Field(pattern=r"^[0-9]{6}$")]


class InJ101(In):
    giver_psn_no: PsnNo
    beneficiary_psn_no: PsnNo
    relationship: Relationship
    # Missing proof or pledge is a refusal with its reason (PROOF_MISSING), not a malformed message.
    proof_type: Literal["户口本", "出生证明", "结婚证"] | None = None
    proof_no: str | None = Field(default=None, max_length=40)
    pledge_signed: bool = Field(default=False, strict=True)
    quota: Amount
    valid_to: date | None = None  # None: until unbound
    channel: Literal["counter", "online"]
    order: int | None = Field(default=None, ge=1, le=99, strict=True)

    _quota = field_validator("quota")(lambda v: _positive_quota(v))


class InBindingId(In):
    binding_id: BindingId


class InJ103(InBindingId):
    reason: str = Field(min_length=1, max_length=150)


class InJ104(InBindingId):
    quota: Amount | None = None
    order: int | None = Field(default=None, ge=1, le=99, strict=True)

    @model_validator(mode="after")
    def _something(self) -> InJ104:
        if self.quota is None and self.order is None:
            raise ValueError("give quota and/or order")
        return self

    _quota = field_validator("quota")(lambda v: None if v is None else _positive_quota(v))


class InJ105(InBindingId):
    reason: str | None = Field(default=None, max_length=150)


class InJ106(In):
    giver_psn_no: PsnNo | None = None
    beneficiary_psn_no: PsnNo | None = None

    @model_validator(mode="after")
    def _one(self) -> InJ106:
        if bool(self.giver_psn_no) == bool(self.beneficiary_psn_no):
            raise ValueError("give giver_psn_no or beneficiary_psn_no (one of them)")
        return self


class InJ201(In):
    giver_psn_no: PsnNo
    beneficiary_psn_no: PsnNo
    year: int = Field(ge=2000, le=2100, strict=True)


class InJ301(In):
    psn_no: PsnNo
    to_admdvs: Admdvs
    valid_from: date
    valid_to: date

    @model_validator(mode="after")
    def _order(self) -> InJ301:
        if self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self


class InJ302(In):
    psn_no: PsnNo
    filing_id: int = Field(ge=1, strict=True)


class InJ303(In):
    psn_no: PsnNo


class InJ401(In):
    giver_psn_no: PsnNo
    limit: int = Field(default=100, ge=1, le=1000, strict=True)


class InJ901(In):
    psn_no: PsnNo
    insutype: Insutype | None = None  # needed only when the person has several enrolments
    psn_insu_stas: Literal["1", "2", "4"] | None = None  # 正常 / 暂停 / 终止
    arrears: bool | None = Field(default=None, strict=True)
    acct_frozen: bool | None = Field(default=None, strict=True)

    @model_validator(mode="after")
    def _something(self) -> InJ901:
        if self.psn_insu_stas is None and self.arrears is None and self.acct_frozen is None:
            raise ValueError("give psn_insu_stas, arrears and/or acct_frozen")
        return self

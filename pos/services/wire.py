"""Reading the center's outputs into views: tolerant of extra fields, strict about amounts."""

from __future__ import annotations

from decimal import Decimal

from engine.copay import CopayReason
from engine.masking import mask_name
from engine.models import SETLINFO_MONEY_FIELDS
from engine.money import to_decimal
from pos.errors import PosError
from pos.services.views import CopayOption, InsuranceView, Reason


def amount(value: object, what: str) -> Decimal:
    """A signed two-decimal amount from the center's output; PosError if it is not one."""
    try:
        return to_decimal(value if value is not None else "0", places=2, what=what).quantize(
            Decimal("0.01")
        )
    except ValueError as exc:
        raise PosError(
            "CENTER_BAD_OUTPUT",
            f"医保中心返回的金额无效：{exc}",
            f"The center returned a bad amount: {exc}",
        ) from None


def flag(value: object) -> bool:
    return value in (True, 1, "1", "true", "True")


def int_or_none(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def output_data(output: dict) -> dict:
    """The `data` node of an answer that has one (2201: output.data{mdtrt_id, …})."""
    data = output.get("data")
    return data if isinstance(data, dict) else output


def insurance_view(row: dict, ext: object = None) -> InsuranceView:
    """One 1101 insuinfo row; `ext` is the simulator's exp_content.insuinfo (frozen, arrears),
    which the platform's insuinfo does not carry (a real platform's answer simply lacks it)."""
    extra = {}
    if isinstance(ext, list):
        extra = next(
            (e for e in ext if isinstance(e, dict) and e.get("insutype") == row.get("insutype")),
            {},
        )
    return InsuranceView(
        insutype=str(row.get("insutype", "")),
        psn_type=str(row.get("psn_type", "")),
        balc=amount(row.get("balc", "0"), "balc"),
        psn_insu_stas=str(row.get("psn_insu_stas", "")),
        insuplc_admdvs=str(row.get("insuplc_admdvs", "")),
        acct_frozen=flag(extra.get("acct_frozen", row.get("acct_frozen"))),
        arrears=flag(extra.get("arrears", row.get("arrears"))),
    )


# 2204's 定价上限金额 is never null on the platform: a large sentinel means "no ceiling".
NO_CEILING = Decimal("999999")


def ceiling(value: object) -> Decimal | None:
    """A 2204 pric_uplmt_amt as the hospital keeps it: None for none (or the sentinel)."""
    if value in (None, ""):
        return None
    number = Decimal(str(value)).quantize(Decimal("0.000001"))
    return None if number >= NO_CEILING else number


def reason(row: dict) -> Reason:
    """A center reason row {code, msg}: our own zh/en sentence for a known code, else its msg."""
    code = str(row.get("code", ""))
    try:
        known = CopayReason(code)
    except ValueError:
        msg = str(row.get("msg") or code)
        return Reason(code, msg, msg)
    return Reason(code, known.zh, known.en)  # type: ignore[attr-defined]


def _optional_amount(row: dict, name: str) -> Decimal | None:
    value = row.get(name)
    return None if value is None else amount(value, name)


def copay_option(row: dict, selected: bool = False, used: Decimal | None = None) -> CopayOption:
    return CopayOption(
        binding_id=str(row.get("binding_id", "")),
        giver_psn_no=str(row.get("giver_psn_no", "")),
        giver_name_masked=mask_name(str(row.get("giver_name_masked", ""))),
        relationship=str(row.get("relationship", "")),
        usable=flag(row.get("usable")),
        available=amount(row.get("available", "0"), "available"),
        reasons=tuple(reason(r) for r in row.get("reasons") or [] if isinstance(r, dict)),
        selected=selected,
        needs_counter_proof=flag(row.get("needs_counter_proof")),
        quota=_optional_amount(row, "quota"),
        quota_used=_optional_amount(row, "quota_used"),
        used=used if used is not None else Decimal("0.00"),
    )


def setlinfo_amounts(setlinfo: object) -> dict[str, Decimal]:
    """Every setlinfo money field as Decimal (signed: a 冲红 row is negative)."""
    if not isinstance(setlinfo, dict):
        raise PosError(
            "CENTER_BAD_OUTPUT", "医保中心未返回结算信息", "The center returned no setlinfo"
        )
    return {name: amount(setlinfo.get(name, "0"), name) for name in SETLINFO_MONEY_FIELDS}

"""Reading the center's outputs into views: tolerant of extra fields, strict about amounts."""

from __future__ import annotations

from decimal import Decimal

from engine.models import SETLINFO_MONEY_FIELDS
from pos.errors import PosError
from pos.services.common import amount
from pos.services.views import CopayOption, InsuranceView


def flag(value: object) -> bool:
    return value in (True, 1, "1", "true", "True")


def int_or_none(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def insurance_view(row: dict) -> InsuranceView:
    return InsuranceView(
        insutype=str(row.get("insutype", "")),
        psn_type=str(row.get("psn_type", "")),
        balc=amount(row.get("balc", "0"), "balc"),
        psn_insu_stas=str(row.get("psn_insu_stas", "")),
        insuplc_admdvs=str(row.get("insuplc_admdvs", "")),
        acct_frozen=flag(row.get("acct_frozen")),
        arrears=flag(row.get("arrears")),
    )


_OPTION_KEYS = {
    "binding_id",
    "giver_psn_no",
    "giver_name_masked",
    "relationship",
    "usable",
    "available",
    "reasons",
}


def copay_option(row: dict, selected: bool = False) -> CopayOption:
    return CopayOption(
        binding_id=str(row.get("binding_id", "")),
        giver_psn_no=str(row.get("giver_psn_no", "")),
        giver_name_masked=str(row.get("giver_name_masked", "")),
        relationship=str(row.get("relationship", "")),
        usable=flag(row.get("usable")),
        available=amount(row.get("available", "0"), "available"),
        reasons=tuple(r for r in row.get("reasons") or [] if isinstance(r, dict)),
        selected=selected,
        needs_counter_proof=flag(row.get("needs_counter_proof")),
        detail={k: v for k, v in row.items() if k not in _OPTION_KEYS},
    )


def setlinfo_amounts(setlinfo: object) -> dict[str, Decimal]:
    """Every setlinfo money field as Decimal (signed: a 冲红 row is negative)."""
    if not isinstance(setlinfo, dict):
        raise PosError(
            "CENTER_BAD_OUTPUT", "医保中心未返回结算信息", "The center returned no setlinfo"
        )
    return {name: amount(setlinfo.get(name, "0"), name) for name in SETLINFO_MONEY_FIELDS}

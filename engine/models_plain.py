"""A settlement request read without pydantic, for the pure CLI (`pos settle`, `--jsonl`).

`engine.models.SettleRequest` is the authority on what a request may be; importing pydantic and
building its models costs several times a bare Python start, which is the whole budget of
`pos settle`. So the CLI first tries `read_request` here: it accepts only requests that are
plainly well-formed — every key known, every value of its exact JSON type, every amount, price,
quantity and ratio through the same parsers the models use — and returns them as slotted records
with the models' attribute names (`engine.settle.settle` takes either). Anything else, however
small the doubt (a `"true"` for a bool, an unknown key, a bad amount), returns None and the caller
validates with the models, which name the problem. So this path can only accept less than the
models, never more, and never different values: tests/test_settle_fast.py holds it to that.
"""

from __future__ import annotations

import re
from decimal import Decimal

from engine.codes import ChrgitmLv, HospLv, Insutype, MedChrgitmType, MedType, PsnType
from engine.money import MAX_AMOUNT, MAX_QUANTITY, ZERO, to_decimal

TYPE_CHECKING = False  # typing's own flag, without importing typing (a few ms of `pos settle`)
if TYPE_CHECKING:
    from typing import Any

# ---------------------------------------------------------------- the edge parsers (shared with engine.models)


def parse_amount(value: object, numbers: bool = True) -> Decimal:
    number = to_decimal(value, places=2, what="amount", numbers=numbers)
    if number < 0:
        raise ValueError(f"amount {value!r} is negative")
    if number > MAX_AMOUNT:
        raise ValueError(f"amount {value!r} is larger than {MAX_AMOUNT}")
    return number


def parse_price(value: object, numbers: bool = True) -> Decimal:
    number = to_decimal(value, places=6, what="price", numbers=numbers)
    if number < 0:
        raise ValueError(f"price {value!r} is negative")
    if number > MAX_AMOUNT:
        raise ValueError(f"price {value!r} is larger than {MAX_AMOUNT}")
    return number


def parse_quantity(value: object, numbers: bool = True) -> Decimal:
    number = to_decimal(value, places=4, what="quantity", numbers=numbers)
    if number <= 0:
        raise ValueError(f"quantity {value!r} must be more than 0")
    if number > MAX_QUANTITY:
        raise ValueError(f"quantity {value!r} is larger than {MAX_QUANTITY}")
    return number


def parse_ratio(value: object, numbers: bool = True) -> Decimal:
    number = to_decimal(value, places=4, what="ratio", numbers=numbers)
    if not ZERO <= number <= 1:
        raise ValueError(f"ratio {value!r} must be between 0 and 1")
    return number


# ---------------------------------------------------------------- records


class Record:
    """Attributes named as the models' fields; equal when every field is equal. Built by name,
    or (the request's head, engine.models_plain._head) positionally in __slots__ order."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and all(
            getattr(self, n) == getattr(other, n) for n in self.__slots__
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__slots__)
        return f"{type(self).__name__}({inner})"


class FeeItem(Record):
    __slots__ = (
        "acct_payable",
        "chrgitm_lv",
        "cnt",
        "med_chrgitm_type",
        "med_list_codg",
        "name",
        "pric",
        "pric_uplmt_amt",
        "selfpay_prop",
    )

    def __init__(
        self,
        *,
        acct_payable,
        chrgitm_lv,
        cnt,
        med_chrgitm_type,
        med_list_codg,
        name,
        pric,
        pric_uplmt_amt,
        selfpay_prop,
    ) -> None:
        self.acct_payable = acct_payable
        self.chrgitm_lv = chrgitm_lv
        self.cnt = cnt
        self.med_chrgitm_type = med_chrgitm_type
        self.med_list_codg = med_list_codg
        self.name = name
        self.pric = pric
        self.pric_uplmt_amt = pric_uplmt_amt
        self.selfpay_prop = selfpay_prop


class BigIllness(Record):
    __slots__ = ("cap", "fund", "ratio", "threshold")

    def __init__(self, *, cap, fund, ratio, threshold) -> None:
        self.cap = cap
        self.fund = fund
        self.ratio = ratio
        self.threshold = threshold


class SettleParams(Record):
    __slots__ = (
        "acct_pays_ownpay",
        "annual_cap",
        "big_illness",
        "dedc",
        "default_selfpay_prop",
        "pool_ratio",
    )

    def __init__(
        self, *, acct_pays_ownpay, annual_cap, big_illness, dedc, default_selfpay_prop, pool_ratio
    ) -> None:
        self.acct_pays_ownpay = acct_pays_ownpay
        self.annual_cap = annual_cap
        self.big_illness = big_illness
        self.dedc = dedc
        self.default_selfpay_prop = default_selfpay_prop
        self.pool_ratio = pool_ratio


class Ytd(Record):
    __slots__ = ("big_illness_paid", "dedc_paid", "hifp_paid")

    def __init__(self, big_illness_paid, dedc_paid, hifp_paid) -> None:
        self.big_illness_paid = big_illness_paid
        self.dedc_paid = dedc_paid
        self.hifp_paid = hifp_paid


class AcctState(Record):
    __slots__ = ("balc", "used")

    def __init__(self, balc, used) -> None:
        self.balc = balc
        self.used = used


class MulaidSource(Record):
    __slots__ = ("available", "giver")

    def __init__(self, available, giver) -> None:
        self.available = available
        self.giver = giver


class CrossRegion(Record):
    __slots__ = ("filing",)

    def __init__(self, *, filing) -> None:
        self.filing = filing


class SettleRequest(Record):
    __slots__ = (
        "acct",
        "cross_region",
        "hosp_lv",
        "insutype",
        "items",
        "med_type",
        "mulaid",
        "params",
        "policy",
        "psn_type",
        "ytd",
    )

    def __init__(
        self,
        acct,
        cross_region,
        hosp_lv,
        insutype,
        items,
        med_type,
        mulaid,
        params,
        policy,
        psn_type,
        ytd,
    ) -> None:
        self.acct = acct
        self.cross_region = cross_region
        self.hosp_lv = hosp_lv
        self.insutype = insutype
        self.items = items
        self.med_type = med_type
        self.mulaid = mulaid
        self.params = params
        self.policy = policy
        self.psn_type = psn_type
        self.ytd = ytd


# ---------------------------------------------------------------- the reader


class _Doubt(Exception):
    """Not plainly well-formed: let the models decide (and name the problem)."""


_DEFAULT_SELFPAY = Decimal("0.10")
# Parsed amounts by their JSON text: bills repeat the same prices, and to_decimal is the costliest
# step of reading one. Bounded, so memory stays flat however long a --jsonl stream runs.
_CACHE_MAX = 4096
_PARSERS = {
    "amount": parse_amount,
    "price": parse_price,
    "quantity": parse_quantity,
    "ratio": parse_ratio,
}
_parsed: dict[str, dict[str, Decimal]] = {kind: {} for kind in _PARSERS}
# The texts whose parse is plainly Decimal(text): a subset of what the parsers above accept, with
# the same value (ASCII digits, no sign, no leading zero, no blank around, within the places and
# the range of its kind, so none of their checks can refuse it and no -0 or exponent can occur).
# Any other text takes the parser itself, which accepts or refuses it.
_PLAIN_TEXT = {
    "amount": re.compile(r"(?:0|[1-9][0-9]{0,7})(?:\.[0-9]{1,2})?").fullmatch,  # ≤ 99999999.99
    "price": re.compile(r"(?:0|[1-9][0-9]{0,6})(?:\.[0-9]{1,6})?").fullmatch,  # < 10000000
    "quantity": re.compile(r"[1-9][0-9]{0,3}(?:\.[0-9]{1,4})?").fullmatch,  # 1 ≤ q < 10000
    "ratio": re.compile(r"0(?:\.[0-9]{1,4})?|1(?:\.0{1,4})?").fullmatch,  # 0 ≤ r ≤ 1
}


def _number(value: object, kind: str) -> Decimal:
    if type(value) is str:
        cache = _parsed[kind]
        number = cache.get(value)
        if number is not None:
            return number
        if _PLAIN_TEXT[kind](value) is not None:
            number = Decimal(value)
            if len(cache) >= _CACHE_MAX:
                cache.clear()
            cache[value] = number
            return number
    elif type(value) is not int and type(value) is not Decimal:
        raise _Doubt
    else:
        cache = None  # JSON numbers are rare on this path: parse them every time
    try:
        number = _PARSERS[kind](value)
    except ValueError:
        raise _Doubt from None
    if cache is not None:
        if len(cache) >= _CACHE_MAX:
            cache.clear()
        cache[value] = number  # type: ignore[index]
    return number


def _opt_number(d: dict, key: str, kind: str) -> Decimal | None:
    value = d.get(key)
    return None if value is None else _number(value, kind)


def _code(value: object, enum: type) -> Any:
    if type(value) is not str:
        raise _Doubt
    member = enum._value2member_map_.get(value)
    if member is None:
        raise _Doubt
    return member


def _text(value: object, low: int, high: int) -> str:
    if type(value) is not str or not low <= len(value) <= high:
        raise _Doubt
    return value


def _bool(value: object) -> bool:
    if value is not True and value is not False:
        raise _Doubt
    return value  # type: ignore[return-value]


def _keys(d: object, known: frozenset[str]) -> dict:
    if type(d) is not dict or not known.issuperset(d):
        raise _Doubt
    return d  # type: ignore[return-value]


_ITEM_KEYS = frozenset(FeeItem.__slots__)
_OTHER = MedChrgitmType.OTHER


class LineMemory(dict):
    """Bill lines read before, by their exact JSON value (`tuple(line.items())`, or the values
    alone, `tuple(line.values())`, for a line whose keys are the documented eight in their order:
    a tuple of values never equals a tuple of pairs), for the batch
    path (engine.settle.settle_lines, which reads, remembers and looks them up): a stream of bills
    repeats its lines (the same drug, price and count), and reading one is the costliest part of
    reading a request. A line is remembered only if every value in it is a string, null or
    (acct_payable) true/false: a string equals only the same string and null only null, and
    acct_payable is checked to be a bool by identity, so a line found here is exactly the line
    that was read (1 == true == 1.0 never matches). Each line is remembered as a tuple of the
    values read from it (engine.settle remembers its split by it); never changed. Bounded and
    small (_LINES_MAX).

    It also keeps count of whether it pays: `looked` and `found` in the current window of
    look-ups, `rest`, the lines for which it is not consulted after a window in which it did
    not pay (a stream that never repeats a line would pay for every look-up and insert), and
    `unpaid`, how many windows in a row did not pay (each one rests twice as long as the one
    before, up to a bound). Cleared, it is tried afresh."""

    __slots__ = ("found", "looked", "rest", "unpaid")

    def __init__(self) -> None:
        super().__init__()
        self.looked = self.found = self.rest = self.unpaid = 0

    def clear(self) -> None:
        super().clear()
        self.looked = self.found = self.rest = self.unpaid = 0

    def make_room(self) -> None:
        """Forget the lines (bounded memory), not the reckoning of whether it pays."""
        super().clear()


_LINES = LineMemory()
_LINES_MAX = 256


def _item(d: object) -> FeeItem:
    return _read_item(d)


def _read_item(d: object) -> FeeItem:
    d = _keys(d, _ITEM_KEYS)
    med_type = d.get("med_chrgitm_type")
    acct_payable = d.get("acct_payable")
    codg = d.get("med_list_codg")
    return FeeItem(
        name=_text(d.get("name"), 1, 100),
        chrgitm_lv=_code(d.get("chrgitm_lv"), ChrgitmLv),
        med_chrgitm_type=_OTHER if med_type is None else _code(med_type, MedChrgitmType),
        pric=_number(d.get("pric"), "price"),
        cnt=_number(d.get("cnt"), "quantity"),
        pric_uplmt_amt=_opt_number(d, "pric_uplmt_amt", "price"),
        selfpay_prop=_opt_number(d, "selfpay_prop", "ratio"),
        acct_payable=True if acct_payable is None else _bool(acct_payable),
        med_list_codg=None if codg is None else _text(codg, 0, 50),
    )


_BIG_KEYS = frozenset(BigIllness.__slots__)
_PARAMS_KEYS = frozenset(SettleParams.__slots__)


# Parameters read before, by their exact JSON value, as _LINES remembers bill lines: a stream of
# requests carries the same few parameter sets (a region's). Only sets whose values are strings,
# null and (acct_payable_ownpay, checked by identity) a bool; never changed; bounded.
_PARAMS: dict[tuple, SettleParams] = {}
_PARAMS_MAX = 64


def _params(d: object) -> SettleParams:
    key = None
    if type(d) is dict:
        try:
            key = tuple(d.items())
            params = _PARAMS.get(key)
        except TypeError:  # big_illness (an object) among its values: never remembered
            key = params = None
        if params is not None:
            pays = d.get("acct_pays_ownpay")
            if pays is None or pays is True or pays is False:
                return params
    params = _read_params(d)
    if key is not None and all(type(v) in _TEXT_OR_NULL for k, v in key if k != "acct_pays_ownpay"):
        if len(_PARAMS) >= _PARAMS_MAX:
            _PARAMS.clear()
        _PARAMS[key] = params
    return params


_TEXT_OR_NULL = (str, type(None))


def _read_params(d: object) -> SettleParams:
    d = _keys(d, _PARAMS_KEYS)
    if "annual_cap" not in d:  # required, though null is one of its values
        raise _Doubt
    big = d.get("big_illness")
    if big is not None:
        big = _keys(big, _BIG_KEYS)
        fund = big.get("fund")
        if fund != "hifmi" and fund != "hifob":
            raise _Doubt
        big = BigIllness(
            threshold=_number(big.get("threshold"), "amount"),
            ratio=_number(big.get("ratio"), "ratio"),
            fund=fund,
            cap=_opt_number(big, "cap", "amount"),
        )
    pays = d.get("acct_pays_ownpay")
    prop = d.get("default_selfpay_prop")
    return SettleParams(
        dedc=_number(d.get("dedc"), "amount"),
        pool_ratio=_number(d.get("pool_ratio"), "ratio"),
        annual_cap=_opt_number(d, "annual_cap", "amount"),
        big_illness=big,
        acct_pays_ownpay=True if pays is None else _bool(pays),
        default_selfpay_prop=_DEFAULT_SELFPAY if prop is None else _number(prop, "ratio"),
    )


_YTD_KEYS = frozenset(Ytd.__slots__)
_ACCT_KEYS = frozenset(AcctState.__slots__)
_MULAID_KEYS = frozenset(MulaidSource.__slots__)
_REQUEST_KEYS = frozenset(SettleRequest.__slots__)
_CROSS_KEYS = frozenset(CrossRegion.__slots__)


def _amount_or_zero(d: dict, key: str) -> Decimal:
    value = d.get(key)
    return ZERO if value is None else _number(value, "amount")


_AMOUNTS = _parsed["amount"]
_INSUTYPES = Insutype._value2member_map_
_PSN_TYPES = PsnType._value2member_map_
_MED_TYPES = MedType._value2member_map_
_HOSP_LVS = HospLv._value2member_map_


def _amount(value: object) -> Decimal:
    """`_number(value, "amount")`, looking the text up first (a value of any type: only a string
    is looked up)."""
    if type(value) is str:
        number = _AMOUNTS.get(value)
        if number is not None:
            return number
    return _number(value, "amount")


def _member(value: object, members: dict) -> Any:
    """`_code`, with the enum's value-to-member map given."""
    member = members.get(value) if type(value) is str else None
    if member is None:
        raise _Doubt
    return member


def _head(d: object) -> SettleRequest:
    """Everything of a request but its bill lines (`items` is the raw list, checked only to be a
    list of 1–500), with the models' cross-field rules. The checks of `_keys`, `_code` and
    `_amount_or_zero` written out, and the records built positionally (their fields in
    __slots__ order): the batch path reads one head per request."""
    if type(d) is not dict or not _REQUEST_KEYS.issuperset(d):
        raise _Doubt
    get = d.get
    policy = get("policy")
    if policy is not None and type(policy) is not str:
        raise _Doubt
    params = get("params")
    if params is not None:
        params = _params(params)
    psn_type = get("psn_type")
    hosp_lv = get("hosp_lv")
    ytd = get("ytd")
    if ytd is None:
        ytd = Ytd(ZERO, ZERO, ZERO)  # (big_illness_paid, dedc_paid, hifp_paid)
    elif type(ytd) is not dict or not _YTD_KEYS.issuperset(ytd):
        raise _Doubt
    else:
        ytd_get = ytd.get
        big_paid = ytd_get("big_illness_paid")
        dedc_paid = ytd_get("dedc_paid")
        hifp_paid = ytd_get("hifp_paid")
        ytd = Ytd(
            ZERO if big_paid is None else _amount(big_paid),
            ZERO if dedc_paid is None else _amount(dedc_paid),
            ZERO if hifp_paid is None else _amount(hifp_paid),
        )
    items = get("items")
    if type(items) is not list or not 1 <= len(items) <= 500:
        raise _Doubt
    acct = get("acct")
    if acct is None:
        acct = AcctState(ZERO, False)  # (balc, used)
    elif type(acct) is not dict or not _ACCT_KEYS.issuperset(acct):
        raise _Doubt
    else:
        balc = acct.get("balc")
        used = acct.get("used")
        if used is None:
            used = False
        elif used is not True and used is not False:
            raise _Doubt
        acct = AcctState(ZERO if balc is None else _amount(balc), used)
    mulaid = get("mulaid")
    if mulaid is None:
        mulaid = []
    elif type(mulaid) is not list or len(mulaid) > 10:
        raise _Doubt
    else:
        sources = []
        for m in mulaid:
            if type(m) is not dict or not _MULAID_KEYS.issuperset(m):
                raise _Doubt
            giver = m.get("giver")
            if type(giver) is not str or not 1 <= len(giver) <= 40:
                raise _Doubt
            sources.append(MulaidSource(_amount(m.get("available")), giver))  # (available, giver)
        mulaid = sources
    cross = get("cross_region")
    if cross is not None:
        cross = _keys(cross, _CROSS_KEYS)
        cross = CrossRegion(filing=_bool(cross.get("filing")))
    # The models' cross-field rules.
    if cross is not None and policy is None:
        raise _Doubt
    if params is None and (policy is None or psn_type is None or hosp_lv is None):
        raise _Doubt
    # (acct, cross_region, hosp_lv, insutype, items, med_type, mulaid, params, policy, psn_type,
    # ytd)
    return SettleRequest(
        acct,
        cross,
        None if hosp_lv is None else _member(hosp_lv, _HOSP_LVS),
        _member(get("insutype"), _INSUTYPES),
        items,
        _member(get("med_type"), _MED_TYPES),
        mulaid,
        params,
        policy,
        None if psn_type is None else _member(psn_type, _PSN_TYPES),
        ytd,
    )


def _request(d: object) -> SettleRequest:
    req = _head(d)
    req.items = [_item(item) for item in req.items]
    return req


def read_request(data: object) -> SettleRequest | None:
    """The request as plain records, or None: not plainly well-formed (ask the models)."""
    try:
        return _request(data)
    except _Doubt:
        return None


def read_head(data: object) -> SettleRequest | None:
    """The request as plain records but for its bill lines, left as the raw JSON objects in
    `items` for a reader of its own (engine.settle.settle_lines); None: not plainly well-formed."""
    try:
        return _head(data)
    except _Doubt:
        return None

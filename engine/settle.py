"""The settlement arithmetic of docs/SETTLEMENT.md: item split (2204), then the visit split (2206/2207).

Pure and deterministic: the same request gives the same result, which is what lets the TUI's
pre-settlement, `pos settle` and the embedded center agree to the fen.

`settle()` is the hot path (it runs on every keystroke of an itemizing cashier and in every center
transaction), so it computes into slotted records; the wire models and the "why" trace are built
only when asked for (`Settlement.result()`). `Settlement.wire()` writes the same JSON-ready dict
as `result().to_wire()` straight from the numbers, without pydantic: `pos settle` imports neither
pydantic nor the models (engine.models_plain reads its requests), which is most of its start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from engine import models_plain as _plain
from engine.codes import ChrgitmLv, FundPayType, Insutype, MedChrgitmType
from engine.models_plain import _LINES
from engine.models_plain import FeeItem as PlainFeeItem
from engine.models_plain import SettleRequest as PlainSettleRequest
from engine.models_plain import _Doubt as _LineDoubt
from engine.models_plain import _number as _plain_number
from engine.money import FEN, ZERO, fmt, fmt_ratio
from engine.trace import TEMPLATES, TraceWriter, pct

TYPE_CHECKING = False  # typing's own flag, without importing typing (a few ms of `pos settle`)
if TYPE_CHECKING:  # the models load only when a caller asks for them (result(), resolve_params)
    from engine.models import (
        FeeItem,
        ItemSplit,
        SetlDetail,
        SetlInfo,
        SettleParams,
        SettleRequest,
        SettleResult,
    )

# fmt() and fmt_ratio() by value, for wire(): a formatted amount depends on the value alone (equal
# Decimals format alike), and a stream of bills repeats its amounts. Bounded: memory stays flat.
_FORMATTED_MAX = 8192
_money = lru_cache(maxsize=_FORMATTED_MAX)(fmt)
_ratio = lru_cache(maxsize=_FORMATTED_MAX)(fmt_ratio)


_CLASS_B = ChrgitmLv.CLASS_B
_CLASS_C = ChrgitmLv.CLASS_C
_ONE = Decimal(1)
# Enum members and their code and names, looked up once (a member's .value is a descriptor call).
_EMPLOYEE = Insutype.EMPLOYEE
_EMP_POOL = FundPayType.EMP_POOL
_RES_POOL = FundPayType.RES_POOL
_FUNDS = {f: (f.value, f.label("zh"), f.label("en")) for f in FundPayType}
_ZERO_TEXT = fmt(ZERO)


@dataclass(slots=True)
class Split:
    """One line's 2204 split; the four buckets always add up to `amt`."""

    item: FeeItem
    amt: Decimal
    ownpay: Decimal
    over: Decimal
    pre: Decimal
    inscp: Decimal
    prop: Decimal


def split_item(item: FeeItem, params: SettleParams) -> Split:
    """One line into 全自费 / 超限价 / 先行自付 / 符合范围."""
    amt = (item.pric * item.cnt).quantize(FEN, ROUND_HALF_UP)
    lv = item.chrgitm_lv
    if lv is _CLASS_C:
        return Split(item, amt, amt, ZERO, ZERO, ZERO, _ONE)
    prop = item.selfpay_prop
    if prop is None:
        prop = params.default_selfpay_prop if lv is _CLASS_B else ZERO
    ceiling = item.pric_uplmt_amt
    if ceiling is None or ceiling >= item.pric:
        in_ceiling = amt
    else:
        in_ceiling = (ceiling * item.cnt).quantize(FEN, ROUND_HALF_UP)
    pre = (in_ceiling * prop).quantize(FEN, ROUND_HALF_UP) if prop else ZERO
    return Split(item, amt, ZERO, amt - in_ceiling, pre, in_ceiling - pre, prop)


def _row(s: Split) -> dict:
    """One line's split as the wire writes it (an ItemSplit's to_wire())."""
    item = s.item
    ceiling = item.pric_uplmt_amt
    return {
        "name": item.name,
        "chrgitm_lv": item.chrgitm_lv.value,
        "med_chrgitm_type": item.med_chrgitm_type.value,
        "det_item_fee_sumamt": _money(s.amt),
        "fulamt_ownpay_amt": _money(s.ownpay),
        "overlmt_amt": _money(s.over),
        "preselfpay_amt": _money(s.pre),
        "inscp_scp_amt": _money(s.inscp),
        "selfpay_prop": _ratio(s.prop),
        "pric_uplmt_amt": None if ceiling is None else str(ceiling),
        "acct_payable": item.acct_payable,
    }


@dataclass(slots=True)
class Settlement:
    """Every amount of one settlement (the setlinfo numbers) plus what produced them."""

    req: SettleRequest
    params: SettleParams
    splits: list[Split]
    medfee: Decimal
    ownpay: Decimal
    over: Decimal
    pre: Decimal
    inscp: Decimal
    act_pay_dedc: Decimal
    hifp: Decimal
    cap_left: Decimal | None
    hifmi: Decimal
    hifob: Decimal
    big_cap_left: Decimal | None
    fund_sum: Decimal
    psn_part: Decimal
    not_acct: Decimal
    ownpay_barred: Decimal
    payable: Decimal
    own: Decimal
    mulaid: list[tuple[str, Decimal]]
    mulaid_sum: Decimal
    acct_pay: Decimal
    cash: Decimal
    balc: Decimal
    hosp_part: Decimal = ZERO

    def setlinfo(self) -> SetlInfo:
        from engine.models import SetlInfo

        return SetlInfo.model_construct(
            medfee_sumamt=self.medfee,
            fulamt_ownpay_amt=self.ownpay,
            overlmt_selfpay=self.over,
            preselfpay_amt=self.pre,
            inscp_scp_amt=self.inscp,
            act_pay_dedc=self.act_pay_dedc,
            hifp_pay=self.hifp,
            pool_prop_selfpay=self.params.pool_ratio,
            cvlserv_pay=ZERO,
            hifes_pay=ZERO,
            hifmi_pay=self.hifmi,
            hifob_pay=self.hifob,
            maf_pay=ZERO,
            oth_pay=ZERO,
            fund_pay_sumamt=self.fund_sum,
            psn_part_amt=self.psn_part,
            acct_pay=self.acct_pay,
            acct_mulaid_pay=self.mulaid_sum,
            psn_cash_pay=self.cash,
            hosp_part_amt=self.hosp_part,
            balc=self.balc,
            insutype=self.req.insutype,
            med_type=self.req.med_type,
        )

    def item_results(self) -> list[ItemSplit]:
        from engine.models import ItemSplit

        return [
            ItemSplit.model_construct(
                name=s.item.name,
                chrgitm_lv=s.item.chrgitm_lv,
                med_chrgitm_type=s.item.med_chrgitm_type,
                det_item_fee_sumamt=s.amt,
                fulamt_ownpay_amt=s.ownpay,
                overlmt_amt=s.over,
                preselfpay_amt=s.pre,
                inscp_scp_amt=s.inscp,
                selfpay_prop=s.prop,
                pric_uplmt_amt=s.item.pric_uplmt_amt,
                acct_payable=s.item.acct_payable,
            )
            for s in self.splits
        ]

    def trace(self, lang: str = "zh") -> list[str]:
        """The "why" of this settlement, one sentence per step: items, pool, big illness, payment."""
        tw = TraceWriter(lang)
        lines = [
            tw.items(self.medfee, self.ownpay, self.over, self.pre, self.inscp),
            self._pool_info(tw),
        ]
        if self.params.big_illness is not None:
            lines.append(self._big_info(tw, self._big_type().label(lang)))
        lines.append(self._payment_info(tw))
        return lines

    def _payment_info(self, tw: TraceWriter) -> str:
        return tw.payment(
            psn_part=self.psn_part,
            not_acct=self.not_acct,
            ownpay_barred=self.ownpay_barred,
            payable=self.payable,
            acct_used=self.req.acct.used,
            employee=self.req.insutype is _EMPLOYEE,
            balc=self.req.acct.balc,
            own=self.own,
            mulaid=self.mulaid,
            cash=self.cash,
        )

    def _pool_info(self, tw: TraceWriter) -> str:
        req, params = self.req, self.params
        return tw.pool(
            inscp=self.inscp,
            dedc=params.dedc,
            dedc_paid=req.ytd.dedc_paid,
            act_pay_dedc=self.act_pay_dedc,
            ratio=params.pool_ratio,
            cap=params.annual_cap,
            cap_used=req.ytd.hifp_paid,
            hifp=self.hifp,
        )

    def _big_info(self, tw: TraceWriter, fund_name: str) -> str:
        layer = self.params.big_illness
        assert layer is not None
        return tw.big_illness(
            inscp=self.inscp,
            hifp=self.hifp,
            threshold=layer.threshold,
            ratio=layer.ratio,
            amount=self.hifmi + self.hifob,
            fund_name=fund_name,
        )

    def _big_type(self) -> FundPayType:
        layer = self.params.big_illness
        if layer is not None and layer.fund == "hifmi":
            return FundPayType.RES_BIG_ILLNESS
        return FundPayType.LARGE_AMOUNT

    def setldetail(self, lang: str = "zh") -> list[SetlDetail]:
        from engine.models import SetlDetail

        tw = TraceWriter(lang)
        pool = (
            FundPayType.EMP_POOL if self.req.insutype is Insutype.EMPLOYEE else FundPayType.RES_POOL
        )
        details = [
            SetlDetail.model_construct(
                fund_pay_type=pool.value,
                fund_pay_type_name=pool.label(lang),
                inscp_scp_amt=self.inscp,
                crt_payb_lmt_amt=self.cap_left,
                fund_payamt=self.hifp,
                setl_proc_info=self._pool_info(tw),
            )
        ]
        big = self.hifmi + self.hifob
        if big > 0:
            big_type = self._big_type()
            details.append(
                SetlDetail.model_construct(
                    fund_pay_type=big_type.value,
                    fund_pay_type_name=big_type.label(lang),
                    inscp_scp_amt=max(ZERO, self.inscp - self.hifp),
                    crt_payb_lmt_amt=self.big_cap_left,
                    fund_payamt=big,
                    setl_proc_info=self._big_info(tw, big_type.label(lang)),
                )
            )
        return details

    def result(self, lang: str = "zh") -> SettleResult:
        from engine.models import MulaidDetail, SettleResult

        return SettleResult.model_construct(
            setlinfo=self.setlinfo(),
            result=self.item_results(),
            setldetail=self.setldetail(lang),
            mulaid_detail=[MulaidDetail.model_construct(giver=g, amount=a) for g, a in self.mulaid],
            trace=self.trace(lang),
        )

    def wire(self, lang: str = "zh", rows: list[dict] | None = None) -> dict:
        """`self.result(lang).to_wire()`, written directly: the same dict, key for key.
        `rows`: the splits' `_row`s, when the caller has them already."""
        money = _money
        tw = TraceWriter(lang, money)
        req = self.req
        inscp = self.inscp
        hifp = self.hifp
        pool_info = self._pool_info(tw)
        code, zh, en = _FUNDS[_EMP_POOL if req.insutype is _EMPLOYEE else _RES_POOL]
        cap_left = self.cap_left
        details = [
            {
                "fund_pay_type": code,
                "fund_pay_type_name": zh if lang == "zh" else en,
                "inscp_scp_amt": money(inscp),
                "crt_payb_lmt_amt": None if cap_left is None else money(cap_left),
                "fund_payamt": money(hifp),
                "setl_proc_info": pool_info,
            }
        ]
        trace = [tw.items(self.medfee, self.ownpay, self.over, self.pre, inscp), pool_info]
        if self.params.big_illness is not None:
            code, zh, en = _FUNDS[self._big_type()]
            name = zh if lang == "zh" else en
            big_info = self._big_info(tw, name)
            trace.append(big_info)
            big = self.hifmi + self.hifob
            if big > 0:
                big_left = self.big_cap_left
                details.append(
                    {
                        "fund_pay_type": code,
                        "fund_pay_type_name": name,
                        "inscp_scp_amt": money(max(ZERO, inscp - hifp)),
                        "crt_payb_lmt_amt": None if big_left is None else money(big_left),
                        "fund_payamt": money(big),
                        "setl_proc_info": big_info,
                    }
                )
        trace.append(self._payment_info(tw))
        zero = _ZERO_TEXT
        return {
            "setlinfo": {
                "medfee_sumamt": money(self.medfee),
                "fulamt_ownpay_amt": money(self.ownpay),
                "overlmt_selfpay": money(self.over),
                "preselfpay_amt": money(self.pre),
                "inscp_scp_amt": money(inscp),
                "act_pay_dedc": money(self.act_pay_dedc),
                "hifp_pay": money(hifp),
                "pool_prop_selfpay": _ratio(self.params.pool_ratio),
                "cvlserv_pay": zero,
                "hifes_pay": zero,
                "hifmi_pay": money(self.hifmi),
                "hifob_pay": money(self.hifob),
                "maf_pay": zero,
                "oth_pay": zero,
                "fund_pay_sumamt": money(self.fund_sum),
                "psn_part_amt": money(self.psn_part),
                "acct_pay": money(self.acct_pay),
                "acct_mulaid_pay": money(self.mulaid_sum),
                "psn_cash_pay": money(self.cash),
                "hosp_part_amt": money(self.hosp_part),
                "balc": money(self.balc),
                "insutype": req.insutype._value_,
                "med_type": req.med_type._value_,
            },
            "result": [_row(s) for s in self.splits] if rows is None else rows,
            "setldetail": details,
            "mulaid_detail": [{"giver": g, "amount": money(a)} for g, a in self.mulaid],
            "trace": trace,
        }


def settle(req: SettleRequest, params: SettleParams) -> Settlement:
    """Settle one visit with already-resolved parameters (engine.policy resolves them)."""
    return _visit(req, params, [split_item(item, params) for item in req.items])


# Lines split before, for `settle_lines` (the batch path): by the identity of the line read
# (engine.models_plain._LINES gives the same one for the same line) and the default 先行自付 share,
# the only parameter a line's split reads: (line, share, amt, ownpay, over, pre, inscp, row). Each
# entry holds its line, so no other object can take its id while it is here. Bounded, so memory
# stays flat however long a stream runs.
_SPLITS: dict[int, tuple] = {}
_SPLITS_MAX = 256


def settle_wire(req: SettleRequest, params: SettleParams, lang: str = "zh") -> dict:
    """`settle(req, params).wire(lang)`: a request read by `read_request` or the models (the
    batch path reads plainly well-formed ones through `settle_lines`)."""
    return settle(req, params).wire(lang)


_TYPES = frozenset(m._value_ for m in MedChrgitmType)
_OTHER_TYPE = MedChrgitmType.OTHER._value_
_ITEM_KEYS = frozenset(PlainFeeItem.__slots__)
_ITEM_ORDER = (
    "name",
    "chrgitm_lv",
    "med_chrgitm_type",
    "pric",
    "cnt",
    "pric_uplmt_amt",
    "selfpay_prop",
    "acct_payable",
)
_ONE_TEXT = fmt_ratio(_ONE)
_TEXT_OR_NULL = (str, type(None))
# The line memory of `settle_lines` (engine.models_plain.LineMemory) pays only where lines
# repeat: it is consulted while at least one look-up in _MEMORY_PAYS finds its line, counted over
# windows of _MEMORY_WINDOW look-ups; after a window that did not pay it rests (no look-ups, no
# inserts) for _MEMORY_REST lines, twice that after a second such window in a row, and so on up
# to _MEMORY_REST << _MEMORY_BACKOFF, then is tried again; a window that pays ends the run. A
# miss costs about as much as reading the line (a key of its values hashed, an insert): measured
# in the README.
_MEMORY_WINDOW = 512
_MEMORY_PAYS = 4
_MEMORY_REST = 4096
_MEMORY_BACKOFF = 4


def _text2(value: Decimal) -> str:
    """fmt(value), without a call through round2: the same text ("-0.00" never)."""
    rounded = value.quantize(FEN, ROUND_HALF_UP)
    return str(rounded) if rounded else _ZERO_TEXT


def settle_lines(req: PlainSettleRequest, params: SettleParams, lang: str = "zh") -> dict | None:
    """`settle_wire` for a request read by `engine.models_plain.read_head`, whose bill lines are
    still the raw JSON objects: each line is read, checked, split and written in one pass, with no
    record in between, and the answer is written from texts (the "why" as templates filled once).
    None where a line is not plainly well-formed: the caller reads the request again with
    `read_request` (or the models), which decide. A line is taken here only if `read_request`
    would take it, with the same values (the same checks and parsers); its row and sums are
    `split_item`'s and `_row`'s, and the answer is `settle(...).wire(lang)`'s, byte for byte
    (tests/test_settle_batch.py).

    A line met before (the same JSON object: only strings, null and, for acct_payable, a bool;
    engine.models_plain._LINES) is not read and split again under the same default 先行自付
    share (_SPLITS), while that memory pays (see _MEMORY_WINDOW)."""
    number = _plain_number
    prices = _plain._parsed["price"]  # the parsed amounts by their text (bounded)
    price_get = prices.get
    plain_price = _plain._PLAIN_TEXT["price"]
    cache_max = _plain._CACHE_MAX
    quantity_get = _plain._parsed["quantity"].get
    ratio_get = _plain._parsed["ratio"].get
    default_prop = params.default_selfpay_prop
    rows = []
    append = rows.append
    # The lines' sums; 符合范围 is what is left of the total (each line's four parts add up to
    # its amount exactly), so it is not summed line by line.
    medfee = ownpay = over = pre = not_acct = ownpay_on_acct = ZERO
    fen = FEN
    up = ROUND_HALF_UP
    zero_text = _ZERO_TEXT
    ratio_text = _ratio
    lines = _LINES
    remember = lines.rest <= 0
    if remember:
        splits = _SPLITS
        looked = found = 0
    else:
        lines.rest -= len(req.items)
    try:
        for d in req.items:
            if type(d) is not dict:
                return None
            # A line whose keys are the documented eight in their order is read positionally
            # (its values unpacked, then the same checks), and remembered by its values alone.
            values = tuple(d.values()) if tuple(d) == _ITEM_ORDER else None
            key = None
            if remember:
                try:
                    if values is None:
                        ap = d.get("acct_payable")
                        key = tuple(d.items())
                    else:
                        ap = values[7]
                        key = values  # never equal to a tuple of (key, value) pairs
                    line = lines.get(key)
                except TypeError:  # a list or an object among its values: never remembered
                    line = key = None
                looked += 1
                if line is not None and (ap is None or ap is True or ap is False):
                    entry = splits.get(id(line))
                    if entry is not None and entry[0] is line and entry[1] == default_prop:
                        found += 1
                        _, _, amt, own, line_over, line_pre, row = entry
                        medfee += amt
                        if own:
                            ownpay += own
                        if line_over:
                            over += line_over
                        if line_pre:
                            pre += line_pre
                        if not line[7]:
                            not_acct += amt
                        elif own:
                            ownpay_on_acct += own
                        append(row.copy())  # a fresh dict: the caller may change its answer
                        continue
            if values is not None:
                name, lv, typ, raw_pric, raw_cnt, raw_ceiling, raw_prop, ap = values
                codg = None
            elif not _ITEM_KEYS.issuperset(d):
                return None
            else:
                get = d.get
                name = get("name")
                lv = get("chrgitm_lv")
                typ = get("med_chrgitm_type")
                codg = get("med_list_codg")
                raw_pric = get("pric")
                raw_cnt = get("cnt")
                raw_ceiling = get("pric_uplmt_amt")
                raw_prop = get("selfpay_prop")
                ap = get("acct_payable")
            if (
                type(name) is not str
                or not 0 < len(name) <= 100
                or (lv != "01" and lv != "02" and lv != "03")
                or type(lv) is not str
                or (ap is not None and ap is not True and ap is not False)
                or (codg is not None and (type(codg) is not str or len(codg) > 50))
            ):
                return None
            if typ is None:
                typ = _OTHER_TYPE
            elif type(typ) is not str or typ not in _TYPES:
                return None
            if ap is None:
                ap = True
            # The numbers, through models_plain's parsers (a text parsed before is looked up).
            pric = price_get(raw_pric)
            if pric is None:
                # _number's own steps for a plain price text, without the call (a stream of new
                # prices misses the cache on most lines)
                if type(raw_pric) is str and plain_price(raw_pric) is not None:
                    pric = Decimal(raw_pric)
                    if len(prices) >= cache_max:
                        prices.clear()
                    prices[raw_pric] = pric
                else:
                    pric = number(raw_pric, "price")
            cnt = quantity_get(raw_cnt)
            if cnt is None:
                cnt = number(raw_cnt, "quantity")
            if raw_ceiling is None:
                ceiling = ceiling_text = None
            else:
                ceiling = price_get(raw_ceiling)
                if ceiling is None:
                    ceiling = number(raw_ceiling, "price")
                ceiling_text = str(ceiling)
            if raw_prop is None:
                prop = None
            else:
                prop = ratio_get(raw_prop)
                if prop is None:
                    prop = number(raw_prop, "ratio")
            # split_item, and _row's texts: every amount here is quantized to the fen and not
            # negative (no -0: a zero is parsed as +0), so str() writes it as fmt() does.
            amt = (pric * cnt).quantize(fen, up)
            amt_text = str(amt)
            medfee += amt
            if lv == "03":
                own = amt
                line_over = line_pre = ZERO
                ownpay += amt
                if ap:
                    ownpay_on_acct += amt
                row = {
                    "name": name,
                    "chrgitm_lv": lv,
                    "med_chrgitm_type": typ,
                    "det_item_fee_sumamt": amt_text,
                    "fulamt_ownpay_amt": amt_text,
                    "overlmt_amt": zero_text,
                    "preselfpay_amt": zero_text,
                    "inscp_scp_amt": zero_text,
                    "selfpay_prop": _ONE_TEXT,
                    "pric_uplmt_amt": ceiling_text,
                    "acct_payable": ap,
                }
            else:
                own = ZERO
                if prop is None:
                    prop = default_prop if lv == "02" else ZERO
                if ceiling is None or ceiling >= pric:
                    in_ceiling = amt
                    line_over = ZERO
                    over_text = zero_text
                else:
                    in_ceiling = (ceiling * cnt).quantize(fen, up)
                    line_over = amt - in_ceiling
                    over += line_over
                    over_text = str(line_over)
                if prop:
                    line_pre = (in_ceiling * prop).quantize(fen, up)
                    pre += line_pre
                    inscp_text = str(in_ceiling - line_pre)
                    pre_text = str(line_pre)
                else:
                    line_pre = ZERO
                    pre_text = zero_text
                    inscp_text = amt_text if in_ceiling is amt else str(in_ceiling)
                row = {
                    "name": name,
                    "chrgitm_lv": lv,
                    "med_chrgitm_type": typ,
                    "det_item_fee_sumamt": amt_text,
                    "fulamt_ownpay_amt": zero_text,
                    "overlmt_amt": over_text,
                    "preselfpay_amt": pre_text,
                    "inscp_scp_amt": inscp_text,
                    "selfpay_prop": ratio_text(prop),
                    "pric_uplmt_amt": ceiling_text,
                    "acct_payable": ap,
                }
            if not ap:
                not_acct += amt
            if (
                key is not None
                and type(raw_pric) is str
                and type(raw_cnt) is str
                and type(raw_ceiling) in _TEXT_OR_NULL
                and type(raw_prop) in _TEXT_OR_NULL
            ):
                # Only strings, null and a bool (acct_payable, checked by identity on a hit):
                # equal keys are the same line, never 1 for true or 1.0 for "1".
                line = (name, lv, typ, pric, cnt, ceiling, prop, ap)
                if len(lines) >= _plain._LINES_MAX:
                    lines.make_room()
                lines[key] = line
                if len(splits) >= _SPLITS_MAX:
                    splits.clear()
                splits[id(line)] = (line, default_prop, amt, own, line_over, line_pre, row)
                row = row.copy()
            append(row)
    except (_LineDoubt, TypeError):  # TypeError: a list or an object where a number belongs
        return None
    if remember:
        lines.looked += looked
        lines.found += found
        if lines.looked >= _MEMORY_WINDOW:
            if lines.found * _MEMORY_PAYS < lines.looked:
                lines.rest = _MEMORY_REST << min(lines.unpaid, _MEMORY_BACKOFF)
                lines.unpaid += 1
            else:
                lines.unpaid = 0
            lines.looked = lines.found = 0
    inscp = medfee - ownpay - over - pre
    return _wire_lines(
        req, params, rows, medfee, ownpay, over, pre, inscp, not_acct, ownpay_on_acct, lang
    )


# The texts of a parameter set (the same set comes back: engine.models_plain remembers them), by
# its identity; each entry holds its set, so no other can take its id. Bounded.
_PARAM_TEXTS: dict[int, tuple] = {}


def _param_texts(params: SettleParams) -> tuple:
    cap = params.annual_cap
    texts = (
        params,
        _text2(params.dedc),
        pct(params.pool_ratio),
        _ratio(params.pool_ratio),
        None if cap is None else _text2(cap),
    )
    if len(_PARAM_TEXTS) >= 64:
        _PARAM_TEXTS.clear()
    _PARAM_TEXTS[id(params)] = texts
    return texts


def _wire_lines(
    req: PlainSettleRequest,
    params: SettleParams,
    rows: list[dict],
    medfee: Decimal,
    ownpay: Decimal,
    over: Decimal,
    pre: Decimal,
    inscp: Decimal,
    not_acct: Decimal,
    ownpay_on_acct: Decimal,
    lang: str,
) -> dict:
    """`_funds(...).wire(lang, rows)`, written from texts: each amount written once, each
    sentence of the "why" a template filled once (engine.trace.Templates)."""
    (
        act_pay_dedc,
        pooled,
        hifp,
        cap_left,
        hifmi,
        hifob,
        big_cap_left,
        fund_sum,
        psn_part,
        ownpay_barred,
        payable,
        own,
        mulaid,
        mulaid_sum,
        acct_pay,
    ) = _visit_amounts(req, params, medfee, inscp, not_acct, ownpay_on_acct)
    # Every amount here has at most two places (amounts are read so, and every product is
    # quantized; sums, differences, min and max keep it), so adding 0.00 writes it with exactly
    # two, as fmt() does, without rounding anything (and 0 + 0.00 is never "-0.00").
    fen0 = ZERO
    t = TEMPLATES["en"] if lang == "en" else TEMPLATES["zh"]
    # The lines' sums: quantized to the fen (sums of such) and not negative, so str() is fmt().
    medfee_t, ownpay_t, over_t, pre_t, inscp_t = (
        str(medfee),
        str(ownpay),
        str(over),
        str(pre),
        str(inscp),
    )
    # A text is written once and used again wherever an amount equals one already written (a zero
    # is "0.00"; equal amounts write alike).
    zero = _ZERO_TEXT
    hifp_t = str(hifp + fen0)
    dedc_t = str(act_pay_dedc + fen0)
    ytd = req.ytd
    texts = _PARAM_TEXTS.get(id(params))
    if texts is None or texts[0] is not params:
        texts = _param_texts(params)
    _, params_dedc_t, ratio_pct, ratio_t, cap_t = texts
    cap_left_t = None if cap_left is None else str(cap_left + fen0)
    pool_info = t.pool % (
        inscp_t,
        params_dedc_t,
        str(ytd.dedc_paid + fen0),
        dedc_t,
        inscp_t,
        dedc_t,
        ratio_pct,
        hifp_t if pooled is hifp else str(pooled + fen0),
        t.no_cap if cap_t is None else t.cap % (cap_t, str(ytd.hifp_paid + fen0), cap_left_t),
        hifp_t,
    )
    code, zh, en = _FUNDS[_EMP_POOL if req.insutype is _EMPLOYEE else _RES_POOL]
    details = [
        {
            "fund_pay_type": code,
            "fund_pay_type_name": zh if lang == "zh" else en,
            "inscp_scp_amt": inscp_t,
            "crt_payb_lmt_amt": cap_left_t,
            "fund_payamt": hifp_t,
            "setl_proc_info": pool_info,
        }
    ]
    trace = [t.items % (medfee_t, ownpay_t, over_t, pre_t, inscp_t), pool_info]
    layer = params.big_illness
    if layer is not None:
        code, zh, en = _FUNDS[
            FundPayType.RES_BIG_ILLNESS if layer.fund == "hifmi" else FundPayType.LARGE_AMOUNT
        ]
        name = zh if lang == "zh" else en
        big = hifmi + hifob
        big_t = str(big + fen0)
        big_info = t.big % (
            name,
            str(inscp - hifp + fen0),
            str(layer.threshold + fen0),
            pct(layer.ratio),
            big_t,
        )
        trace.append(big_info)
        if big > 0:
            details.append(
                {
                    "fund_pay_type": code,
                    "fund_pay_type_name": name,
                    "inscp_scp_amt": str(max(ZERO, inscp - hifp) + fen0),
                    "crt_payb_lmt_amt": None if big_cap_left is None else str(big_cap_left + fen0),
                    "fund_payamt": big_t,
                    "setl_proc_info": big_info,
                }
            )
    psn_part_t = str(psn_part + fen0)
    acct = req.acct
    balc_t = str(acct.balc + fen0)
    own_t = str(own + fen0) if own else zero
    parts = [t.burden % psn_part_t]
    if not_acct:
        parts.append(t.not_acct % str(not_acct))
    if ownpay_barred:
        parts.append(t.own_barred % str(ownpay_barred + fen0))
    parts.append(t.payable % (psn_part_t if payable == psn_part else str(payable + fen0)))
    if req.insutype is not _EMPLOYEE:
        parts.append(t.no_acct)
    elif not acct.used:
        parts.append(t.not_used)
    else:
        parts.append(t.own % (own_t, balc_t))
    mulaid_detail = []
    mulaid_t = zero
    for giver, amount in mulaid:
        mulaid_t = str(amount + fen0) if amount else zero
        parts.append(t.copay % (giver, mulaid_t))
        mulaid_detail.append({"giver": giver, "amount": mulaid_t})
    if len(mulaid) > 1:
        mulaid_t = str(mulaid_sum + fen0)
    acct_pay_t = mulaid_t if not own else own_t if not mulaid_sum else str(acct_pay + fen0)
    cash_t = psn_part_t if not acct_pay else str(psn_part - acct_pay + fen0)
    parts.append(t.cash % cash_t)
    trace.append(t.sep.join(parts))
    hifmi_t = str(hifmi + fen0) if hifmi else zero
    hifob_t = str(hifob + fen0) if hifob else zero
    return {
        "setlinfo": {
            "medfee_sumamt": medfee_t,
            "fulamt_ownpay_amt": ownpay_t,
            "overlmt_selfpay": over_t,
            "preselfpay_amt": pre_t,
            "inscp_scp_amt": inscp_t,
            "act_pay_dedc": dedc_t,
            "hifp_pay": hifp_t,
            "pool_prop_selfpay": ratio_t,
            "cvlserv_pay": zero,
            "hifes_pay": zero,
            "hifmi_pay": hifmi_t,
            "hifob_pay": hifob_t,
            "maf_pay": zero,
            "oth_pay": zero,
            "fund_pay_sumamt": hifp_t if not hifmi and not hifob else str(fund_sum + fen0),
            "psn_part_amt": psn_part_t,
            "acct_pay": acct_pay_t,
            "acct_mulaid_pay": mulaid_t,
            "psn_cash_pay": cash_t,
            "hosp_part_amt": zero,
            "balc": balc_t if not own else str(acct.balc - own + fen0),
            "insutype": req.insutype._value_,
            "med_type": req.med_type._value_,
        },
        "result": rows,
        "setldetail": details,
        "mulaid_detail": mulaid_detail,
        "trace": trace,
    }


def _visit(req: SettleRequest, params: SettleParams, splits: list[Split]) -> Settlement:
    medfee = ownpay = over = pre = inscp = not_acct = ownpay_on_acct = ZERO
    for s in splits:
        medfee += s.amt
        ownpay += s.ownpay
        over += s.over
        pre += s.pre
        inscp += s.inscp
        if s.item.acct_payable:
            ownpay_on_acct += s.ownpay
        else:
            not_acct += s.amt
    return _funds(req, params, splits, medfee, ownpay, over, pre, inscp, not_acct, ownpay_on_acct)


def _funds(
    req: SettleRequest,
    params: SettleParams,
    splits: list[Split],
    medfee: Decimal,
    ownpay: Decimal,
    over: Decimal,
    pre: Decimal,
    inscp: Decimal,
    not_acct: Decimal,
    ownpay_on_acct: Decimal,
) -> Settlement:
    """The visit split (2206/2207) from the lines' sums."""
    (
        act_pay_dedc,
        _pooled,
        hifp,
        cap_left,
        hifmi,
        hifob,
        big_cap_left,
        fund_sum,
        psn_part,
        ownpay_barred,
        payable,
        own,
        mulaid,
        mulaid_sum,
        acct_pay,
    ) = _visit_amounts(req, params, medfee, inscp, not_acct, ownpay_on_acct)
    return Settlement(
        req=req,
        params=params,
        splits=splits,
        medfee=medfee,
        ownpay=ownpay,
        over=over,
        pre=pre,
        inscp=inscp,
        act_pay_dedc=act_pay_dedc,
        hifp=hifp,
        cap_left=cap_left,
        hifmi=hifmi,
        hifob=hifob,
        big_cap_left=big_cap_left,
        fund_sum=fund_sum,
        psn_part=psn_part,
        not_acct=not_acct,
        ownpay_barred=ownpay_barred,
        payable=payable,
        own=own,
        mulaid=mulaid,
        mulaid_sum=mulaid_sum,
        acct_pay=acct_pay,
        cash=psn_part - acct_pay,
        balc=req.acct.balc - own,
    )


def _visit_amounts(
    req: SettleRequest,
    params: SettleParams,
    medfee: Decimal,
    inscp: Decimal,
    not_acct: Decimal,
    ownpay_on_acct: Decimal,
) -> tuple:
    """The visit's amounts, steps 1–8 of docs/SETTLEMENT.md (`_pooled`: the 统筹 share before the
    annual cap, which the "why" shows)."""
    ytd = req.ytd
    act_pay_dedc = min(inscp, max(ZERO, params.dedc - ytd.dedc_paid))
    hifp = pooled = ((inscp - act_pay_dedc) * params.pool_ratio).quantize(FEN, ROUND_HALF_UP)
    cap_left = None
    if params.annual_cap is not None:
        cap_left = max(ZERO, params.annual_cap - ytd.hifp_paid)
        hifp = min(hifp, cap_left)
    hifmi = hifob = ZERO
    big_cap_left = None
    layer = params.big_illness
    if layer is not None:
        big = (max(ZERO, inscp - hifp - layer.threshold) * layer.ratio).quantize(FEN, ROUND_HALF_UP)
        if layer.cap is not None:
            big_cap_left = max(ZERO, layer.cap - ytd.big_illness_paid)
            big = min(big, big_cap_left)
        if layer.fund == "hifmi":
            hifmi = big
        else:
            hifob = big
    fund_sum = hifp + hifmi + hifob
    psn_part = medfee - fund_sum  # hosp_part_amt is 0: no policy here defines it

    # Account money (own or a relative's) never pays non-medical goods, and pays 全自费 only
    # where the region allows it.
    ownpay_barred = ZERO if params.acct_pays_ownpay else ownpay_on_acct
    payable = max(ZERO, psn_part - not_acct - ownpay_barred)

    acct = req.acct
    own = min(payable, acct.balc) if acct.used and req.insutype is _EMPLOYEE else ZERO
    still = payable - own
    mulaid = []
    mulaid_sum = ZERO
    for source in req.mulaid:
        take = min(still, source.available)
        mulaid.append((source.giver, take))
        mulaid_sum += take
        still -= take
    return (
        act_pay_dedc,
        pooled,
        hifp,
        cap_left,
        hifmi,
        hifob,
        big_cap_left,
        fund_sum,
        psn_part,
        ownpay_barred,
        payable,
        own,
        mulaid,
        mulaid_sum,
        own + mulaid_sum,
    )


def resolve_params(req: SettleRequest, policy_dir=None) -> SettleParams:
    """The request's own `params`, or the policy file's values for this visit."""
    if req.params is not None:
        return req.params
    from engine.policy import load_policy  # local: `settle` works without the policy files

    policy = load_policy(req.policy, policy_dir)
    if req.cross_region is not None and not req.cross_region.filing:
        # 异地就医 without a 备案: the region may refuse direct settlement; co-pay needs a filing.
        if policy.cross_region.unfiled == "refuse":
            raise ValueError(
                f"cross_region.filing: {policy.region_name}异地就医未备案不能直接结算 / "
                f"{policy.id}: care away from home without a filing is not settled directly"
            )
        if policy.copay.cross_region_requires_filing and any(m.available > 0 for m in req.mulaid):
            raise ValueError(
                "mulaid: 异地就医未备案，不能使用共济账户 / "
                "no co-pay for care away from home without a filing (异地就医备案)"
            )
    return policy.resolve(req.insutype, req.psn_type, req.med_type, req.hosp_lv)


def settle_request(req: SettleRequest, lang: str = "zh", policy_dir=None) -> SettleResult:
    return settle(req, resolve_params(req, policy_dir)).result(lang)

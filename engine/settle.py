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
from typing import TYPE_CHECKING

from engine.codes import ChrgitmLv, FundPayType, Insutype
from engine.models_plain import FeeItem as PlainFeeItem
from engine.money import FEN, ZERO, fmt, fmt_ratio
from engine.trace import TraceWriter

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


# Lines split before, for `settle_wire` (the batch path): by the plain record's identity (the
# reader gives the same record for the same line, engine.models_plain) and the default 先行自付
# share, the only parameter a line's split reads. Each entry holds its record, so no other object
# can take its id while it is here. Bounded, so memory stays flat however long a stream runs.
_SPLITS: dict[int, tuple] = {}
_SPLITS_MAX = 256


def settle_wire(req: SettleRequest, params: SettleParams, lang: str = "zh") -> dict:
    """`settle(req, params).wire(lang)` for the batch path (`pos settle --jsonl`): a plain bill
    line met before is not split and written again."""
    prop = params.default_selfpay_prop
    splits = []
    rows = []
    get = _SPLITS.get
    for item in req.items:
        entry = get(id(item))
        if entry is None or entry[0] is not item or entry[1] != prop:
            split = split_item(item, params)
            entry = (item, prop, split, _row(split))
            if type(item) is PlainFeeItem:
                if len(_SPLITS) >= _SPLITS_MAX:
                    _SPLITS.clear()
                _SPLITS[id(item)] = entry
        splits.append(entry[2])
        rows.append(entry[3].copy())  # a fresh dict: the caller may change its answer
    return _visit(req, params, splits).wire(lang, rows)


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

    ytd = req.ytd
    act_pay_dedc = min(inscp, max(ZERO, params.dedc - ytd.dedc_paid))
    hifp = ((inscp - act_pay_dedc) * params.pool_ratio).quantize(FEN, ROUND_HALF_UP)
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
    acct_pay = own + mulaid_sum
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
        balc=acct.balc - own,
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

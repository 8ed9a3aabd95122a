"""The co-pay desk (家庭共济 经办): bindings, review, quotas, 代缴, 异地就医备案, the giver's notices.

Plain Python, no Textual: the trainer's `pos desk` commands and the desk officer's screens
(screens/desk*.py, through `PosApp.call_copay`) call the same methods. It speaks to the insurance center only through messages
(`Center.handle`, the simulator-extension transactions J101…J901 in docs/MESSAGES.md) and
returns frozen views with the platform-style field names. A refusal raises `DeskRefused`
(a `PosError` whose `code` is the first reason; `codes` has them all).

    desk = CopayDesk(center, opter="D01")
    b = desk.bind(giver_psn_no=…, beneficiary_psn_no=…, relationship="child", quota=Decimal("300"),
                  proof_type="出生证明", proof_no="…", channel="counter")
    desk.approve(b.binding_id)
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from engine.binding import DeskReason
from engine.copay import CopayReason
from engine.masking import mask_certno, mask_name
from pos.clock import china_now
from pos.errors import PosError
from pos.services.link import CenterPort
from pos.services.scan import classify
from pos.services.wire import insurance_view


class DeskRefused(PosError):
    """The center refused: `code` the first reason (or BAD_INPUT), `codes` all, `field` named."""

    def __init__(
        self, code: str, zh: str, en: str, *, field: str, codes: tuple[str, ...] = ()
    ) -> None:
        super().__init__(code, zh, en)
        self.field = field
        self.codes = codes or (code,)

    def texts(self, lang: str) -> tuple[str, ...]:
        """Every reason in one language, in the order the center gave them (the desk screens)."""
        if self.code == "BAD_INPUT":  # a refusal without a rule's code: the center's own words
            return (f"{self.field}: {self.message(lang)}",)
        out = []
        for code in self.codes:
            known = _reason(code)
            if known is not None:
                out.append(known[0] if lang == "zh" else known[1])
        return tuple(out) or (self.message(lang),)

    def line(self) -> str:
        """One line naming the reason(s), both languages (the CLI's stderr)."""
        more = f" (+ {', '.join(self.codes[1:])})" if len(self.codes) > 1 else ""
        if self.code == "BAD_INPUT":
            return f"{self.field}: {self.message_zh}"
        return f"{self.code}: {self.message_zh} / {self.message_en}{more}"


def _reason(code: str) -> tuple[str, str] | None:
    for enum in (DeskReason, CopayReason):
        try:
            r = enum(code)
        except ValueError:
            continue
        return r.zh, r.en  # type: ignore[attr-defined]
    return None


def refusal(answer: dict) -> DeskRefused:
    """The center's refusal from its structured parts (err_detail: field, zh, en, and the codes
    of the rules that refused); a peer that sends no err_detail gets its err_msg as it is."""
    detail = answer.get("err_detail")
    if not isinstance(detail, dict):
        text = str(answer.get("err_msg") or "")
        return DeskRefused("BAD_INPUT", text, text, field="request")
    field = str(detail.get("field") or "request")
    codes = tuple(str(c) for c in detail.get("codes") or ())
    known = _reason(codes[0]) if codes else None
    if known is None:
        zh = str(detail.get("zh") or detail.get("en") or "")
        return DeskRefused("BAD_INPUT", zh, str(detail.get("en") or zh), field=field)
    return DeskRefused(codes[0], known[0], known[1], field=field, codes=codes)


def _d(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


@dataclass(frozen=True, slots=True)
class BindingView:
    binding_id: str
    giver_psn_no: str
    giver_name_masked: str
    beneficiary_psn_no: str
    beneficiary_name_masked: str
    relationship: str
    relationship_name: str
    quota: Decimal
    quota_used: Decimal
    quota_left: Decimal
    valid_from: date
    valid_to: date | None
    status: str
    status_name: str
    status_reason: str | None
    channel: str
    proof_type: str | None
    proof_no: str | None
    pledge_signed: bool
    order: int
    quota_returned: Decimal | None = None  # set by unbind: the quota no longer ring-fenced

    @classmethod
    def wire(cls, o: dict) -> BindingView:
        return cls(
            binding_id=o["binding_id"],
            giver_psn_no=o["giver_psn_no"],
            giver_name_masked=o["giver_name_masked"],
            beneficiary_psn_no=o["beneficiary_psn_no"],
            beneficiary_name_masked=o["beneficiary_name_masked"],
            relationship=o["relationship"],
            relationship_name=o["relationship_name"],
            quota=Decimal(o["quota"]),
            quota_used=Decimal(o["quota_used"]),
            quota_left=Decimal(o["quota_left"]),
            valid_from=date.fromisoformat(o["valid_from"]),
            valid_to=_day(o["valid_to"]),
            status=o["status"],
            status_name=o["status_name"],
            status_reason=o["status_reason"],
            channel=o["channel"],
            proof_type=o["proof_type"],
            proof_no=o["proof_no"],
            pledge_signed=bool(o["pledge_signed"]),
            order=int(o["order"]),
            quota_returned=_d(o.get("quota_returned")),
        )

    def brief(self) -> dict:
        """The trainer's JSON shape of a binding (`pos desk … --json`)."""
        return {
            "id": self.binding_id,
            "giver_psn_no": self.giver_psn_no,
            "beneficiary_psn_no": self.beneficiary_psn_no,
            "relationship": self.relationship,
            "quota": str(self.quota),
            "quota_used": str(self.quota_used),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "status": self.status,
            "channel": self.channel,
        }


@dataclass(frozen=True, slots=True)
class PremiumReceipt:
    """代缴 receipt (城乡居民医保费): who paid whose premium, for which year, from which binding."""

    premium_id: str
    psn_no: str
    psn_name_masked: str
    insutype: str
    year: int
    insuplc_admdvs: str
    region_name: str
    amount: Decimal
    payer_psn_no: str
    payer_name_masked: str
    binding_id: str
    balc: Decimal
    quota_used: Decimal
    paid_time: str
    label: str
    notice: str

    @classmethod
    def wire(cls, o: dict) -> PremiumReceipt:
        return cls(
            **{
                **o,
                "amount": Decimal(o["amount"]),
                "balc": Decimal(o["balc"]),
                "quota_used": Decimal(o["quota_used"]),
                "year": int(o["year"]),
            }
        )

    def brief(self) -> dict:
        return {
            "premium_id": self.premium_id,
            "payer_psn_no": self.payer_psn_no,
            "psn_no": self.psn_no,
            "insutype": self.insutype,
            "year": self.year,
            "amount": str(self.amount),
            "binding_id": self.binding_id,
            "balc": str(self.balc),
            "paid_time": self.paid_time,
        }


@dataclass(frozen=True, slots=True)
class FilingView:
    filing_id: int
    psn_no: str
    insuplc_admdvs: str
    mdtrtarea_admvs: str
    valid_from: date
    valid_to: date
    status: str  # valid / future / expired / cancelled
    cancelled_time: str | None

    @classmethod
    def wire(cls, o: dict) -> FilingView:
        return cls(
            filing_id=int(o["filing_id"]),
            psn_no=o["psn_no"],
            insuplc_admdvs=o["insuplc_admdvs"],
            mdtrtarea_admvs=o["mdtrtarea_admvs"],
            valid_from=date.fromisoformat(o["valid_from"]),
            valid_to=date.fromisoformat(o["valid_to"]),
            status=o["status"],
            cancelled_time=o["cancelled_time"],
        )

    def brief(self) -> dict:
        return {
            "id": self.filing_id,
            "psn_no": self.psn_no,
            "insuplc_admdvs": self.insuplc_admdvs,
            "mdtrtarea_admvs": self.mdtrtarea_admvs,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat(),
            "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class NoticeView:
    """余额变动提醒: what the giver's app shows after a deduction, a refund or a 代缴."""

    notice_id: int
    giver_psn_no: str
    beneficiary_psn_no: str
    beneficiary_name_masked: str
    binding_id: str
    kind: str  # deduction / refund / premium
    ref_id: str  # setl_id, or the premium_id
    amount: Decimal  # signed: a deduction is negative
    balc: Decimal
    text: str
    notice_time: str

    @classmethod
    def wire(cls, o: dict) -> NoticeView:
        return cls(
            **{
                **o,
                "notice_id": int(o["notice_id"]),
                "amount": Decimal(o["amount"]),
                "balc": Decimal(o["balc"]),
            }
        )

    def brief(self) -> dict:
        return {
            "id": self.notice_id,
            "giver_psn_no": self.giver_psn_no,
            "beneficiary_psn_no": self.beneficiary_psn_no,
            "binding_id": self.binding_id,
            "kind": self.kind,
            "ref_id": self.ref_id,
            "amount": str(self.amount),
            "balc": str(self.balc),
            "time": self.notice_time,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class EnrolmentView:
    psn_no: str
    insutype: str
    psn_insu_stas: str
    psn_insu_stas_name: str
    arrears: bool
    acct_frozen: bool
    ended: tuple[BindingView, ...]  # bindings this change ended

    def brief(self) -> dict:
        return {
            "psn_no": self.psn_no,
            "insutype": self.insutype,
            "psn_insu_stas": self.psn_insu_stas,
            "arrears": self.arrears,
            "acct_frozen": self.acct_frozen,
            "ended": [b.brief() for b in self.ended],
        }


@dataclass(frozen=True, slots=True)
class PersonView:
    """Who is at the desk (1101, no institution): the insurance shown and, for an employee, the
    personal account, how much of it other bindings already ring-fence, and what stops it."""

    psn_no: str
    name_masked: str
    certno_masked: str
    age: int | None
    insutype: str
    psn_type: str
    psn_insu_stas: str
    insuplc_admdvs: str
    region_name: str
    balc: Decimal | None  # the personal account (employees); None for residents
    ring_fenced: Decimal | None  # promised to bindings already (quota − used of live ones)
    acct_frozen: bool
    arrears: bool

    @property
    def spendable(self) -> Decimal | None:
        """What a new quota may promise: the balance less what is ring-fenced."""
        if self.balc is None:
            return None
        return max(self.balc - (self.ring_fenced or Decimal("0")), Decimal("0.00"))

    @property
    def normal(self) -> bool:
        return self.psn_insu_stas == "1"


def _region_name(admdvs: str) -> str:
    from engine.policy import list_policies, load_policy

    for policy_id in list_policies():
        policy = load_policy(policy_id)
        if policy.admdvs == admdvs:
            return policy.region_name
    return ""


def person_view(out: dict) -> PersonView:
    """A 1101 answer as the desk shows it (the employee insurance first when there are two)."""
    base = out.get("baseinfo") or {}
    rows = out.get("insuinfo") or []
    if not base.get("psn_no") or not rows:
        raise PosError("CENTER_BAD_OUTPUT", "1101 未返回参保信息", "1101 returned no enrolment")
    row = next((r for r in rows if r.get("insutype") == "310"), rows[0])
    employee = row.get("insutype") == "310"
    exp = out.get("exp_content") or {}
    fenced = exp.get("ring_fenced")
    age = base.get("age")
    insurance = insurance_view(row, exp.get("insuinfo"))  # frozen/arrears ride in exp_content
    return PersonView(
        psn_no=str(base["psn_no"]),
        name_masked=mask_name(str(base.get("psn_name", ""))),
        certno_masked=mask_certno(str(base.get("certno", ""))),
        age=int(age) if age is not None else None,
        insutype=str(row.get("insutype", "")),
        psn_type=str(row.get("psn_type", "")),
        psn_insu_stas=str(row.get("psn_insu_stas", "")),
        insuplc_admdvs=str(row.get("insuplc_admdvs", "")),
        region_name=_region_name(str(row.get("insuplc_admdvs", ""))),
        balc=Decimal(str(row.get("balc", "0"))) if employee else None,
        ring_fenced=Decimal(str(fenced)) if employee and fenced is not None else None,
        acct_frozen=insurance.acct_frozen,
        arrears=insurance.arrears,
    )


def default_msgids(now: datetime) -> str:
    """DESK + time + random: two processes (two trainers' shells) never reuse a msgid."""
    return f"DESK{now:%Y%m%d%H%M%S}{secrets.token_hex(4)}"


class CopayDesk:
    def __init__(
        self,
        center: CenterPort,
        *,
        opter: str = "DESK",
        clock: Callable[[], datetime] = china_now,
        msgids: Callable[[datetime], str] = default_msgids,
    ) -> None:
        self._center = center
        self._opter = opter
        self._clock = clock
        self._msgids = msgids

    # ------------------------------------------------------------------ the wire

    def _call(self, infno: str, data: dict, *, write: bool) -> dict:
        message = {"infno": infno, "opter": self._opter, "input": data}
        if write:
            message["msgid"] = self._msgids(self._clock())
        # As it would travel: JSON, amounts as strings.
        message = json.loads(json.dumps(message, ensure_ascii=False, default=str))
        try:
            answer = self._center.handle(message)
        except Exception as exc:  # a lost response: the caller may look (list) and try again
            raise PosError(
                "CENTER_UNAVAILABLE",
                f"医保中心无应答（{infno}）：{type(exc).__name__}",
                f"no answer from the insurance center ({infno}): {type(exc).__name__}",
            ) from exc
        if answer.get("infcode") != 0:
            raise refusal(answer)
        return answer.get("output") or {}

    # ------------------------------------------------------------------ who is at the desk

    def lookup(self, scan_text: str) -> PersonView:
        """Scan / 社保卡 / 身份证 → the person (the cashier's one classifier, then 1101)."""
        cert_type, cert_no = classify(scan_text)
        try:
            out = self._call(
                "1101", {"mdtrt_cert_type": cert_type.value, "mdtrt_cert_no": cert_no}, write=False
            )
        except DeskRefused as exc:  # the center's own words, without its field name
            raise PosError("PERSON_UNKNOWN", exc.message_zh, exc.message_en) from None
        return person_view(out)

    # ------------------------------------------------------------------ bindings

    def bindings(
        self, *, giver_psn_no: str | None = None, beneficiary_psn_no: str | None = None
    ) -> tuple[BindingView, ...]:
        data = (
            {"giver_psn_no": giver_psn_no}
            if giver_psn_no
            else {"beneficiary_psn_no": beneficiary_psn_no}
        )
        out = self._call("J106", data, write=False)
        return tuple(BindingView.wire(b) for b in out["bindings"])

    def bind(
        self,
        *,
        giver_psn_no: str,
        beneficiary_psn_no: str,
        relationship: str,
        quota: Decimal,
        channel: str,
        proof_type: str | None,
        proof_no: str | None,
        pledge_signed: bool = True,
        valid_to: date | None = None,
        order: int | None = None,
    ) -> BindingView:
        data = {
            "giver_psn_no": giver_psn_no,
            "beneficiary_psn_no": beneficiary_psn_no,
            "relationship": relationship,
            "quota": str(quota),
            "channel": channel,
            "proof_type": proof_type,
            "proof_no": proof_no,
            "pledge_signed": pledge_signed,
            "valid_to": valid_to.isoformat() if valid_to else None,
        }
        if order is not None:
            data["order"] = order
        return BindingView.wire(self._call("J101", data, write=True))

    def approve(self, binding_id: str) -> BindingView:
        return BindingView.wire(self._call("J102", {"binding_id": binding_id}, write=True))

    def reject(self, binding_id: str, reason: str) -> BindingView:
        out = self._call("J103", {"binding_id": binding_id, "reason": reason}, write=True)
        return BindingView.wire(out)

    def edit(
        self, binding_id: str, *, quota: Decimal | None = None, order: int | None = None
    ) -> BindingView:
        data: dict = {"binding_id": binding_id}
        if quota is not None:
            data["quota"] = str(quota)
        if order is not None:
            data["order"] = order
        return BindingView.wire(self._call("J104", data, write=True))

    def unbind(self, binding_id: str, reason: str | None = None) -> BindingView:
        data = {"binding_id": binding_id, "reason": reason}
        return BindingView.wire(self._call("J105", data, write=True))

    # ------------------------------------------------------------------ 代缴, filings, notices

    def pay_premium(
        self, *, giver_psn_no: str, beneficiary_psn_no: str, year: int
    ) -> PremiumReceipt:
        data = {
            "giver_psn_no": giver_psn_no,
            "beneficiary_psn_no": beneficiary_psn_no,
            "year": year,
        }
        return PremiumReceipt.wire(self._call("J201", data, write=True))

    def add_filing(
        self, *, psn_no: str, to_admdvs: str, valid_from: date, valid_to: date
    ) -> FilingView:
        data = {
            "psn_no": psn_no,
            "to_admdvs": to_admdvs,
            "valid_from": valid_from.isoformat(),
            "valid_to": valid_to.isoformat(),
        }
        return FilingView.wire(self._call("J301", data, write=True))

    def cancel_filing(self, *, psn_no: str, filing_id: int) -> FilingView:
        data = {"psn_no": psn_no, "filing_id": filing_id}
        return FilingView.wire(self._call("J302", data, write=True))

    def filings(self, psn_no: str) -> tuple[FilingView, ...]:
        out = self._call("J303", {"psn_no": psn_no}, write=False)
        return tuple(FilingView.wire(f) for f in out["filings"])

    def notices(self, giver_psn_no: str, limit: int = 100) -> tuple[NoticeView, ...]:
        out = self._call("J401", {"giver_psn_no": giver_psn_no, "limit": limit}, write=False)
        return tuple(NoticeView.wire(n) for n in out["notices"])

    # ------------------------------------------------------------------ the trainer's switch

    def set_enrolment(
        self,
        psn_no: str,
        *,
        status: str | None = None,
        arrears: bool | None = None,
        acct_frozen: bool | None = None,
        insutype: str | None = None,
    ) -> EnrolmentView:
        data: dict = {"psn_no": psn_no}
        for key, value in (
            ("psn_insu_stas", status),
            ("arrears", arrears),
            ("acct_frozen", acct_frozen),
            ("insutype", insutype),
        ):
            if value is not None:
                data[key] = value
        out = self._call("J901", data, write=True)
        info = out["insuinfo"]
        e = next((i for i in info if i["insutype"] == insutype), info[0])
        return EnrolmentView(
            psn_no=out["psn_no"],
            insutype=e["insutype"],
            psn_insu_stas=e["psn_insu_stas"],
            psn_insu_stas_name=e["psn_insu_stas_name"],
            arrears=bool(e["arrears"]),
            acct_frozen=bool(out["acct_frozen"]),
            ended=tuple(BindingView.wire(b) for b in out["ended"]),
        )

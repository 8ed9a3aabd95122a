"""Adapter: pos.services.CashierDesk → the screens' Backend (pos/ui_bridge.py).

The services speak their own views (pos/services/views.py); the screens want a few flat ones
and a station-independent entry point (the station is chosen on the login screen, while a
CashierDesk is bound to one station). This module is that thin translation, nothing more:
no arithmetic, no rules.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from engine.codes import MedType
from engine.copay import CopayReason
from engine.policy import list_policies, load_policy
from pos import i18n
from pos.database import Database, open_database
from pos.errors import PosError
from pos.services import views as sv
from pos.services.common import CHINA
from pos.ui_bridge import (
    BillLine,
    BindingView,
    CatalogItem,
    CopayOption,
    Exchange,
    PatientView,
    Reason,
    SessionView,
    SettledView,
    SplitView,
    StationView,
    Tender,
    VirtualCard,
    VisitView,
    mask_name,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ZERO = Decimal("0.00")
# The screens' tender method names → the services'.
METHOD_TO_SERVICES = {"cash": "cash", "card": "bank_card", "wechat": "wechat", "alipay": "alipay"}
METHOD_FROM_SERVICES = {v: k for k, v in METHOD_TO_SERVICES.items()}


@cache
def region_names() -> dict[str, str]:
    out = {}
    for pid in list_policies():
        p = load_policy(pid)
        out[p.admdvs] = p.region_name
    return out


def reason(row: dict) -> Reason:
    code = str(row.get("code", ""))
    try:
        r = CopayReason(code)
        return Reason(code, r.zh, r.en)  # type: ignore[attr-defined]
    except ValueError:
        msg = str(row.get("msg", code))
        return Reason(code, msg, msg)


def _binding_status(reasons: Sequence[Reason]) -> str:
    codes = {r.code for r in reasons}
    for code, status in (
        ("BINDING_UNBOUND", "unbound"),
        ("BINDING_REJECTED", "rejected"),
        ("BINDING_PENDING", "pending"),
    ):
        if code in codes:
            return status
    return "active"


def copay_option(o: sv.CopayOption) -> CopayOption:
    return CopayOption(
        binding_id=o.binding_id,
        giver_masked=mask_name(o.giver_name_masked),
        relationship=o.relationship,
        available=o.available,
        usable=o.usable,
        reasons=tuple(reason(r) for r in o.reasons),
        selected=o.selected,
    )


def bill_line(ln: sv.LineView) -> BillLine:
    ceiling = None
    return BillLine(
        line_id=str(ln.line_no),
        code=ln.medins_list_codg,
        name=ln.name,
        lv=ln.chrgitm_lv,
        category=ln.med_chrgitm_type,
        price=ln.pric,
        ceiling=ceiling,
        qty=ln.cnt,
        amount=ln.amount,
        from_order=ln.order_no is not None,
    )


_REFUSED = re.compile(r"^医保中心拒绝（(\d+)）：(?:[a-z_.\[\]0-9]+: )?(.*)$")


def clarify(exc: PosError) -> PosError:
    """The center's refusal text is "field: 中文 / English"; show one language, no field name."""
    if exc.code in ("SETTLE_RESPONSE_LOST", "REVERSAL_RESPONSE_LOST"):
        return PosError(
            exc.code, exc.message_zh + "（按 F12 冲正）", exc.message_en + " (F12 reverses it)"
        )
    if exc.code != "CENTER_REFUSED":
        return exc
    m = _REFUSED.match(exc.message_zh)
    if m is None:
        return exc
    infno, text = m.groups()
    zh, sep, en = text.partition(" / ")
    if not sep:
        en = exc.message_en
    return PosError(
        exc.code,
        f"医保中心（{infno}）：{zh.strip()}",
        f"Insurance center ({infno}): {en.strip()}",
    )


def clarified(fn):
    """Decorator: any PosError leaves with a clarified message."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except PosError as exc:
            raise clarify(exc) from None

    return wrapper


class ServicesBackend:
    """One per app. Holds the database and, once logged in, the station's CashierDesk."""

    def __init__(
        self, db: Database, *, clock: Callable[[], datetime] | None = None, msgids=None
    ) -> None:
        self.db = db
        self.clock = clock
        self.msgids = msgids
        self.desk = None
        self._catalog: list[CatalogItem] | None = None
        self._ceilings: dict[str, Decimal | None] = {}
        self._giver_of: dict[str, str] = {}

    @classmethod
    def open(
        cls, db_url: str | None, *, clock: Callable[[], datetime] | None = None
    ) -> ServicesBackend:
        return cls(open_database(db_url), clock=clock)

    # ------------------------------------------------------------------ login

    def stations(self) -> list[StationView]:
        from sqlalchemy import select

        from pos.store.models import Institution, Station

        with self.db.reading() as s:
            rows = s.execute(
                select(Station, Institution)
                .join(Institution, Institution.fixmedins_code == Station.fixmedins_code)
                .order_by(Station.station_id)
            ).all()
            lang = i18n.get_lang()
            return [
                StationView(
                    st.station_id,
                    st.name,
                    inst.fixmedins_code,
                    inst.name if lang == "zh" else inst.name_en,
                )
                for st, inst in rows
            ]

    @clarified
    def login(self, cashier_no: str, pin: str, station_id: str) -> SessionView:
        from pos.services.desk import CashierDesk

        if not station_id:
            station_id = self._station_for(cashier_no)
        kwargs: dict = {"clock": self.clock} if self.clock else {}
        if self.msgids is not None:
            kwargs["msgids"] = self.msgids
        desk = CashierDesk(
            self.db, station_id, lang=i18n.get_lang(), center=self._center(), **kwargs
        )
        cashier = desk.login(cashier_no, pin)
        self.desk = desk
        st = desk.station
        policy = load_policy(st.policy_id)
        return SessionView(
            cashier_no=cashier.cashier_no,
            cashier_name=cashier.name,
            station_id=st.station_id,
            station_name=st.station_name,
            institution_code=st.fixmedins_code,
            institution_name=st.institution_name
            if i18n.get_lang() == "zh"
            else st.institution_name_en,
            region_name=policy.region_name,
            is_pharmacy=st.kind == "pharmacy",
            proof_at_counter=policy.copay.proof_at_counter,
        )

    def _station_for(self, cashier_no: str) -> str:
        """No window chosen: the first window of the cashier's own institution.

        An unknown number still goes through CashierDesk.login (at the first window), so the
        answer and the failed-attempt count are exactly those of a wrong number.
        """
        from sqlalchemy import select

        from pos.store.models import Cashier, Station

        with self.db.reading() as s:
            row = s.get(Cashier, str(cashier_no)[:20])
            query = select(Station.station_id).order_by(Station.station_id).limit(1)
            if row is not None:
                query = query.where(Station.fixmedins_code == row.fixmedins_code)
            station = s.scalar(query)
        if station is None:
            raise PosError("STATION_UNKNOWN", "没有可用的收费窗口", "No cashier station is set up")
        return station

    def _center(self):
        """The embedded center, on our clock and in the UI language (its "why" trace is shown)."""
        if self._center_obj is None:
            from engine.center import Center

            kwargs = {"clock": self.clock} if self.clock else {}
            self._center_obj = Center(self.db.engine, lang=i18n.get_lang(), **kwargs)
        return self._center_obj

    _center_obj = None

    def logout(self) -> None:
        if self.desk is not None:
            self.desk.logout()

    def _desk(self):
        if self.desk is None:
            raise PosError("AUTH_REQUIRED", "请先登录", "Please log in first")
        return self.desk

    # ------------------------------------------------------------------ identify

    @clarified
    def identify(self, scan_text: str) -> PatientView:
        p = self._desk().identify(scan_text)
        ins = p.insurance or (p.insurances[0] if p.insurances else None)
        warnings: list[str] = []
        if p.shown_by:
            holder = mask_name(
                str(p.shown_by.get("psn_name_masked") or p.shown_by.get("psn_name") or "")
            )
            warnings.append(i18n.t("patient.shown_by", holder=holder))
        if ins is None:
            warnings.append(i18n.t("patient.not_insured"))
        elif not ins.normal:
            warnings.append(i18n.t("patient.not_normal"))
        bindings = []
        for b in p.bindings:
            reasons = tuple(reason(r) for r in b.reasons)
            quota = b.detail.get("quota")
            used = b.detail.get("quota_used")
            left = None
            if quota is not None and used is not None:
                left = Decimal(str(quota)) - Decimal(str(used))
            bindings.append(
                BindingView(
                    binding_id=b.binding_id,
                    giver_masked=mask_name(b.giver_name_masked),
                    relationship=b.relationship,
                    status=_binding_status(reasons),
                    available=b.available,
                    usable=b.usable,
                    reasons=reasons,
                    quota_left=left,
                )
            )
        self._last_patient = PatientView(
            psn_no=p.psn_no,
            name_masked=mask_name(p.psn_name),
            certno_masked=p.certno_masked,
            cert_type=p.mdtrt_cert_type,
            gend=p.gend,
            age=p.age or 0,
            insutype=ins.insutype if ins else "",
            psn_type=ins.psn_type if ins else "",
            insuplc_admdvs=ins.insuplc_admdvs if ins else "",
            region_name=region_names().get(ins.insuplc_admdvs, "") if ins else "",
            insu_status=ins.psn_insu_stas if ins else "0",
            balance=ins.balc if ins and ins.insutype == "310" else None,
            acct_frozen=bool(ins and ins.acct_frozen),
            bindings=tuple(bindings),
            warnings=tuple(warnings),
        )
        return self._last_patient

    def virtual_cards(self) -> list[VirtualCard]:
        return list(_virtual_cards())

    # ------------------------------------------------------------------ visit and bill

    def med_types(self) -> list[str]:
        desk = self._desk()
        if desk.station.kind == "pharmacy":
            return [MedType.PHARMACY.value]
        return [MedType.OUTPATIENT.value, MedType.CHRONIC.value, MedType.INPATIENT.value]

    def _visit(self) -> VisitView:
        v = self._desk().current_visit()
        if v is None:
            raise PosError("VISIT_REQUIRED", "请先建立就诊（选择医疗类别）", "Open a visit first")
        return VisitView(
            mdtrt_id=v.mdtrt_id,
            med_type=v.med_type,
            lines=tuple(self._with_ceiling(bill_line(ln)) for ln in v.lines),
        )

    def _with_ceiling(self, line: BillLine) -> BillLine:
        if self._catalog is None:
            self.catalog()  # the ceilings come with the (cached) price list
        ceiling = self._ceilings.get(line.code)
        if ceiling is None:
            return line
        return BillLine(**{**line.__dict__, "ceiling": ceiling})

    @clarified
    def open_visit(self, med_type: str) -> VisitView:
        self._desk().open_visit(med_type)
        return self._visit()

    def catalog(self) -> list[CatalogItem]:
        if self._catalog is None:
            self._catalog = list(_catalog_items(self._desk().station.kind == "pharmacy"))
            self._ceilings = {i.code: i.ceiling for i in self._catalog}
        return self._catalog

    @clarified
    def add_line(self, code: str, qty: Decimal) -> VisitView:
        self._desk().add_line(code, str(qty))
        return self._visit()

    @clarified
    def remove_line(self, line_id: str) -> VisitView:
        self._desk().remove_line(_line_no(line_id))
        return self._visit()

    @clarified
    def set_quantity(self, line_id: str, qty: Decimal) -> VisitView:
        self._desk().edit_line(_line_no(line_id), str(qty))
        return self._visit()

    # ------------------------------------------------------------------ settle

    @clarified
    def presettle(
        self, acct_used: bool, givers: Sequence[str] | None, proof_checked: bool
    ) -> SplitView:
        psn_nos = None
        if givers is not None:
            psn_nos = [self._giver_of.get(b, b) for b in givers]
        pre = self._desk().presettle(
            acct_used=acct_used, copay_givers=psn_nos, copay_proof_checked=proof_checked
        )
        self._giver_of = {o.binding_id: o.giver_psn_no for o in pre.copay_options}
        return split_view(pre)

    @clarified
    def settle(self, tenders: Sequence[Tender]) -> SettledView:
        desk = self._desk()
        patient = self._last_patient
        visit = self._visit()
        outcome = desk.settle(
            [
                sv.TenderInput(
                    METHOD_TO_SERVICES[t.method],
                    t.amount,
                    t.received if t.method == "cash" else None,
                )
                for t in tenders
            ]
        )
        return settled_view(outcome, patient, visit)

    _last_patient: PatientView | None = None

    @clarified
    def reverse_lost(self) -> list[str]:
        """冲正 (2601) every message of this patient whose answer was lost; the msgids reversed."""
        desk = self._desk()
        psn_no = desk.patient.psn_no if desk.patient is not None else None
        lost = [c for c in desk.pending_reversals() if psn_no is None or c.psn_no == psn_no]
        if not lost:
            raise PosError("REVERSAL_NOTHING", "没有需要冲正的交易", "Nothing to reverse")
        for call in lost:
            desk.reverse_lost(call.msgid)
        return [f"{c.infno}:{c.msgid}" for c in lost]

    def reset(self) -> None:
        if self.desk is not None:
            self.desk.clear_patient()

    def exchanges(self) -> list[Exchange]:
        if self.desk is None:
            return []
        return [
            Exchange(r.infno, r.request, r.response or {"infcode": None}, r.at.strftime("%H:%M:%S"))
            for r in self.desk.link.log
        ]


def _line_no(line_id: str) -> int:
    try:
        return int(line_id)
    except ValueError:
        raise PosError("LINE_UNKNOWN", f"没有第 {line_id} 行", f"No line {line_id}") from None


def split_view(pre: sv.PresettleView) -> SplitView:
    amounts = {k: v for k, v in pre.setlinfo.items() if isinstance(v, Decimal)}
    used = {
        str(d.get("binding_id") or d.get("giver")): Decimal(str(d.get("amount", "0")))
        for d in pre.mulaid_detail
    }
    options = tuple(
        CopayOption(**{**copay_option(o).__dict__, "used": used.get(o.binding_id, ZERO)})
        for o in pre.copay_options
    )
    # The center's trace names givers by psn_no; the screen shows them masked, like everywhere else.
    names = {o.giver_psn_no: mask_name(o.giver_name_masked) for o in pre.copay_options}
    trace = []
    for line in pre.trace:
        for psn_no, name in names.items():
            line = line.replace(psn_no, name)
        trace.append(line)
    return SplitView(
        setlinfo=amounts,
        options=options,
        trace=tuple(trace),
        acct_used=pre.acct_used,
        proof_checked=pre.copay_proof_checked,
    )


def settled_view(
    outcome: sv.SettleOutcome, patient: PatientView | None, visit: VisitView
) -> SettledView:
    st = outcome.settlement
    split = SplitView(setlinfo=dict(st.amounts))
    tenders = tuple(
        Tender(
            METHOD_FROM_SERVICES.get(t.method, t.method),
            t.amount,
            t.tendered if t.method == "cash" else None,
        )
        for t in st.tenders
    )
    lines = tuple(bill_line(ln) for ln in outcome.fee_lines) or visit.lines
    mulaid = tuple(
        (
            mask_name(str(d.get("giver_name_masked") or d.get("giver") or "")),
            Decimal(str(d.get("amount", "0"))),
        )
        for d in st.mulaid_detail
    )
    return SettledView(
        setl_id=st.setl_id,
        receipt_no=st.receipt_no,
        setl_time=st.setl_time.astimezone(CHINA) if st.setl_time.tzinfo else st.setl_time,
        patient=patient,  # type: ignore[arg-type]
        med_type=st.med_type,
        lines=lines,
        split=split,
        tenders=tenders,
        change=st.change,
        mulaid_detail=mulaid,
        already=outcome.already,
    )


@cache
def _catalog_items(pharmacy: bool) -> tuple[CatalogItem, ...]:
    with (FIXTURES / "catalog.toml").open("rb") as fh:
        data = tomllib.load(fh)
    out = []
    for row in data.get("item", []):
        if pharmacy and row.get("kind") not in ("drug", "material", "goods"):
            continue
        ceiling = row.get("pric_uplmt_amt")
        out.append(
            CatalogItem(
                code=row["medins_list_codg"],
                name=row["name"],
                lv=row["chrgitm_lv"],
                category=row["med_chrgitm_type"],
                price=Decimal(str(row["price"])),
                ceiling=Decimal(str(ceiling)) if ceiling is not None else None,
                unit=row.get("unit", ""),
                pinyin=row.get("pinyin", ""),
            )
        )
    return tuple(out)


@cache
def _virtual_cards() -> tuple[VirtualCard, ...]:
    cards = []
    for path in sorted((FIXTURES / "families").glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for fam in data.get("family", []):
            for p in fam.get("person", []):
                if p.get("card_no"):
                    role = str(p.get("role", "")).split("·")[0].strip()
                    cards.append(
                        VirtualCard(
                            f"{p['card_no']}  {mask_name(p['name'])}  {role}", p["card_no"], "03"
                        )
                    )
    return tuple(cards)

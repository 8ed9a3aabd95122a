"""The visit on the counter (2201 + 2203) and its lines (划价 as the cashier edits them).

Draft lines are working state: editable until the visit is settled. Pre-settlement freezes them
into a charge batch (checkout.py); any later edit makes that batch stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from engine.codes import MedType, PsnInsuStas
from engine.money import MAX_QUANTITY, to_decimal
from pos.errors import PosError
from pos.services.rows import catalog_item_view, draft_line_view
from pos.services.views import CatalogItemView, InsuranceView, LineView, PatientView, VisitView
from pos.services.window import Window
from pos.services.wire import output_data
from pos.store import queries
from pos.store.books import next_number
from pos.store.models import Department, DraftLine, Visit

MAX_LINES = 200  # a 2204 message carries at most 500; a window bill this long is a mistake
# What a hospital window offers, the two a 门诊 window uses most first (training plays pick 14 with
# one ↓); the center decides whether the region settles each (both seeded regions settle 12 门诊挂号
# and 13 急诊 under their outpatient rules).
OUTPATIENT_MED_TYPES = (
    MedType.OUTPATIENT,
    MedType.CHRONIC,
    MedType.REGISTRATION,
    MedType.EMERGENCY,
    MedType.INPATIENT,
)


def _parse_cnt(value: object) -> Decimal:
    try:
        cnt = to_decimal(value, places=4, what="数量 quantity")
    except ValueError as exc:
        raise PosError("LINE_BAD_QTY", f"数量无效：{exc}", f"Invalid quantity: {exc}") from None
    if cnt <= 0 or cnt > MAX_QUANTITY:
        raise PosError(
            "LINE_BAD_QTY",
            f"数量应大于 0 且不超过 {MAX_QUANTITY}",
            f"Quantity must be more than 0 and at most {MAX_QUANTITY}",
        )
    return cnt


def _pick_insurance(patient: PatientView, insutype: str | None) -> InsuranceView:
    choices = [i for i in patient.insurances if insutype in (None, i.insutype)]
    normal = [i for i in choices if i.normal]
    if not normal:
        stas = choices[0].psn_insu_stas if choices else "0"
        label = PsnInsuStas(stas) if stas in {m.value for m in PsnInsuStas} else None
        zh = label.zh if label else stas
        en = label.en if label else stas
        raise PosError(
            "PATIENT_NOT_INSURED",
            f"参保状态：{zh}，不能医保结算（可按全自费收费）",
            f"Insurance status: {en}; no insurance settlement (charge as self-pay)",
        )
    return min(normal, key=lambda i: i.insutype)


@dataclass(frozen=True)
class VisitPlan:
    """What a new visit will be, read before anything is sent to the center."""

    ipt_otp_no: str
    dept: Department
    order_nos: tuple[str, ...]
    dise: tuple[str, str]  # (dise_codg, dise_name) of the first order that has one


class Bill:
    """Uses the window's link and books; sets `counter.visit_id` and drops a stale pre-settlement."""

    def __init__(self, window: Window) -> None:
        self.window = window
        self._catalog: list[CatalogItemView] | None = None

    # ------------------------------------------------------------------ medical types and catalog

    def med_types(self) -> list[str]:
        """The 医疗类别 this window may open a visit with."""
        if self.window.station.is_pharmacy:
            return [MedType.PHARMACY.value]
        return [mt.value for mt in OUTPATIENT_MED_TYPES]

    def catalog(self) -> list[CatalogItemView]:
        """The whole price list this window may charge (a pharmacy: what it may sell), cached."""
        if self._catalog is None:
            with self.window.db.reading() as s:
                items = queries.catalog_items(s, pharmacy=self.window.station.is_pharmacy)
                self._catalog = [catalog_item_view(i) for i in items]
        return self._catalog

    def search_catalog(self, text: str, limit: int = 20) -> list[CatalogItemView]:
        """By code, name or pinyin initials; a pharmacy sees only what it may sell."""
        text = (text or "").strip()
        if not text:
            return []
        with self.window.db.reading() as s:
            items = queries.search_catalog(
                s, text, pharmacy=self.window.station.is_pharmacy, limit=max(1, min(limit, 100))
            )
            return [catalog_item_view(i) for i in items]

    # ------------------------------------------------------------------ the visit (2201 + 2203)

    def open_visit(
        self, med_type: str, *, dept_code: str | None = None, insutype: str | None = None
    ) -> VisitView:
        """Register the visit (2201), upload its information (2203), load the pending orders."""
        window = self.window
        station = window.station
        cashier = window.require_cashier()
        patient = window.require_patient()
        try:
            mt = MedType.parse(med_type)
        except ValueError:
            raise PosError(
                "VISIT_BAD_MED_TYPE", f"未知的医疗类别 {med_type}", f"Unknown med_type {med_type}"
            ) from None
        self._check_med_type(mt)
        insurance = _pick_insurance(patient, insutype)
        if not station.designated:
            raise PosError(
                "INSTITUTION_NOT_DESIGNATED",
                "本机构不是医保定点机构，不能医保结算（家庭共济也不能使用；可按全自费收费）",
                "This institution is not designated: no insurance settlement (and no family co-pay; "
                "charge as self-pay)",
            )
        # Another 医疗类别 for the same patient: the visit it replaces gives its orders back first.
        self.abandon()
        now = window.clock()
        plan = self._plan(patient, mt, dept_code, now)
        ipt_otp_no, dept, dise = plan.ipt_otp_no, plan.dept, plan.dise
        if mt is MedType.CHRONIC and not dise[0]:
            raise PosError(
                "VISIT_NEEDS_DISEASE",
                "门诊慢特病需要病种编码（没有待收费的慢特病处方）",
                "A 门诊慢特病 visit needs a disease code (no pending chronic-disease order)",
            )
        out = window.link.call(
            "2201",
            {
                "psn_no": patient.psn_no,
                "insutype": insurance.insutype,
                "begntime": now,
                "mdtrt_cert_type": patient.mdtrt_cert_type,
                "mdtrt_cert_no": patient.mdtrt_cert_no,
                "ipt_otp_no": ipt_otp_no,
                "dept_code": dept.dept_code,
                "dept_name": dept.dept_name,
            },
            opter=cashier.cashier_no,
            insuplc=insurance.insuplc_admdvs,
        )
        mdtrt_id = str(output_data(out).get("mdtrt_id") or "")
        if not mdtrt_id:
            raise PosError("CENTER_BAD_OUTPUT", "2201 未返回就诊ID", "2201 returned no mdtrt_id")
        mdtrtinfo = {
            "mdtrt_id": mdtrt_id,
            "psn_no": patient.psn_no,
            "med_type": mt.value,
            "begntime": now,
        }
        if dise[0]:
            mdtrtinfo.update(dise_codg=dise[0], dise_name=dise[1])
        diseinfo = (
            [{"diag_type": "1", "diag_srt_no": 1, "diag_code": dise[0], "diag_name": dise[1]}]
            if dise[0]
            else []
        )
        window.link.call(
            "2203",
            {"mdtrtinfo": mdtrtinfo, "diseinfo": diseinfo},
            opter=cashier.cashier_no,
            insuplc=insurance.insuplc_admdvs,
        )
        self._write(plan, patient, mt, now, mdtrt_id=mdtrt_id, insurance=insurance)
        return self.current_visit()

    def open_selfpay_visit(
        self, med_type: str = "11", *, dept_code: str | None = None
    ) -> VisitView:
        """全自费: a visit the hospital charges on its own — uninsured, insurance terminated, a
        non-designated clinic, or the patient declines insurance. No 2201/2203 (the center never
        hears of it, so no mdtrt_id); the pending orders load as for any visit."""
        window = self.window
        window.require_cashier()
        patient = window.require_patient()
        try:
            mt = MedType.parse(med_type)
        except ValueError:
            raise PosError(
                "VISIT_BAD_MED_TYPE", f"未知的医疗类别 {med_type}", f"Unknown med_type {med_type}"
            ) from None
        self._check_med_type(mt)
        self.abandon()
        now = window.clock()
        plan = self._plan(patient, mt, dept_code, now)
        self._write(plan, patient, mt, now, mdtrt_id=None, insurance=None)
        return self.current_visit()

    def _plan(
        self, patient: PatientView, mt: MedType, dept_code: str | None, now: datetime
    ) -> VisitPlan:
        """The waiting orders of this 医疗类别, the department, the next 门诊号, the disease."""
        station = self.window.station
        with self.window.db.transaction() as s:
            orders = queries.waiting_orders(
                s, patient.certno, station.fixmedins_code, med_type=mt.value
            )
            dept = self._pick_dept(s, dept_code or (orders[0].dept_code if orders else None))
            seq = next_number(s, station.fixmedins_code, "visit", now.year)
            return VisitPlan(
                ipt_otp_no=f"MZ{now:%Y%m%d}{seq:05d}",
                dept=dept,
                order_nos=tuple(o.order_no for o in orders),
                dise=next(((o.dise_codg, o.dise_name) for o in orders if o.dise_codg), ("", "")),
            )

    def _write(
        self,
        plan: VisitPlan,
        patient: PatientView,
        mt: MedType,
        now: datetime,
        *,
        mdtrt_id: str | None,
        insurance: InsuranceView | None,
    ) -> None:
        """Record the visit, claim its orders (only if nobody else did since they were read: two
        windows, one patient), audit it and put it on the counter. No mdtrt_id: 全自费."""
        window = self.window
        station = window.station
        with window.db.transaction() as s:
            visit = Visit(
                ipt_otp_no=plan.ipt_otp_no,
                mdtrt_id=mdtrt_id,
                fixmedins_code=station.fixmedins_code,
                station_id=station.station_id,
                cashier_no=window.require_cashier().cashier_no,
                psn_no=patient.psn_no,
                psn_name=patient.psn_name,
                certno=patient.certno,
                insutype=insurance.insutype if insurance else "",
                psn_type=insurance.psn_type if insurance else "",
                insuplc_admdvs=insurance.insuplc_admdvs if insurance else "",
                med_type=mt.value,
                mdtrt_cert_type=patient.mdtrt_cert_type,
                mdtrt_cert_no=patient.mdtrt_cert_no,
                dept_code=plan.dept.dept_code,
                dise_codg=plan.dise[0],
                dise_name=plan.dise[1],
                begntime=now,
                status="open",
            )
            s.add(visit)
            s.flush()
            queries.claim_orders(s, visit.visit_id, list(plan.order_nos))
            which = {"mdtrt_id": mdtrt_id} if mdtrt_id else {"selfpay": True}
            window.audit(
                s,
                "visit.open",
                plan.ipt_otp_no,
                {
                    **which,
                    "psn_no": patient.psn_no,
                    "med_type": mt.value,
                    "orders": list(plan.order_nos),
                },
            )
            window.counter.open_visit(visit.visit_id)

    def cancel_visit(self) -> None:
        """Abandon the open visit on the counter: its pending orders wait for the next visit.

        Nothing was settled, so no money moves; the center keeps the registration (撤销挂号 2202
        is not simulated), which is harmless.
        """
        window = self.window
        with window.db.transaction() as s:
            visit = self.editable_visit(s)
            queries.release_visit(s, visit.visit_id)
            visit.status = "cancelled"
            window.audit(s, "visit.cancel", visit.ipt_otp_no, {"mdtrt_id": visit.mdtrt_id})
        window.counter.open_visit(None)

    def abandon(self, visit_id: int | None = None) -> bool:
        """Let go of a visit (default: the counter's) the cashier walks away from — F10, quit, a
        new patient, another 医疗类别 — so its orders wait for the next visit at once.

        Only an open visit of this institution is cancelled (as `cancel_visit`); a settled one, or
        one with a 2207 whose outcome is unknown (冲正 first), is left as it is. True if cancelled.
        """
        window = self.window
        visit_id = window.counter.visit_id if visit_id is None else visit_id
        if visit_id is None:
            return False
        with window.db.transaction() as s:
            visit = s.get(Visit, visit_id)
            if (
                visit is None
                or visit.status != "open"
                or visit.fixmedins_code != window.station.fixmedins_code
                or queries.visit_has_open_call(s, visit_id)
            ):
                return False
            queries.release_visit(s, visit_id)
            visit.status = "cancelled"
            window.audit(s, "visit.cancel", visit.ipt_otp_no, {"mdtrt_id": visit.mdtrt_id})
        if window.counter.visit_id == visit_id:
            window.counter.open_visit(None)
        return True

    def current_visit(self) -> VisitView | None:
        visit_id = self.window.counter.visit_id
        return None if visit_id is None else self.visit_view(visit_id)

    def visit_view(self, visit_id: int) -> VisitView:
        window = self.window
        with window.db.reading() as s:
            visit = s.get(Visit, visit_id)
            if visit is None or visit.fixmedins_code != window.station.fixmedins_code:
                raise PosError("VISIT_UNKNOWN", f"没有就诊记录 {visit_id}", f"No visit {visit_id}")
            dept = s.get(Department, (visit.fixmedins_code, visit.dept_code))
            return VisitView(
                visit_id=visit.visit_id,
                ipt_otp_no=visit.ipt_otp_no,
                mdtrt_id=visit.mdtrt_id or "",
                psn_no=visit.psn_no,
                psn_name=visit.psn_name,
                insutype=visit.insutype,
                med_type=visit.med_type,
                dept_code=visit.dept_code,
                dept_name=dept.dept_name if dept else "",
                dise_codg=visit.dise_codg,
                dise_name=visit.dise_name,
                status=visit.status,
                begntime=visit.begntime,
                lines=tuple(self._draft_views(s, visit_id)),
                loaded_orders=tuple(queries.claimed_order_nos(s, visit_id)),
                selfpay=visit.mdtrt_id is None,
            )

    def resume_visit(self, visit_id: int) -> VisitView:
        """Put an earlier visit of this institution back on the counter (e.g. after a restart)."""
        self.window.require_cashier()
        view = self.visit_view(visit_id)
        self.window.counter.open_visit(visit_id)
        return view

    def editable_visit(self, s: Session) -> Visit:
        """The open visit on the counter, in `s`; refused when there is none or it is closed."""
        self.window.require_cashier()
        visit_id = self.window.counter.visit_id
        if visit_id is None:
            raise PosError("VISIT_REQUIRED", "请先建立就诊（选择医疗类别）", "Open a visit first")
        visit = s.get(Visit, visit_id)
        if visit.status != "open":
            raise PosError(
                "VISIT_CLOSED",
                "该就诊已结算或已取消，不能修改收费项目",
                "This visit is settled or cancelled; its lines are frozen",
            )
        return visit

    # ------------------------------------------------------------------ lines

    def add_line(self, medins_list_codg: str, cnt: object = "1") -> LineView:
        window = self.window
        qty = _parse_cnt(cnt)
        code = (medins_list_codg or "").strip().upper()
        with window.db.transaction() as s:
            visit = self.editable_visit(s)
            item = queries.catalog_item(s, code)
            if item is None:
                raise PosError(
                    "LINE_UNKNOWN_ITEM",
                    f"收费目录中没有 {code}",
                    f"{code} is not in the price list",
                )
            if window.station.is_pharmacy and not item.pharmacy_ok:
                raise PosError(
                    "LINE_NOT_SOLD_HERE",
                    f"药店不能收取「{item.name}」",
                    f"A pharmacy cannot charge {item.name}",
                )
            count, last = queries.draft_line_count_and_last(s, visit.visit_id)
            if count >= MAX_LINES:
                raise PosError(
                    "LINE_TOO_MANY", f"一次最多 {MAX_LINES} 行", f"At most {MAX_LINES} lines"
                )
            line = DraftLine(
                visit_id=visit.visit_id, line_no=last + 1, medins_list_codg=code, cnt=qty
            )
            s.add(line)
            window.audit(
                s, "line.add", visit.ipt_otp_no, {"line": line.line_no, "code": code, "cnt": qty}
            )
            window.counter.presettle = None
            return draft_line_view(line, item)

    def edit_line(self, line_no: int, cnt: object) -> LineView:
        window = self.window
        qty = _parse_cnt(cnt)
        with window.db.transaction() as s:
            visit = self.editable_visit(s)
            line = self._line(s, visit, line_no)
            line.cnt = qty
            window.audit(s, "line.edit", visit.ipt_otp_no, {"line": line_no, "cnt": qty})
            window.counter.presettle = None
            return draft_line_view(line, queries.catalog_item(s, line.medins_list_codg))

    def remove_line(self, line_no: int) -> None:
        window = self.window
        with window.db.transaction() as s:
            visit = self.editable_visit(s)
            line = self._line(s, visit, line_no)
            s.delete(line)
            window.audit(
                s, "line.remove", visit.ipt_otp_no, {"line": line_no, "code": line.medins_list_codg}
            )
            window.counter.presettle = None

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _line(s: Session, visit: Visit, line_no: int) -> DraftLine:
        line = s.get(DraftLine, (visit.visit_id, line_no))
        if line is None:
            raise PosError("LINE_UNKNOWN", f"没有第 {line_no} 行", f"No line {line_no}")
        return line

    def _draft_views(self, s: Session, visit_id: int) -> list[LineView]:
        presettle = self.window.counter.presettle
        splits = {}
        if presettle is not None:
            splits = {ln.line_no: ln.split for ln in presettle.lines if ln.split is not None}
        return [
            draft_line_view(line, item, splits.get(line.line_no))
            for line, item in queries.draft_lines(s, visit_id)
        ]

    def _check_med_type(self, mt: MedType) -> None:
        pharmacy = self.window.station.is_pharmacy
        if pharmacy and mt is not MedType.PHARMACY:
            raise PosError(
                "VISIT_BAD_MED_TYPE",
                "定点药店只能选择 41 定点药店购药",
                "A pharmacy can only use med_type 41",
            )
        if not pharmacy and mt is MedType.PHARMACY:
            raise PosError(
                "VISIT_BAD_MED_TYPE",
                "41 定点药店购药只能在药店使用",
                "med_type 41 is for pharmacies only",
            )

    def _pick_dept(self, s: Session, dept_code: str | None) -> Department:
        fixmedins_code = self.window.station.fixmedins_code
        dept = queries.department(s, fixmedins_code, dept_code)
        if dept is not None:
            return dept
        if dept_code:
            raise PosError(
                "VISIT_BAD_DEPT", f"本机构没有科室 {dept_code}", f"No department {dept_code} here"
            )
        raise PosError(
            "VISIT_BAD_DEPT", "本机构没有配置科室", "This institution has no departments"
        )

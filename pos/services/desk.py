"""The cashier window as the screens see it: log in, identify, open a visit.

One `CashierDesk` per station (收费窗口). It keeps the small working state a window has (who is
logged in, whose credential was read, which visit is on the counter) and puts everything that
matters in the database. Lines, settlement, refunds, 冲正 and closing live in the mixins next door
(lines.py, checkout.py, refund.py, inflight.py, closing.py).

Rule for every method: never hold a database transaction open while talking to the center (on
SQLite the center's own write would queue behind ours); read, commit, call, then write.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.codes import MedType, PsnInsuStas
from engine.idcard import mask as mask_certno
from pos import audit
from pos.auth import authenticate, unlock
from pos.database import Database
from pos.errors import PosError
from pos.services.checkout import CheckoutMixin
from pos.services.closing import ClosingMixin
from pos.services.common import Clock, china_now, guarded, next_number
from pos.services.inflight import InFlightMixin
from pos.services.lines import LinesMixin
from pos.services.link import CenterLink, CenterPort, MsgIds
from pos.services.refund import RefundMixin
from pos.services.scan import classify
from pos.services.views import (
    CashierView,
    InsuranceView,
    PatientView,
    StationView,
    VisitView,
)
from pos.services.wire import copay_option, insurance_view, int_or_none
from pos.store.models import (
    Cashier,
    Department,
    DraftLine,
    Institution,
    OrderLine,
    PendingOrder,
    Station,
    Visit,
)


def mask_name(name: str) -> str:
    """艾* / 艾力·买*: keep the first character, star the rest (DESIGN.md §4)."""
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def _station_view(row: Station, inst: Institution) -> StationView:
    return StationView(
        station_id=row.station_id,
        station_name=row.name,
        fixmedins_code=inst.fixmedins_code,
        institution_name=inst.name,
        institution_name_en=inst.name_en,
        kind=inst.kind,
        level=inst.level,
        admdvs=inst.admdvs,
        designated=inst.designated,
        policy_id=inst.policy_id,
    )


@guarded
def list_stations(db: Database) -> list[StationView]:
    """Every station (收费窗口) with its institution, for the login screen's picker."""
    with db.reading() as s:
        rows = s.execute(
            select(Station, Institution)
            .join(Institution, Institution.fixmedins_code == Station.fixmedins_code)
            .order_by(Station.station_id)
        ).all()
        return [_station_view(st, inst) for st, inst in rows]


class CashierDesk(LinesMixin, CheckoutMixin, RefundMixin, InFlightMixin, ClosingMixin):
    def __init__(
        self,
        db: Database,
        station_id: str,
        *,
        clock: Clock | None = None,
        msgids: Callable[[str, datetime], str] | None = None,
        center: CenterPort | None = None,
        lang: str = "zh",
    ) -> None:
        self.db = db
        self.clock: Clock = clock or china_now
        self.lang = lang
        self.station = self._load_station(station_id)
        station_no = int(station_id.rsplit("-", 1)[-1]) if station_id[-2:].isdigit() else 0
        self.link = CenterLink(
            center if center is not None else db.center,
            fixmedins_code=self.station.fixmedins_code,
            fixmedins_name=self.station.institution_name,
            admdvs=self.station.admdvs,
            clock=self.clock,
            msgids=msgids or MsgIds(station_no),
        )
        self.cashier: CashierView | None = None
        self.patient: PatientView | None = None
        self.visit_id: int | None = None
        self._presettle = None  # the last PresettleView for the current visit (CheckoutMixin)

    # ------------------------------------------------------------------ station and login

    @guarded
    def _load_station(self, station_id: str) -> StationView:
        with self.db.reading() as s:
            row = s.get(Station, station_id)
            if row is None:
                raise PosError(
                    "STATION_UNKNOWN",
                    f"未知的收费窗口 {station_id}",
                    f"Unknown station {station_id}",
                )
            return _station_view(row, s.get(Institution, row.fixmedins_code))

    def _audit(self, s: Session, action: str, subject: str, data: dict | None = None) -> None:
        actor = self.cashier.cashier_no if self.cashier else "-"
        audit.append(
            s,
            at=self.clock(),
            actor=actor,
            action=action,
            subject=subject,
            data={"station": self.station.station_id, **(data or {})},
        )

    @guarded
    def login(self, cashier_no: str, pin: str) -> CashierView:
        """Check the PIN (5 wrong in a row lock the number for 15 minutes) and open the shift."""
        failure: PosError | None = None
        with self.db.transaction() as s:
            try:
                row = authenticate(
                    s, cashier_no, pin, self.clock(), fixmedins_code=self.station.fixmedins_code
                )
                if row.fixmedins_code != self.station.fixmedins_code:
                    raise PosError(
                        "AUTH_WRONG_INSTITUTION",
                        "该工号不属于本机构，不能在此窗口登录",
                        "This cashier does not work at this institution",
                    )
            except PosError as exc:
                failure = exc  # keep the failure count: commit, then raise
                audit.append(
                    s,
                    at=self.clock(),
                    actor=str(cashier_no)[:20],
                    action="login.failed",
                    subject=self.station.station_id,
                    data={"code": exc.code},
                )
            else:
                self.cashier = CashierView(row.cashier_no, row.name, row.role, row.fixmedins_code)
                self._audit(s, "login", row.cashier_no)
        if failure is not None:
            raise failure
        return self.cashier

    @guarded
    def logout(self) -> None:
        if self.cashier is None:
            return
        with self.db.transaction() as s:
            self._audit(s, "logout", self.cashier.cashier_no)
        self.cashier = None
        self.clear_patient()

    @guarded
    def unlock_cashier(self, cashier_no: str) -> None:
        """A supervisor lifts a PIN lockout early."""
        self._require_supervisor()
        with self.db.transaction() as s:
            row = s.get(Cashier, cashier_no)
            if row is None or row.fixmedins_code != self.station.fixmedins_code:
                raise PosError(
                    "CASHIER_UNKNOWN",
                    f"本机构没有工号 {cashier_no}",
                    f"No cashier {cashier_no} here",
                )
            unlock(row)
            self._audit(s, "cashier.unlock", cashier_no)

    def _require_cashier(self) -> CashierView:
        if self.cashier is None:
            raise PosError("AUTH_REQUIRED", "请先登录", "Please log in first")
        return self.cashier

    def _require_supervisor(self) -> CashierView:
        cashier = self._require_cashier()
        if not cashier.supervisor:
            raise PosError("AUTH_SUPERVISOR", "此操作需要收费组长权限", "This needs a supervisor")
        return cashier

    # ------------------------------------------------------------------ identify (1101)

    def clear_patient(self) -> None:
        self.patient, self.visit_id, self._presettle = None, None, None

    @guarded
    def identify(self, scan_text: str) -> PatientView:
        """Classify the scan (e-voucher / 身份证 / 社保卡), ask the center (1101), show the patient."""
        cashier = self._require_cashier()
        cert_type, cert_no = classify(scan_text)
        out = self.link.call(
            "1101",
            {"mdtrt_cert_type": cert_type.value, "mdtrt_cert_no": cert_no},
            opter=cashier.cashier_no,
        )
        base = out.get("baseinfo") or {}
        if not base.get("psn_no"):
            raise PosError("CENTER_BAD_OUTPUT", "1101 未返回人员编号", "1101 returned no psn_no")
        exp = out.get("exp_content") or {}
        with self.db.transaction() as s:
            orders = s.scalars(
                select(PendingOrder.order_no).where(
                    PendingOrder.certno == base.get("certno", ""),
                    PendingOrder.fixmedins_code == self.station.fixmedins_code,
                    PendingOrder.visit_id.is_(None),
                )
            ).all()
            self._audit(s, "identify", base["psn_no"], {"cert_type": cert_type.value})
        self.clear_patient()
        self.patient = PatientView(
            mdtrt_cert_type=cert_type.value,
            mdtrt_cert_no=cert_no,
            psn_no=base["psn_no"],
            psn_name=base.get("psn_name", ""),
            name_masked=mask_name(base.get("psn_name", "")),
            certno=base.get("certno", ""),
            certno_masked=mask_certno(base.get("certno", "")),
            gend=str(base.get("gend", "")),
            brdy=str(base.get("brdy", "")),
            age=int_or_none(base.get("age")),
            insurances=tuple(insurance_view(row) for row in out.get("insuinfo") or []),
            bindings=tuple(copay_option(row) for row in exp.get("bindings") or []),
            shown_by=exp.get("shown_by") or None,
            pending_orders=tuple(orders),
        )
        return self.patient

    # ------------------------------------------------------------------ visit (2201 + 2203)

    @guarded
    def open_visit(
        self, med_type: str, *, dept_code: str | None = None, insutype: str | None = None
    ) -> VisitView:
        """Register the visit (2201), upload its information (2203), load the pending orders."""
        cashier = self._require_cashier()
        patient = self._require_patient()
        try:
            mt = MedType.parse(med_type)
        except ValueError:
            raise PosError(
                "VISIT_BAD_MED_TYPE", f"未知的医疗类别 {med_type}", f"Unknown med_type {med_type}"
            ) from None
        self._check_med_type(mt)
        insurance = self._pick_insurance(patient, insutype)
        if not self.station.designated:
            raise PosError(
                "INSTITUTION_NOT_DESIGNATED",
                "本机构不是医保定点机构，不能医保结算（家庭共济也不能使用）",
                "This institution is not designated: no insurance settlement (and no family co-pay)",
            )
        now = self.clock()
        with self.db.transaction() as s:
            orders = s.scalars(
                select(PendingOrder)
                .where(
                    PendingOrder.certno == patient.certno,
                    PendingOrder.fixmedins_code == self.station.fixmedins_code,
                    PendingOrder.med_type == mt.value,
                    PendingOrder.visit_id.is_(None),
                )
                .order_by(PendingOrder.order_no)
            ).all()
            dept = self._pick_dept(s, dept_code or (orders[0].dept_code if orders else None))
            seq = next_number(s, self.station.fixmedins_code, "visit", now.year)
            ipt_otp_no = f"MZ{now:%Y%m%d}{seq:05d}"
            order_nos = [o.order_no for o in orders]
            dise = next(((o.dise_codg, o.dise_name) for o in orders if o.dise_codg), ("", ""))
        if mt is MedType.CHRONIC and not dise[0]:
            raise PosError(
                "VISIT_NEEDS_DISEASE",
                "门诊慢特病需要病种编码（没有待收费的慢特病处方）",
                "A 门诊慢特病 visit needs a disease code (no pending chronic-disease order)",
            )
        out = self.link.call(
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
        mdtrt_id = str(out.get("mdtrt_id") or "")
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
        self.link.call(
            "2203",
            {"mdtrtinfo": mdtrtinfo, "diseinfo": diseinfo},
            opter=cashier.cashier_no,
            insuplc=insurance.insuplc_admdvs,
        )
        with self.db.transaction() as s:
            visit = Visit(
                ipt_otp_no=ipt_otp_no,
                mdtrt_id=mdtrt_id,
                fixmedins_code=self.station.fixmedins_code,
                station_id=self.station.station_id,
                cashier_no=cashier.cashier_no,
                psn_no=patient.psn_no,
                psn_name=patient.psn_name,
                certno=patient.certno,
                insutype=insurance.insutype,
                psn_type=insurance.psn_type,
                insuplc_admdvs=insurance.insuplc_admdvs,
                med_type=mt.value,
                mdtrt_cert_type=patient.mdtrt_cert_type,
                mdtrt_cert_no=patient.mdtrt_cert_no,
                dept_code=dept.dept_code,
                dise_codg=dise[0],
                dise_name=dise[1],
                begntime=now,
                status="open",
            )
            s.add(visit)
            s.flush()
            line_no = 0
            # Claim the orders only if nobody else did since we read them (two windows, one patient).
            for order in s.scalars(
                select(PendingOrder).where(
                    PendingOrder.order_no.in_(order_nos), PendingOrder.visit_id.is_(None)
                )
            ).all():
                order.visit_id = visit.visit_id
                for ol in s.scalars(
                    select(OrderLine)
                    .where(OrderLine.order_no == order.order_no)
                    .order_by(OrderLine.line_no)
                ):
                    line_no += 1
                    s.add(
                        DraftLine(
                            visit_id=visit.visit_id,
                            line_no=line_no,
                            medins_list_codg=ol.medins_list_codg,
                            cnt=ol.cnt,
                            order_no=order.order_no,
                        )
                    )
            self._audit(
                s,
                "visit.open",
                ipt_otp_no,
                {
                    "mdtrt_id": mdtrt_id,
                    "psn_no": patient.psn_no,
                    "med_type": mt.value,
                    "orders": order_nos,
                },
            )
            self.visit_id = visit.visit_id
        self._presettle = None
        return self.current_visit()

    @guarded
    def cancel_visit(self) -> None:
        """Abandon the open visit on the counter: its pending orders wait for the next visit.

        Nothing was settled, so no money moves; the center keeps the registration (撤销挂号 2202
        is not simulated), which is harmless.
        """
        with self.db.transaction() as s:
            visit = self._editable_visit(s)
            for order in s.scalars(
                select(PendingOrder).where(PendingOrder.visit_id == visit.visit_id)
            ):
                order.visit_id = None
            for line in s.scalars(select(DraftLine).where(DraftLine.visit_id == visit.visit_id)):
                s.delete(line)
            visit.status = "cancelled"
            self._audit(s, "visit.cancel", visit.ipt_otp_no, {"mdtrt_id": visit.mdtrt_id})
        self.visit_id, self._presettle = None, None

    def _require_patient(self) -> PatientView:
        if self.patient is None:
            raise PosError(
                "PATIENT_REQUIRED", "请先识别患者（扫码/读卡/身份证）", "Identify the patient first"
            )
        return self.patient

    def _check_med_type(self, mt: MedType) -> None:
        pharmacy = self.station.kind == "pharmacy"
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

    @staticmethod
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

    def _pick_dept(self, s: Session, dept_code: str | None) -> Department:
        query = select(Department).where(Department.fixmedins_code == self.station.fixmedins_code)
        if dept_code:
            dept = s.scalars(query.where(Department.dept_code == dept_code)).one_or_none()
            if dept is None:
                raise PosError(
                    "VISIT_BAD_DEPT",
                    f"本机构没有科室 {dept_code}",
                    f"No department {dept_code} here",
                )
            return dept
        dept = s.scalars(query.order_by(Department.dept_code).limit(1)).one_or_none()
        if dept is None:
            raise PosError(
                "VISIT_BAD_DEPT", "本机构没有配置科室", "This institution has no departments"
            )
        return dept

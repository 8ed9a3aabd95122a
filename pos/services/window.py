"""A cashier window's fixed context and the working state on its counter.

`Window` is what every part of the desk shares and never changes after login: the books, the
clock, the wire to the center, the station, the language. `WindowState` is the small working state a
window has: who is signed in, whose credential was read, which visit is open, its last
pre-settlement. Everything that matters is in the database; the counter only points at it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from pos import audit
from pos.clock import Clock
from pos.database import Database
from pos.errors import PosError
from pos.services.link import CenterLink
from pos.services.views import CashierView, PatientView, PresettleView, StationView


@dataclass
class WindowState:
    cashier: CashierView | None = None
    patient: PatientView | None = None
    visit_id: int | None = None
    presettle: PresettleView | None = None  # the last pre-settlement of the open visit

    def clear_patient(self) -> None:
        self.patient, self.visit_id, self.presettle = None, None, None

    def open_visit(self, visit_id: int | None) -> None:
        self.visit_id, self.presettle = visit_id, None


@dataclass
class Window:
    db: Database
    clock: Clock
    link: CenterLink
    station: StationView
    lang: str
    counter: WindowState
    training: bool = False  # a training desk (pos.training): receipts in the PX series

    def audit(
        self,
        session: Session,
        action: str,
        subject: str,
        data: dict | None = None,
        *,
        actor: str | None = None,
    ) -> None:
        """An audit entry by the signed-in cashier (or the given actor) at this window."""
        cashier = self.counter.cashier
        audit.append(
            session,
            at=self.clock(),
            actor=actor or (cashier.cashier_no if cashier else "-"),
            action=action,
            subject=subject,
            data={"station": self.station.station_id, **(data or {})},
        )

    def require_cashier(self) -> CashierView:
        if self.counter.cashier is None:
            raise PosError("AUTH_REQUIRED", "请先登录", "Please log in first")
        return self.counter.cashier

    def require_supervisor(self) -> CashierView:
        cashier = self.require_cashier()
        if not cashier.supervisor:
            raise PosError("AUTH_SUPERVISOR", "此操作需要收费组长权限", "This needs a supervisor")
        return cashier

    def require_patient(self) -> PatientView:
        if self.counter.patient is None:
            raise PosError(
                "PATIENT_REQUIRED", "请先识别患者（扫码/读卡/身份证）", "Identify the patient first"
            )
        return self.counter.patient

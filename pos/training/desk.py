"""The training desk: the real cashier desk on a training database, with a recording center and
the trainer's fault switches.

`TrainingCenter` wraps the embedded center (a `CenterPort`): it records every message in and out
(the attempt's platform messages: graded by the score card, replayed by `pos train --replay`) and
fires the faults the scenario injects. `TrainingDesk` is a `CashierDesk` with `training=True`
(receipts in their own PXMZ/PXHC series, marked 培训) and the trainer's faults at the window. The
back office (补打, 退费, 日结, 对账) is the real one on this desk; the co-pay desk (binding, 代缴)
is the real `CopayDesk` over this attempt's recording center (`copay_desk`), so its J-messages
are in the attempt's log like the window's.

Faults (pos.training.scenarios.FAULTS):
    lose_2207_response    center.faults: the next 2207 commits and its answer is lost
    balance_changes       before the next 2207 an account is spent at the region's pharmacy (a real
                          settlement there: the scenario's [spend], by default the patient's own),
                          so 2207 no longer matches the 2206 it was built on: pre-settle again
    card_unreadable       a 社保卡 read (cert type 03) fails: CARD_UNREADABLE
    printer_out_of_paper  the next print fails: PRINTER_NO_PAPER (the receipt is kept: 补打 it)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pos.errors import PosError
from pos.services.copay_desk import CopayDesk
from pos.services.desk import CashierDesk
from pos.services.guard import guarded
from pos.services.views import PatientView


@dataclass
class Exchange:
    """One message as it travelled: the request and the answer (None: lost)."""

    seq: int
    infno: str
    request: dict
    response: dict | None

    @property
    def ok(self) -> bool:
        return isinstance(self.response, dict) and self.response.get("infcode") == 0

    @property
    def output(self) -> dict:
        out = (self.response or {}).get("output")
        return out if isinstance(out, dict) else {}

    def as_json(self) -> dict:
        return {
            "seq": self.seq,
            "infno": self.infno,
            "request": self.request,
            "response": self.response,
        }


@dataclass
class TrainingCenter:
    """A CenterPort over the embedded center that records and injects faults."""

    center: Any
    faults: set[str] = field(default_factory=set)
    log: list[Exchange] = field(default_factory=list)
    before_settle: Callable[[], None] | None = None  # the balance_changes fault's action
    recording: bool = True

    def handle(self, message: dict) -> dict:
        infno = str(message.get("infno", ""))
        if infno == "2207" and "balance_changes" in self.faults and self.before_settle is not None:
            # Between the last 2206 and this 2207 the account is spent elsewhere.
            self.faults.discard("balance_changes")
            self.before_settle()
        if "lose_2207_response" in self.faults and infno == "2207":
            self.faults.discard("lose_2207_response")
            self.center.faults.lose_response_after_commit = {"2207"}
            self.center.faults.once = True
        try:
            response = self.center.handle(message)
        except Exception:
            self._record(infno, message, None)
            raise
        self._record(infno, message, response)
        return response

    def _record(self, infno: str, request: dict, response: dict | None) -> None:
        if self.recording:
            # As it travelled: plain JSON (amounts as strings).
            request = json.loads(json.dumps(request, ensure_ascii=False, default=str))
            if response is not None:
                response = json.loads(json.dumps(response, ensure_ascii=False, default=str))
            self.log.append(Exchange(len(self.log) + 1, infno, request, response))


@dataclass
class _Stamped:
    """The co-pay desk's messages with this window's institution in the envelope (the center
    wants every message but 1101 to name its institution)."""

    center: TrainingCenter
    fixmedins_code: str

    def handle(self, message: dict) -> dict:
        return self.center.handle({"fixmedins_code": self.fixmedins_code, **message})


class TrainingDesk(CashierDesk):
    """A CashierDesk for one training attempt (built by pos.training.room.TrainingRoom)."""

    def __init__(self, db, *, training_center: TrainingCenter, **kwargs) -> None:
        super().__init__(db, center=training_center, training=True, **kwargs)
        self.training_center = training_center

    @property
    def seated(self) -> bool:
        """Has anyone sat down at a window of this attempt (its books readable)?"""
        return self._window is not None

    @property
    def faults(self) -> set[str]:
        return self.training_center.faults

    # ------------------------------------------------------------------ faults at the window

    @guarded
    def identify(self, scan_text: str) -> PatientView:
        if "card_unreadable" in self.faults:
            from engine.codes import MdtrtCertType
            from pos.services.scan import classify

            if classify(scan_text)[0] is MdtrtCertType.SSC:
                raise PosError(
                    "CARD_UNREADABLE",
                    "读卡失败：社保卡无法读取，请改扫医保电子凭证或身份证",
                    "The card cannot be read: scan the e-voucher or the ID card instead",
                )
        return super().identify(scan_text)

    def print_receipt(self, done, printer, training: bool = True):
        if "printer_out_of_paper" in self.faults:
            self.faults.discard("printer_out_of_paper")
            raise PosError(
                "PRINTER_NO_PAPER",
                "打印机缺纸，票据未打印（结算已保存）：装纸后补打",
                "The printer is out of paper; nothing printed (the settlement is saved): reprint it",
            )
        return super().print_receipt(done, printer, True)

    # ------------------------------------------------------------------ the co-pay desk

    def copay_desk(self, fixmedins_code: str) -> CopayDesk:
        """The co-pay desk (家庭共济 经办) on this attempt's center, recorded like the window;
        its messages name the scenario's institution (the desk has no cashier window)."""
        counter = iter(range(1, 10_000))
        return CopayDesk(
            _Stamped(self.training_center, fixmedins_code),
            opter="DESK",
            clock=lambda: self.clock().replace(tzinfo=None),
            msgids=lambda now: f"DESK{now:%Y%m%d%H%M%S}{next(counter):04d}",
        )

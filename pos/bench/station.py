"""Drive a visit through the center message by message, as a cashier's station would.

Used by the tests, the ledger benchmark and the crash/concurrency workers; also a readable
example of the message sequence (1101 → 2201 → 2203 → 2204 → 2206 → 2207).
"""

from __future__ import annotations

import itertools
from decimal import Decimal

from engine.money import FEN, fmt


class Refused(Exception):
    def __init__(self, infno: str, err_msg: str) -> None:
        super().__init__(f"{infno}: {err_msg}")
        self.infno = infno
        self.err_msg = err_msg


class Station:
    """One cashier window: an institution code, an operator, and its own msgid sequence."""

    def __init__(
        self, center, fixmedins_code: str, *, prefix: str = "", opter: str = "9001"
    ) -> None:
        self.center = center
        self.fixmedins_code = fixmedins_code
        self.opter = opter
        self.prefix = prefix or fixmedins_code
        self._n = itertools.count(1)
        self.last_msgid: str | None = None

    def next_msgid(self) -> str:
        self.last_msgid = f"{self.prefix}-{next(self._n):08d}"
        return self.last_msgid

    def message(self, infno: str, data: dict, msgid: str | None = None) -> dict:
        return {
            "infno": infno,
            "msgid": msgid or self.next_msgid(),
            "fixmedins_code": self.fixmedins_code,
            "opter": self.opter,
            "input": data,
        }

    def send(self, infno: str, data: dict, msgid: str | None = None) -> dict:
        answer = self.center.handle(self.message(infno, data, msgid))
        if answer["infcode"] != 0:
            raise Refused(infno, answer["err_msg"])
        return answer["output"]

    # ------------------------------------------------------------------ steps

    def identify(self, cert_type: str, cert_no: str) -> dict:
        return self.send("1101", {"mdtrt_cert_type": cert_type, "mdtrt_cert_no": cert_no})

    def open_visit(
        self, psn_no: str, insutype: str, cert: tuple[str, str], med_type: str, otp_no: str
    ) -> str:
        mdtrt_id = self.send(
            "2201",
            {
                "psn_no": psn_no,
                "insutype": insutype,
                "begntime": "2025-01-01 08:00:00",
                "mdtrt_cert_type": cert[0],
                "mdtrt_cert_no": cert[1],
                "ipt_otp_no": otp_no,
            },
        )["data"]["mdtrt_id"]
        self.send(
            "2203",
            {
                "mdtrtinfo": {
                    "mdtrt_id": mdtrt_id,
                    "psn_no": psn_no,
                    "med_type": med_type,
                    "begntime": "2025-01-01 08:00:00",
                    "dise_codg": "J06.900",
                }
            },
        )
        return mdtrt_id

    def upload(
        self, mdtrt_id: str, psn_no: str, batch: str, lines: list[tuple[str, str, str]]
    ) -> Decimal:
        """lines: (medins_list_codg, pric, cnt). Returns the batch total."""
        detail = []
        total = Decimal(0)
        for n, (code, pric, cnt) in enumerate(lines, 1):
            amt = (Decimal(pric) * Decimal(cnt)).quantize(FEN)
            total += amt
            detail.append(
                {
                    "feedetl_sn": f"{batch}-{n}",
                    "mdtrt_id": mdtrt_id,
                    "psn_no": psn_no,
                    "chrg_bchno": batch,
                    "medins_list_codg": code,
                    "pric": pric,
                    "cnt": cnt,
                    "det_item_fee_sumamt": fmt(amt),
                }
            )
        self.send("2204", {"feedetail": detail})
        return total

    @staticmethod
    def settle_input(
        psn_no: str,
        cert: tuple[str, str],
        mdtrt_id: str,
        batch: str,
        total: Decimal,
        *,
        insutype: str,
        med_type: str,
        givers: list[str] = (),
        acct_used: bool = True,
        proof: bool = False,
    ) -> dict:
        return {
            "psn_no": psn_no,
            "mdtrt_cert_type": cert[0],
            "mdtrt_cert_no": cert[1],
            "med_type": med_type,
            "medfee_sumamt": fmt(total),
            "psn_setlway": "01",
            "mdtrt_id": mdtrt_id,
            "chrg_bchno": batch,
            "insutype": insutype,
            "acct_used_flag": "1" if acct_used else "0",
            "exp_content": {"mulaid_psn_nos": list(givers), "copay_proof_checked": proof},
        }

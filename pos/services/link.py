"""The hospital's end of the wire to the insurance center: envelopes, msgids, errors, a message log.

The center answers every message with infcode 0 (output) or -1 (err_msg) and never raises for bad
input; anything it *raises* is treated as the network losing the response (`ResponseUnknown`):
the center may or may not have acted, which only a 2601 冲正 by msgid can settle.

The desk speaks as a real HIS client does (docs/MESSAGES.md): the input of the `data`
transactions goes in `input.data`, amounts go as JSON numbers, and both ways cross as JSON text
(read with Decimal for numbers), so the message log shows what a real wire carries.
"""

from __future__ import annotations

import itertools
import json
from collections import deque
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from engine.center.jsontext import dumps
from pos.errors import PosError
from pos.services.views import MessageRecord

# Transactions whose input the platform wraps in `input.data` (2203 and 2204 are not among them).
DATA_INFNOS = frozenset({"1101", "2201", "2206", "2207", "2208", "2601", "3201", "3202", "5203"})


class CenterPort(Protocol):
    def handle(self, message: dict) -> dict: ...


class ResponseUnknown(Exception):
    """The message went out and no answer came back."""


def _wire(value: object) -> object:
    """Datetimes as the platform's text; Decimals stay Decimal (written as JSON numbers)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dict):
        return {k: _wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_wire(v) for v in value]
    return value


def refusal(infno: str, response: object) -> PosError:
    """The center's refusal as a PosError: its structured parts when it sends them (the embedded
    center does, as `err_detail`), else its one-line err_msg as it is, in both languages."""
    if not isinstance(response, dict):
        text = "malformed response"
        return PosError(
            "CENTER_REFUSED", f"医保中心（{infno}）：{text}", f"Center ({infno}): {text}"
        )
    detail = response.get("err_detail")
    if isinstance(detail, dict) and (detail.get("zh") or detail.get("en")):
        zh = str(detail.get("zh") or detail.get("en"))
        en = str(detail.get("en") or zh)
        field = str(detail.get("field") or "")
    else:
        zh = en = str(response.get("err_msg") or "")
        field = ""
    return PosError(
        "CENTER_REFUSED",
        f"医保中心（{infno}）：{zh}",
        f"Insurance center ({infno}): {en}",
        field=field,
    )


def _across(message: object) -> object:
    """The message as the other end reads it: JSON text, numbers as Decimal (never float)."""
    return json.loads(dumps(message), parse_float=Decimal)


class MsgIds:
    """msgid = fixmedins_code(12) + yyyyMMddHHmmss(14) + 4-digit sequence (platform §1.1).

    The sequence starts with the station's window number, so two windows of one institution
    sending in the same second cannot collide; the last two digits count within this process.
    """

    def __init__(self, station_no: int, start: int = 0) -> None:
        self._prefix = f"{station_no % 100:02d}"
        self._seq = itertools.count(start)

    def __call__(self, fixmedins_code: str, now: datetime) -> str:
        return f"{fixmedins_code}{now:%Y%m%d%H%M%S}{self._prefix}{next(self._seq) % 100:02d}"


class CenterLink:
    def __init__(
        self,
        center: CenterPort,
        *,
        fixmedins_code: str,
        fixmedins_name: str,
        admdvs: str,
        clock: Callable[[], datetime],
        msgids: Callable[[str, datetime], str],
        log_size: int = 200,
    ) -> None:
        self._center = center
        self._code = fixmedins_code
        self._name = fixmedins_name
        self._admdvs = admdvs
        self._clock = clock
        self._msgids = msgids
        self.log: deque[MessageRecord] = deque(maxlen=log_size)

    def new_msgid(self) -> str:
        return self._msgids(self._code, self._clock())

    def call(
        self, infno: str, data: dict, *, opter: str, msgid: str | None = None, insuplc: str = ""
    ) -> dict:
        """The output of a successful exchange; PosError if refused; ResponseUnknown if lost."""
        now = self._clock()
        msgid = msgid or self.new_msgid()
        request = {
            "infno": infno,
            "msgid": msgid,
            "fixmedins_code": self._code,
            "fixmedins_name": self._name,
            "mdtrtarea_admvs": self._admdvs,
            "insuplc_admdvs": insuplc,
            "opter": opter,
            "opter_type": "1",
            "inf_time": now.strftime("%Y-%m-%d %H:%M:%S"),
            "infver": "V1.0",
            "input": {"data": _wire(data)} if infno in DATA_INFNOS else _wire(data),
        }
        request = _across(request)
        try:
            response = _across(self._center.handle(request))
        except Exception as exc:  # the transport's failure, whatever the center raised
            self.log.append(MessageRecord(now, infno, msgid, request, None))
            raise ResponseUnknown(f"{infno} {msgid}: {type(exc).__name__}") from exc
        self.log.append(MessageRecord(now, infno, msgid, request, response))
        if not isinstance(response, dict) or response.get("infcode") != 0:
            raise refusal(infno, response)
        output = response.get("output")
        return output if isinstance(output, dict) else {}

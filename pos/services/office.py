"""The back office of a window: find a settlement, its papers, 补打 and 重打, a supervisor's yes,
and the X / Z reports on paper.

    office.find("")                 today's settlements at this window by this cashier
    office.find("MZ202500000001")   by receipt number (also a number a 重打 replaced)
    office.find("652701…")          by patient: a scan (1101 resolves who it is) or a name
    office.reprint(id, printer)     补打: same number, marked 补打（第n次）, audited
    office.reissue(id, reason, …)   重打: a new number; the old one is void (作废), a new row
    office.approve(no, pin, …)      a supervisor's number and PIN, checked and audited; the
                                    signed-in cashier stays signed in

Money rows are never touched here: a reissue is a `ReceiptReissue` row, a reprint an audit entry.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, time, timedelta

from pos.auth import authenticate
from pos.clock import CHINA
from pos.config import PrinterSettings
from pos.errors import PosError
from pos.services.rows import batch_line_views, settlement_view
from pos.services.scan import classify
from pos.services.views import ApprovalView, DayReportView, PapersView, ReceiptRecordView
from pos.services.window import Window
from pos.store import office
from pos.store.models import Settlement

_RECEIPT = re.compile(r"(MZ|HC)[0-9]{12}")
MAX_REASON = 100
MAX_FIND = 40


def clean_reason(reason: object) -> str:
    """A reason as typed: trimmed, 1–100 characters, no control characters; else PosError."""
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise PosError("REASON_REQUIRED", "请填写原因", "Give a reason", field="reason")
    if len(text) > MAX_REASON or any(unicodedata.category(c).startswith("C") for c in text):
        raise PosError(
            "REASON_BAD",
            f"原因应为 1～{MAX_REASON} 个字，且不含控制字符",
            f"A reason is 1–{MAX_REASON} characters without control characters",
            field="reason",
        )
    return text


class Office:
    """Uses the window (books, link, station, who is signed in); keeps no state of its own."""

    def __init__(self, window: Window) -> None:
        self.window = window

    # ------------------------------------------------------------------ finding

    def find(self, text: str = "", *, today_only: bool = True) -> list[ReceiptRecordView]:
        """Empty: today's settlements at this window by this cashier. A receipt number: that one
        (any day). A credential (e-voucher, 身份证, 社保卡): that patient's, after 1101 says who it
        is. Anything else: settlements whose patient's name contains it."""
        window = self.window
        cashier = window.require_cashier()
        text = text.strip() if isinstance(text, str) else ""
        if len(text) > 200 or any(unicodedata.category(c).startswith("C") for c in text):
            raise PosError(
                "FIND_BAD", "查询内容无法识别", "The search text is not usable", field="find"
            )
        code = window.station.fixmedins_code
        if not text:
            day = window.clock().astimezone(CHINA).date()
            start = datetime.combine(day, time.min, CHINA)
            with window.db.reading() as s:
                rows = office.find(
                    s,
                    code,
                    station_id=window.station.station_id,
                    cashier_no=cashier.cashier_no,
                    start=start,
                    end=start + timedelta(days=1),
                )
                return [self._record(s, r) for r in rows]
        if _RECEIPT.fullmatch(text.upper()):
            with window.db.reading() as s:
                ids = office.ids_by_receipt(s, code, text.upper())
                return [self._record(s, r) for r in office.find(s, code, ids=ids)]
        psn_no = self._who(text)
        with window.db.reading() as s:
            if psn_no is not None:
                rows = office.find(s, code, psn_nos=[psn_no])
            else:
                rows = office.find(s, code, name=text[:MAX_FIND])
            return [self._record(s, r) for r in rows]

    def _who(self, text: str) -> str | None:
        """The psn_no behind a credential (1101, as at the counter), or None for a name."""
        try:
            cert_type, cert_no = classify(text)
        except PosError:
            if any(c.isdigit() for c in text):
                raise  # a number that is no credential: say why, do not search names for it
            return None
        out = self.window.link.call(
            "1101",
            {"mdtrt_cert_type": cert_type.value, "mdtrt_cert_no": cert_no},
            opter=self.window.require_cashier().cashier_no,
        )
        psn_no = (out.get("baseinfo") or {}).get("psn_no")
        if not psn_no:
            raise PosError("CENTER_BAD_OUTPUT", "1101 未返回人员编号", "1101 returned no psn_no")
        return str(psn_no)

    def _record(self, s, row: Settlement, *, lines: bool = False) -> ReceiptRecordView:
        from pos.store import queries

        view = settlement_view(s, row)
        current, voids = office.numbers(s, row)
        refund = queries.refund_of(s, row.id)
        return ReceiptRecordView(
            settlement=view,
            receipt_no=current,
            void_numbers=voids,
            reprints=office.reprint_count(s, row.fixmedins_code, current),
            refund=settlement_view(s, refund) if refund is not None else None,
            fee_lines=tuple(batch_line_views(s, row.chrg_bchno)) if lines else (),
        )

    def record(self, settlement_id: int) -> ReceiptRecordView:
        """One settlement or 冲红, read-only, with its lines, tenders and numbers."""
        with self.window.db.reading() as s:
            return self._record(s, self._row(s, settlement_id), lines=True)

    def _row(self, s, settlement_id: int) -> Settlement:
        row = s.get(Settlement, settlement_id)
        if row is None or row.fixmedins_code != self.window.station.fixmedins_code:
            raise PosError(
                "SETTLEMENT_UNKNOWN",
                f"本机构没有结算 {settlement_id}",
                f"No settlement {settlement_id} here",
            )
        return row

    # ------------------------------------------------------------------ papers

    def papers(self, settlement_id: int, width: int, training: bool = False) -> PapersView:
        """Both documents as they would print now, laid out at `width` columns (nothing audited)."""
        from pos.printing import build_documents, render_text
        from pos.printing.books import load

        window = self.window
        window.require_cashier()
        with window.db.reading() as s:
            row = self._row(s, settlement_id)
            current, _ = office.numbers(s, row)
            data = load(s, current, row.fixmedins_code, training=training)
            count = office.reprint_count(s, row.fixmedins_code, current)
        receipt, slip = build_documents(data, window.lang)
        return PapersView(
            current, render_text(receipt, width), render_text(slip, width), None, count
        )

    def print_record(
        self, settlement_id: int, printer: PrinterSettings, training: bool = False
    ) -> PapersView:
        """The first print of a settlement or 冲红 made here (a refund's papers): audited."""
        from pos.printing import build_documents, deliver, render_text
        from pos.printing.books import load

        window = self.window
        window.require_cashier()
        with window.db.reading() as s:
            row = self._row(s, settlement_id)
            current, _ = office.numbers(s, row)
            data = load(s, current, row.fixmedins_code, training=training)
        docs = build_documents(data, window.lang)
        delivered = deliver(docs, printer)
        with window.db.transaction() as s:
            window.audit(
                s,
                "receipt.print",
                current,
                {"setl_id": data.settlement.setl_id, "sink": delivered.sink, "to": delivered.where},
            )
        where = delivered.where if delivered.sink != "none" else None
        return PapersView(
            current, render_text(docs[0], printer.width), render_text(docs[1], printer.width), where
        )

    def reprint(
        self, settlement_id: int, printer: PrinterSettings, training: bool = False
    ) -> PapersView:
        """补打: the current number again, marked 补打（第n次）; the audit entry is the count."""
        from pos.printing import build_documents, deliver, render_text
        from pos.printing.books import reprint

        window = self.window
        cashier = window.require_cashier()
        with window.db.reading() as s:
            row = self._row(s, settlement_id)
            current, _ = office.numbers(s, row)
            code = row.fixmedins_code
        data = reprint(
            window.db,
            current,
            institution=code,
            actor=cashier.cashier_no,
            at=window.clock(),
            via="desk",
            station=window.station.station_id,
            training=training,
        )
        docs = build_documents(data, window.lang)
        delivered = deliver(docs, printer)
        where = delivered.where if delivered.sink != "none" else None
        return PapersView(
            current,
            render_text(docs[0], printer.width),
            render_text(docs[1], printer.width),
            where,
            data.reprint,
        )

    def reissue(
        self,
        settlement_id: int,
        reason: str,
        printer: PrinterSettings,
        training: bool = False,
    ) -> PapersView:
        """重打: the next number of the series for this settlement; the number it had is void (作废).

        A new `ReceiptReissue` row and a `receipt.reissue` audit entry, in one transaction; then
        the papers print under the new number, marked with the number they replace.
        """
        from pos.printing import build_documents, deliver, render_text
        from pos.printing.books import load

        window = self.window
        cashier = window.require_cashier()
        why = clean_reason(reason)
        with window.db.transaction() as s:
            row = self._row(s, settlement_id)
            from pos.store import queries

            if row.kind == "settle" and queries.refund_of(s, row.id) is not None:
                raise PosError(
                    "REISSUE_REFUNDED",
                    "该结算已冲红，不能重打（可补打原票据）",
                    "This settlement was refunded: it cannot be reissued (reprint it instead)",
                )
            entry = office.reissue(
                s,
                row,
                cashier_no=cashier.cashier_no,
                station_id=window.station.station_id,
                reason=why,
                at=window.clock(),
            )
            window.audit(
                s,
                "receipt.reissue",
                f"{row.fixmedins_code}/{entry.receipt_no}",
                {"void": entry.void_receipt_no, "setl_id": row.setl_id, "reason": why},
            )
            new_no, code = entry.receipt_no, row.fixmedins_code
        with window.db.reading() as s:
            data = load(s, new_no, code, training=training)
        docs = build_documents(data, window.lang)
        delivered = deliver(docs, printer)
        where = delivered.where if delivered.sink != "none" else None
        return PapersView(
            new_no, render_text(docs[0], printer.width), render_text(docs[1], printer.width), where
        )

    # ------------------------------------------------------------------ a supervisor's yes

    def approve(
        self, supervisor_no: str, pin: str, *, action: str, subject: str, reason: str
    ) -> ApprovalView:
        """Check a supervisor's number and PIN at this institution (the lockout rule applies to
        them as at login) without signing the cashier out; audited either way."""
        window = self.window
        window.require_cashier()
        why = clean_reason(reason)
        failure: PosError | None = None
        approval: ApprovalView | None = None
        with window.db.transaction() as s:
            try:
                row = authenticate(
                    s,
                    str(supervisor_no),
                    pin,
                    window.clock(),
                    fixmedins_code=window.station.fixmedins_code,
                )
                if row.role != "supervisor":
                    raise PosError(
                        "AUTH_SUPERVISOR",
                        f"工号 {row.cashier_no} 不是收费组长，不能授权",
                        f"{row.cashier_no} is not a supervisor and cannot approve",
                    )
            except PosError as exc:
                failure = exc
                window.audit(
                    s,
                    "supervisor.refused",
                    subject,
                    {"action": action, "supervisor": str(supervisor_no)[:20], "code": exc.code},
                )
            else:
                approval = ApprovalView(
                    row.cashier_no, row.name, action, subject, why, window.clock()
                )
                window.audit(
                    s,
                    "supervisor.approve",
                    subject,
                    {"action": action, "supervisor": row.cashier_no, "reason": why},
                )
        if failure is not None:
            raise failure
        assert approval is not None
        return approval

    # ------------------------------------------------------------------ reports on paper

    def print_report(self, report: DayReportView, printer: PrinterSettings) -> PapersView:
        """The X or Z report through the printer (pos.printing); audited."""
        from pos.printing import deliver, render_text
        from pos.printing.reports import build_report

        window = self.window
        window.require_cashier()
        doc = build_report(report, window.station, window.lang)
        delivered = deliver((doc,), printer)
        with window.db.transaction() as s:
            window.audit(
                s,
                "report.print",
                f"{report.kind}/{report.close_id or '-'}",
                {"sink": delivered.sink, "to": delivered.where},
            )
        where = delivered.where if delivered.sink != "none" else None
        return PapersView(doc.number, render_text(doc, printer.width), "", where)

    def report_text(self, report: DayReportView, width: int) -> str:
        from pos.printing import render_text
        from pos.printing.reports import build_report

        return render_text(build_report(report, self.window.station, self.window.lang), width)


__all__ = ["Office", "clean_reason"]

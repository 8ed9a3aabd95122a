"""The X report (交班, mid-shift: nothing closed) and the Z report (日结) as a `Document`, so they
print through the same renderers and sinks as the receipts (text 32/48, PDF, ESC/POS)."""

from __future__ import annotations

from datetime import datetime

from engine.money import yuan
from pos.clock import CHINA
from pos.printing.builders import _T
from pos.printing.document import Blank, Document, Heading, Paragraph, Row, Rule, Title
from pos.services.views import DayReportView, StationView


def _when(at: datetime | None) -> str:
    if at is None:
        return "—"
    return (at.astimezone(CHINA) if at.tzinfo else at).strftime("%Y-%m-%d %H:%M")


def report_number(report: DayReportView) -> str:
    """What the file sink names the job by: Z0003 for close 3, X-1001-20250616T1030 for an X."""
    if report.kind == "Z" and report.close_id is not None:
        return f"Z{report.close_id:04d}"
    at = report.made_at.astimezone(CHINA) if report.made_at.tzinfo else report.made_at
    return f"X-{report.cashier_no}-{at:%Y%m%dT%H%M%S}"


def build_report(report: DayReportView, station: StationView, lang: str = "zh") -> Document:
    t = _T(lang)
    inst = station.institution_name if lang == "zh" else station.institution_name_en
    title = t("office.report.title_z") if report.kind == "Z" else t("office.report.title_x")
    b: list = [Title(inst or station.institution_name), Title(title, large=True), Rule(heavy=True)]
    if report.close_id is not None:
        b.append(Row(t("office.report.close_no"), str(report.close_id)))
    b.append(Row(t("office.report.cashier"), f"{report.cashier_no} {report.cashier_name}"))
    b.append(Row(t("office.report.station"), report.station_id))
    b.append(Row(t("office.report.since"), _when(report.since)))
    b.append(Row(t("office.report.until"), _when(report.made_at)))
    b.append(Rule())
    b.append(Heading(t("office.report.counts")))
    b.append(Row(t("office.report.settles"), str(report.settle_count), indent=2))
    b.append(Row(t("office.report.refunds"), str(report.refund_count), indent=2))
    b.append(Row(t("office.report.reprints"), str(report.reprint_count), indent=2))
    b.append(Row(t("office.report.reissues"), str(report.reissue_count), indent=2))
    b.append(Row(t("office.report.receipts"), report.receipts or "—"))
    b.append(Rule())
    b.append(Heading(t("office.report.money")))
    totals = report.totals
    b.append(Row(t("setl.medfee_sumamt"), yuan(totals.get("medfee_sumamt", 0)), indent=2))
    b.append(Row(t("setl.fund_pay_sumamt"), yuan(totals.get("fund_pay_sumamt", 0)), indent=2))
    for name, value in report.funds.items():
        b.append(Row(t("setl." + name), yuan(value), indent=4))
    b.append(Row(t("office.report.own_acct"), yuan(report.own_acct), indent=2))
    b.append(Row(t("office.report.copay"), yuan(report.copay), indent=2))
    b.append(Row(t("setl.psn_cash_pay"), yuan(totals.get("psn_cash_pay", 0)), indent=2))
    b.append(Heading(t("office.report.channels")))
    if not report.tenders:
        b.append(Row(t("office.report.none"), yuan(0), indent=2))
    for method, value in report.tenders.items():
        b.append(Row(t(f"print.method.{method}"), yuan(value), indent=2))
    if report.drawer is not None:
        b.append(Rule())
        b.append(Heading(t("office.report.drawer")))
        for denom, n in report.drawer.pieces:
            if n:
                name = "office.count.d" + denom.replace(".", "_")  # d100 … d0_01
                label = t(name)
                b.append(Row(f"{label} × {n}", yuan(n * _dec(denom)), indent=2))
        b.append(Row(t("office.report.counted"), yuan(report.drawer.total)))
        if report.drawer_expected is not None:
            b.append(Row(t("office.report.expected"), yuan(report.drawer_expected)))
            diff = report.over_short
            key = "office.report.over" if diff and diff > 0 else "office.report.short"
            if not diff:
                key = "office.report.even"
            b.append(Row(t(key), yuan(abs(diff or 0))))
    b.append(Rule())
    if report.kind == "X":
        b.append(Paragraph(t("office.report.x_note")))
    b.append(Blank())
    b.append(Row(t("office.report.sign_cashier"), "________"))
    b.append(Row(t("office.report.sign_supervisor"), "________"))
    return Document(
        kind="report",  # type: ignore[arg-type]
        institution_code=station.fixmedins_code,
        number=report_number(report),
        blocks=tuple(b),
        lang=lang,
        meta={"kind": f"report-{report.kind}"},
    )


def _dec(denom: str):
    from decimal import Decimal

    return Decimal(denom)

"""The visit on the counter: its lines (划价 as the cashier edits them) and the price list.

Draft lines are working state: editable until the visit is settled. Pre-settlement freezes them
into a charge batch (checkout.py); any later edit makes that batch stale.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from engine.money import MAX_QUANTITY, to_decimal
from pos.errors import PosError
from pos.services.common import draft_line_view, guarded
from pos.services.views import CatalogItemView, LineView, VisitView
from pos.store.models import CatalogItem, Department, DraftLine, PendingOrder, Visit

MAX_LINES = 200  # a 2204 message carries at most 500; a window bill this long is a mistake


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


class LinesMixin:
    """Methods of CashierDesk (see desk.py)."""

    @guarded
    def current_visit(self) -> VisitView | None:
        if self.visit_id is None:
            return None
        return self.visit_view(self.visit_id)

    @guarded
    def visit_view(self, visit_id: int) -> VisitView:
        with self.db.reading() as s:
            visit = s.get(Visit, visit_id)
            if visit is None or visit.fixmedins_code != self.station.fixmedins_code:
                raise PosError("VISIT_UNKNOWN", f"没有就诊记录 {visit_id}", f"No visit {visit_id}")
            dept = s.get(Department, (visit.fixmedins_code, visit.dept_code))
            orders = s.scalars(
                select(PendingOrder.order_no).where(PendingOrder.visit_id == visit_id)
            ).all()
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
                loaded_orders=tuple(orders),
            )

    def _draft_views(self, s: Session, visit_id: int) -> list[LineView]:
        rows = s.execute(
            select(DraftLine, CatalogItem)
            .join(CatalogItem, CatalogItem.medins_list_codg == DraftLine.medins_list_codg)
            .where(DraftLine.visit_id == visit_id)
            .order_by(DraftLine.line_no)
        ).all()
        splits = self._current_splits()
        return [draft_line_view(line, item, splits.get(line.line_no)) for line, item in rows]

    def _current_splits(self) -> dict[int, dict]:
        pre = self._presettle
        if pre is None:
            return {}
        return {ln.line_no: ln.split for ln in pre.lines if ln.split is not None}

    def _editable_visit(self, s: Session) -> Visit:
        self._require_cashier()
        if self.visit_id is None:
            raise PosError("VISIT_REQUIRED", "请先建立就诊（选择医疗类别）", "Open a visit first")
        visit = s.get(Visit, self.visit_id)
        if visit.status != "open":
            raise PosError(
                "VISIT_CLOSED",
                "该就诊已结算或已取消，不能修改收费项目",
                "This visit is settled or cancelled; its lines are frozen",
            )
        return visit

    @guarded
    def search_catalog(self, text: str, limit: int = 20) -> list[CatalogItemView]:
        """By code, name or pinyin initials; a pharmacy sees only what it may sell."""
        text = (text or "").strip()
        if not text:
            return []
        like = f"%{text.lower()}%"
        query = select(CatalogItem).where(
            or_(
                func.lower(CatalogItem.medins_list_codg).like(like),
                CatalogItem.name.like(f"%{text}%"),
                func.lower(CatalogItem.pinyin).like(like),
            )
        )
        if self.station.kind == "pharmacy":
            query = query.where(CatalogItem.pharmacy_ok.is_(True))
        with self.db.reading() as s:
            return [
                CatalogItemView(
                    i.medins_list_codg,
                    i.med_list_codg,
                    i.name,
                    i.spec,
                    i.unit,
                    i.pric,
                    i.chrgitm_lv,
                    i.med_chrgitm_type,
                    i.acct_payable,
                )
                for i in s.scalars(
                    query.order_by(CatalogItem.medins_list_codg).limit(max(1, min(limit, 100)))
                )
            ]

    @guarded
    def add_line(self, medins_list_codg: str, cnt: object = "1") -> LineView:
        qty = _parse_cnt(cnt)
        code = (medins_list_codg or "").strip().upper()
        with self.db.transaction() as s:
            visit = self._editable_visit(s)
            item = s.get(CatalogItem, code)
            if item is None:
                raise PosError(
                    "LINE_UNKNOWN_ITEM",
                    f"收费目录中没有 {code}",
                    f"{code} is not in the price list",
                )
            if self.station.kind == "pharmacy" and not item.pharmacy_ok:
                raise PosError(
                    "LINE_NOT_SOLD_HERE",
                    f"药店不能收取「{item.name}」",
                    f"A pharmacy cannot charge {item.name}",
                )
            count = s.scalar(select(func.count()).where(DraftLine.visit_id == visit.visit_id)) or 0
            if count >= MAX_LINES:
                raise PosError(
                    "LINE_TOO_MANY", f"一次最多 {MAX_LINES} 行", f"At most {MAX_LINES} lines"
                )
            last = (
                s.scalar(
                    select(func.max(DraftLine.line_no)).where(DraftLine.visit_id == visit.visit_id)
                )
                or 0
            )
            line = DraftLine(
                visit_id=visit.visit_id, line_no=last + 1, medins_list_codg=code, cnt=qty
            )
            s.add(line)
            self._audit(
                s, "line.add", visit.ipt_otp_no, {"line": line.line_no, "code": code, "cnt": qty}
            )
            self._presettle = None
            return draft_line_view(line, item)

    @guarded
    def edit_line(self, line_no: int, cnt: object) -> LineView:
        qty = _parse_cnt(cnt)
        with self.db.transaction() as s:
            visit = self._editable_visit(s)
            line = s.get(DraftLine, (visit.visit_id, line_no))
            if line is None:
                raise PosError("LINE_UNKNOWN", f"没有第 {line_no} 行", f"No line {line_no}")
            line.cnt = qty
            self._audit(s, "line.edit", visit.ipt_otp_no, {"line": line_no, "cnt": qty})
            self._presettle = None
            return draft_line_view(line, s.get(CatalogItem, line.medins_list_codg))

    @guarded
    def remove_line(self, line_no: int) -> None:
        with self.db.transaction() as s:
            visit = self._editable_visit(s)
            line = s.get(DraftLine, (visit.visit_id, line_no))
            if line is None:
                raise PosError("LINE_UNKNOWN", f"没有第 {line_no} 行", f"No line {line_no}")
            s.delete(line)
            self._audit(
                s, "line.remove", visit.ipt_otp_no, {"line": line_no, "code": line.medins_list_codg}
            )
            self._presettle = None

    @guarded
    def resume_visit(self, visit_id: int) -> VisitView:
        """Put an earlier visit of this institution back on the counter (e.g. after a restart)."""
        self._require_cashier()
        view = self.visit_view(visit_id)
        self.visit_id, self._presettle = visit_id, None
        return view

"""The cashier screen's panels: patient, bill table, split/why, message log."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import DataTable, RichLog, Static
from textual.widgets.data_table import ColumnKey

from engine.codes import (
    MdtrtCertType,
    MedChrgitmType,
    PsnInsuStas,
    PsnType,
    Relationship,
)
from engine.copay import BindingStatus
from engine.masking import mask_certno, mask_name
from engine.money import yuan
from pos.cells import fit, wrap_cells
from pos.i18n import gend_code, get_lang, t
from pos.services.views import (
    CopayOption,
    LineView,
    MessageRecord,
    PatientView,
    own_acct_pay,
)
from screens.common import Wrapped


def code_label(enum, code: str | None) -> str:
    if code is None:
        return ""
    try:
        return enum(code).label(get_lang())
    except ValueError:
        return str(code)


def lv_tag(lv: str) -> Text:
    styles = {"01": "bold green", "02": "bold yellow", "03": "bold red"}
    if get_lang() == "zh":
        tag = {"01": "甲", "02": "乙", "03": "丙"}.get(lv, "?")
    else:
        tag = {"01": "A", "02": "B", "03": "C"}.get(lv, "?")
    return Text(tag, style=styles.get(lv, ""))


def _grid() -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    return grid


class PatientPanel(Static):
    """Masked identity, insurance, own account and co-pay bindings.

    Its size is fixed by the screen's CSS (a column of the body), never by what it shows: a new
    patient repaints the panel in place without laying the screen out again.
    """

    PAINT_GRACE = 0.25  # seconds: a paint that does not come does not hold `after_paint` up

    def show_none(self) -> None:
        self.border_title = t("patient.title")
        self.update(Text(t("patient.empty"), style="dim"), layout=False)

    def on_mount(self) -> None:
        self._after_paint: list[Callable[[], object]] = []
        self.show_none()

    def after_paint(self, callback: Callable[[], object]) -> None:
        """Run `callback` once what the panel now shows has been drawn: on the panel's next
        paint, or the screen's next layout (a headless run may compose no frames at all), or
        after PAINT_GRACE at the latest; after this refresh when the panel is not on screen
        (below 100 columns it is hidden). Work that can wait (the visit's 2201/2203 on the desk
        thread) then does not share the interpreter with the paint the cashier waits for."""
        if not self.display or not self.screen.is_current or not self.size:
            self.call_after_refresh(callback)
            return
        if not self._after_paint:
            self.screen.screen_layout_refresh_signal.subscribe(self, self._run_after_paint)
            self.set_timer(self.PAINT_GRACE, self._run_after_paint)
        self._after_paint.append(callback)

    def _run_after_paint(self, *_: object) -> None:
        if not self._after_paint:
            return
        self.screen.screen_layout_refresh_signal.unsubscribe(self)
        callbacks, self._after_paint = self._after_paint, []
        for callback in callbacks:
            callback()

    def render_lines(self, crop: Region) -> list[Strip]:
        lines = super().render_lines(crop)
        if self._after_paint:
            self.call_later(self._run_after_paint)  # not inside the compositor's pass
        return lines

    def show_patient(self, p: PatientView) -> None:
        self.border_title = t("patient.title")
        ins = p.shown_insurance
        insutype = ins.insutype if ins else ""
        status = ins.psn_insu_stas if ins else "0"
        head = Text()
        head.append(p.name_masked, style="bold")
        head.append(f"  {t('gend.' + gend_code(p.gend))} {t('patient.age', age=p.age or 0)}")
        grid = _grid()
        grid.add_row(t("patient.insutype"), t("insutype_short." + insutype) if insutype else "")
        grid.add_row(t("patient.psn_type"), code_label(PsnType, ins.psn_type if ins else ""))
        grid.add_row(t("patient.region"), ins.insuplc_admdvs if ins else "")
        if p.region_name:
            grid.add_row("", Text(p.region_name, style="dim"))
        status_style = "green" if status == "1" else "bold red"
        grid.add_row(t("patient.status"), Text(code_label(PsnInsuStas, status), style=status_style))
        if p.balance is None:
            acct = Text(t("patient.no_account"), style="dim")
        else:
            acct = Text(yuan(p.balance), style="bold")
            if ins is not None and ins.acct_frozen:
                acct.append(" " + t("patient.frozen"), style="bold red")
        grid.add_row(t("patient.balance"), acct)
        parts: list = [
            head,
            Text(p.certno_masked),
            Text(code_label(MdtrtCertType, p.mdtrt_cert_type), style="dim"),
            grid,
        ]
        for warning in patient_warnings(p):
            parts.append(Wrapped(Text("※" + warning, style="bold yellow"), indent=2))
        parts.append(Text(t("patient.bindings"), style="bold"))
        if not p.bindings:
            parts.append(Text("  " + t("patient.no_bindings"), style="dim"))
        for b in p.bindings:
            line = Text("  ")
            line.append(b.giver_name_masked, style="bold")
            line.append(
                f" {code_label(Relationship, b.giver_is)} "
            )  # who the giver is to the patient
            if b.usable:
                line.append(f"{t('patient.can_use')} {yuan(b.available)}", style="green")
            elif b.status == "active":
                # In force but not usable now (expired, frozen, …): the reasons below say why;
                # "已生效" beside "已过有效期" would contradict them.
                line.append(t("patient.cannot_use"), style="red")
            else:
                line.append(code_label(BindingStatus, b.status), style="red")
            parts.append(Wrapped(line, indent=4))
            if not b.usable and b.reasons:
                sep = "" if get_lang() == "zh" else " "
                reasons = sep.join(r.text(get_lang()) for r in b.reasons)
                parts.append(Wrapped(Text("    " + reasons, style="red"), indent=4))
        self.update(Group(*parts), layout=False)


def patient_warnings(p: PatientView) -> list[str]:
    """What the cashier must notice: a 亲情账户 code (it moves no money), insurance not normal."""
    warnings = []
    if p.shown_by:
        holder = mask_name(str(p.shown_by.get("psn_name_masked") or p.shown_by.get("psn_name")))
        warnings.append(t("patient.shown_by", holder=holder))
    if not p.insurances:
        warnings.append(t("patient.not_insured"))
    elif p.insurance is None:
        warnings.append(t("patient.not_normal"))
    return warnings


class BillTable(DataTable):
    """The visit's charge lines: 甲/乙/丙, name, category, price/ceiling, quantity, amount.

    The name column gets the width the table has once the other columns are measured (it was a
    fixed 12 cells: 普通门诊挂… at any width); a name wider than that wraps onto a second line by
    the CJK rule. Where even that leaves too little (80 columns), the category column goes first.
    """

    MIN_NAME = 10  # below this the category column makes way for the name

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self._lines: tuple[LineView, ...] = ()
        self._with_category: bool | None = None
        self._set_columns(True)

    def _set_columns(self, with_category: bool) -> None:
        if self._with_category == with_category:
            return
        self.clear(columns=True)
        self.add_column(t("bill.lv"), key="lv")
        self.add_column(t("bill.name"), key="name")
        if with_category:
            self.add_column(t("bill.category"), key="cat")
        self.add_column(t("bill.price"), key="price")
        self.add_column(t("bill.qty"), key="qty")
        self.add_column(t("bill.amount"), key="amount")
        self._with_category = with_category

    @staticmethod
    def _cells(line: LineView) -> dict[str, str]:
        price = f"{line.pric:.2f}"
        ceiling = line.pric_uplmt_amt
        if ceiling is not None and ceiling < line.pric:
            price += f"/{ceiling:.2f}"
        cat = code_label(MedChrgitmType, line.med_chrgitm_type)
        if get_lang() == "zh":
            cat = cat.removesuffix("费")
        return {
            "lv": "甲" if get_lang() == "zh" else "A",
            "cat": fit(cat, 8),
            "price": price,
            "qty": f"{line.cnt.normalize():f}",
            "amount": yuan(line.amount),
        }

    def name_width(self, lines: tuple[LineView, ...], with_category: bool) -> int:
        """The cells the name column has: the table's width less the other columns (measured
        from their headers and this bill's cells) and every column's padding."""
        pad = 2 * self.cell_padding
        cells = [self._cells(line) for line in lines]
        keys = ["lv", "price", "qty", "amount"] + (["cat"] if with_category else [])
        others = 0
        for k in keys:
            header = cell_len(t("bill.category" if k == "cat" else f"bill.{k}"))
            others += max([header] + [cell_len(c[k]) for c in cells]) + pad
        width = self.size.width or 60
        if len(lines) + 1 > (self.size.height or 99):  # a vertical scrollbar takes its cells
            width -= self.styles.scrollbar_size_vertical
        return width - others - pad

    def show_lines(self, lines: tuple[LineView, ...], keep: int | None = None) -> None:
        self._lines = lines
        space = self.name_width(lines, True)
        with_category = space >= self.MIN_NAME
        if not with_category:
            space = self.name_width(lines, False)
        self._set_columns(with_category)
        self.clear()
        longest = max((cell_len(x.name) for x in lines), default=0)
        header = cell_len(t("bill.name"))
        width = max(header, min(longest, max(space, 6)))
        name_column = self.columns[ColumnKey("name")]
        name_column.auto_width = False
        name_column.width = width
        names = [wrap_cells(line.name, width) or [""] for line in lines]
        names = [x if len(x) <= 2 else [x[0], fit("".join(x[1:]), width)] for x in names]
        if sum(len(x) for x in names) + 1 > (self.size.height or 99):
            # No room below for second lines (80×24): one line each, cut with …
            names = [[fit(line.name, width)] for line in lines]
        for line, name in zip(lines, names, strict=True):
            cells = self._cells(line)
            row = [lv_tag(line.chrgitm_lv), Text("\n".join(name))]
            if with_category:
                row.append(cells["cat"])
            row += [
                Text(cells["price"], justify="right"),
                Text(cells["qty"], justify="right"),
                Text(cells["amount"], justify="right"),
            ]
            self.add_row(*row, key=str(line.line_no), height=len(name))
        if keep is not None and str(keep) in self.rows:
            self.move_cursor(row=self.get_row_index(str(keep)))

    def show_none(self) -> None:
        """No bill: the lines are forgotten too (a resize must not bring them back), and an
        already empty table is left alone (clearing it repaints every row of it)."""
        self._lines = ()
        if self.row_count:
            self.clear()

    def on_resize(self) -> None:
        if self._lines:
            self.show_lines(self._lines, keep=self.current_line_no())

    def current_line_no(self) -> int | None:
        if not self.row_count:
            return None
        try:
            key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        except Exception:
            return None
        return int(key.value) if key.value and key.value.isdigit() else None


# The setlinfo amounts in confirm-screen order (reference §6 step 4); True = always shown.
SPLIT_ROWS: tuple[tuple[str, bool], ...] = (
    ("medfee_sumamt", True),
    ("fulamt_ownpay_amt", True),
    ("overlmt_selfpay", True),
    ("preselfpay_amt", True),
    ("inscp_scp_amt", True),
    ("act_pay_dedc", True),
    ("hifp_pay", True),
    ("hifob_pay", False),
    ("hifmi_pay", False),
    ("cvlserv_pay", False),
    ("hifes_pay", False),
    ("maf_pay", False),
    ("oth_pay", False),
    ("fund_pay_sumamt", True),
    ("psn_part_amt", True),
    ("own_acct", True),
    ("acct_mulaid_pay", True),
    ("psn_cash_pay", True),
    ("hosp_part_amt", False),
    ("balc", True),
)

BAR_STYLES = {
    "fund": "on green",
    "acct": "on blue",
    "mulaid": "on magenta",
    "cash": "on dark_orange",
}


def _amount(amounts: dict[str, Decimal], name: str) -> Decimal:
    if name == "own_acct":
        return own_acct_pay(amounts)
    return amounts.get(name, Decimal("0.00"))


def stacked_bar(amounts: dict[str, Decimal], width: int) -> Text:
    total = _amount(amounts, "medfee_sumamt")
    parts = [
        (name, _amount(amounts, field))
        for name, field in (
            ("fund", "fund_pay_sumamt"),
            ("acct", "own_acct"),
            ("mulaid", "acct_mulaid_pay"),
            ("cash", "psn_cash_pay"),
        )
    ]
    bar = Text()
    if total <= 0:
        return Text(" " * width, style="on grey23")
    # Largest-remainder apportionment so the bar is exactly `width` cells.
    raw = [(name, amt * width / total) for name, amt in parts]
    cells = {name: int(x) for name, x in raw}
    left = width - sum(cells.values())
    for name, x in sorted(raw, key=lambda r: -(r[1] - int(r[1]))):
        if left <= 0:
            break
        if x > 0:
            cells[name] += 1
            left -= 1
    for name, _ in parts:
        bar.append(" " * cells[name], style=BAR_STYLES[name])
    return bar


class SplitPanel(Static):
    """Every setlinfo amount labelled as on a confirm screen; the pooled-fund share prominent."""

    _hint: str | None = None  # the hint shown while there is no split (None: a split is shown)

    def on_mount(self) -> None:
        self.show_none()

    def show_none(self, hint: str | None = None) -> None:
        text = hint or t("split.empty")
        if text == self._hint:
            return  # already showing it (title included): no layout, no paint
        self._hint = text
        self.border_title = t("split.title")
        self.update(Text(text, style="dim"))

    def show_split(
        self,
        amounts: dict[str, Decimal],
        options: tuple[CopayOption, ...] = (),
        *,
        acct_used: bool = True,
        settled: bool = False,
        width: int = 34,
    ) -> None:
        self.border_title = t("split.settled_title") if settled else t("split.title")
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
        grid.add_column(justify="right", no_wrap=True, min_width=9)
        swatch = {
            "fund_pay_sumamt": "fund",
            "own_acct": "acct",
            "acct_mulaid_pay": "mulaid",
            "psn_cash_pay": "cash",
        }
        for name, always in SPLIT_ROWS:
            amount = _amount(amounts, name)
            if not always and not amount:
                continue
            label = Text()
            if name in swatch:
                label.append("  ", style=BAR_STYLES[swatch[name]])
                label.append(" ")
            text = t("setl." + name)
            value = Text(yuan(amount))
            if name == "hifp_pay":
                label.append(text, style="bold reverse green")
                value.stylize("bold reverse green")
            elif name == "psn_cash_pay":
                label.append(text, style="bold")
                value.stylize("bold dark_orange")
            elif name == "acct_mulaid_pay":
                label.append(text, style="magenta")
                value.stylize("magenta")
                grid.add_row(label, value)
                for o in options:
                    if o.used:
                        rel = code_label(Relationship, o.giver_is)
                        grid.add_row(
                            Text(
                                f"     {o.giver_name_masked} {rel}",
                                style="magenta",
                            ),
                            Text(yuan(o.used), style="magenta"),
                        )
                continue
            elif name in (
                "fulamt_ownpay_amt",
                "overlmt_selfpay",
                "preselfpay_amt",
                "inscp_scp_amt",
            ):
                label.append("  " + text, style="dim")
                value.stylize("dim")
            else:
                label.append(text)
            grid.add_row(label, value)
        parts: list = [stacked_bar(amounts, width), grid]
        if not acct_used:
            parts.append(Text(t("split.acct_not_used"), style="yellow"))
        self._hint = None
        self.update(Group(*parts))


class WhyPanel(Static):
    _trace: tuple[str, ...] | None = None  # what is shown (None: nothing yet)

    def on_mount(self) -> None:
        self.border_title = t("why.title")
        self.update("")

    def show_trace(self, trace: tuple[str, ...]) -> None:
        trace = tuple(trace)
        if trace == self._trace:
            return  # the same lines again: no layout, no paint (a title set repaints too)
        self._trace = trace
        self.border_title = t("why.title")
        self.update(Group(*(Wrapped("·" + line, indent=1) for line in trace)))


class MessageLog(RichLog):
    """The 1101/2201/2203/2204/2206/2207 exchanges, newest last: a summary line each way.

    Personal data is masked here as everywhere on screen (names, 身份证, credential numbers).
    """

    def show_exchanges(self, exchanges) -> None:
        self.clear()
        self.border_title = t("log.title")
        for ex in exchanges:
            self.write_exchange(ex)

    def _put(self, text: Text) -> None:
        width = self.scrollable_content_region.width
        self.write(text, width=width if width > 10 else None)

    def write_exchange(self, ex: MessageRecord) -> None:
        head = Text()
        head.append(f"{ex.at:%H:%M:%S} ", style="dim")
        head.append(f"【{ex.infno}】", style="bold cyan")
        head.append(t("log.infno." + ex.infno) if t("log.infno." + ex.infno)[0] != "[" else "")
        response = ex.response or {}
        code = response.get("infcode")
        ok = code == 0
        if code is None:
            head.append("  " + t("log.lost"), style="bold red")
        else:
            head.append("  OK" if ok else f"  infcode={code}", style="green" if ok else "bold red")
        self._put(head)
        self._put(Text("  → " + summarize(ex.request.get("input", ex.request)), style="dim"))
        if ok:
            self._put(Text("  ← " + summarize(response.get("output", {}))))
        elif code is None:
            self._put(Text("  ← " + t("log.no_answer"), style="red"))
        else:
            self._put(Text("  ← " + str(response.get("err_msg", "")), style="red"))


_MASK_NAME = {"psn_name", "giver_name", "psn_name_masked", "giver_name_masked"}
_MASK_ID = {"certno", "mdtrt_cert_no"}
_SETL_KEYS = (
    "medfee_sumamt",
    "hifp_pay",
    "fund_pay_sumamt",
    "acct_pay",
    "acct_mulaid_pay",
    "psn_cash_pay",
    "balc",
)


def _mask(key: str, value: object) -> object:
    if key in _MASK_NAME and isinstance(value, str):
        return mask_name(value)
    if key in _MASK_ID and isinstance(value, str):
        return mask_certno(value)
    return value


def summarize(payload: object, limit: int = 220) -> str:
    """key=value for the scalar fields; setlinfo's money fields; counts for lists."""
    if not isinstance(payload, dict):
        return str(payload)[:limit]
    parts: list[str] = []
    for key, value in payload.items():
        if key == "setlinfo" and isinstance(value, dict):
            parts.extend(f"{k}={value[k]}" for k in _SETL_KEYS if k in value)
        elif isinstance(value, dict):
            inner = summarize(value, limit)
            parts.append(f"{key}{{{inner}}}")
        elif isinstance(value, list):
            parts.append(f"{key}[{len(value)}]")
        else:
            parts.append(f"{key}={_mask(key, value)}")
    text = " ".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def patient_brief(p: PatientView) -> str:
    acct = t("patient.no_account") if p.balance is None else yuan(p.balance)
    ins = p.shown_insurance
    insutype = t("insutype_short." + ins.insutype) if ins and ins.insutype else ""
    return (
        f"{p.name_masked} {t('gend.' + gend_code(p.gend))}{t('patient.age', age=p.age or 0)} "
        f"{insutype} {t('patient.balance')} {acct}"
    )

"""A printer-neutral document: what a receipt says, not how a printer draws it.

A `Document` is a list of blocks (titles, label/value rows, rules, wrapped paragraphs, a QR
payload) plus its marks (补打 / 培训 / 冲红). The text and ESC/POS renderers lay it out in
terminal cells with `layout(doc, width)`; the PDF renderer draws the same blocks on a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from rich.cells import cell_len

from pos import cells

# Printer profiles in columns of 12-dot Latin (a hanzi takes two): 58 mm and 80 mm thermal paper.
WIDTHS = (32, 48)


@dataclass(frozen=True)
class Title:
    text: str
    large: bool = False  # the document's name: double height on a thermal printer


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Row:
    label: str
    value: str = ""
    indent: int = 0


@dataclass(frozen=True)
class Rule:
    heavy: bool = False  # ==== under a title, ---- between sections


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class QR:
    payload: str  # ASCII: what a phone reads back to check the document
    caption: str = ""


@dataclass(frozen=True)
class Blank:
    pass


Block = Title | Heading | Row | Rule | Paragraph | QR | Blank


@dataclass(frozen=True)
class Document:
    kind: Literal["receipt", "slip", "premium"]  # 门诊收费票据 / 医保结算单 / 代缴凭证
    institution_code: str
    number: str  # the receipt number the document belongs to
    blocks: tuple[Block, ...]
    marks: tuple[str, ...] = ()  # printed at the top and the bottom: 补打（第1次） · 培训 · 冲红
    reprint: int = 0  # 0: the original print; n: the n-th 补打
    lang: str = "zh"
    opens_drawer: bool = False  # a live cash payment (or cash paid back): kick the drawer
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return next((b.text for b in self.blocks if isinstance(b, Title) and b.large), "")


Style = Literal["text", "title", "mark", "qr"]


@dataclass(frozen=True)
class Line:
    text: str
    style: Style = "text"


def _centered(text: str, width: int) -> list[str]:
    return [cells.center(x, width) for x in cells.wrap_cells(text, width)]


def _mark_line(marks: tuple[str, ...], width: int) -> list[str]:
    """One line per mark, each in 【】 and centred: 【培训 非正式票据】 / 【补打（第1次）】."""
    return [x for mark in marks for x in _centered("【" + mark + "】", width)]


def layout(doc: Document, width: int) -> list[Line]:
    """The document in lines of at most `width` cells (a QR is one line holding its payload)."""
    if width < 16:
        raise ValueError(f"width {width} is too narrow for a receipt (32 or 48 columns)")
    out: list[Line] = []
    if doc.marks:
        out += [Line(x, "mark") for x in _mark_line(doc.marks, width)]
    for block in doc.blocks:
        if isinstance(block, Title):
            style: Style = "title" if block.large else "text"
            out += [Line(x, style) for x in _centered(block.text, width)]
        elif isinstance(block, Heading):
            out += [Line(x) for x in cells.wrap_cells(block.text, width)]
        elif isinstance(block, Row):
            out += [Line(x) for x in cells.kv_lines(block.label, block.value, width, block.indent)]
        elif isinstance(block, Rule):
            out.append(Line(("=" if block.heavy else "-") * width))
        elif isinstance(block, Paragraph):
            out += [Line(x) for x in cells.wrap_cells(block.text, width)]
        elif isinstance(block, QR):
            out.append(Line(block.payload, "qr"))
            if block.caption:
                out += [Line(x) for x in _centered(block.caption, width)]
        elif isinstance(block, Blank):
            out.append(Line(""))
    if doc.marks:
        out += [Line(x, "mark") for x in _mark_line(doc.marks, width)]
    return out


def text_lines(doc: Document, width: int) -> list[str]:
    """Plain lines: the QR shows as its payload, wrapped (a text file cannot draw it)."""
    out: list[str] = []
    for line in layout(doc, width):
        if line.style == "qr":
            out += [cells.center(x, width) for x in _chunks(line.text, width)]
        else:
            out.append(line.text)
    return out


def _chunks(text: str, width: int) -> list[str]:
    """ASCII payload cut into pieces of `width` cells (it has no spaces to break at)."""
    out, current = [], ""
    for ch in text:
        if cell_len(current + ch) > width:
            out.append(current)
            current = ""
        current += ch
    return [*out, current] if current else out

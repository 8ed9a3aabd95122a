"""The PDF renderer: A5 or A4 pages, reportlab's built-in CID font STSong-Light (no font file).

reportlab is imported inside `render_pdf` only: the cashier app and `pos` alone never pay for it.
Each document starts on a page of its own; a long one continues on the next page. Label/value rows
put the label on the left and the amount flush right; a label too wide for its value wraps.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from pos.printing.document import QR, Blank, Document, Heading, Paragraph, Row, Rule, Title

FONT = "STSong-Light"
PAGES = ("A5", "A4")


def cid_text(text: str) -> str:
    """STSong-Light has no glyph for U+00B7 (the dot in 艾力·买买提): draw U+30FB, GB2312's A1A4
    middle dot, which reads back as U+00B7 (pdftotext, copy and paste)."""
    return text.replace("\u00b7", "\u30fb")


def wrap(text: str, width: float, size: float, string_width) -> list[str]:
    """Greedy wrap by measured width, keeping the CJK line-breaking rules of pos.cells."""
    from pos.cells import NO_LINE_END, NO_LINE_START

    lines: list[str] = []
    current = ""
    for ch in text:
        if string_width(current + ch, FONT, size) <= width or not current:
            current += ch
            continue
        carry = ""
        # 禁则: a closing mark does not start a line, an opening one does not end one.
        while len(current) > 1 and (
            (carry + ch)[:1] in NO_LINE_START or current[-1:] in NO_LINE_END
        ):
            current, carry = current[:-1], current[-1] + carry
            if len(carry) >= 3:
                break
        lines.append(current.rstrip())
        current = (carry + ch).lstrip()
    if current:
        lines.append(current)
    return lines or [""]


def render_pdf(docs: Document | Sequence[Document], page: str = "A5") -> bytes:
    """The documents as one PDF (bytes), each starting on a new page."""
    from reportlab.lib.pagesizes import A4, A5
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if page not in PAGES:
        raise ValueError(f"page must be one of {', '.join(PAGES)}, not {page!r}")
    if isinstance(docs, Document):
        docs = (docs,)
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    size = A5 if page == "A5" else A4
    buf = BytesIO()
    c = canvas.Canvas(buf, pagesize=size, invariant=1)
    for doc in docs:
        _Page(c, doc, size, 8.5 if page == "A5" else 10.5).draw()
    c.save()
    return buf.getvalue()


class _Page:
    """Draws one document, top to bottom, onto as many pages as it needs."""

    def __init__(self, c, doc: Document, size: tuple[float, float], body: float) -> None:
        from reportlab.lib.units import mm
        from reportlab.pdfbase import pdfmetrics

        self.c, self.doc = c, doc
        self.page_w, self.page_h = size
        self.margin = 14 * mm
        self.right = self.page_w - self.margin
        self.width = self.right - self.margin
        self.body, self.lead = body, body * 1.32
        self.sw = pdfmetrics.stringWidth
        self.qr_side = 22 * mm
        self.qr_bottom = self.page_h  # rows above this keep clear of the QR (first page only)
        self.y = 0.0

    def wrap(self, text: str, width: float, size: float) -> list[str]:
        return wrap(cid_text(text), width, size, self.sw)

    def right_edge(self) -> float:
        """Where a row may end at the current height: left of the QR while beside it."""
        if self.y - self.lead + self.body < self.qr_bottom:  # the next row's top clears it
            return self.right
        return self.right - self.qr_side - self.body

    def new_page(self) -> None:
        from reportlab.lib.colors import Color, black

        c, doc = self.c, self.doc
        self.y = self.page_h - self.margin
        self.qr_bottom = self.page_h
        if not doc.marks:
            return
        # A faint diagonal word behind the text: 补打 / 培训 / 冲红 cannot be cut off the page.
        c.saveState()
        c.setFillColor(Color(0.9, 0.9, 0.9))
        word = " ".join(m.split()[0] for m in doc.marks)
        diagonal = (self.page_w**2 + self.page_h**2) ** 0.5
        size = min(44.0, 0.7 * diagonal / max(self.sw(word, FONT, 1), 1))
        c.setFont(FONT, size)
        c.translate(self.page_w / 2, self.page_h / 2)
        c.rotate(35)
        c.drawCentredString(0, -size / 3, word)
        c.restoreState()
        c.setFillColor(Color(0.75, 0.1, 0.1))
        c.setFont(FONT, self.body)
        for mark in doc.marks:
            for line in self.wrap(f"【{mark}】", self.width, self.body):
                self.y -= self.lead
                c.drawCentredString(self.page_w / 2, self.y, line)
        c.setFillColor(black)

    def need(self, height: float) -> None:
        if self.y - height < self.margin:
            self.c.showPage()
            self.new_page()

    def draw(self) -> None:
        c = self.c
        c.setTitle(f"{self.doc.institution_code} {self.doc.number}")
        self.new_page()
        top = self.y
        for qr in (b for b in self.doc.blocks if isinstance(b, QR)):
            self.qr(qr, top)
        for block in self.doc.blocks:
            if isinstance(block, Title):
                size = self.body * (1.6 if block.large else 1.15)
                for line in self.wrap(block.text, self.width - 2 * (self.qr_side + 4), size):
                    self.need(size * 1.5)
                    self.y -= size * 1.25
                    c.setFont(FONT, size)
                    c.drawCentredString(self.page_w / 2, self.y, line)
                    self.y -= size * 0.3
            elif isinstance(block, Heading | Paragraph):
                c.setFont(FONT, self.body)
                for line in self.wrap(block.text, self.right_edge() - self.margin, self.body):
                    self.need(self.lead)
                    self.y -= self.lead
                    c.drawString(self.margin, self.y, line)
            elif isinstance(block, Row):
                self.row(block)
            elif isinstance(block, Rule):
                self.need(self.lead * 0.6)
                self.y -= self.lead * 0.6
                c.setLineWidth(1.2 if block.heavy else 0.4)
                at = self.y + self.lead * 0.2
                c.line(self.margin, at, self.right_edge(), at)
            elif isinstance(block, Blank):
                self.y -= self.lead * 0.5
        c.showPage()

    def row(self, block: Row) -> None:
        c, body = self.c, self.body
        c.setFont(FONT, body)
        indent = block.indent * body / 2
        right = self.right_edge()
        value = cid_text(block.value)
        value_w = self.sw(value, FONT, body)
        lines = self.wrap(block.label, right - self.margin - indent, body)
        if self.sw(lines[-1], FONT, body) + indent + body + value_w > right - self.margin:
            lines.append("")  # the value goes on a line of its own
        for i, line in enumerate(lines):
            self.need(self.lead)
            right = self.right_edge()  # decided before the row moves down: its top must clear
            self.y -= self.lead
            c.drawString(self.margin + indent, self.y, line)
            if i == len(lines) - 1 and value:
                c.drawRightString(right, self.y, value)

    def qr(self, block: QR, top: float) -> None:
        """The printer-neutral QR, top right of the first page, with its caption under it.

        Encoded once with reportlab's own encoder and filled as one path of row runs: the
        QrCodeWidget route encodes twice and builds a shape per run (≈ 30 ms of a 35 ms page).
        """
        from itertools import groupby

        from reportlab.graphics.barcode import qrencoder

        code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        code.addData(block.payload)
        code.make()
        count, border = code.getModuleCount(), 2
        side = self.qr_side
        box = side / (count + 2 * border)
        x0, y0 = self.right - side, top - side
        path = self.c.beginPath()
        for r, row in enumerate(code.modules):
            col = 0
            for dark, run in groupby(bool(m) for m in row):
                n = len(list(run))
                if dark:
                    path.rect(x0 + (col + border) * box, top - (r + border + 1) * box, n * box, box)
                col += n
        self.c.drawPath(path, stroke=0, fill=1)
        bottom = y0
        if block.caption:
            self.c.setFont(FONT, self.body * 0.75)
            bottom -= self.body
            self.c.drawCentredString(self.right - side / 2, bottom, cid_text(block.caption))
        self.qr_bottom = bottom - 2

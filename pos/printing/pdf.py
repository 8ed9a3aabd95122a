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


def _wrap(text: str, width: float, size: float, string_width) -> list[str]:
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
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.colors import Color, black
    from reportlab.lib.pagesizes import A4, A5
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if page not in PAGES:
        raise ValueError(f"page must be one of {', '.join(PAGES)}, not {page!r}")
    if isinstance(docs, Document):
        docs = (docs,)
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    sw = pdfmetrics.stringWidth
    page_w, page_h = A5 if page == "A5" else A4
    margin = 14 * mm
    body = 9.5 if page == "A5" else 11
    lead = body * 1.5
    right = page_w - margin
    width = right - margin
    red = Color(0.75, 0.1, 0.1)
    faint = Color(0.85, 0.85, 0.85)

    buf = BytesIO()
    c = canvas.Canvas(buf, pagesize=(page_w, page_h), invariant=1)

    for doc in docs:
        c.setTitle(f"{doc.institution_code} {doc.number}")
        state = {"y": page_h - margin}

        def new_page(doc: Document = doc, state: dict = state) -> None:
            if doc.marks:
                # A faint diagonal mark behind the text: 补打 / 培训 / 冲红 cannot be cut off.
                c.saveState()
                c.setFillColor(faint)
                word = " ".join(m.split()[0] for m in doc.marks)
                size = min(44.0, 0.8 * (page_w**2 + page_h**2) ** 0.5 / max(sw(word, FONT, 1), 1))
                c.setFont(FONT, size)
                c.translate(page_w / 2, page_h / 2)
                c.rotate(35)
                c.drawCentredString(0, -size / 3, word)
                c.restoreState()
                c.setFillColor(red)
                c.setFont(FONT, body)
                lines = [x for m in doc.marks for x in _wrap(f"【{m}】", width, body, sw)]
                for i, line in enumerate(lines):
                    c.drawCentredString(page_w / 2, page_h - margin + 2 - i * lead, line)
                c.setFillColor(black)
                state["y"] = page_h - margin - lead * len(lines)
            else:
                state["y"] = page_h - margin

        def need(height: float, state: dict = state, new_page=new_page) -> None:
            if state["y"] - height < margin:
                c.showPage()
                new_page()

        new_page()
        for block in doc.blocks:
            if isinstance(block, Title):
                size = body * (1.6 if block.large else 1.15)
                for line in _wrap(block.text, width, size, sw):
                    need(size * 1.5)
                    state["y"] -= size * 1.2
                    c.setFont(FONT, size)
                    c.drawCentredString(page_w / 2, state["y"], line)
                    state["y"] -= size * 0.3
            elif isinstance(block, Heading):
                for line in _wrap(block.text, width, body, sw):
                    need(lead)
                    state["y"] -= lead
                    c.setFont(FONT, body)
                    c.drawString(margin, state["y"], line)
            elif isinstance(block, Row):
                c.setFont(FONT, body)
                indent = block.indent * body / 2
                value_w = sw(block.value, FONT, body)
                gap = body
                label_lines = _wrap(block.label, width - indent, body, sw)
                if sw(label_lines[-1], FONT, body) + gap + value_w + indent > width:
                    label_lines.append("")  # the value goes on a line of its own
                for i, line in enumerate(label_lines):
                    need(lead)
                    state["y"] -= lead
                    c.drawString(margin + indent, state["y"], line)
                    if i == len(label_lines) - 1 and block.value:
                        c.drawRightString(right, state["y"], block.value)
            elif isinstance(block, Rule):
                need(lead * 0.6)
                state["y"] -= lead * 0.6
                c.setLineWidth(1.2 if block.heavy else 0.4)
                c.line(margin, state["y"] + lead * 0.15, right, state["y"] + lead * 0.15)
            elif isinstance(block, Paragraph):
                c.setFont(FONT, body)
                for line in _wrap(block.text, width, body, sw):
                    need(lead)
                    state["y"] -= lead
                    c.drawString(margin, state["y"], line)
            elif isinstance(block, QR):
                side = 26 * mm
                need(side + lead * 2)
                widget = QrCodeWidget(block.payload, barLevel="M")
                x0, y0, x1, y1 = widget.getBounds()
                drawing = Drawing(
                    side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0]
                )
                drawing.add(widget)
                state["y"] -= side
                renderPDF.draw(drawing, c, (page_w - side) / 2, state["y"])
                if block.caption:
                    state["y"] -= lead
                    c.setFont(FONT, body * 0.85)
                    c.drawCentredString(page_w / 2, state["y"], block.caption)
            elif isinstance(block, Blank):
                state["y"] -= lead * 0.5
        c.showPage()
    c.save()
    return buf.getvalue()

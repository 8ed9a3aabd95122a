"""The ESC/POS renderer: bytes for a 58 mm (32 columns) or 80 mm (48 columns) thermal printer.

python-escpos (its Dummy printer collects the bytes) is imported inside `render_escpos` only: it
takes about 0.7 s to import. Chinese goes out as GB18030 after `FS &` (Chinese character mode);
the QR is the printer's own (`GS ( k`), the paper is cut after each document (`GS V`), and the
cash drawer is kicked (`ESC p`) only for a live cash payment, never for a reprint or training.
"""

from __future__ import annotations

from collections.abc import Sequence

from pos.printing.document import Document, layout

FS_CHINESE_ON = b"\x1c\x26"  # FS &
FS_CHINESE_OFF = b"\x1c\x2e"  # FS .
FS_HANZI_TALL = b"\x1c\x21\x08"  # FS ! n: hanzi double height (ESC ! does the same for Latin)
FS_HANZI_NORMAL = b"\x1c\x21\x00"
ENCODING = "gb18030"


def render_escpos(
    docs: Document | Sequence[Document], width: int = 48, *, drawer_pin: int = 2
) -> bytes:
    """One print job: every document laid out in `width` columns, each followed by a cut."""
    from escpos.printer import Dummy

    if isinstance(docs, Document):
        docs = (docs,)
    p = Dummy()
    p.hw("INIT")
    p._raw(FS_CHINESE_ON)
    kick = False
    for doc in docs:
        for line in layout(doc, width):
            if line.style == "qr":
                p.set(align="center")
                p.qr(line.text, native=True, size=6 if width >= 48 else 4)
                p.set(align="left")
                continue
            if line.style == "title":
                p.set(bold=True, double_height=True)
                p._raw(FS_HANZI_TALL)
            elif line.style == "mark":
                p.set(bold=True)
            p._raw(line.text.encode(ENCODING) + b"\n")
            if line.style != "text":
                p.set(bold=False, normal_textsize=True)
                p._raw(FS_HANZI_NORMAL)
        p.cut()
        kick = kick or doc.opens_drawer
    p._raw(FS_CHINESE_OFF)
    if kick:
        p.cashdraw(drawer_pin)
    return p.output

"""Receipts on paper: a printer-neutral document model, its builders and renderers, and sinks.

    data = ReceiptData(settlement, fee_lines, station, cashier, payer)   # desk views
    docs = build_documents(data, lang)              # (门诊收费票据, 医保结算单)
    render_text(docs, 48)                           # str, lines of ≤ 48 cells
    deliver(docs, settings.printer)                 # file / network:9100 / USB / none

PDF (reportlab) and ESC/POS (python-escpos) load only inside their render functions: importing
this package imports neither. `pos.printing.books` reads stored settlements for 补打 (it needs
the database layer, so it is not imported here).
"""

from pos.printing.builders import (
    Payer,
    ReceiptData,
    build_documents,
    build_receipt,
    build_slip,
    from_outcome,
)
from pos.printing.daxie import daxie, xiaoxie
from pos.printing.document import WIDTHS, Document, layout, text_lines
from pos.printing.sinks import Delivered, deliver, render
from pos.printing.text import render_text

__all__ = [
    "WIDTHS",
    "Delivered",
    "Document",
    "Payer",
    "ReceiptData",
    "build_documents",
    "build_receipt",
    "build_slip",
    "daxie",
    "deliver",
    "from_outcome",
    "layout",
    "render",
    "render_text",
    "text_lines",
    "xiaoxie",
]

"""Where a rendered print job goes: a file (never overwritten), a network printer, USB, or nowhere.

Files are created 0600 with O_EXCL, named by institution + receipt number + kind + reprint count
(`H53060200001_MZ202500000001_receipt_r0.txt`): 昭通's MZ…0001 and 博州's MZ…0001 are two files,
a reprint is a new file, and if a name is taken anyway a `-2`, `-3` … suffix keeps both.
Failures come back as PosError("PRINT_FAILED", …) with one sentence in each language.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pos.config import PrinterSettings
from pos.errors import PosError
from pos.printing.document import Document

EXTENSIONS = {"text": "txt", "pdf": "pdf", "escpos": "bin"}
_UNSAFE = re.compile(r"[^0-9A-Za-z_-]+")


@dataclass(frozen=True)
class Delivered:
    sink: str  # file | network | usb | none
    where: str  # the file's path, host:port, usb vendor:product, or ""
    size: int


def failed(reason: object) -> PosError:
    text = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return PosError("PRINT_FAILED", f"打印失败：{text}", f"Printing failed: {text}")


def job_name(docs: Sequence[Document]) -> str:
    """institution_receipt_kind_rN: what a file sink calls this job."""
    first = docs[0]
    kind = first.kind if len(docs) == 1 else "all"
    if first.meta.get("kind") == "refund":
        kind += "-refund"
    parts = (first.institution_code, first.number, kind, f"r{first.reprint}")
    return "_".join(_UNSAFE.sub("-", p) or "-" for p in parts)


def write_new(path: Path, data: bytes) -> Path:
    """Create `path` (0600) and write `data`; if it exists, path-2, path-3 …; never overwrite."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    stem, suffix = path.stem, path.suffix
    for n in range(1, 1000):
        candidate = path if n == 1 else path.with_name(f"{stem}-{n}{suffix}")
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return candidate
    raise FileExistsError(f"too many files named {path.name}")


def render(docs: Sequence[Document], fmt: str, printer: PrinterSettings) -> bytes:
    """The job's bytes in `fmt` (text in the printer's encoding, PDF, or ESC/POS)."""
    if fmt == "text":
        from pos.printing.text import render_text

        return render_text(docs, printer.width).encode(printer.encoding)
    if fmt == "pdf":
        from pos.printing.pdf import render_pdf

        return render_pdf(docs, printer.page)
    if fmt == "escpos":
        from pos.printing.escpos import render_escpos

        return render_escpos(docs, printer.width, drawer_pin=printer.drawer_pin)
    raise ValueError(f"unknown print format {fmt!r} (text, pdf or escpos)")


def deliver(docs: Sequence[Document], printer: PrinterSettings) -> Delivered:
    """Render and send one job as the settings say. PosError PRINT_FAILED when it cannot."""
    if not printer.enabled:
        return Delivered("none", "", 0)
    fmt = printer.format if printer.sink == "file" else "escpos"
    try:
        data = render(docs, fmt, printer)
        if printer.sink == "file":
            path = write_new(printer.path / f"{job_name(docs)}.{EXTENSIONS[fmt]}", data)
            return Delivered("file", str(path), len(data))
        if printer.sink == "network":
            with socket.create_connection(
                (printer.host, printer.port), timeout=printer.timeout
            ) as conn:
                conn.sendall(data)
            return Delivered("network", f"{printer.host}:{printer.port}", len(data))
        return _usb(data, printer)
    except PosError:
        raise
    except (OSError, ValueError, UnicodeError) as exc:
        raise failed(exc) from None


def _usb(data: bytes, printer: PrinterSettings) -> Delivered:
    try:
        from escpos.printer import Usb
    except ImportError as exc:  # pragma: no cover - python-escpos is a dependency
        raise failed(exc) from None
    if not Usb.is_usable():
        raise PosError(
            "PRINT_FAILED",
            "打印失败：USB 打印需要 pyusb（pip install pyusb）",
            "Printing failed: USB printing needs pyusb (pip install pyusb)",
        )
    try:
        device = Usb(printer.usb_vendor, printer.usb_product, timeout=int(printer.timeout * 1000))
        try:
            device._raw(data)
        finally:
            device.close()
    except Exception as exc:  # python-escpos raises its own errors (USBNotFoundError, …)
        raise failed(exc) from None
    return Delivered("usb", f"{printer.usb_vendor:04x}:{printer.usb_product:04x}", len(data))

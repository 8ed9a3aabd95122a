"""The plain-text renderer: lines of at most `width` cells, UTF-8 (or the printer's encoding)."""

from __future__ import annotations

from collections.abc import Sequence

from pos.printing.document import Document, text_lines


def render_text(docs: Document | Sequence[Document], width: int = 48) -> str:
    """One or more documents as text, separated by a cut line."""
    if isinstance(docs, Document):
        docs = (docs,)
    parts = ["\n".join(text_lines(doc, width)) + "\n" for doc in docs]
    return ("\n" + "-" * width + "\n\n").join(parts)

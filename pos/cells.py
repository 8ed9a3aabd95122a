"""Text laid out in terminal cells (rich.cells.cell_len), never len(): a hanzi is two cells.

The one place the screens and the printed documents cut, pad and wrap text, so a CJK label and
an ASCII amount line up on paper and on screen alike.
"""

from __future__ import annotations

from rich.cells import cell_len


def fit(text: str, width: int) -> str:
    """`text` cut at a cell boundary to at most `width` cells, with … when cut."""
    if cell_len(text) <= width:
        return text
    out = ""
    for ch in text:
        if cell_len(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def pad(text: str, width: int) -> str:
    """Left-aligned text padded to `width` cells (cut if too long)."""
    text = fit(text, width)
    return text + " " * max(0, width - cell_len(text))


def rpad(text: str, width: int) -> str:
    """Right-aligned to `width` cells (cut if too long)."""
    text = fit(text, width)
    return " " * max(0, width - cell_len(text)) + text


def center(text: str, width: int) -> str:
    gap = max(0, width - cell_len(text))
    return " " * (gap // 2) + text


def kv(label: str, value: str, width: int) -> str:
    """`label ........ value` filling exactly `width` cells; too long: value on its own line."""
    space = width - cell_len(label) - cell_len(value)
    if space < 1:
        return fit(label, width) + "\n" + rpad(value, width)
    return label + " " * space + value


def wrap_cells(text: str, width: int) -> list[str]:
    """Break a sentence into lines of at most `width` cells (CJK-aware; spaces preferred for Latin)."""
    lines: list[str] = []
    current = ""
    for word in _tokens(text):
        if cell_len(current + word) <= width:
            current += word
            continue
        if current.strip():
            lines.append(current.rstrip())
        current = word.lstrip()
        while cell_len(current) > width:  # a single token wider than the paper
            head = fit(current, width + 1).removesuffix("…")
            lines.append(head)
            current = current[len(head) :]
    if current.strip():
        lines.append(current.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    """CJK characters one by one; Latin words with their leading space."""
    out: list[str] = []
    word = ""
    for ch in text:
        if cell_len(ch) == 2:
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        elif ch == " ":
            if word:
                out.append(word)
            word = " "
        else:
            word += ch
    if word:
        out.append(word)
    return out

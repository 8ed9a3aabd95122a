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


# 禁则 (CJK line breaking): these never begin a line …
NO_LINE_START = frozenset("，。、：；！？）」』》〉】〕”’…·%,.;:!?)]}")
# … and these never end one.
NO_LINE_END = frozenset("（「『《〈【〔“‘([{")


def wrap_cells(text: str, width: int) -> list[str]:
    """Break a sentence into lines of at most `width` cells (CJK-aware; spaces preferred for Latin).

    No line starts with closing punctuation (，。、：；！？）」…) and none ends with an opening
    bracket (（「…): the character before such a break moves down with it.
    """
    lines: list[str] = []
    current = ""
    for word in _tokens(text):
        if cell_len(current + word) <= width:
            current += word
            continue
        if current.strip():
            head, carry = _kinsoku(current, word.lstrip())
            lines.append(head.rstrip())
            current = carry + word.lstrip()
        else:
            current = word.lstrip()
        while cell_len(current) > width:  # a single token wider than the paper
            head = fit(current, width + 1).removesuffix("…")
            lines.append(head)
            current = current[len(head) :]
    if current.strip():
        lines.append(current.rstrip())
    return lines


def line_spans(text: str, width: int) -> list[tuple[int, int]]:
    """Where `wrap_cells` breaks `text`: (start, end) offsets of each line in `text`, so a styled
    text (rich.text.Text) can be cut at the same places. One rule for paper and screen: the
    printed documents call wrap_cells, the screens (screens.widgets.Wrapped) call this. A newline
    in `text` always breaks."""
    spans: list[tuple[int, int]] = []
    base = 0
    for paragraph in text.split("\n"):
        pos = 0
        for line in wrap_cells(paragraph, width) or [""]:
            at = paragraph.find(line, pos) if line else pos
            spans.append((base + at, base + at + len(line)))
            pos = at + len(line)
        base += len(paragraph) + 1
    return spans


def _kinsoku(line: str, following: str) -> tuple[str, str]:
    """Split `line` so the next line does not start (nor this one end) with a forbidden mark.

    Returns (what stays, what moves down in front of `following`). Only single CJK characters
    move, at most a few, and never the whole line.
    """
    head, carry = line.rstrip(), ""
    for _ in range(3):
        starts_bad = (carry + following)[:1] in NO_LINE_START
        ends_bad = head[-1:] in NO_LINE_END
        if not (starts_bad or ends_bad) or len(head) <= 1:
            break
        if cell_len(head[-1]) == 2:
            head, carry = head[:-1], head[-1] + carry
            continue
        # A Latin word before the mark (核磁共振（MRI）): the whole word moves down with it.
        start = len(head)
        while start > 0 and head[start - 1] != " " and cell_len(head[start - 1]) == 1:
            start -= 1
        if start == 0:
            break
        head, carry = head[:start], head[start:] + carry
    if head.rstrip()[-1:] in NO_LINE_END and len(head) > 1:
        head, carry = head[:-1], head[-1] + carry
    return head, carry


def kv_lines(label: str, value: str, width: int, indent: int = 0) -> list[str]:
    """`label ........ value` in `width` cells, never cut: a long label wraps (its later lines
    indented by two more cells) and the value sits right-aligned on the label's last line, or on
    a line of its own when it does not fit beside it."""
    prefix = " " * indent
    if cell_len(prefix + label) + 1 + cell_len(value) <= width:
        return [kv(prefix + label, value, width)]
    label = label.strip()
    first = wrap_cells(label, max(4, width - indent))[:1] or [""]
    rest = label[len(first[0]) :].strip()
    lines = [prefix + first[0]]
    if rest:
        lines += [prefix + "  " + x for x in wrap_cells(rest, max(4, width - indent - 2))]
    last = lines[-1]
    if cell_len(last) + 1 + cell_len(value) <= width:
        lines[-1] = kv(last, value, width)
    else:
        lines += [rpad(x, width) for x in wrap_cells(value, width)]
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

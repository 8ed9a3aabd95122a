"""One-line, field-naming messages for bad input, shared by the CLI, the center and the screens."""

from __future__ import annotations

from pydantic import ValidationError


def field_path(loc: tuple) -> str:
    """('items', 0, 'pric') -> 'items[0].pric'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "request"


def describe(exc: ValidationError) -> str:
    """The first problem of a validation error as `field: reason` (plus a count of the rest)."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    msg = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "missing":
        msg = "is required"
    elif first["type"] == "extra_forbidden":
        msg = "is not a known field"
    text = f"{field_path(tuple(first['loc']))}: {msg}"
    if len(errors) > 1:
        text += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    return text

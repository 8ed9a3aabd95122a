"""Two message catalogs with the same keys: pos/locales/zh.toml (default) and en.toml.

``t("login.title")`` looks a dotted key up in the current language; ``{name}`` placeholders are
filled from keyword arguments. A missing key shows itself in brackets instead of raising, so a
typo is visible on screen and caught by tests/screens/test_i18n.py, never a traceback.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

LOCALES = Path(__file__).parent / "locales"
LANGS = ("zh", "en")

_current = "zh"


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


@cache
def catalog(lang: str) -> dict[str, str]:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r} (known: {', '.join(LANGS)})")
    with (LOCALES / f"{lang}.toml").open("rb") as fh:
        return _flatten(tomllib.load(fh))


def set_lang(lang: str) -> None:
    global _current
    catalog(lang)  # validates
    _current = lang


def get_lang() -> str:
    return _current


def t(key: str, /, **values: object) -> str:
    text = catalog(_current).get(key)
    if text is None:
        return f"[{key}]"
    if values:
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def label(code: object) -> str:
    """A CodeEnum member's label in the current language (engine.codes.CodeEnum.label)."""
    fn = getattr(code, "label", None)
    return fn(_current) if callable(fn) else str(code)


def gend_code(gend: object) -> str:
    """1 男 / 2 女; anything else is 9 未说明 (a catalog key always exists)."""
    return str(gend) if str(gend) in ("1", "2") else "9"

"""Cashier-app settings: env prefix ``POS_``, nested delimiter ``__``.

    POS_LANG=en  POS_DATABASE_URL=sqlite:///pos.db  POS_PRINTER__TARGET=receipts
    POS_CURSOR_BLINK=false  POS_TRAINING=true  POS_STATION=H65270100001-01
    POS_KEYMAP='{"presettle": "f7"}'      # remap a Binding by its id

``Settings`` and ``PrinterSettings`` are plain frozen value types; tests build a ``Settings``
directly (no environment), so snapshots never depend on the host. pydantic-settings
(pos.config_model) is the authority on what the environment may say, but importing it costs
≈ 75–95 ms, most of the gap between the login screen and a bare Textual app. So
``load_settings`` first reads the environment here, accepting only what is plainly well-formed
(known names in upper case, exact literals, booleans spelt true/false/1/0, plain decimal numbers
in range, a keymap JSON object of strings); at any doubt (another spelling, an unknown literal, a
name pydantic-settings would also read, malformed JSON, an incomplete printer) it asks the model,
which refuses with its message exactly as before or gives the values. So this reader can only
accept less than the model, never more and never different values (tests/test_config_light.py).
Built directly, the value types check their fields the same plain way and hand any doubt (a dict
for the printer, a string for a number) to the model too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

SINKS = ("file", "network", "usb", "none")
FORMATS = ("text", "pdf", "escpos")
WIDTHS = (32, 48)
PAGES = ("A5", "A4")
DRAWER_PINS = (2, 5)
LANGS = ("zh", "en")


def _is_int(value: object) -> bool:
    return type(value) is int  # not bool


def _printer_plain(p: Mapping[str, Any]) -> bool:
    """Every printer field of its exact type and in range, and the sink complete."""
    port, timeout = p["port"], p["timeout"]
    vendor, product = p["usb_vendor"], p["usb_product"]
    return (
        p["sink"] in SINKS
        and type(p["target"]) is str
        and type(p["encoding"]) is str
        and p["format"] in FORMATS
        and _is_int(p["width"])
        and p["width"] in WIDTHS
        and p["page"] in PAGES
        and type(p["host"]) is str
        and _is_int(port)
        and 1 <= port <= 65535
        and type(timeout) is float
        and 0 < timeout <= 60
        and (vendor is None or _is_int(vendor))
        and (product is None or _is_int(product))
        and _is_int(p["drawer_pin"])
        and p["drawer_pin"] in DRAWER_PINS
        and (p["sink"] != "network" or p["host"] != "")
        and (p["sink"] != "usb" or (vendor is not None and product is not None))
    )


def _settings_plain(s: Mapping[str, Any]) -> bool:
    keymap = s["keymap"]
    return (
        type(s["lang"]) is str
        and s["lang"] in LANGS
        and (s["db_url"] is None or type(s["db_url"]) is str)
        and isinstance(s["printer"], PrinterSettings)
        and type(s["cursor_blink"]) is bool
        and type(s["training"]) is bool
        and (s["station"] is None or type(s["station"]) is str)
        and type(keymap) is dict
        and all(type(k) is str and type(v) is str for k, v in keymap.items())
        and type(s["show_clock"]) is bool
    )


def _values(obj: object) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in fields(obj)}  # type: ignore[arg-type]


def _take(obj: object, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        object.__setattr__(obj, name, value)


@dataclass(frozen=True)
class PrinterSettings:
    """Where receipts go and in what form (pos.printing).

    sink file: a directory (`target`), one new file per print, never overwritten;
    sink network: a raw ESC/POS printer at host:port (9100); sink usb: an ESC/POS printer by its
    USB vendor/product id (python-escpos Usb, needs pyusb); sink none, or target ``-``: nowhere.

        POS_PRINTER__SINK=network POS_PRINTER__HOST=10.0.0.7 POS_PRINTER__PORT=9100
    """

    sink: Literal["file", "network", "usb", "none"] = "file"
    target: str = "receipts"
    encoding: str = "utf-8"
    # What the file sink writes; network and USB printers always get ESC/POS.
    format: Literal["text", "pdf", "escpos"] = "text"
    width: Literal[32, 48] = 48  # 58 mm / 80 mm paper, in 12-dot columns (a hanzi takes two)
    page: Literal["A5", "A4"] = "A5"  # the PDF's paper
    host: str = ""
    port: int = 9100  # 1–65535
    timeout: float = 5.0  # seconds, more than 0 and at most 60
    usb_vendor: int | None = None
    usb_product: int | None = None
    drawer_pin: Literal[2, 5] = 2

    def __post_init__(self) -> None:
        values = _values(self)
        if not _printer_plain(values):  # the model decides: its error, or its values
            from pos.config_model import PrinterSettings as Model

            _take(self, Model(**values).model_dump())

    @property
    def enabled(self) -> bool:
        if self.sink == "none":
            return False
        return self.sink != "file" or self.target not in ("", "-")

    @property
    def path(self) -> Path:
        return Path(self.target)

    def model_copy(self, *, update: Mapping[str, Any] | None = None) -> PrinterSettings:
        """A copy with some fields changed (checked again), as pydantic spells it."""
        return replace(self, **(update or {}))


@dataclass(frozen=True)
class Settings:
    lang: Literal["zh", "en"] = "zh"
    # The one variable pos.database reads too (POS_DATABASE_URL; no second name for the same thing).
    db_url: str | None = None
    printer: PrinterSettings = field(default_factory=PrinterSettings)
    cursor_blink: bool = True
    training: bool = False  # live is the default; `pos train` chooses training
    # The station this terminal is (收费窗口); the login screen preselects it.
    station: str | None = None
    # Binding id -> keys, e.g. {"presettle": "f7"}; passed to App.set_keymap.
    keymap: dict[str, str] = field(default_factory=dict)
    # The top bar's clock, refreshed every 30 s; tests switch it off so snapshots never move.
    show_clock: bool = True

    def __post_init__(self) -> None:
        values = _values(self)
        if _settings_plain(values):
            object.__setattr__(self, "keymap", dict(self.keymap))
            return
        if isinstance(self.printer, PrinterSettings):
            values["printer"] = _values(self.printer)
        from pos.config_model import GivenSettings

        _take(self, _plain_values(GivenSettings(**values)))

    def model_copy(self, *, update: Mapping[str, Any] | None = None) -> Settings:
        """A copy with some fields changed (checked again), as pydantic spells it."""
        return replace(self, **(update or {}))


def _plain_values(model: Any) -> dict[str, Any]:
    """The values of a validated pos.config_model.Settings, as the plain types hold them."""
    values = {name: getattr(model, name) for name in _SETTINGS_FIELDS}
    values["printer"] = PrinterSettings(**model.printer.model_dump())
    values["keymap"] = dict(model.keymap)
    return values


_SETTINGS_FIELDS = tuple(f.name for f in fields(Settings))

# ------------------------------------------------------------------ the light environment reader

ENV_PREFIX = "POS_"
_BOOLS = {"true": True, "false": False, "1": True, "0": False}
_PORT = re.compile(r"[1-9][0-9]{0,4}")
_TIMEOUT = re.compile(r"[0-9]{1,2}(?:\.[0-9]{1,6})?")
_USB_ID = re.compile(r"0|[1-9][0-9]{0,5}")


def _literal(*allowed: str):
    return lambda text: text if text in allowed else None


def _number(*allowed: int):
    spelt = {str(n): n for n in allowed}
    return lambda text: spelt.get(text)


def _text(text: str) -> str:
    return text


def _bool(text: str) -> bool | None:
    return _BOOLS.get(text)


def _port(text: str) -> int | None:
    if _PORT.fullmatch(text) and int(text) <= 65535:
        return int(text)
    return None


def _timeout(text: str) -> float | None:
    if _TIMEOUT.fullmatch(text) and 0 < float(text) <= 60:
        return float(text)
    return None


def _usb_id(text: str) -> int | None:
    return int(text) if _USB_ID.fullmatch(text) else None


def _keymap(text: str) -> dict[str, str] | None:
    import json

    try:
        value = json.loads(text)
    except ValueError:
        return None
    if type(value) is dict and all(type(k) is str and type(v) is str for k, v in value.items()):
        return value
    return None


# Each name the light reader knows, exactly as spelt, and how it reads the value (None: a doubt).
_TOP = {
    "POS_LANG": ("lang", _literal(*LANGS)),
    "POS_DATABASE_URL": ("db_url", _text),
    "POS_CURSOR_BLINK": ("cursor_blink", _bool),
    "POS_TRAINING": ("training", _bool),
    "POS_STATION": ("station", _text),
    "POS_KEYMAP": ("keymap", _keymap),
    "POS_SHOW_CLOCK": ("show_clock", _bool),
}
_PRINTER = {
    "POS_PRINTER__SINK": ("sink", _literal(*SINKS)),
    "POS_PRINTER__TARGET": ("target", _text),
    "POS_PRINTER__ENCODING": ("encoding", _text),
    "POS_PRINTER__FORMAT": ("format", _literal(*FORMATS)),
    "POS_PRINTER__WIDTH": ("width", _number(*WIDTHS)),
    "POS_PRINTER__PAGE": ("page", _literal(*PAGES)),
    "POS_PRINTER__HOST": ("host", _text),
    "POS_PRINTER__PORT": ("port", _port),
    "POS_PRINTER__TIMEOUT": ("timeout", _timeout),
    "POS_PRINTER__USB_VENDOR": ("usb_vendor", _usb_id),
    "POS_PRINTER__USB_PRODUCT": ("usb_product", _usb_id),
    "POS_PRINTER__DRAWER_PIN": ("drawer_pin", _number(*DRAWER_PINS)),
}
# What pydantic-settings reads after the (case-insensitive) prefix: a field's name, its alias
# (database_url), or a nested one (printer__…, keymap__…). A name starting so that the light
# reader does not know exactly is a doubt; any other POS_ name (POS_CACHE_DIR …) is ignored.
_MODEL_NAMES = (*_SETTINGS_FIELDS, "database_url")


def read_env(environ: Mapping[str, str], overrides: Mapping[str, object]) -> Settings | None:
    """Settings from plainly well-formed POS_ variables and overrides (non-None CLI values, which
    win); None at the least doubt (pos.config_model decides then)."""
    top: dict[str, Any] = {}
    printer: dict[str, Any] = {}
    for name, text in environ.items():
        lower = name.lower()
        if not lower.startswith("pos_"):
            continue
        known = _TOP.get(name) or _PRINTER.get(name)
        if known is None:
            if lower[4:].startswith(_MODEL_NAMES):
                return None
            continue
        if text == "":  # pydantic-settings ignores empty values (env_ignore_empty)
            continue
        value = known[1](text)
        if value is None:
            return None
        (printer if name in _PRINTER else top)[known[0]] = value
    for key, value in overrides.items():
        if key not in ("lang", "db_url", "station") or type(value) is not str:
            return None
        top[key] = value
    values = _values(Settings()) | top
    values["printer"] = _values(PrinterSettings()) | printer
    if not _printer_plain(values["printer"]):
        return None
    values["printer"] = PrinterSettings(**values["printer"])
    if not _settings_plain(values):
        return None
    return Settings(**values)


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (CLI flags) on top."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    light = read_env(os.environ, clean)
    if light is not None:
        return light
    from pos.config_model import Settings as Model

    return Settings(**_plain_values(Model(**clean)))

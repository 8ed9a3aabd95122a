"""The light settings reader (pos.config) against its authority, pydantic-settings
(pos.config_model): over environments and overrides drawn from good values, near misses and
hostile strings, the reader never accepts what the model refuses and, when it accepts, reads the
same values; `load_settings` refuses with the model's own message. Built directly, the plain value
types accept only what the model accepts, with the same values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from pydantic_settings import SettingsError

from pos import config_model
from pos.config import PrinterSettings, Settings, load_settings, read_env
from tests.hostile import WEIRD_VALUES

ROOT = Path(__file__).resolve().parent.parent

GOOD = {
    "POS_LANG": ["zh", "en"],
    "POS_DATABASE_URL": ["sqlite:///pos.db", "postgresql+psycopg://u:p@h/db"],
    "POS_CURSOR_BLINK": ["true", "false", "1", "0"],
    "POS_TRAINING": ["true", "false", "1", "0"],
    "POS_SHOW_CLOCK": ["true", "false", "1", "0"],
    "POS_STATION": ["H65270100001-01", "收费1"],
    "POS_KEYMAP": ['{"presettle": "f7"}', "{}", '{"a": "b", "a": "c"}'],
    "POS_PRINTER__SINK": ["file", "none"],
    "POS_PRINTER__TARGET": ["receipts", "-", "/tmp/r"],
    "POS_PRINTER__ENCODING": ["utf-8", "gb18030"],
    "POS_PRINTER__FORMAT": ["text", "pdf", "escpos"],
    "POS_PRINTER__PAGE": ["A5", "A4"],
    "POS_PRINTER__HOST": ["10.0.0.7", ""],
    "POS_PRINTER__PORT": ["9100", "1", "65535"],
    "POS_PRINTER__TIMEOUT": ["5", "0.5", "60", "12.25"],
    "POS_PRINTER__USB_VENDOR": ["1046", "0"],
    "POS_PRINTER__USB_PRODUCT": ["20497"],
    "POS_PRINTER__WIDTH": ["32", "48"],
    "POS_PRINTER__DRAWER_PIN": ["2", "5"],
}
# Names the reader does not know exactly: other spellings, pydantic-settings' other ways in, and
# variables that belong to other parts (ignored by both).
OTHER_NAMES = [
    "pos_lang",
    "Pos_Training",
    "POS_DB_URL",
    "POS_PRINTER",
    "POS_PRINTER__NOPE",
    "POS_PRINTER__target",
    "POS_KEYMAP__presettle",
    "POS_STATIONS",
    "POS_CACHE_DIR",
    "POS_AUDIT_KEY_FILE",
    "POS_",
]
NEAR = [
    "TRUE",
    "yes",
    "on",
    "off",
    " 1",
    "1 ",
    "2",
    "-1",
    "0",
    "00",
    "0012",
    "65536",
    "99999",
    "1e1",
    "5.",
    ".5",
    "0.0",
    "60.0000001",
    "61",
    "32",
    "48",
    "5",
    "0x10",
    "ZH",
    "fr",
    "network",
    "usb",
    "FILE",
    "null",
    "None",
    "[]",
    "[1]",
    '{"a": 1}',
    '{"a": null}',
    '{"a": ["b"]}',
    '{"a": "\\ud800"}',
    '{"\\udfff": "x"}',
    '"str"',
    "{",
    '{"target": "-"}',
    '{"sink": "network"}',
    "\udcff",
    "\u202e",
    "é" * 300,
]
TEXTS = [v for v in WEIRD_VALUES if isinstance(v, str) and "\x00" not in v]

BOOL_NEAR = ["TRUE", "True", "yes", "no", "on", "off", "t", "f", "y", "n", "2", "-1", " 1", "01"]
INT_NEAR = ["0", "00", "0012", "-1", "+1", "1_000", "1e1", "65536", "99999999", " 9100", "9100.0"]
NEAR_BY_NAME = {
    "POS_LANG": ["ZH", "En", "fr", "zh ", " en"],
    "POS_CURSOR_BLINK": BOOL_NEAR,
    "POS_TRAINING": BOOL_NEAR,
    "POS_SHOW_CLOCK": BOOL_NEAR,
    "POS_KEYMAP": ['{"a": 1}', '{"a": null}', "[]", '"x"', "{", '{"a": ["b"]}', "null", "1"],
    "POS_PRINTER__SINK": ["network", "usb", "FILE", "None", "file "],
    "POS_PRINTER__FORMAT": ["TEXT", "pdf ", "html"],
    "POS_PRINTER__PAGE": ["a4", "A3", "A5 "],
    "POS_PRINTER__PORT": INT_NEAR,
    "POS_PRINTER__TIMEOUT": ["0", "0.0", "60.0000001", "61", "1e1", "5.", ".5", "-1", "nan", "inf",
                             "0.0000001", "59.9999999"],
    "POS_PRINTER__USB_VENDOR": [*INT_NEAR, "0x10"],
    "POS_PRINTER__USB_PRODUCT": [*INT_NEAR, "0x10"],
    "POS_PRINTER__WIDTH": ["32", "48", "40", "032"],
    "POS_PRINTER__DRAWER_PIN": ["2", "5", "3"],
}  # fmt: skip
ANY_GOOD = sorted({v for pool in GOOD.values() for v in pool})
ANYTHING = st.one_of(
    st.sampled_from(NEAR + TEXTS + ANY_GOOD + [""]),
    st.text(
        alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"]),
        max_size=12,
    ),
)


def doubtful(name: str):
    return st.one_of(st.sampled_from(NEAR_BY_NAME.get(name, [""])), ANYTHING)


@st.composite
def environments(draw, good_only: bool = False) -> dict[str, str]:
    """Known names with good values, and (unless good_only) one or two of any name with a near
    miss, a hostile string or another name's good value."""
    env = {
        name: draw(st.sampled_from(GOOD[name]))
        for name in draw(st.lists(st.sampled_from(list(GOOD)), max_size=6))
    }
    if not good_only:
        for name in draw(st.lists(st.sampled_from([*GOOD, *OTHER_NAMES]), min_size=1, max_size=2)):
            env[name] = draw(doubtful(name))
    return env


overrides = st.fixed_dictionaries(
    {},
    optional={
        "lang": st.sampled_from(["zh", "en", "fr", None]),
        "db_url": st.sampled_from(["sqlite:///x.db", "", None]),
    },
)


def model_verdict(env: dict[str, str], clean: dict) -> Settings | str:
    """What pydantic-settings makes of the environment: the values, or its message."""
    with mock.patch.dict(os.environ):
        for name in [n for n in os.environ if n.lower().startswith("pos_")]:
            del os.environ[name]
        os.environ.update(env)
        try:
            model = config_model.Settings(**clean)
        except (ValidationError, SettingsError) as exc:
            return f"{type(exc).__name__}: {exc}"
    return Settings(**{f: getattr(model, f) for f in type(model).model_fields} | {
        "printer": PrinterSettings(**model.printer.model_dump())
    })  # fmt: skip


def load_verdict(env: dict[str, str], ov: dict) -> Settings | str:
    with mock.patch.dict(os.environ):
        for name in [n for n in os.environ if n.lower().startswith("pos_")]:
            del os.environ[name]
        os.environ.update(env)
        try:
            return load_settings(**ov)
        except (ValidationError, SettingsError) as exc:
            return f"{type(exc).__name__}: {exc}"


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(env=environments(), ov=overrides)
def test_the_light_reader_accepts_only_what_the_model_accepts_with_its_values(env, ov):
    clean = {k: v for k, v in ov.items() if v is not None}
    light = read_env(env, clean)
    verdict = model_verdict(env, clean)
    if light is not None:
        assert not isinstance(verdict, str), (env, clean, verdict)
        assert light == verdict and types(light) == types(verdict)
        assert types(light.printer) == types(verdict.printer)
    assert load_verdict(env, ov) == verdict  # the same values, or the model's message


@settings(max_examples=200, deadline=None)
@given(env=environments(good_only=True), lang=st.sampled_from([None, "zh", "en"]))
def test_plainly_well_formed_environments_are_read_without_the_model(env, lang):
    if env.get("POS_PRINTER__SINK") == "network" and not env.get("POS_PRINTER__HOST"):
        env["POS_PRINTER__HOST"] = "10.0.0.7"
    clean = {} if lang is None else {"lang": lang}
    light = read_env(env, clean)
    assert light is not None, env
    assert light == model_verdict(env, clean)


def test_what_the_light_reader_reads():
    env = {
        "POS_LANG": "en",
        "POS_TRAINING": "1",
        "POS_CURSOR_BLINK": "false",
        "POS_PRINTER__PORT": "9101",
        "POS_PRINTER__TIMEOUT": "2.5",
        "POS_KEYMAP": '{"presettle": "f12"}',
        "POS_CACHE_DIR": "/tmp/x",  # another part's variable: ignored
        "POS_STATION": "",  # empty: ignored, as pydantic-settings does
    }
    s = read_env(env, {"db_url": "sqlite:///a.db"})
    assert s == Settings(
        lang="en",
        db_url="sqlite:///a.db",
        training=True,
        cursor_blink=False,
        printer=PrinterSettings(port=9101, timeout=2.5),
        keymap={"presettle": "f12"},
    )
    for doubt in ({"pos_lang": "en"}, {"POS_DB_URL": "x"}, {"POS_TRAINING": "yes"},
                  {"POS_PRINTER__WIDTH": "032"}, {"POS_PRINTER__SINK": "network"},
                  {"POS_KEYMAP": '{"a": 1}'}, {"POS_PRINTER__PORT": "0012"}):  # fmt: skip
        assert read_env(doubt, {}) is None, doubt


def test_the_paper_width_and_drawer_pin_can_be_set_from_the_environment(monkeypatch):
    # The README names POS_PRINTER__WIDTH=32; the model refused any text for its int literals.
    monkeypatch.setenv("POS_PRINTER__WIDTH", "32")
    monkeypatch.setenv("POS_PRINTER__DRAWER_PIN", "5")
    assert config_model.Settings().printer.width == 32
    p = load_settings().printer
    assert (p.width, p.drawer_pin) == (32, 5)
    monkeypatch.setenv("POS_PRINTER__WIDTH", "40")
    with pytest.raises(ValidationError, match=r"printer\.width"):
        load_settings()


def test_a_refusal_is_the_models_message(monkeypatch):
    monkeypatch.setenv("POS_LANG", "fr")
    with pytest.raises(ValidationError) as e:
        load_settings()
    assert str(e.value).startswith("1 validation error for Settings\nlang\n")


direct_good = {
    "lang": ["zh", "en"],
    "db_url": [None, "sqlite:///x"],
    "cursor_blink": [True, False],
    "training": [True, False],
    "station": [None, "S1"],
    "keymap": [{}, {"a": "b"}],
    "printer": [PrinterSettings(), PrinterSettings(target="-")],
    "show_clock": [True, False],
}
direct_bad = {
    "lang": ["fr", "ZH", 1, None],
    "db_url": [3, b"x"],
    "cursor_blink": [1, 0, "false", "no", None, 2],
    "training": [1, "true", "yes", None],
    "station": [5, b"S"],
    "keymap": [{"a": 1}, {1: "b"}, [], "{}", None, {"a": None}],
    "printer": [{}, {"target": "-"}, {"sink": "network"}, "x", None, {"port": "9100"}],
    "show_clock": [1, 0, "off", None],
}
printer_good = {
    "sink": ["file", "none"],
    "target": ["receipts", "-"],
    "format": ["text", "pdf", "escpos"],
    "host": ["", "h"],
    "width": [32, 48],
    "page": ["A5", "A4"],
    "port": [1, 9100, 65535],
    "timeout": [5.0, 0.1, 60.0],
    "usb_vendor": [None, 1046],
    "usb_product": [None, 20497],
    "drawer_pin": [2, 5],
}
printer_bad = {
    "sink": ["FILE", "network", "usb", 1, None],
    "target": [None, 1, b"x"],
    "format": ["TEXT", None],
    "host": [None, 1],
    "width": ["32", 40, 32.0, True, None],
    "page": ["a4", None],
    "port": [0, 65536, "9100", 9100.0, -1, True, None],
    "timeout": [0.0, 60.5, 5, "5", float("nan"), True, -1.0, None, 60],
    "usb_vendor": ["1046", 1.0, -1, False],
    "usb_product": ["1", 2.5],
    "drawer_pin": [3, "2", 2.0, None],
}


@st.composite
def near_misses(draw, good: dict, bad: dict) -> dict:
    """Good values for some fields, and one or two fields with something near or wrong."""
    values = draw(
        st.fixed_dictionaries({}, optional={k: st.sampled_from(v) for k, v in good.items()})
    )
    for name in draw(st.lists(st.sampled_from(list(bad)), max_size=2)):
        values[name] = draw(st.sampled_from(bad[name]))
    return values


def types(obj) -> dict:
    return {k: type(v) for k, v in vars(obj).items()}


def _outcome(build):
    try:
        return build()
    except (ValidationError, ValueError, TypeError) as exc:
        return type(exc)


@settings(max_examples=500, deadline=None)
@given(near_misses(printer_good, printer_bad))
def test_a_printer_built_directly_is_what_the_model_makes_of_it(kwargs):
    model = _outcome(lambda: config_model.PrinterSettings(**kwargs).model_dump())
    plain = _outcome(lambda: PrinterSettings(**kwargs))
    if isinstance(model, dict):
        assert plain == PrinterSettings(**model)
        assert types(plain) == {k: type(v) for k, v in model.items()}
    else:
        assert plain is ValidationError


@settings(max_examples=500, deadline=None)
@given(near_misses(direct_good, direct_bad))
def test_settings_built_directly_are_what_the_model_makes_of_them(kwargs):
    with mock.patch.dict(os.environ, {"POS_LANG": "en", "POS_TRAINING": "true"}):
        # the environment plays no part in a Settings built directly
        given = {k: vars(v) if isinstance(v, PrinterSettings) else v for k, v in kwargs.items()}
        model = _outcome(lambda: config_model.GivenSettings(**given))
        plain = _outcome(lambda: Settings(**kwargs))
    if isinstance(model, config_model.Settings):
        want = Settings(
            **{f: getattr(model, f) for f in type(model).model_fields}
            | {"printer": PrinterSettings(**model.printer.model_dump())}
        )
        assert plain == want and types(plain) == types(want)
        assert types(plain.printer) == types(want.printer)
    else:
        assert plain is ValidationError


def test_settings_built_directly_ignore_the_environment(monkeypatch):
    monkeypatch.setenv("POS_LANG", "en")
    monkeypatch.setenv("POS_TRAINING", "true")
    assert Settings() == Settings(lang="zh", training=False)
    assert Settings(printer={"target": "-"}).printer == PrinterSettings(target="-")


def test_reading_plain_settings_imports_no_pydantic():
    code = (
        "import sys; from pos.config import load_settings; "
        "s = load_settings(lang='en'); "
        "assert s.lang == 'en' and s.printer.port == 9101 and s.training, s; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', "
        "'pydantic_settings', 'pydantic_core')); assert not bad, bad"
    )
    env = {k: v for k, v in os.environ.items() if not k.lower().startswith("pos_")}
    env |= {"POS_PRINTER__PORT": "9101", "POS_TRAINING": "true", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]

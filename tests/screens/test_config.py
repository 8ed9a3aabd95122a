"""Settings from the environment (POS_ prefix, __ nesting) and keymap overrides by Binding id."""

from __future__ import annotations

from pos.config import Settings, load_settings
from tests.screens import personas as P
from tests.screens.flow import login, press, scan


def test_env_prefix_and_nesting(monkeypatch, tmp_path):
    monkeypatch.setenv("POS_LANG", "en")
    monkeypatch.setenv("POS_PRINTER__TARGET", str(tmp_path))
    monkeypatch.setenv("POS_CURSOR_BLINK", "false")
    monkeypatch.setenv("POS_TRAINING", "1")
    monkeypatch.setenv("POS_KEYMAP", '{"presettle": "f12"}')
    s = load_settings()
    assert s.lang == "en" and s.printer.path == tmp_path and not s.cursor_blink and s.training
    assert s.keymap == {"presettle": "f12"}
    assert load_settings(lang="zh").lang == "zh"  # CLI flags win over the environment


def test_defaults():
    s = Settings()
    assert s.lang == "zh" and s.printer.enabled and s.cursor_blink and not s.training  # live


def test_printer_can_be_off():
    assert not Settings(printer={"target": "-"}).printer.enabled


async def test_keymap_remaps_by_binding_id(make_app):
    app = make_app()
    app.set_keymap({"presettle": "f12"})
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, P.RETIREE_OWN_ACCOUNT)
        await press(pilot, "f3", "down", "enter")
        await press(pilot, "f5")
        assert app.screen.state.split is None  # F5 no longer pre-settles
        await press(pilot, "f12")
        assert app.screen.state.split is not None

"""No two actions share a key where both can fire: the till, the back office and the training
app (whose priority bindings sit above the till) — a Ctrl twin added for one F-key must not
silently take another's (it happened: Ctrl+Y was both 下一位 and the training hint)."""

from __future__ import annotations

import pytest
from textual.binding import Binding

from pos.app import PosApp
from screens.cashier import CashierScreen
from screens.common import CTRL_TWIN


def keys_of(bindings) -> list[tuple[str, str]]:
    out = []
    for binding in bindings:
        if isinstance(binding, Binding):
            out += [(k.strip(), binding.action) for k in binding.key.split(",")]
    return out


def clashes(pairs: list[tuple[str, str]]) -> dict[str, set[str]]:
    actions: dict[str, set[str]] = {}
    for key, action in pairs:
        actions.setdefault(key, set()).add(action)
    return {key: acts for key, acts in actions.items() if len(acts) > 1}


def test_the_till_and_the_app_share_no_key():
    assert clashes(keys_of(PosApp.BINDINGS) + keys_of(CashierScreen.BINDINGS)) == {}


def test_training_keys_take_no_till_key():
    from pos.training.app import TrainingApp

    pairs = keys_of(TrainingApp.BINDINGS) + keys_of(CashierScreen.BINDINGS)
    assert clashes(pairs) == {}


def _screen_modules() -> list[str]:
    import pkgutil

    import screens

    names = []
    for info in pkgutil.walk_packages(screens.__path__, "screens."):
        names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("module", _screen_modules())
def test_every_f_key_has_its_one_ctrl_twin_and_no_key_clashes(module):
    import importlib

    screens = importlib.import_module(module)
    for obj in vars(screens).values():
        bindings = getattr(obj, "BINDINGS", None)
        if not isinstance(bindings, list) or getattr(obj, "__module__", "") != module:
            continue
        pairs = keys_of(bindings)
        for key, action in pairs:
            if key in CTRL_TWIN:
                twins = {k for k, a in pairs if a == action and k != key}
                assert CTRL_TWIN[key] in twins, (obj, key, twins)
        assert clashes(pairs) == {}, obj

"""Both catalogs have the same keys and placeholders; every key the code uses exists."""

from __future__ import annotations

import re
from pathlib import Path

from pos import i18n

ROOT = Path(__file__).resolve().parents[2]


def test_same_keys():
    zh, en = i18n.catalog("zh"), i18n.catalog("en")
    assert set(zh) == set(en), set(zh) ^ set(en)


def test_same_placeholders():
    zh, en = i18n.catalog("zh"), i18n.catalog("en")
    for key in zh:
        assert set(re.findall(r"{(\w+)}", zh[key])) == set(re.findall(r"{(\w+)}", en[key])), key


def test_every_literal_key_used_exists():
    used: set[str] = set()
    for path in [*ROOT.joinpath("screens").rglob("*.py"), *ROOT.joinpath("pos").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt\(\s*"([a-z_]+\.[a-z_.0-9]+)"\s*[,)]""", text))
        used |= set(re.findall(r'"(key\.[a-z_.]+)"', text))
    missing = sorted(k for k in used if k not in i18n.catalog("zh"))
    assert not missing


def test_missing_key_shows_itself():
    assert i18n.t("no.such.key") == "[no.such.key]"

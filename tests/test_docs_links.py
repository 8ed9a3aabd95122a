"""#8.9: the docs and `pos --help` cite only files the project has (no contracts/…, no
reference/…), and the README's facts match the fixtures."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [
    "README.md",
    "AGENTS.md",
    "docs/ARCHITECTURE.md",
    "docs/SETTLEMENT.md",
    "docs/MESSAGES.md",
    "docs/CENTER.md",
    "docs/DEMO.md",
]
CITED = re.compile(r"`([\w./-]+\.(?:md|py|toml|tcss))`|\]\(([^)#\s]+)\)")
OUTSIDE = re.compile(r"\b(?:contracts|reference)/[\w-]+\.md")


def _help_texts() -> list[str]:
    import argparse

    from pos.cli import build_parser

    parser = build_parser()
    texts = [parser.format_help()]
    todo = [parser]
    while todo:
        for action in todo.pop()._actions:
            if isinstance(action, argparse._SubParsersAction):
                for choice in action.choices.values():
                    texts.append(choice.format_help())
                    todo.append(choice)
    return texts


@pytest.mark.parametrize("doc", DOCS)
def test_docs_cite_only_files_the_repo_has(doc):
    path = ROOT / doc
    text = path.read_text(encoding="utf-8")
    assert not OUTSIDE.findall(text), OUTSIDE.findall(text)
    for m in CITED.finditer(text):
        ref = m.group(1) or m.group(2)
        if ref.startswith(("http:", "https:")):
            continue
        assert (ROOT / ref).exists() or (path.parent / ref).exists(), f"{doc} cites {ref}"


def test_pos_help_cites_only_files_the_repo_has():
    for text in _help_texts():
        assert not OUTSIDE.findall(text), OUTSIDE.findall(text)
        for ref in re.findall(r"\b((?:docs|fixtures)/[\w./-]+\.(?:md|toml))", text):
            assert (ROOT / ref).exists(), ref
    assert any("docs/SETTLEMENT.md" in text for text in _help_texts())


def test_readme_people_match_the_fixtures():
    """Every person row of the README's demo table: the 身份证, 社保卡 and token belong to one
    fixture person with that name, and a birth year given there is theirs."""
    people = {}
    for family in sorted((ROOT / "fixtures" / "families").glob("*.toml")):
        data = tomllib.loads(family.read_text(encoding="utf-8"))
        for fam in data.get("family", []):
            for person in fam.get("person", []):
                people[person["name"]] = person
    rows = [
        line.split("|")[1:-1]
        for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
        if re.match(r"\| [^|]+（?\(?[^|]*\| \d{17}[\dX] \|", line)
    ]
    assert len(rows) >= 6
    for who, certno, card, token, _ in rows:
        name = who.split("(")[0].strip()
        person = people[name]
        assert person["certno"] == certno.strip(), name
        assert person["card_no"] == card.strip(), name
        assert person.get("ecert_token", token.strip(" `")) == token.strip(" `"), name
        born = re.search(r"born (\d{4})", who)
        assert born is None or int(born.group(1)) == person["brdy"].year, name
        assert not re.search(r"\(\d+,", who), f"{name}: an age goes stale; give the birth year"

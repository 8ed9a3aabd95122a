"""The one build step pyproject.toml cannot say: ship the top-level fixtures/ folder (the source
of truth, edited in place) inside the distribution as package data `engine/_fixtures/`, where
engine.fixtures finds it through importlib.resources once installed (wheel, pipx, `uv tool`)."""

from setuptools import find_packages, setup

FIXTURE_PACKAGES = [
    "engine._fixtures",
    "engine._fixtures.families",
    "engine._fixtures.policies",
    "engine._fixtures.scenarios",
]

setup(
    packages=find_packages(include=["engine*", "pos*", "screens*"]) + FIXTURE_PACKAGES,
    package_dir={"engine._fixtures": "fixtures"},
)

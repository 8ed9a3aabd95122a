"""Where the fixtures are: the one place every reader (policies, catalogue, families, the
hospital's seed) asks.

The top-level `fixtures/` folder of the source tree is the source of truth. A built distribution
(wheel, pipx, `uv tool`) ships the same files as package data `engine/_fixtures/` (setup.py maps
the folder into the package at build time), found through importlib.resources. Running from a
checkout, the folder itself is used, so an edit to a fixture needs no rebuild.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

_SOURCE = Path(__file__).resolve().parent.parent / "fixtures"


@cache
def fixtures_dir() -> Path:
    shipped = resources.files("engine").joinpath("_fixtures")
    if shipped.is_dir():
        return Path(str(shipped))  # installed from a wheel: a directory in site-packages
    return _SOURCE

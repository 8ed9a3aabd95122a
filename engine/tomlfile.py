"""A TOML file read into a validated pydantic model, with one-line errors that name the file, the
key path and the problem (policies, training scenarios)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

REPO_ROOT = Path(__file__).resolve().parent.parent
M = TypeVar("M", bound=BaseModel)


def shown(path: Path) -> str:
    """The path as a reader of the error wants it: relative to the checkout when inside it."""
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def _problem(error: dict) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown key (misspelled?)"
    if error["type"] == "missing":
        return "missing key"
    return str(error.get("msg", "invalid")).removeprefix("Value error, ")


def load_model_file(path: Path, model: type[M], error: type[Exception]) -> M:
    """Read `path`, validate it as `model`; its `id` must be the file's name. `error` otherwise."""
    path = Path(path)
    where = shown(path)
    try:
        with path.open("rb") as fh:
            # Floats stay text, so 0.60 becomes the exact Decimal 0.60, never a binary float.
            data = tomllib.load(fh, parse_float=str)
    except OSError as exc:
        raise error(f"{where}: cannot read: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise error(f"{where}: not valid TOML: {exc}") from None
    try:
        loaded = model.model_validate(data)
    except ValidationError as exc:
        problems = [
            ": ".join(filter(None, (".".join(map(str, e["loc"])), _problem(e))))
            for e in exc.errors()
        ]
        raise error(f"{where}: {'; '.join(problems)}".replace("\n", " ")) from None
    if loaded.id != path.stem:  # type: ignore[attr-defined]
        raise error(f"{where}: id: {loaded.id!r} does not match the file name")  # type: ignore[attr-defined]
    return loaded

"""The desk's callers see PosError and nothing else: storage and transport failures become a
clear one-line message in both languages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from pos.database import storage_error
from pos.errors import PosError
from pos.services.link import ResponseUnknown

P = ParamSpec("P")
R = TypeVar("R")


def guarded(fn: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except PosError:
            raise
        except ResponseUnknown as exc:
            raise PosError(
                "CENTER_NO_RESPONSE",
                "医保中心无响应，请重试",
                "No answer from the insurance center; try again",
            ) from exc
        except (SQLAlchemyError, PermissionError) as exc:
            # Read-only and full are named as such: retrying will not help there.
            raise storage_error(exc) from exc

    return wrapper

"""The desk's callers see PosError and nothing else: storage and transport failures become a
clear one-line message in both languages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import OperationalError, SQLAlchemyError

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
        except OperationalError as exc:
            raise PosError(
                "STORE_BUSY",
                "数据库忙或不可用，请稍后重试（未保存任何内容）",
                "The database is busy or unavailable; nothing was saved, try again",
            ) from exc
        except (SQLAlchemyError, PermissionError) as exc:
            raise PosError(
                "STORE_ERROR",
                f"数据保存失败（{type(exc).__name__}），未保存任何内容",
                f"Could not save ({type(exc).__name__}); nothing was saved",
            ) from exc

    return wrapper

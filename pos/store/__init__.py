"""The hospital side's storage: SQLAlchemy models on `HospitalBase` (tables prefixed hosp_)."""

from pos.store.models import *  # noqa: F403
from pos.store.models import HospitalBase

__all__ = ["HospitalBase"]

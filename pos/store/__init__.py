"""The hospital side's storage: SQLAlchemy models on `HospitalBase` (tables prefixed hosp_).

The models load when first asked for (`pos.store.models`, or a name from this package), so a
light module here (pos.store.firstlook) does not pay for the ORM.
"""

__all__ = ["HospitalBase"]


def __getattr__(name: str):
    from pos.store import models

    try:
        return getattr(models, name)
    except AttributeError:
        raise AttributeError(f"module 'pos.store' has no attribute {name!r}") from None

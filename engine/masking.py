"""Personal data masked for screens, paper and logs (DESIGN.md §4): one rule each, used everywhere."""

from __future__ import annotations


def mask_name(name: str) -> str:
    """艾孜买提·艾力 -> 艾*: the first character and one star, so the length is not shown either.

    A one-character name stays as it is; an already masked name is unchanged.
    """
    name = (name or "").strip()
    if len(name) <= 1 or name.endswith("*"):
        return name
    return name[0] + "*"


def mask_certno(certno: str) -> str:
    """652701199001011234 -> 6527**********1234: the first 4 and last 4 shown."""
    certno = (certno or "").strip()
    if "*" in certno:
        return certno
    if len(certno) <= 8:
        return "*" * len(certno)
    return certno[:4] + "*" * (len(certno) - 8) + certno[-4:]

"""One masking rule for personal data on screen, on paper and in logs (DESIGN.md §4).

    mask_name("艾孜买提·艾力") == "艾*"          # the first character, then one *
    mask_certno("652701201406010152") == "6527**********0152"   # first 4 and last 4

Names are cut to their first character whatever their length, so the number of stars says
nothing about the name either. Masking an already masked value gives the same value back.
"""

from __future__ import annotations


def mask_name(name: str) -> str:
    """艾买提 -> 艾*; an empty name stays empty."""
    name = (name or "").strip()
    return name[:1] + "*" if name else ""


def mask_certno(certno: str) -> str:
    """身份证 (or any card number): the first 4 and the last 4 shown, the rest starred."""
    certno = (certno or "").strip()
    if "*" in certno:
        return certno
    if len(certno) <= 8:
        return "*" * len(certno)
    return certno[:4] + "*" * (len(certno) - 8) + certno[-4:]

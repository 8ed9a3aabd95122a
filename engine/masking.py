"""One masking rule for personal data on screen and paper (DESIGN.md §4).

    mask_name("艾孜买提·艾力") == "艾*"          # the first character, then one *
    mask_certno("652701201406010152") == "6527**********0152"   # first 4 and last 4

Names are cut to their first character whatever their length, so the number of stars says
nothing about the name either. Masking an already masked value gives the same value back.
"""

from __future__ import annotations

from engine.idcard import mask as _mask_idcard


def mask_name(name: str) -> str:
    """艾买提 -> 艾*; an empty name stays empty."""
    name = name.strip()
    return name[:1] + "*" if name else ""


def mask_certno(certno: str) -> str:
    """身份证 (or any card number): the first 4 and the last 4 shown, the rest starred."""
    return _mask_idcard(certno.strip())

"""The one exception the hospital side raises to its callers: a code, a zh and an en sentence,
and the field it is about (if any).

Screens show `message(lang)`; scripts and tests match on `code`. Nothing below the services layer
(SQLAlchemy, the center, the KDF) ever reaches a caller as anything else.
"""

from __future__ import annotations


class PosError(Exception):
    def __init__(self, code: str, message_zh: str, message_en: str, field: str = "") -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.field = field  # the input field the refusal is about, when it is about one

    def message(self, lang: str = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def __repr__(self) -> str:
        return f"PosError({self.code!r}, {self.message_zh!r}, {self.message_en!r})"

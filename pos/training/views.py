"""What the training screens show: the score card (plain data, no SQLAlchemy, no Textual)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScoreItem:
    key: str  # outcome, amounts, givers, refusals, proof, reversal, ...
    ok: bool
    points: int
    max_points: int
    zh: str  # what was right or wrong, and why
    en: str

    def text(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class ScoreCard:
    scenario: str
    items: tuple[ScoreItem, ...]
    hints: int
    hint_penalty: int
    seconds: int

    @property
    def max_points(self) -> int:
        return sum(i.max_points for i in self.items)

    @property
    def points(self) -> int:
        return max(0, sum(i.points for i in self.items) - self.hint_penalty)

    @property
    def full_marks(self) -> bool:
        return self.points == self.max_points

    def as_json(self) -> dict:
        return {
            "scenario": self.scenario,
            "points": self.points,
            "max_points": self.max_points,
            "hints": self.hints,
            "hint_penalty": self.hint_penalty,
            "seconds": self.seconds,
            "items": [
                {
                    "key": i.key,
                    "ok": i.ok,
                    "points": i.points,
                    "max_points": i.max_points,
                    "zh": i.zh,
                    "en": i.en,
                }
                for i in self.items
            ],
        }

"""DASH risk levels (SafeLives DASH risk identification checklist, 2009)."""
from __future__ import annotations

import enum

DASH_MAX_SCORE = 27


class RiskLevel(enum.StrEnum):
    STANDARD = "standard"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def rank(self) -> int:
        return list(RiskLevel).index(self)


def risk_from_dash_score(score: int) -> RiskLevel:
    """Risk by number of ticks: 0-9 standard, 10-13 medium, 14 or more high.

    Professional judgement may raise the level, never lower it; high risk goes to MARAC.
    """
    if not 0 <= score <= DASH_MAX_SCORE:
        raise ValueError(f"a DASH score is 0 to {DASH_MAX_SCORE}")
    if score >= 14:
        return RiskLevel.HIGH
    if score >= 10:
        return RiskLevel.MEDIUM
    return RiskLevel.STANDARD

"""The reminder-text trial's analysis: outcomes by arm and by subgroup (issue 17).

Pure: given one record per analysed case, compares the texted arm with the control arm for
each outcome (app/domain/statistics.compare_proportions: a = texted, b = control, so a
negative difference and a ratio under 1 mean fewer events among those texted).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from app.domain.people import AGE_BANDS, AGE_UNKNOWN
from app.domain.randomiser import Arm
from app.domain.risk import RiskLevel
from app.domain.statistics import Comparison, compare_proportions, too_few_to_conclude

# The order-length bands are the trial's strata (app/domain/randomiser.py), so a stratified
# trial's subgroups are its strata; a DAPO until further order has no length.
LENGTH_BANDS = ("14 days or fewer", "15 to 21 days", "22 days or more", "Until further order")
# A subgroup with fewer analysed cases than this in an arm is marked as too small to read.
SUBGROUP_MIN_PER_ARM = 10


@dataclass(frozen=True)
class AnalysedCase:
    """One allocated case, not randomised in error, with its outcomes since allocation."""

    arm: Arm
    order_days: int | None
    risk_level: str | None
    age_band: str | None
    arrested: bool  # arrested for a breach recorded after allocation
    breached: bool  # any breach recorded after allocation


@dataclass(frozen=True)
class Outcome:
    key: str
    label: str
    counts: Callable[[AnalysedCase], bool]


OUTCOMES = (
    Outcome("arrested", "Arrested for a breach", lambda case: case.arrested),
    Outcome("breached", "Any breach recorded", lambda case: case.breached),
)
HEADLINE = OUTCOMES[0]


@dataclass(frozen=True)
class ArmCounts:
    texted_events: int
    texted_total: int
    control_events: int
    control_total: int
    comparison: Comparison | None  # None when an arm has no cases

    @property
    def too_few(self) -> bool:
        return too_few_to_conclude(self.texted_total, self.control_total)


@dataclass(frozen=True)
class OutcomeResult:
    outcome: Outcome
    counts: ArmCounts


@dataclass(frozen=True)
class SubgroupRow:
    label: str
    counts: ArmCounts

    @property
    def small(self) -> bool:
        return min(self.counts.texted_total, self.counts.control_total) < SUBGROUP_MIN_PER_ARM


@dataclass(frozen=True)
class Subgroups:
    title: str
    rows: tuple[SubgroupRow, ...]


def length_band(order_days: int | None) -> str:
    if order_days is None:
        return LENGTH_BANDS[3]
    if order_days <= 14:
        return LENGTH_BANDS[0]
    return LENGTH_BANDS[1] if order_days <= 21 else LENGTH_BANDS[2]


def compare(cases: Iterable[AnalysedCase], outcome: Outcome = HEADLINE) -> ArmCounts:
    texted = [case for case in cases if case.arm is Arm.INTERVENTION]
    control = [case for case in cases if case.arm is Arm.CONTROL]
    te, ce = sum(map(outcome.counts, texted)), sum(map(outcome.counts, control))
    comparison = compare_proportions(te, len(texted), ce, len(control)) if texted and control else None
    return ArmCounts(te, len(texted), ce, len(control), comparison)


def outcomes(cases: list[AnalysedCase]) -> list[OutcomeResult]:
    return [OutcomeResult(outcome, compare(cases, outcome)) for outcome in OUTCOMES]


def _rows(cases: list[AnalysedCase], levels: Iterable[tuple[str, str]], key: Callable[[AnalysedCase], str]):
    """A row for each level that has a case in it, in the levels' order, headline outcome."""
    rows = []
    for value, label in levels:
        members = [case for case in cases if key(case) == value]
        if members:
            rows.append(SubgroupRow(label, compare(members)))
    return tuple(rows)


def subgroups(cases: list[AnalysedCase]) -> list[Subgroups]:
    """The headline outcome by P's age band, the order's length and the risk level, as the
    officer confirmed them at allocation (the baseline)."""
    ages = [(band, band) for band in AGE_BANDS] + [(AGE_UNKNOWN, "Age not known")]
    risks = [(level.value, level.label) for level in RiskLevel] + [("", "Risk not recorded")]
    return [
        Subgroups("By age band", _rows(cases, ages, lambda c: c.age_band or AGE_UNKNOWN)),
        Subgroups("By order length", _rows(cases, [(b, b) for b in LENGTH_BANDS], lambda c: length_band(c.order_days))),
        Subgroups("By risk level", _rows(cases, risks, lambda c: c.risk_level or "")),
    ]

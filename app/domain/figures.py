"""The arithmetic of the figures for supervisors and admins (issue 17): periods of London
days, rates, medians, durations and months. Pure: no Flask, no database, no clock.

A period is whole London days, the first and last included: it runs from 00:00 London on
the first day to 00:00 London on the day after the last, so a clock change inside it is
neither lost nor counted twice. Rates are percentages to two decimal places (255 of 280 is
91.07); a rate with nothing to divide by is None ("no cases"), never 0.
"""
from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.domain.calendar import london_midnight

# The longest period the figures are asked for: ten years of days (a bookmark with a typo
# in the year must not make the page count from the year 2 onwards).
MAX_PERIOD_DAYS = 3660
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Period:
    first_day: date
    last_day: date

    def __post_init__(self):
        if self.last_day < self.first_day:
            raise ValueError("the last day must be the same as or after the first day")
        if (self.last_day - self.first_day).days >= MAX_PERIOD_DAYS:
            raise ValueError("a period may be at most ten years long")

    @property
    def start(self) -> datetime:
        """00:00 London on the first day (aware)."""
        return london_midnight(self.first_day)

    @property
    def end(self) -> datetime:
        """00:00 London on the day after the last: the period is [start, end)."""
        return london_midnight(self.last_day + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


def financial_year(year_ending: int) -> Period:
    """The year the Home Office's tables count: 1 April to 31 March, named by its end."""
    return Period(date(year_ending - 1, 4, 1), date(year_ending, 3, 31))


def year_ending_march(day: date) -> int:
    """The financial year `day` falls in, named by the year of its 31 March."""
    return day.year + 1 if day.month >= 4 else day.year


def percent(part: int, whole: int) -> float | None:
    """`part` of `whole` as a percentage to two decimal places; None when `whole` is 0."""
    if whole < 0 or part < 0:
        raise ValueError("counts cannot be negative")
    if whole == 0:
        return None
    return round(100 * part / whole, 2)


def ratio(part: int, whole: int) -> float | None:
    """`part` per one of `whole`, to two decimal places (breaches per order); None for 0."""
    if whole == 0:
        return None
    return round(part / whole, 2)


def format_percent(value: float | None) -> str:
    """91.07 -> "91.07%", 53.7 -> "53.7%", 100.0 -> "100%"; None -> "no cases"."""
    if value is None:
        return "no cases"
    return f"{value:.2f}".rstrip("0").rstrip(".") + "%"


def hours_between(earlier: datetime, later: datetime) -> float:
    """Elapsed hours from one instant to another (negative if `later` is earlier)."""
    if earlier.tzinfo is None or later.tzinfo is None:
        raise ValueError("instants must be timezone-aware")
    return (later - earlier).total_seconds() / 3600


def median_hours(values: Iterable[float]) -> float | None:
    """The median to one decimal place; None when there are no values."""
    values = list(values)
    return round(statistics.median(values), 1) if values else None


def max_hours(values: Iterable[float]) -> float | None:
    values = list(values)
    return round(max(values), 1) if values else None


def within(elapsed_hours: Iterable[float], limit_hours: float) -> int:
    """How many of the durations are at most `limit_hours`."""
    return sum(1 for h in elapsed_hours if h <= limit_hours)


def months(period: Period) -> list[tuple[int, int]]:
    """The (year, month) of every calendar month the period touches, in order."""
    found, year, month = [], period.first_day.year, period.first_day.month
    while (year, month) <= (period.last_day.year, period.last_day.month):
        found.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def month_label(year: int, month: int) -> str:
    return f"{_MONTHS[month - 1]} {year}"


def month_spans(period: Period) -> list[tuple[str, datetime, datetime]]:
    """Every London month the period touches, in order: ("Nov 2026", start, end), the part of
    the month inside the period as [start, end). A month starts at 00:00 London on its 1st
    (23:00 UTC the day before in summer); the first span starts at the period's start and the
    last ends at its end, and each span ends where the next starts, so every instant of the
    period is in exactly one. The database counts the instants in each span
    (services/figures_queries), so the page does not read every instant to count them."""
    touched = months(period)
    spans = []
    for index, (year, month) in enumerate(touched):
        start = period.start if index == 0 else london_midnight(date(year, month, 1))
        if index == len(touched) - 1:
            end = period.end
        else:
            next_year, next_month = touched[index + 1]
            end = london_midnight(date(next_year, next_month, 1))
        spans.append((month_label(year, month), start, end))
    return spans

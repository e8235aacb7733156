"""Which statutory clock a case is running, how long is left, and how urgent that is.

Pure: the current time and the calendar are arguments. Deadlines themselves come from
`deadlines`; this module only chooses among them and grades them.
"""
from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain import deadlines
from app.domain.calendar import Calendar


class ClockStatus(enum.StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


@dataclass(frozen=True)
class Thresholds:
    """Amber at 12 hours or less, red at 4 hours or less (or overdue): the dashboard's grades."""

    amber: timedelta = timedelta(hours=12)
    red: timedelta = timedelta(hours=4)


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Clock:
    name: str
    deadline: datetime
    remaining: timedelta
    status: ClockStatus

    @property
    def overdue(self) -> bool:
        return self.remaining <= timedelta(0)


@dataclass(frozen=True)
class CaseClockFacts:
    """The stored facts a case's clocks are derived from."""

    served_at: datetime | None = None
    hearing_window_hours: int | None = None
    hearing_begun: bool = False


def grade(deadline: datetime, now: datetime, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Clock:
    """Grade a deadline against `now`; the name is filled in by the caller."""
    remaining = deadline - now
    if remaining <= thresholds.red:
        status = ClockStatus.RED
    elif remaining <= thresholds.amber:
        status = ClockStatus.AMBER
    else:
        status = ClockStatus.GREEN
    return Clock(name="", deadline=deadline, remaining=remaining, status=status)


def _named(name: str, deadline: datetime, now: datetime, thresholds: Thresholds) -> Clock:
    clock = grade(deadline, now, thresholds)
    return Clock(name=name, deadline=clock.deadline, remaining=clock.remaining, status=clock.status)


def case_clocks(
    facts: CaseClockFacts,
    now: datetime,
    calendar: Calendar,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[Clock]:
    """Every clock running on a case, most urgent first.

    The hearing clock runs from service of the DVPN until the hearing begins
    (Crime and Security Act 2010 s.27(3)); later work adds the breach, order and
    Victims' Code clocks here.
    """
    clocks: list[Clock] = []
    if facts.served_at is not None and not facts.hearing_begun:
        deadline = deadlines.hearing_deadline(
            facts.served_at, hours=facts.hearing_window_hours or 48, calendar=calendar
        )
        clocks.append(_named("Hearing deadline", deadline, now, thresholds))
    return sorted(clocks, key=lambda c: c.deadline)


def most_urgent(clocks: Iterable[Clock]) -> Clock | None:
    return min(clocks, key=lambda c: c.deadline, default=None)

"""Which statutory clock a case is running, how long is left, and how urgent that is.

Pure: the current time and the calendar are arguments. Deadlines themselves come from
`deadlines`; this module only chooses among them and grades them.
"""
from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.domain import deadlines
from app.domain.breach_law import BreachOf, pace_detention_limit
from app.domain.calendar import Calendar
from app.domain.order_records import order_service_due


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
class OpenArrest:
    """An arrest for breach not yet dealt with by the court.

    ``hearing_at`` is set only for a breach of the notice: the hearing of the application
    P must be brought to if it comes before the 24 hours end (see
    ``deadlines.breach_court_deadline``). None for a breach of an order. ``of`` says what
    was breached: a DAPO's breach is an offence, and its clock is PACE's 24 hours without
    charge, with no day disregarded (``breach_law.pace_detention_limit``).
    """

    arrested_at: datetime
    hearing_at: datetime | None = None
    of: BreachOf = BreachOf.NOTICE

    def court_deadline(self, calendar: Calendar) -> datetime:
        if self.of is BreachOf.DAPO:
            return pace_detention_limit(self.arrested_at)
        return deadlines.breach_court_deadline(self.arrested_at, calendar=calendar, hearing_at=self.hearing_at)


@dataclass(frozen=True)
class CaseClockFacts:
    """The stored facts a case's clocks are derived from."""

    served_at: datetime | None = None
    hearing_window_hours: int | None = None
    hearing_begun: bool = False
    # Arrests for breach not yet dealt with by the court.
    open_arrests: tuple[OpenArrest, ...] = ()
    # The order in force: the day made and its length ("dvpo" or "dapo" rules).
    order_made_on: date | None = None
    order_days: int | None = None
    order_kind: str = "dvpo"
    # The order to be served on P: from the grant, the practice target's hours, until
    # served (None when there is no order in force or no target was fixed at its grant).
    order_granted_at: datetime | None = None
    order_service_hours: int | None = None
    order_served: bool = False
    # An officer closed the notice as lapsed (CaseState.NOTICE_LAPSED): no hearing clock.
    notice_closed: bool = False
    # A DAPO in force whose initial notification (DAA 2021 s.41(2)) is not recorded and no
    # s.41(8) exemption is: when it stops being on time (`deadlines.notification_due`).
    notification_due: datetime | None = None


BREACH_CLOCK = "Breach: before the court by"
HEARING_CLOCK = "Hearing deadline"
# The hearing deadline passed with no hearing begun: shown in its place, always red, until an
# officer records that the hearing did begin in time or closes the notice as lapsed.
LAPSED_CLOCK = "Notice lapsed: hearing not begun in time"
ORDER_CLOCK = "Order ends"
# A practice target, not statute (seed 002): named so on the dashboard and the case page.
ORDER_SERVICE_CLOCK = "Serve the order on P (practice target, not statutory)"
NOTIFICATION_CLOCK = "P to notify names and home address (DAA 2021 s.41(2))"


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


def next_regrade(clock: Clock, now: datetime, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> datetime | None:
    """The next instant after `now` at which what is shown of `clock` changes by time alone:
    it turns amber, turns red, or reaches its deadline (overdue; a hearing clock becomes the
    lapsed notice). None once all three have passed. The dashboard's poll answers "not
    modified" only before this instant, so a row never keeps a colour it has outgrown."""
    changes = (clock.deadline - thresholds.amber, clock.deadline - thresholds.red, clock.deadline)
    return min((t for t in changes if t > now), default=None)


def _named(name: str, deadline: datetime, now: datetime, thresholds: Thresholds) -> Clock:
    clock = grade(deadline, now, thresholds)
    return Clock(name=name, deadline=clock.deadline, remaining=clock.remaining, status=clock.status)


def case_clocks(
    facts: CaseClockFacts,
    now: datetime,
    calendar: Calendar,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[Clock]:
    """Every clock running on a case: breach clocks first, then the rest by deadline.

    - A person arrested for breach must be brought before the court within 24 hours,
      or at the hearing of the application if that is earlier for a breach of the notice
      (CSA 2010 s.26(2) and (4) for a DVPN, DAA 2021 s.26(2) and (4) for a DAPN; CSA
      2010 s.29 for a DVPO); a person arrested for breach of a DAPO, an offence, is
      charged or released within PACE 1984 s.41's 24 hours: shown above everything.
    - The hearing clock runs from service of the notice until the hearing begins
      (CSA 2010 s.27(3)).
    - An order's end (CSA 2010 s.28(10); a DAPO's fixed period under the DAA 2021).
    - Serving the order on P, from the grant until service is recorded: a practice target
      (Greater Manchester, seed 002), not a statutory deadline. Like every clock but a
      breach's, it never goes above a breach clock (`most_urgent`, `urgency`).
    - Under a DAPO, P's initial notification of names and home address, from the order
      until it is recorded: due within the three days beginning with the day the order is
      made (DAA 2021 s.41(2); `deadlines.notification_due`), unless exempt (s.41(8)).
    """
    breach = [
        _named(BREACH_CLOCK, arrest.court_deadline(calendar), now, thresholds)
        for arrest in facts.open_arrests
    ]
    clocks: list[Clock] = []
    deadline = _running_hearing_deadline(facts, calendar)
    if deadline is not None:
        if lapsed_at(deadline, now):
            clocks.append(Clock(name=LAPSED_CLOCK, deadline=deadline, remaining=deadline - now, status=ClockStatus.RED))
        else:
            clocks.append(_named(HEARING_CLOCK, deadline, now, thresholds))
    if facts.order_made_on is not None and facts.order_days is not None:
        end = deadlines.protection_order_end(facts.order_kind, facts.order_made_on, facts.order_days)
        clocks.append(_named(ORDER_CLOCK, end, now, thresholds))
    if facts.order_granted_at is not None and facts.order_service_hours and not facts.order_served:
        due = order_service_due(facts.order_granted_at, facts.order_service_hours)
        clocks.append(_named(ORDER_SERVICE_CLOCK, due, now, thresholds))
    if facts.notification_due is not None:
        clocks.append(_named(NOTIFICATION_CLOCK, facts.notification_due, now, thresholds))
    return sorted(breach, key=lambda c: c.deadline) + sorted(clocks, key=lambda c: c.deadline)


def _running_hearing_deadline(facts: CaseClockFacts, calendar: Calendar) -> datetime | None:
    """The hearing deadline while the hearing clock runs: served, no hearing begun, and
    the notice not closed as lapsed."""
    if facts.served_at is None or facts.hearing_begun or facts.notice_closed:
        return None
    return deadlines.hearing_deadline(
        facts.served_at, hours=facts.hearing_window_hours or deadlines.STATUTORY_HEARING_HOURS, calendar=calendar
    )


def lapsed_at(hearing_deadline: datetime, now: datetime) -> bool:
    """Whether a notice whose hearing has not begun has lapsed at `now`.

    The application "must be heard ... not later than 48 hours after" service (CSA 2010
    s.27(3); DAA 2021 s.29(2), disregarding the days in s.27(4) and s.29(3)), and the notice
    lasts only until the application is decided (CSA 2010 s.25(1)(d); DAA 2021
    s.25(2)(d)). At the deadline itself the hearing may just be beginning, but the notice
    is shown as lapsed from that instant, never later: an officer then records that the
    hearing did begin in time (at or before the deadline), or closes the notice.
    """
    return now >= hearing_deadline


def notice_lapsed(facts: CaseClockFacts, now: datetime, calendar: Calendar) -> bool:
    """Derived at read time, with no stored flag: served, no hearing begun (no outcome
    recorded and no start recorded), not already closed, and the deadline has come."""
    deadline = _running_hearing_deadline(facts, calendar)
    return deadline is not None and lapsed_at(deadline, now)


def most_urgent(clocks: Iterable[Clock]) -> Clock | None:
    """A running breach clock first, whatever its deadline; otherwise the soonest deadline."""
    return min(clocks, key=lambda c: (c.name != BREACH_CLOCK, c.deadline), default=None)


def urgency(clocks: Iterable[Clock]) -> tuple[int, datetime | None]:
    """The dashboard's sort key: (0 while a breach clock runs, 1 for other clocks, 2 for none; deadline)."""
    clock = most_urgent(clocks)
    if clock is None:
        return 2, None
    return (0 if clock.name == BREACH_CLOCK else 1), clock.deadline

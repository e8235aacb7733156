"""Statutory and Code deadlines, as instants.

Every function takes and returns timezone-aware datetimes; results are in
Europe/London (tzinfo=LONDON). Durations are measured in UTC, days are London days:
adding a timedelta to a London datetime in Python is wall-clock arithmetic, which is an
hour out across a clock change, so all arithmetic here goes through UTC.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta

from app.domain.calendar import DEFAULT_CALENDAR, LONDON, Calendar, london_midnight

HEARING_WINDOWS_HOURS = (48, 72)
STATUTORY_HEARING_HOURS = 48  # a case with no window recorded
BREACH_HOURS = 24
ORDER_MIN_DAYS = 14
ORDER_MAX_DAYS = 28

_ONE_DAY = timedelta(days=1)


def _require_aware(dt: object, name: str) -> datetime:
    if not isinstance(dt, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(dt).__name__}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return dt


def _next_counted_day(d: date, calendar: Calendar) -> date:
    while calendar.is_disregarded(d):
        d += _ONE_DAY
    return d


# Pure and asked again for the same cases on every dashboard poll: remembered. Equal aware
# instants hash alike whatever their zone, and the answer depends only on the instant.
@functools.lru_cache(maxsize=16384)
def _count_over_counted_days(
    start: datetime, length: timedelta, calendar: Calendar
) -> datetime:
    """The instant at which ``length`` of elapsed time has passed since ``start``,
    counting only time on London days that are not disregarded.

    Shared by the hearing clock and both breach clocks, which the Act words the same
    way. Time on a disregarded day does not run, so a start on one begins the count at
    00:00 of the next counted day. If the count runs out exactly at a midnight, that
    midnight is the answer: it is the end of the last counted day, and jumping over any
    disregarded days that follow would show a deadline later than the statute's.
    """
    day = start.astimezone(LONDON).date()
    if calendar.is_disregarded(day):
        day = _next_counted_day(day, calendar)
        cursor = london_midnight(day).astimezone(UTC)
    else:
        cursor = start.astimezone(UTC)
    remaining = length
    while True:
        day_end = london_midnight(day + _ONE_DAY).astimezone(UTC)
        available = day_end - cursor
        if remaining <= available:
            return (cursor + remaining).astimezone(LONDON)
        remaining -= available
        day = _next_counted_day(day + _ONE_DAY, calendar)
        cursor = london_midnight(day).astimezone(UTC)


def hearing_deadline(
    served_at: datetime, hours: int = STATUTORY_HEARING_HOURS, calendar: Calendar | None = None
) -> datetime:
    """When the DVPO hearing must have begun.

    Crime and Security Act 2010 s.27(3): the application must be heard not later than
    48 hours after the DVPN was served; s.27(4): in calculating when the 48 hours end,
    Christmas Day, Good Friday, any Sunday and any bank holiday in England and Wales are
    disregarded (see ``Calendar.is_disregarded``). ``hours`` is 48, or 72 where a force
    pilots the longer window.
    """
    served_at = _require_aware(served_at, "served_at")
    if (
        isinstance(hours, bool)
        or not isinstance(hours, int)
        or hours not in HEARING_WINDOWS_HOURS
    ):
        raise ValueError(f"hours must be one of {HEARING_WINDOWS_HOURS}, got {hours!r}")
    return _count_over_counted_days(
        served_at,
        timedelta(hours=hours),
        DEFAULT_CALENDAR if calendar is None else calendar,
    )


def breach_court_deadline(
    arrested_at: datetime, calendar: Calendar | None = None, *, hearing_at: datetime | None = None
) -> datetime:
    """When a person arrested for breach must have been brought before the court.

    The 24 hours are "the period of 24 hours beginning with the time of the arrest",
    counted like the hearing clock: any Sunday, Christmas Day, Good Friday and any bank
    holiday in England and Wales are disregarded. For a breach of a DVPO that is the
    whole rule (CSA 2010 s.29(1) and (3)); leave ``hearing_at`` out for any order breach.

    A person arrested for breach of the notice must be brought before the court "(a)
    before the end of the period of 24 hours beginning with the time of the arrest, or
    (b) if earlier, at the hearing of the application for a domestic abuse protection
    order against the person" (DAA 2021 s.26(2), for a DAPN), the days disregarded by
    s.26(4) "In calculating when the period of 24 hours mentioned in subsection (2)(a)
    ends"; CSA 2010 s.26(2)(a) and (b), and (4), say the same for a DVPN.
    ``hearing_at`` is that hearing: the listed start of the hearing of the application
    or, before one is listed, the hearing deadline (chosen by
    ``services/clock_cache.breach_hearing_at``). The answer is the earlier instant. No
    day is disregarded for the hearing: it is an instant, not a period.

    ``hearing_at`` before ``arrested_at`` is refused (ValueError): the caller decides
    what a hearing already under way at the arrest means. Naive datetimes are refused
    (ValueError).
    """
    arrested_at = _require_aware(arrested_at, "arrested_at")
    plain = _count_over_counted_days(
        arrested_at,
        timedelta(hours=BREACH_HOURS),
        DEFAULT_CALENDAR if calendar is None else calendar,
    )
    if hearing_at is None:
        return plain
    # Compared in UTC: two London datetimes compare by wall clock, an hour out in autumn.
    hearing_utc = _require_aware(hearing_at, "hearing_at").astimezone(UTC)
    if hearing_utc < arrested_at.astimezone(UTC):
        raise ValueError("hearing_at must not be before arrested_at")
    return hearing_utc.astimezone(LONDON) if hearing_utc < plain.astimezone(UTC) else plain


def order_end(
    made_on: date | datetime, days: int, *, calendar: Calendar | None = None  # noqa: ARG001
) -> datetime:
    """The first instant a DVPO made on ``made_on`` for ``days`` days is no longer in force.

    Crime and Security Act 2010 s.28(10): a DVPO may be in force for no fewer than 14
    and no more than 28 days beginning with the day on which it is made. Day 1 is the day
    made, so a 28-day order made on 1 March is in force to the end of 28 March and this
    returns 00:00 London on 29 March. A datetime is read as its London date.
    ``calendar`` is accepted for a uniform signature; holidays do not shorten an order.
    """
    return _end_of_day_count(made_on, days, ORDER_MIN_DAYS, ORDER_MAX_DAYS)


def dapo_end(made_on: date | datetime, days: int | None) -> datetime | None:
    """When a DAPO made on ``made_on`` for ``days`` days stops being in force; None when
    ``days`` is None, an order "until further order", which never ends by itself.

    Domestic Abuse Act 2021 s.38 (duration of orders): a DAPO has effect for a specified
    period or until further order, with no minimum or maximum, and different requirements
    may have effect for different periods (s.38's text could not be read here; this follows
    the Home Office statutory guidance for the police, November 2024, and the issue; see
    ``docs/law.md``). A fixed period is counted as for a DVPO, beginning with the day the
    order is made: 1 day made on 1 March ends 00:00 London on 2 March. ``days`` is at
    least 1.
    """
    if days is None:
        return None
    return _end_of_day_count(made_on, days, 1, None)


def protection_order_end(order_kind: str, made_on: date | datetime, days: int | None) -> datetime | None:
    """When an order made on ``made_on`` for ``days`` days stops being in force: a DAPO
    (``order_kind`` "dapo") by ``dapo_end`` (None: until further order), a DVPO by
    ``order_end`` (always a number of days, CSA 2010 s.28(10))."""
    if order_kind == "dapo":
        return dapo_end(made_on, days)
    if days is None:
        raise ValueError("a DVPO lasts a number of days (CSA 2010 s.28(10))")
    return order_end(made_on, days)


NOTIFICATION_DAYS = 3


def notification_due(day: date | datetime) -> datetime:
    """The first instant after "the period of three days beginning with" ``day`` (DAA 2021
    s.41(2) and (4)): 00:00 London three days after ``day``. The day itself is day 1; no
    day is disregarded (s.41 disregards none, unlike s.26(4) and s.29(3)). Made on Friday 4
    December: due by the end of Sunday 6 December, so overdue from 00:00 Monday 7 December.
    A datetime is read as its London date.
    """
    if isinstance(day, datetime):
        day = _require_aware(day, "day").astimezone(LONDON).date()
    elif not isinstance(day, date):
        raise TypeError(f"day must be a date or datetime, got {type(day).__name__}")
    return london_midnight(day + timedelta(days=NOTIFICATION_DAYS))


def _end_of_day_count(made_on: date | datetime, days: int, minimum: int, maximum: int | None) -> datetime:
    if isinstance(made_on, datetime):
        made_on = _require_aware(made_on, "made_on").astimezone(LONDON).date()
    elif not isinstance(made_on, date):
        raise TypeError(
            f"made_on must be a date or datetime, got {type(made_on).__name__}"
        )
    if isinstance(days, bool) or not isinstance(days, int):
        raise ValueError(f"days must be an integer, got {days!r}")
    if days < minimum or (maximum is not None and days > maximum):
        limits = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise ValueError(f"days must be {limits}, got {days}")
    return london_midnight(made_on + timedelta(days=days))


def referral_due(
    start: datetime, working_days: int = 2, calendar: Calendar | None = None
) -> datetime:
    """The first instant a Victims' Code referral to support services is overdue.

    Code of Practice for Victims of Crime in England and Wales (2020), Right 4: victims
    entitled to enhanced rights are referred within 2 working days (others within 5).
    The day of ``start`` does not count; the referral is overdue from 00:00 London after
    the ``working_days``-th working day. Monday 10:00 with no holidays gives Thursday
    00:00.
    """
    start = _require_aware(start, "start")
    if (
        isinstance(working_days, bool)
        or not isinstance(working_days, int)
        or working_days < 1
    ):
        raise ValueError(f"working_days must be an integer >= 1, got {working_days!r}")
    calendar = DEFAULT_CALENDAR if calendar is None else calendar
    day = start.astimezone(LONDON).date()
    counted = 0
    while counted < working_days:
        day += _ONE_DAY
        if calendar.is_working_day(day):
            counted += 1
    return london_midnight(day + _ONE_DAY)


# The Code's clock is in working days; "due within 4 working hours" needs office hours.
OFFICE_HOURS = (time(9), time(17))


def _at(day: date, clock: time) -> datetime:
    """A London wall-clock time on `day` as an aware instant (a zoneinfo datetime is already
    correct across clock changes when built from fields, unlike timedelta arithmetic)."""
    return datetime.combine(day, clock, tzinfo=LONDON)


def referral_warning(
    due: datetime,
    hours: float = 4,
    calendar: Calendar | None = None,
    office_hours: tuple[time, time] = OFFICE_HOURS,
) -> datetime:
    """The instant from which a referral is "due within `hours` working hours" of `due`.

    Working time is office hours (09:00-17:00 London by default) on working days (Victims'
    Code, Right 4, counts working days: Monday to Friday, not a bank holiday). Counting back
    from `due` over that time only, so a referral due 00:00 on a Tuesday after a bank-holiday
    Monday is flagged from 13:00 the Friday before, not on the Monday when nobody works.
    """
    due = _require_aware(due, "due")
    if not 0 < hours <= 24 * 7:
        raise ValueError(f"hours must be between 0 and 168, got {hours!r}")
    calendar = DEFAULT_CALENDAR if calendar is None else calendar
    opens, closes = office_hours
    remaining = timedelta(hours=hours)
    cursor = due.astimezone(LONDON)
    day = cursor.date()
    # Enough to cross any run of holidays (Christmas to New Year is at most five days).
    for _ in range(366):
        if calendar.is_working_day(day):
            start, end = _at(day, opens), _at(day, closes)
            end = min(end, cursor) if cursor.date() == day else end
            if end > start:
                available = end.astimezone(UTC) - start.astimezone(UTC)
                if remaining <= available:
                    return (end.astimezone(UTC) - remaining).astimezone(LONDON)
                remaining -= available
        day -= _ONE_DAY
    raise ValueError("no working time found in the year before the due time")


def follow_up_call_due(order_ends_at: datetime, working_days: int = 2, calendar: Calendar | None = None) -> datetime:
    """When a caseworker should call back a victim who declined support but agreed to a call
    near the end of the order: 00:00 London on the `working_days`-th working day counted back
    from the order's last day in force (London safe-contact practice, seed 003: "ask consent
    to call again near expiry"). An order ending 00:00 Friday (in force to the end of
    Thursday) gives Wednesday 00:00, so Wednesday and Thursday are left for the call.
    """
    order_ends_at = _require_aware(order_ends_at, "order_ends_at")
    if isinstance(working_days, bool) or not isinstance(working_days, int) or working_days < 1:
        raise ValueError(f"working_days must be an integer >= 1, got {working_days!r}")
    calendar = DEFAULT_CALENDAR if calendar is None else calendar
    end = order_ends_at.astimezone(LONDON)
    # The last day in force: the day before an end at midnight, else the end's own day.
    day = end.date() - _ONE_DAY if end.timetz().replace(tzinfo=None) == time(0) else end.date()
    counted = 0
    for _ in range(366):
        if calendar.is_working_day(day):
            counted += 1
            if counted == working_days:
                return london_midnight(day)
        day -= _ONE_DAY
    raise ValueError("no working day found in the year before the order's end")


# A service is expected to accept a referral it was sent within one working day (practice,
# not statute: the Victims' Code times the referral, not the service's answer).
ACCEPT_WORKING_DAYS = 1


def acceptance_due(sent_at: datetime, calendar: Calendar | None = None) -> datetime:
    """The first instant a referral sent at `sent_at` counts as not accepted in time: as the
    Code's referral clock (`referral_due`) with one working day. The day it was sent does not
    count; sent Monday 15:00 with no holidays, it is due by the end of Tuesday (Wednesday 00:00);
    sent Friday, by the end of Monday, or of Tuesday after a bank-holiday Monday."""
    return referral_due(sent_at, ACCEPT_WORKING_DAYS, calendar)


def not_accepted_cutoff(now: datetime, calendar: Calendar | None = None) -> datetime:
    """The instant C such that a referral sent before C, and only such a referral, is past
    `acceptance_due` at `now`: one comparison a query can make on the sent time.

    `acceptance_due(sent)` is 00:00 after N, the first working day after the sent day D; it
    has passed when N is before today T, that is when D is before P, the last working day
    before T. So C is 00:00 London at the start of P."""
    now = _require_aware(now, "now")
    calendar = DEFAULT_CALENDAR if calendar is None else calendar
    day = now.astimezone(LONDON).date() - _ONE_DAY
    for _ in range(366):
        if calendar.is_working_day(day):
            return london_midnight(day)
        day -= _ONE_DAY
    raise ValueError("no working day found in the year before now")

"""How dates, instants and time left are shown to people.

Everything is shown in Europe/London. Names of days and months come from fixed English
tables rather than strftime, whose %a and %b follow the process locale.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from app.domain.calendar import LONDON

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip


MIDNIGHT_AT_THE_END_OF = "midnight at the end of"


def to_london(dt: datetime) -> datetime:
    """The same instant in Europe/London (tzinfo=LONDON). Naive datetimes are refused:
    guessing their zone is how an hour goes missing at a clock change."""
    if not isinstance(dt, datetime):
        raise TypeError(f"expected a datetime, got {type(dt).__name__}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("dt must be timezone-aware")
    return dt.astimezone(LONDON)


def format_date(d: date) -> str:
    """'Tue 10 Nov 2026' (no leading zero on the day of the month)."""
    if isinstance(d, datetime):
        # Which London day a datetime falls on depends on its zone; make callers say.
        raise TypeError("format_date takes a date; use format_instant for a datetime")
    return f"{_DAY_NAMES[d.weekday()]} {d.day} {_MONTH_NAMES[d.month - 1]} {d.year}"


def format_birth_date(d: date) -> str:
    """A date of birth, with no weekday: '1 Mar 1985'."""
    return f"{d.day} {_MONTH_NAMES[d.month - 1]} {d.year}"


def format_instant(dt: datetime) -> str:
    """'Tue 10 Nov 2026, 09:00' in London time.

    An instant exactly at London midnight is shown in words as the end of the day before,
    "midnight at the end of Mon 9 Nov 2026": a deadline at midnight ends that day, "00:00,
    Tue 10 Nov" reads a day late to the eye, and "24:00" is not how people read times.
    Seconds are dropped, not rounded, so a deadline is never shown later than it is.
    """
    local = to_london(dt)
    if local.time() == time(0):
        return f"{MIDNIGHT_AT_THE_END_OF} {format_date(local.date() - timedelta(days=1))}"
    return f"{format_date(local.date())}, {local.hour:02d}:{local.minute:02d}"


def format_soon(dt: datetime, now: datetime) -> str:
    """An instant close to `now`, short enough for a button: '09:00' later the same London
    day, '09:00 tomorrow' on the next, otherwise in full (format_instant)."""
    local, today = to_london(dt), to_london(now).date()
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if local.time() != time(0) and local.date() == today:
        return clock
    if local.time() != time(0) and local.date() == today + timedelta(days=1):
        return f"{clock} tomorrow"
    return format_instant(dt)


def format_span(delta: timedelta) -> str:
    """A positive span for people: '2 days 3 h 5 min' (partial minutes dropped)."""
    total_minutes = int(delta.total_seconds() // 60)
    if total_minutes < 1:
        return "less than 1 min"
    days, rest = divmod(total_minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day" if days == 1 else f"{days} days")
    if hours:
        parts.append(f"{hours} h")
    if minutes:
        parts.append(f"{minutes} min")
    return " ".join(parts)


def format_remaining(delta: timedelta) -> str:
    """Time left, for people: '2 days 3 h 5 min', '3 h 5 min', '5 min', 'less than 1 min';
    a negative delta is 'overdue by 1 h 20 min'. Zero parts are left out ('1 day 5 min').

    Partial minutes are dropped, so time left is never overstated. A delta of exactly
    zero is 'less than 1 min', not overdue: the caller decides what "now" means.
    """
    if not isinstance(delta, timedelta):
        raise TypeError(f"expected a timedelta, got {type(delta).__name__}")
    if delta < timedelta(0):
        return f"overdue by {format_span(-delta)}"
    return format_span(delta)

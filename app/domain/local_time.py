"""Turning a date and a time typed by a person in England into an instant."""
from __future__ import annotations

from datetime import UTC, date, datetime, time

from app.domain.calendar import LONDON


class NonexistentLocalTime(ValueError):
    """The time was skipped when the clocks went forward."""


def london_instant(day: date, at: time) -> datetime:
    """The instant a London wall-clock reading denotes.

    A time skipped when the clocks go forward (01:00-01:59 on the last Sunday of March)
    does not exist and is refused. An ambiguous autumn time (01:00-01:59 twice) is taken as
    the first occurrence, the earlier instant, which can only make a deadline earlier.
    """
    local = datetime.combine(day, at, tzinfo=LONDON)
    round_trip = local.astimezone(UTC).astimezone(LONDON)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NonexistentLocalTime(
            f"{at:%H:%M} on {day:%d %B %Y} did not exist in London: the clocks went forward"
        )
    return local

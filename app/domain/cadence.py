"""Reminder texts for long and open-ended orders: the cadence.

Durham's "Operation Tetras" plan (domain/reminders.py) covers a DVPO of 14 to 28 days. A
DAPO has no maximum length and may last "until further order" (DAA 2021 s.38), so an order
longer than 28 days, or with no end, follows a cadence instead: a text every
``early_every_days`` in the first ``early_until_day`` days (weekly in the first month), then
every ``later_every_days`` (every four weeks); a text ``review_lead_days`` before each date
the court set to review the order; and, where the order has an end, a text about it
``end_lead_days`` before its last day.

An open-ended order would otherwise plan texts without limit, so texts are planned only as
far as ``horizon_days`` ahead of the moment of planning; a scheduler job tops the plan up
(services/cadence.extend_plans). The horizon applies to every cadence plan, so the number of
unsent rows a case holds is bounded by the horizon, not by the order's length.

Pure: no clock is read here; days are London days and send times London wall-clock times.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta

from app.domain.calendar import london_midnight
from app.domain.reminders import (
    DEFAULT_WINDOW,
    ContentKind,
    PlannedText,
    SendingWindow,
    _wall_to_utc,
    last_day_in_force,
    schedule,
)
from app.domain.timefmt import to_london

# Durham's plan is for orders of 14 to 28 days (CSA 2010 s.28(10)); longer ones follow the cadence.
DURHAM_MAX_DAYS = 28
ROTATION = (ContentKind.CONDITIONS, ContentKind.SUPPORT, ContentKind.POLICE_ACTIVITY, ContentKind.MOTIVATION)
# The text before a review reminds P of the conditions the court is about to look at again.
REVIEW_KIND = ContentKind.CONDITIONS

# (field, smallest, largest, what the admin is told)
LIMITS = {
    "early_every_days": (1, 31, "Days between texts in the first weeks"),
    "early_until_day": (0, 365, "How long the first, closer texts last"),
    "later_every_days": (7, 92, "Days between texts after that"),
    "review_lead_days": (1, 28, "Days before a review date"),
    "end_lead_days": (0, 28, "Days before the order's last day"),
    "horizon_days": (14, 366, "How far ahead texts are planned"),
}


@dataclass(frozen=True)
class Cadence:
    early_every_days: int = 7
    early_until_day: int = 28
    later_every_days: int = 28
    send_at: time = time(10)  # London wall clock
    review_lead_days: int = 2
    end_lead_days: int = 0
    horizon_days: int = 56

    def as_stored(self) -> dict:
        """As the admin's form and the stored version hold it (validate_cadence reads it back)."""
        stored = asdict(self)
        stored["send_at"] = f"{self.send_at:%H:%M}"
        return stored

    def periodic_days(self, upto: int) -> list[int]:
        """The day numbers (0: the day made) of the regular texts, up to and including ``upto``."""
        days, day = [], 0
        while day <= upto:
            days.append(day)
            day += self.early_every_days if day < self.early_until_day else self.later_every_days
        return days


DEFAULT_CADENCE = Cadence()


def uses_cadence(made_on: date, ends_at: datetime | None) -> bool:
    """Whether an order follows the cadence: no end (until further order), or more than 28 days."""
    if ends_at is None:
        return True
    return (last_day_in_force(ends_at) - made_on).days + 1 > DURHAM_MAX_DAYS


def review_key(review_date: date) -> str:
    return f"review-{review_date:%Y%m%d}"


def plan_cadence(*, made_on: date, ends_at: datetime | None, planned_at: datetime, review_dates: Sequence[date] = (),
                 cadence: Cadence = DEFAULT_CADENCE, window: SendingWindow = DEFAULT_WINDOW) -> list[PlannedText]:
    """The texts for a long or open-ended order, due before ``planned_at`` + the horizon.

    Rules, and why:

    * Regular texts on days 0, early, 2*early, ... while the day is before ``early_until_day``,
      then every ``later_every_days``; their kinds rotate (conditions, support, police
      activity, motivation) by their place in that sequence, so a text keeps its kind
      whatever the horizon. Keys are ``start+N`` like Durham's plan, so an order varied
      from 28 days to longer does not send a text it already sent.
    * A review text ``review_lead_days`` before each review date (key ``review-YYYYMMDD``)
      on or after the day made and before the end text's day; a review after the order's
      last day is dropped. A regular text on a review text's day is dropped: one text a day.
    * With an end: an end text ``end_lead_days`` before the last day (key ``end-N``); regular
      texts stop before its day, as in Durham's plan. Nothing is due at or after the end.
    * Quiet hours, stale texts and the first text follow ``reminders.schedule``.
    * Only texts whose nominal instant is before ``planned_at`` + ``horizon_days`` are
      returned; planning again later returns the next ones with the same keys.
    """
    if isinstance(made_on, datetime) or not isinstance(made_on, date):
        raise TypeError("made_on must be a date (the London day the order was made)")
    planned_at = to_london(planned_at)
    horizon_end = planned_at + timedelta(days=cadence.horizon_days)
    last_day = last_day_in_force(ends_at) if ends_at is not None else None
    end_day = None
    if last_day is not None:
        end_day = max(last_day - timedelta(days=cadence.end_lead_days), made_on)
    cutoff = end_day or date.max
    nominal: list[tuple[datetime, str, ContentKind]] = []
    if end_day is not None:
        nominal.append((_wall_to_utc(end_day, cadence.send_at), f"end-{cadence.end_lead_days}", ContentKind.ORDER_END))
    review_days = set()
    for review in sorted(set(review_dates)):
        day = review - timedelta(days=cadence.review_lead_days)
        if day <= made_on or day >= cutoff or (last_day is not None and review > last_day):
            continue
        review_days.add(day)
        nominal.append((_wall_to_utc(day, cadence.send_at), review_key(review), REVIEW_KIND))
    horizon_day = to_london(horizon_end).date()
    upto = (min(cutoff - timedelta(days=1), horizon_day) - made_on).days
    for index, number in enumerate(cadence.periodic_days(upto)):
        day = made_on + timedelta(days=number)
        if day in review_days:
            continue
        nominal.append((_wall_to_utc(day, cadence.send_at), f"start+{number}", ROTATION[index % len(ROTATION)]))
    within = [n for n in nominal if n[0] < horizon_end]
    return schedule(within, planned_at=planned_at, ends_at=ends_at, window=window)


# --------------------------------------------------------------------------------------
# The admin's cadence form
# --------------------------------------------------------------------------------------

_DIGITS = re.compile(r"[0-9]{1,4}")
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")


def _whole(value: object) -> int | None:
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        return int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def _clock(value: object) -> time | None:
    if isinstance(value, time):
        return value.replace(tzinfo=None, second=0, microsecond=0)
    match = _TIME.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


def validate_cadence(values: dict, window: SendingWindow = DEFAULT_WINDOW) -> tuple[Cadence | None, dict[str, str]]:
    """Read the admin's cadence (strings as typed, or stored values). Returns the cadence, or
    None and errors keyed by field. Never raises."""
    values = values if isinstance(values, dict) else {}
    errors: dict[str, str] = {}
    read: dict[str, object] = {}
    for name, (low, high, label) in LIMITS.items():
        number = _whole(values.get(name))
        if number is None or not low <= number <= high:
            errors[name] = f"{label} must be a whole number from {low} to {high}"
        read[name] = number
    send_at = _clock(values.get("send_at"))
    if send_at is None:
        errors["send_at"] = "Enter the send time as hours and minutes, like 10:00"
    elif not window.contains(send_at):
        errors["send_at"] = f"Send time must be between {window.opens:%H:%M} and {window.closes:%H:%M}"
    if "horizon_days" not in errors and "later_every_days" not in errors and read["horizon_days"] < read["later_every_days"]:
        errors["horizon_days"] = "Plan at least as far ahead as the days between later texts, so a next text is always planned"
    if errors:
        return None, errors
    return Cadence(send_at=send_at, **read), {}


def texts_in_first_year(cadence: Cadence = DEFAULT_CADENCE) -> int:
    """How many texts an order until further order gets in its first 365 days, for the admin
    page ("about 17 texts a year"). Wall times, so any fixed date will do."""
    made_on = date(2026, 1, 5)
    return len(plan_cadence(made_on=made_on, ends_at=None, planned_at=london_midnight(made_on),
                            cadence=replace(cadence, horizon_days=365)))

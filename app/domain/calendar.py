"""Which days count, for the statutory clocks and for the Victims' Code.

Three questions, three rules:

* ``is_bank_holiday``: a bank holiday in England and Wales (Banking and Financial
  Dealings Act 1971 s.1 and sch.1, plus days appointed by royal proclamation, such as
  substitute days and one-off days like 19 Sep 2022 and 8 May 2023), taken from the
  ``holidays`` package (``GB``, ``subdiv="ENG"``) plus any days an administrator has
  added, with one safety rule (below).
* ``is_disregarded``: a day left out of the hearing and breach clocks: Christmas Day,
  Good Friday, any Sunday and any bank holiday in England and Wales (Crime and Security
  Act 2010 s.26(4), s.27(4) and s.29(3); Domestic Abuse Act 2021 s.26(4) and s.29(3)).
* ``is_working_day``: Monday to Friday and not a bank holiday (Code of Practice for
  Victims of Crime in England and Wales (2020), Right 4: referral to support services
  within 2 working days for victims entitled to enhanced rights, 5 for others).

Days are London calendar days; this module never converts instants, see
``london_midnight``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")

_SATURDAY = 5
_SUNDAY = 6
# A substitute day follows its Saturday holiday by two days (Mon), or three when the
# Monday is taken by another substitute (Sat 25 Dec -> Mon 27, Boxing Day -> Tue 28).
_SUBSTITUTE_SEARCH_DAYS = 4


@functools.cache
def easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (anonymous Gregorian algorithm).

    Computed here rather than read from the holidays table so that Good Friday, which
    CSA 2010 s.27(4) names on its own (it is a common-law holiday, not a bank holiday
    under the 1971 Act), is disregarded even if a table ever left it out.
    """
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def good_friday(year: int) -> date:
    """Good Friday: two days before Easter Sunday."""
    return easter_sunday(year) - timedelta(days=2)


def _is_christmas_day(d: date) -> bool:
    return d.month == 12 and d.day == 25


def _is_good_friday(d: date) -> bool:
    return d == good_friday(d.year)


def _names(table: holidays.HolidayBase, d: date) -> list[str]:
    return table.get_list(d) if d in table else []


def _has_substitute(table: holidays.HolidayBase, saturday: date) -> bool:
    """Whether a later weekday is listed as the substitute for this Saturday's holiday.

    The package labels substitutes "<name> (observed)"; matching on "contains the name
    and is not the name itself" keeps working if a later release relabels them.
    """
    names = _names(table, saturday)
    for offset in range(1, _SUBSTITUTE_SEARCH_DAYS + 1):
        later = saturday + timedelta(days=offset)
        if later.weekday() >= _SATURDAY:
            continue
        for later_name in _names(table, later):
            if any(name in later_name and name != later_name for name in names):
                return True
    return False


@functools.cache
def _package_bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays in ``year``, with doubtful Saturdays removed.

    The package lists both a Saturday Boxing Day or New Year's Day and its substitute
    Monday. In the 1971 Act a Saturday 26 December is still a bank holiday, but New
    Year's Day and the substitute days exist only by proclamation, so whether the
    Saturday itself counts is doubtful. Treating it as an ordinary day can only make a
    clock end earlier, so the deadline shown is never later than the statutory one.
    """
    # The following year is loaded too, so a substitute just over the year end is seen.
    table = holidays.country_holidays("GB", subdiv="ENG", years=(year, year + 1))
    days = set()
    for d in table:
        if d.year != year:
            continue
        if d.weekday() == _SATURDAY and _has_substitute(table, d):
            continue
        days.add(d)
    return frozenset(days)


def _require_date(d: object) -> date:
    # A datetime is a date subclass but never equals one, so a lookup would quietly say
    # "not a holiday"; the caller must decide which London day it means.
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(f"expected a date, got {type(d).__name__}")
    return d


def london_midnight(d: date) -> datetime:
    """00:00 Europe/London at the start of day ``d`` (aware, tzinfo=LONDON).

    UK clocks change at 01:00 GMT, so London midnight always exists exactly once.
    """
    return datetime.combine(_require_date(d), time(0), tzinfo=LONDON)


@dataclass(frozen=True)
class Calendar:
    """The days that count, for one configuration of admin-added bank holidays.

    ``extra_bank_holidays`` are one-off days an administrator has added (a proclamation
    newer than the installed ``holidays`` release). They always count as bank
    holidays, even on a Saturday: an admin adding a day is a positive statement.
    """

    extra_bank_holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        # Accept any iterable so callers can pass a set or a list from the database,
        # while the instance stays hashable (it is used as a cache key elsewhere).
        extras = frozenset(self.extra_bank_holidays)
        for d in extras:
            _require_date(d)
        object.__setattr__(self, "extra_bank_holidays", extras)

    def is_bank_holiday(self, d: date) -> bool:
        """A bank holiday in England and Wales (Banking and Financial Dealings Act 1971
        s.1 and sch.1, and days appointed by proclamation), or an admin-added day.

        Safety rule: a Saturday holiday whose substitute weekday is also a holiday (for
        example Boxing Day Sat 26 Dec 2026, substitute Mon 28 Dec; New Year's Day Sat
        1 Jan 2022, substitute Mon 3 Jan) counts as an ordinary day.
        """
        d = _require_date(d)
        return d in self.extra_bank_holidays or d in _package_bank_holidays(d.year)

    def is_disregarded(self, d: date) -> bool:
        """A day left out of the hearing and breach clocks.

        Crime and Security Act 2010 s.27(4) (48-hour hearing), s.26(4) (arrest for
        breach of a DVPN) and s.29(3) (arrest for breach of a DVPO): "Christmas Day,
        Good Friday, any Sunday and any day which is a bank holiday in England and
        Wales under the Banking and Financial Dealings Act 1971 are to be disregarded";
        the same days in Domestic Abuse Act 2021 s.29(3) (48-hour hearing) and s.26(4)
        (arrest for breach of a DAPN, for the 24 hours of s.26(2)(a) only).
        Christmas Day is disregarded whatever the weekday, even a Saturday whose bank
        holiday has moved to the Monday. Saturdays otherwise count.
        """
        d = _require_date(d)
        return (
            d.weekday() == _SUNDAY
            or _is_christmas_day(d)
            or _is_good_friday(d)
            or self.is_bank_holiday(d)
        )

    def is_working_day(self, d: date) -> bool:
        """A working day for the Code of Practice for Victims of Crime (2020), Right 4:
        Monday to Friday and not a bank holiday in England and Wales.

        Christmas Day and Good Friday are checked directly as well: on a weekday they are
        always holidays, whatever the table says.
        """
        d = _require_date(d)
        return not (
            d.weekday() >= _SATURDAY
            or _is_christmas_day(d)
            or _is_good_friday(d)
            or self.is_bank_holiday(d)
        )


DEFAULT_CALENDAR = Calendar()

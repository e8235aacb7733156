"""Rules about the people in a case."""
from __future__ import annotations

from datetime import date, datetime

from app.domain.calendar import LONDON

ADULT_AGE = 18


def age_on(date_of_birth: date, on: date) -> int:
    """Age in whole years on the day `on` (a person born on 29 February turns a year older on 1 March)."""
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - int(before_birthday)


def is_adult_on(date_of_birth: date, on: date) -> bool:
    """A DVPN may only be issued against a person aged 18 or over: Crime and Security Act 2010 s.24(2)."""
    return age_on(date_of_birth, on) >= ADULT_AGE


def birthday_of_age(date_of_birth: date, years: int) -> date:
    """The day someone born on `date_of_birth` reaches `years` of age.

    A person attains an age at the start of the anniversary of their birth (Family Law
    Reform Act 1969 s.9(1)). Someone born on 29 February has no anniversary in a common
    year: the later day, 1 March, is taken (as `age_on` does), so a person is never treated
    as older than they may be.
    """
    try:
        return date_of_birth.replace(year=date_of_birth.year + years)
    except ValueError:  # 29 February in a common year
        return date(date_of_birth.year + years, 3, 1)


def under_age_at(date_of_birth: date, at: datetime, min_age: int = ADULT_AGE) -> date | None:
    """None if someone born on `date_of_birth` is `min_age` or over at the instant `at`
    (on that day in England: a birthday starts at 00:00 London time); else the day they
    reach that age.

    A notice may be issued only to a person aged 18 or over at the moment it is issued:
    Crime and Security Act 2010 s.24(2) ("A DVPN may be issued to a person ("P") aged 18
    years or over"); Domestic Abuse Act 2021 s.22(6) ("may not be given to a person who is
    under the age of 18"). The age on the day of the incident does not matter.
    """
    if at.tzinfo is None:
        raise ValueError("`at` must be timezone-aware")
    if age_on(date_of_birth, at.astimezone(LONDON).date()) >= min_age:
        return None
    return birthday_of_age(date_of_birth, min_age)


# The trial's baseline records P's age as a band, not a date of birth: the analysts need the
# band to look for effects by age (the Durham evaluation plans to), not the person.
AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55 or over")
AGE_UNKNOWN = "unknown"


def age_band(date_of_birth: date | None, on: date) -> str:
    """The baseline age band of someone born on `date_of_birth`, on the day `on`."""
    if date_of_birth is None:
        return AGE_UNKNOWN
    age = age_on(date_of_birth, on)
    for band, upper in zip(AGE_BANDS, (24, 34, 44, 54), strict=False):
        if age <= upper:
            return band
    return AGE_BANDS[-1]

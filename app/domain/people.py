"""Rules about the people in a case."""
from __future__ import annotations

from datetime import date

ADULT_AGE = 18


def age_on(date_of_birth: date, on: date) -> int:
    """Age in whole years on the day `on` (a person born on 29 February turns a year older on 1 March)."""
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - int(before_birthday)


def is_adult_on(date_of_birth: date, on: date) -> bool:
    """A DVPN may only be issued against a person aged 18 or over: Crime and Security Act 2010 s.24(2)."""
    return age_on(date_of_birth, on) >= ADULT_AGE


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

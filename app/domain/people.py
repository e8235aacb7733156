"""Rules about the people in a case."""
from __future__ import annotations

from datetime import date

ADULT_AGE = 18


def age_on(date_of_birth: date, on: date) -> int:
    """Age in whole years on the day `on` (a person born on 29 February turns a year older on 1 March)."""
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - int(before_birthday)


def is_adult_on(date_of_birth: date, on: date) -> bool:
    """A DVPN may only be issued against a person aged 18 or over: Crime and Security Act 2010 s.24(1)."""
    return age_on(date_of_birth, on) >= ADULT_AGE

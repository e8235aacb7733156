"""Calendar: bank holidays, disregarded days and working days in England and Wales.

Expected values are worked out from the published bank holiday lists (gov.uk) and the
rules in DOMAIN.md, not read back from the code.
"""

from dataclasses import FrozenInstanceError
from datetime import date, datetime, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.calendar import (
    DEFAULT_CALENDAR,
    LONDON,
    Calendar,
    easter_sunday,
    good_friday,
    london_midnight,
)

D = date.fromisoformat

# (day, bank holiday?, disregarded?, working day?, why)
CALENDAR_CASES = [
    # Easter 2026: Good Friday 3 Apr, Easter Monday 6 Apr.
    ("2026-04-02", False, False, True, "Thu before Easter: ordinary"),
    ("2026-04-03", True, True, False, "Good Friday 2026"),
    ("2026-04-04", False, False, False, "Easter Saturday: counts for CSA, not a working day"),
    ("2026-04-05", False, True, False, "Easter Sunday: a Sunday"),
    ("2026-04-06", True, True, False, "Easter Monday 2026"),
    ("2026-04-07", False, False, True, "Tue after Easter"),
    # Easter 2027: Good Friday 26 Mar, Easter Monday 29 Mar; clocks go forward Sun 28 Mar.
    ("2027-03-26", True, True, False, "Good Friday 2027"),
    ("2027-03-27", False, False, False, "Sat 27 Mar 2027: ordinary Saturday"),
    ("2027-03-28", False, True, False, "Easter Sunday 2027"),
    ("2027-03-29", True, True, False, "Easter Monday 2027"),
    # Christmas 2026: Fri 25, Sat 26 (Boxing Day, substitute Mon 28), Fri 1 Jan 2027.
    ("2026-12-24", False, False, True, "Christmas Eve is not a holiday"),
    ("2026-12-25", True, True, False, "Christmas Day on a Friday"),
    ("2026-12-26", False, False, False, "Sat Boxing Day with substitute Mon 28: safety rule"),
    ("2026-12-27", False, True, False, "Sunday"),
    ("2026-12-28", True, True, False, "Boxing Day substitute (observed)"),
    ("2026-12-29", False, False, True, "Tue 29 Dec: ordinary"),
    ("2026-12-31", False, False, True, "New Year's Eve is not a holiday"),
    ("2027-01-01", True, True, False, "New Year's Day on a Friday"),
    ("2027-01-02", False, False, False, "Saturday after New Year"),
    # Christmas 2027: Sat 25 (Christmas, substitute Mon 27), Sun 26 (Boxing, subst. Tue 28).
    ("2027-12-24", False, False, True, "Fri 24 Dec 2027: ordinary"),
    ("2027-12-25", False, True, False, "Sat Christmas Day: not a bank holiday by the "
     "safety rule, but disregarded as Christmas Day (CSA s.27(4) names it)"),
    ("2027-12-26", True, True, False, "Boxing Day on a Sunday"),
    ("2027-12-27", True, True, False, "Christmas Day substitute"),
    ("2027-12-28", True, True, False, "Boxing Day substitute"),
    ("2027-12-29", False, False, True, "Wed 29 Dec 2027: ordinary"),
    ("2028-01-01", False, False, False, "Sat New Year's Day, substitute Mon 3 Jan: safety rule"),
    ("2028-01-03", True, True, False, "New Year's Day substitute"),
    # New Year 2022: Sat 1 Jan with substitute Mon 3 Jan.
    ("2022-01-01", False, False, False, "Sat New Year's Day 2022: safety rule"),
    ("2022-01-03", True, True, False, "New Year's Day 2022 substitute"),
    # Christmas 2022: Sun 25, Mon 26 Boxing Day, Tue 27 Christmas substitute.
    ("2022-12-25", True, True, False, "Christmas on a Sunday"),
    ("2022-12-26", True, True, False, "Boxing Day on a Monday"),
    ("2022-12-27", True, True, False, "Christmas Day substitute on the Tuesday"),
    # Early May, spring and late summer bank holidays.
    ("2026-05-04", True, True, False, "Early May bank holiday 2026"),
    ("2026-05-25", True, True, False, "Spring bank holiday 2026"),
    ("2026-08-31", True, True, False, "Summer bank holiday 2026"),
    ("2026-08-28", False, False, True, "Fri before summer bank holiday"),
    # One-off days by proclamation.
    ("2022-06-02", True, True, False, "Spring bank holiday moved to Thu 2 Jun 2022"),
    ("2022-06-03", True, True, False, "Platinum Jubilee, Fri 3 Jun 2022"),
    ("2022-05-30", False, False, True, "the usual last-Monday-in-May, not a holiday in 2022"),
    ("2022-09-19", True, True, False, "State funeral of Queen Elizabeth II"),
    ("2023-05-08", True, True, False, "Coronation of King Charles III"),
    ("2023-05-01", True, True, False, "Early May bank holiday 2023"),
    # Plain days.
    ("2026-11-10", False, False, True, "ordinary Tuesday"),
    ("2026-11-14", False, False, False, "ordinary Saturday: counts for CSA, not working"),
    ("2026-11-15", False, True, False, "ordinary Sunday"),
    # Clock-change Sundays are just Sundays.
    ("2026-03-29", False, True, False, "BST starts (a Sunday)"),
    ("2026-10-25", False, True, False, "BST ends (a Sunday)"),
]


@pytest.mark.parametrize(("day", "bank", "disregarded", "working", "why"), CALENDAR_CASES)
def test_calendar_table(day, bank, disregarded, working, why):
    d = D(day)
    assert DEFAULT_CALENDAR.is_bank_holiday(d) is bank, why
    assert DEFAULT_CALENDAR.is_disregarded(d) is disregarded, why
    assert DEFAULT_CALENDAR.is_working_day(d) is working, why


# Every Saturday Christmas, Boxing Day and New Year's Day 2000-2040 (each has a
# substitute weekday), worked out from the weekday of 25 Dec / 26 Dec / 1 Jan.
SATURDAY_HOLIDAYS_WITH_SUBSTITUTE = [
    "2000-01-01", "2004-12-25", "2005-01-01", "2009-12-26", "2010-12-25",
    "2011-01-01", "2015-12-26", "2020-12-26", "2021-12-25", "2022-01-01",
    "2026-12-26", "2027-12-25", "2028-01-01", "2032-12-25", "2033-01-01",
    "2037-12-26", "2038-12-25", "2039-01-01",
]  # fmt: skip


@pytest.mark.parametrize("day", SATURDAY_HOLIDAYS_WITH_SUBSTITUTE)
def test_saturday_holiday_with_substitute_is_an_ordinary_day(day):
    d = D(day)
    assert d.weekday() == 5
    assert not DEFAULT_CALENDAR.is_bank_holiday(d)
    assert not DEFAULT_CALENDAR.is_working_day(d)
    # Only a Saturday Christmas Day is still disregarded (named in the Act).
    assert DEFAULT_CALENDAR.is_disregarded(d) is (d.month == 12 and d.day == 25)
    # The substitute Monday is a bank holiday.
    assert DEFAULT_CALENDAR.is_bank_holiday(d + timedelta(days=2))


def test_saturday_holiday_list_is_complete_2000_2040():
    """Cross-check the hand list: every Saturday 25 Dec, 26 Dec, 1 Jan in 2000-2040."""
    found = sorted(
        date(y, m, dd).isoformat()
        for y in range(2000, 2041)
        for (m, dd) in ((1, 1), (12, 25), (12, 26))
        if date(y, m, dd).weekday() == 5
    )
    assert found == sorted(SATURDAY_HOLIDAYS_WITH_SUBSTITUTE)


def test_no_saturday_is_ever_a_package_bank_holiday_2000_2040():
    """The package lists Saturday holidays; after the safety rule none remain."""
    table = holidays.country_holidays("GB", subdiv="ENG", years=range(2000, 2041))
    saturdays = [d for d in table if d.weekday() == 5]
    assert saturdays, "the package is expected to list Saturday holidays"
    assert not any(DEFAULT_CALENDAR.is_bank_holiday(d) for d in saturdays)


def test_package_still_names_substitutes_observed():
    """The safety rule relies on the package listing the substitute day as a holiday
    whose name contains the original's name."""
    table = holidays.country_holidays("GB", subdiv="ENG", years=2026)
    assert table.get(D("2026-12-26")) == "Boxing Day"
    assert "Boxing Day" in table.get(D("2026-12-28"))
    assert table.get(D("2026-12-28")) != "Boxing Day"


def test_every_weekday_package_holiday_is_a_bank_holiday():
    table = holidays.country_holidays("GB", subdiv="ENG", years=range(2015, 2036))
    for d in table:
        if d.weekday() < 5:
            assert DEFAULT_CALENDAR.is_bank_holiday(d), d
            assert DEFAULT_CALENDAR.is_disregarded(d), d
            assert not DEFAULT_CALENDAR.is_working_day(d), d


# Easter Sunday, from published tables.
EASTER_SUNDAYS = [
    "2000-04-23", "2008-03-23", "2011-04-24", "2019-04-21", "2020-04-12",
    "2024-03-31", "2025-04-20", "2026-04-05", "2027-03-28", "2038-04-25",
]  # fmt: skip


@pytest.mark.parametrize("day", EASTER_SUNDAYS)
def test_easter_sunday_table(day):
    d = D(day)
    assert easter_sunday(d.year) == d
    assert good_friday(d.year) == d - timedelta(days=2)


def test_good_friday_matches_the_package_1990_2060():
    for year in range(1990, 2061):
        table = holidays.country_holidays("GB", subdiv="ENG", years=year)
        assert table.get(good_friday(year)) == "Good Friday", year


def test_extra_bank_holiday_counts_even_on_a_saturday():
    plain_saturday = D("2026-11-14")
    doubtful_saturday = D("2026-12-26")  # Boxing Day: admin overrides the safety rule
    tuesday = D("2026-11-17")
    cal = Calendar(frozenset({plain_saturday, doubtful_saturday, tuesday}))
    for d in (plain_saturday, doubtful_saturday, tuesday):
        assert cal.is_bank_holiday(d)
        assert cal.is_disregarded(d)
        assert not cal.is_working_day(d)
    assert not DEFAULT_CALENDAR.is_bank_holiday(tuesday)
    assert DEFAULT_CALENDAR.is_working_day(tuesday)


def test_calendar_is_immutable_and_hashable():
    a = Calendar(frozenset({D("2026-11-17")}))
    b = Calendar({D("2026-11-17")})  # a plain set is accepted and frozen
    assert a == b
    assert hash(a) == hash(b)
    assert isinstance(b.extra_bank_holidays, frozenset)
    assert len({a, b, DEFAULT_CALENDAR}) == 2
    with pytest.raises(FrozenInstanceError):
        a.extra_bank_holidays = frozenset()  # type: ignore[misc]


def test_calendar_rejects_datetimes():
    with pytest.raises(TypeError):
        Calendar(frozenset({datetime(2026, 11, 17, tzinfo=LONDON)}))
    with pytest.raises(TypeError):
        DEFAULT_CALENDAR.is_bank_holiday(datetime(2026, 12, 25, tzinfo=LONDON))
    with pytest.raises(TypeError):
        DEFAULT_CALENDAR.is_disregarded(datetime(2026, 12, 25))
    with pytest.raises(TypeError):
        DEFAULT_CALENDAR.is_working_day("2026-12-25")


def test_london_midnight():
    winter = london_midnight(D("2026-11-10"))
    assert winter.tzinfo is LONDON
    assert winter.utcoffset() == timedelta(0)
    summer = london_midnight(D("2026-07-14"))
    assert summer.utcoffset() == timedelta(hours=1)
    # Both clock-change Sundays: midnight is before the change (01:00 GMT).
    assert london_midnight(D("2026-03-29")).utcoffset() == timedelta(0)
    assert london_midnight(D("2026-10-25")).utcoffset() == timedelta(hours=1)


@settings(max_examples=300, deadline=None)
@given(
    d=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    extras=st.frozensets(st.dates(date(2020, 1, 1), date(2030, 12, 31)), max_size=5),
)
def test_calendar_properties(d, extras):
    cal = Calendar(extras)
    # Sundays and Christmas Day are always disregarded and never working days.
    if d.weekday() == 6 or (d.month, d.day) == (12, 25):
        assert cal.is_disregarded(d)
        assert not cal.is_working_day(d)
    # A working day is always a counted day for the CSA clocks.
    if cal.is_working_day(d):
        assert not cal.is_disregarded(d)
        assert d.weekday() < 5
    # Every bank holiday is disregarded and not a working day.
    if cal.is_bank_holiday(d):
        assert cal.is_disregarded(d)
        assert not cal.is_working_day(d)
    # Extras only add holidays.
    if DEFAULT_CALENDAR.is_bank_holiday(d):
        assert cal.is_bank_holiday(d)
    assert cal.is_bank_holiday(d) is (d in extras or DEFAULT_CALENDAR.is_bank_holiday(d))
    # Saturdays count for the CSA clocks unless Christmas Day or an admin-added day.
    if d.weekday() == 5 and (d.month, d.day) != (12, 25) and d not in extras:
        assert not cal.is_disregarded(d)

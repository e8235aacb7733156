"""How times are shown: London time, day names, midnight in words as the end of the day before."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.calendar import LONDON
from app.domain.timefmt import format_date, format_instant, format_remaining, to_london

NEW_YORK = ZoneInfo("America/New_York")

INSTANT_CASES = [
    (datetime(2026, 11, 10, 9, 0, tzinfo=LONDON), "Tue 10 Nov 2026, 09:00", "plain GMT morning"),
    (datetime(2026, 11, 10, 9, 0, tzinfo=UTC), "Tue 10 Nov 2026, 09:00", "UTC = GMT in November"),
    (datetime(2026, 11, 10, 0, 0, tzinfo=LONDON), "midnight at the end of Mon 9 Nov 2026", "midnight ends the day before"),
    (datetime(2026, 11, 10, 0, 0, 1, tzinfo=LONDON), "Tue 10 Nov 2026, 00:00", "one second past is Tue"),
    (datetime(2026, 11, 9, 23, 59, 59, tzinfo=LONDON), "Mon 9 Nov 2026, 23:59", "seconds dropped, not rounded up"),
    (datetime(2026, 7, 1, 8, 5, tzinfo=UTC), "Wed 1 Jul 2026, 09:05", "08:05 UTC = 09:05 BST"),
    (datetime(2026, 7, 1, 4, 5, tzinfo=NEW_YORK), "Wed 1 Jul 2026, 09:05", "04:05 EDT = 09:05 BST"),
    (datetime(2026, 6, 30, 23, 0, tzinfo=UTC), "midnight at the end of Tue 30 Jun 2026", "23:00 UTC = London midnight in BST"),
    (datetime(2027, 1, 1, 0, 0, tzinfo=LONDON), "midnight at the end of Thu 31 Dec 2026", "midnight crosses the year back"),
    (datetime(2026, 3, 1, 0, 0, tzinfo=LONDON), "midnight at the end of Sat 28 Feb 2026", "crosses the month back"),
    (datetime(2028, 3, 1, 0, 0, tzinfo=LONDON), "midnight at the end of Tue 29 Feb 2028", "leap day"),
    (datetime(2026, 3, 29, 0, 0, tzinfo=LONDON), "midnight at the end of Sat 28 Mar 2026", "midnight before spring forward"),
    (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "Sun 29 Mar 2026, 02:30", "just after spring forward: BST"),
    (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "Sun 29 Mar 2026, 00:30", "just before: GMT"),
    (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "Sun 25 Oct 2026, 01:30", "first 01:30 (BST)"),
    (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "Sun 25 Oct 2026, 01:30", "second 01:30 (GMT)"),
    (datetime(2026, 12, 5, 17, 45, tzinfo=LONDON), "Sat 5 Dec 2026, 17:45", "no leading zero on the day"),
]


@pytest.mark.parametrize(("dt", "expected", "why"), INSTANT_CASES)
def test_format_instant(dt, expected, why):
    assert format_instant(dt) == expected, why


DATE_CASES = [
    (date(2026, 11, 10), "Tue 10 Nov 2026"),
    (date(2027, 1, 1), "Fri 1 Jan 2027"),
    (date(2026, 12, 26), "Sat 26 Dec 2026"),
    (date(2027, 3, 28), "Sun 28 Mar 2027"),
    (date(2026, 5, 4), "Mon 4 May 2026"),
    (date(2026, 9, 9), "Wed 9 Sep 2026"),
    (date(2026, 8, 20), "Thu 20 Aug 2026"),
]


@pytest.mark.parametrize(("d", "expected"), DATE_CASES)
def test_format_date(d, expected):
    assert format_date(d) == expected


def test_format_date_refuses_datetimes():
    with pytest.raises(TypeError):
        format_date(datetime(2026, 11, 10, tzinfo=LONDON))


REMAINING_CASES = [
    (timedelta(days=2, hours=3, minutes=5), "2 days 3 h 5 min"),
    (timedelta(hours=3, minutes=5), "3 h 5 min"),
    (timedelta(minutes=5), "5 min"),
    (timedelta(minutes=5, seconds=59), "5 min"),  # partial minutes dropped
    (timedelta(seconds=59), "less than 1 min"),
    (timedelta(0), "less than 1 min"),
    (timedelta(days=1), "1 day"),
    (timedelta(days=1, minutes=5), "1 day 5 min"),
    (timedelta(days=1, hours=1), "1 day 1 h"),
    (timedelta(hours=48), "2 days"),
    (timedelta(hours=1), "1 h"),
    (timedelta(hours=23, minutes=59, seconds=59), "23 h 59 min"),
    (-timedelta(hours=1, minutes=20), "overdue by 1 h 20 min"),
    (-timedelta(hours=1, minutes=20, seconds=30), "overdue by 1 h 20 min"),
    (-timedelta(days=1, hours=2), "overdue by 1 day 2 h"),
    (-timedelta(days=3), "overdue by 3 days"),
    (-timedelta(seconds=1), "overdue by less than 1 min"),
]


@pytest.mark.parametrize(("delta", "expected"), REMAINING_CASES)
def test_format_remaining(delta, expected):
    assert format_remaining(delta) == expected


def test_to_london():
    got = to_london(datetime(2026, 7, 1, 8, 0, tzinfo=UTC))
    assert got.tzinfo is LONDON
    assert got.replace(tzinfo=None) == datetime(2026, 7, 1, 9, 0)


@pytest.mark.parametrize("fn", [format_instant, to_london])
def test_naive_rejected(fn):
    with pytest.raises(ValueError, match="timezone-aware"):
        fn(datetime(2026, 11, 10, 9, 0))


@settings(max_examples=300, deadline=None)
@given(
    dt=st.datetimes(
        datetime(2020, 1, 1),
        datetime(2030, 12, 31),
        timezones=st.sampled_from([UTC, LONDON, NEW_YORK]),
        allow_imaginary=False,
    )
)
def test_format_instant_properties(dt):
    text = format_instant(dt)
    local = dt.astimezone(LONDON)
    assert "24:00" not in text
    if text.startswith("midnight at the end of "):
        assert local.hour == local.minute == local.second == local.microsecond == 0
        day_part = text.removeprefix("midnight at the end of ")
        assert day_part == format_date(local.date() - timedelta(days=1))
    else:
        day_part, clock = text.split(", ")
        hh, mm = clock.split(":")
        assert (int(hh), int(mm)) == (local.hour, local.minute)
        assert day_part == format_date(local.date())
    assert not day_part.split(" ")[1].startswith("0")


@settings(max_examples=300, deadline=None)
@given(delta=st.timedeltas(timedelta(days=-40), timedelta(days=40)))
def test_format_remaining_properties(delta):
    text = format_remaining(delta)
    assert text.startswith("overdue by ") is (delta < timedelta(0))
    body = text.removeprefix("overdue by ")
    if body == "less than 1 min":
        assert abs(delta) < timedelta(minutes=1)
        return
    # Parse it back: the shown amount is |delta| rounded down to the minute.
    tokens = body.split(" ")
    units = {"day": 1440, "days": 1440, "h": 60, "min": 1}
    shown = sum(int(n) * units[u] for n, u in zip(tokens[::2], tokens[1::2], strict=True))
    assert shown == int(abs(delta).total_seconds() // 60)
    # Zero parts are left out, and "day" is singular only for one.
    assert all(int(n) > 0 for n in tokens[::2])
    for n, u in zip(tokens[::2], tokens[1::2], strict=True):
        if u.startswith("day"):
            assert (u == "day") is (n == "1")


@pytest.mark.parametrize(("dt", "now", "expected"), [
    (datetime(2026, 11, 17, 9, 0, tzinfo=LONDON), datetime(2026, 11, 17, 7, 30, tzinfo=LONDON), "09:00"),
    (datetime(2026, 11, 18, 9, 0, tzinfo=LONDON), datetime(2026, 11, 17, 21, 0, tzinfo=LONDON), "09:00 tomorrow"),
    (datetime(2026, 11, 19, 9, 0, tzinfo=LONDON), datetime(2026, 11, 17, 21, 0, tzinfo=LONDON), "Thu 19 Nov 2026, 09:00"),
    # The London day decides, not UTC's: 23:30 UTC on 30 Jun is 00:30 BST on 1 Jul.
    (datetime(2026, 7, 1, 8, 0, tzinfo=UTC), datetime(2026, 6, 30, 23, 30, tzinfo=UTC), "09:00"),
    (datetime(2026, 11, 18, 0, 0, tzinfo=LONDON), datetime(2026, 11, 17, 9, 0, tzinfo=LONDON),
     "midnight at the end of Tue 17 Nov 2026"),
])
def test_format_soon(dt, now, expected):
    from app.domain.timefmt import format_soon

    assert format_soon(dt, now) == expected

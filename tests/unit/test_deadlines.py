"""Deadlines: the hearing and breach clocks (CSA 2010 s.26, s.27, s.29), order end
(s.28(10)) and the Victims' Code referral (Right 4).

Every expected value in the tables is worked out by hand in the comment on its row:
"Fri 15h" means 15 counted hours on Friday, "skip" a disregarded day.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.domain.calendar import DEFAULT_CALENDAR, LONDON, Calendar
from app.domain.deadlines import (
    breach_court_deadline,
    hearing_deadline,
    order_end,
    referral_due,
)

NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
KOLKATA = ZoneInfo("Asia/Kolkata")
CHATHAM = ZoneInfo("Pacific/Chatham")  # +12:45/+13:45: odd offsets and its own DST


def L(text: str) -> datetime:
    """A London wall-clock time, 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)


def same_instant(a: datetime, b: datetime) -> bool:
    # Aware datetimes sharing a tzinfo compare by wall clock, so compare in UTC.
    return utc(a) == utc(b)


# --------------------------------------------------------------------------------------
# Hearing: 48 hours, hand-worked
# --------------------------------------------------------------------------------------

HEARING_48 = [
    # Plain weeks, November 2026 (no holidays; GMT).
    ("2026-11-10 09:00", "2026-11-12 09:00", "Tue 15h + Wed 24h + Thu 9h"),
    ("2026-11-13 09:00", "2026-11-16 09:00", "Fri 15h + Sat 24h (Saturdays count) + Sun skip + Mon 9h"),
    ("2026-11-14 09:00", "2026-11-17 09:00", "Sat 15h + Sun skip + Mon 24h + Tue 9h"),
    ("2026-11-14 23:59", "2026-11-17 23:59", "Sat 1min + Sun skip + Mon 24h + Tue 23h59"),
    ("2026-11-15 14:00", "2026-11-18 00:00", "served Sun: count from Mon 00:00; Mon+Tue 48h = Tue 24:00"),
    ("2026-11-15 00:00", "2026-11-18 00:00", "served at the midnight starting a Sunday: as above"),
    ("2026-11-16 00:00", "2026-11-18 00:00", "served Mon 00:00: Mon 24h + Tue 24h = Tue 24:00"),
    ("2026-11-12 00:00", "2026-11-14 00:00", "Thu 00:00: Thu 24h + Fri 24h = Fri 24:00"),
    ("2026-11-13 00:00", "2026-11-15 00:00", "Fri 00:00: Fri+Sat 48h = Sat 24:00 (Sun 00:00), "
     "never pushed over the Sunday to Mon 00:00"),
    # Easter 2026: Good Friday 3 Apr, Easter Monday 6 Apr (BST).
    ("2026-04-01 18:00", "2026-04-04 18:00", "Wed 6h + Thu 24h + GF skip + Sat 18h"),
    ("2026-04-02 15:00", "2026-04-07 15:00", "Thu 9h + GF skip + Sat 24h + Sun, Easter Mon skip + Tue 15h"),
    ("2026-04-03 10:00", "2026-04-08 00:00", "served on GF: from Sat 00:00; Sat 24h + Sun, Mon skip + "
     "Tue 24h = Tue 24:00"),
    ("2026-04-04 00:00", "2026-04-08 00:00", "Sat 24h + Sun, Mon skip + Tue 24h = Tue 24:00"),
    ("2026-04-06 12:00", "2026-04-09 00:00", "served Easter Mon: from Tue 00:00; Tue+Wed = Wed 24:00"),
    # Easter 2027: GF 26 Mar, Easter Sunday 28 Mar is also the spring-forward day.
    ("2027-03-25 12:00", "2027-03-30 12:00", "Thu 12h GMT + GF skip + Sat 24h + Sun (clocks go "
     "forward), Easter Mon skip + Tue 12h BST"),
    # Christmas 2026: Fri 25 Dec, Sat 26 Boxing Day (substitute Mon 28), Fri 1 Jan 2027.
    ("2026-12-24 10:00", "2026-12-29 10:00", "Thu 14h + Christmas skip + Sat Boxing Day counts "
     "(safety rule) 24h + Sun, Mon 28 (substitute) skip + Tue 10h"),
    ("2026-12-25 08:00", "2026-12-30 00:00", "served on Christmas Day: from Sat 00:00; Sat 24h + "
     "Sun, Mon skip + Tue 24h = Tue 24:00"),
    ("2026-12-30 20:00", "2027-01-02 20:00", "Wed 4h + Thu 24h + New Year's Day skip + Sat 20h"),
    ("2026-12-31 06:00", "2027-01-04 06:00", "Thu 18h + Fri 1 Jan skip + Sat 24h + Sun skip + Mon 6h"),
    # Christmas 2027: Sat 25 (still Christmas Day), Sun 26, Mon 27 and Tue 28 substitutes;
    # Sat 1 Jan 2028 New Year's Day with substitute Mon 3 Jan.
    ("2027-12-24 09:00", "2027-12-30 09:00", "Fri 15h + Sat 25 to Tue 28 skip + Wed 24h + Thu 9h"),
    ("2027-12-30 12:00", "2028-01-01 12:00", "Thu 12h + Fri 24h + Sat 1 Jan counts (safety rule) 12h"),
    ("2027-12-31 12:00", "2028-01-04 12:00", "Fri 12h + Sat 1 Jan 24h + Sun, Mon 3 Jan skip + Tue 12h"),
    # New Year 2022: Sat 1 Jan with substitute Mon 3 Jan.
    ("2021-12-31 18:00", "2022-01-04 18:00", "Fri 6h + Sat 1 Jan counts (safety rule) 24h + Sun, "
     "Mon 3 Jan skip + Tue 18h"),
    # May and August bank holidays 2026.
    ("2026-05-01 12:00", "2026-05-05 12:00", "Fri 12h + Sat 24h + Sun, May Day Mon 4 skip + Tue 12h"),
    ("2026-05-23 00:00", "2026-05-27 00:00", "Sat 24h + Sun, spring BH Mon 25 skip + Tue 24h = Tue 24:00"),
    ("2026-05-22 00:00", "2026-05-24 00:00", "Fri+Sat 48h = Sat 24:00, not pushed over Sun + BH Mon"),
    ("2026-08-29 23:30", "2026-09-02 23:30", "Sat 30min + Sun, summer BH Mon 31 skip + Tue 24h + Wed 23h30"),
    # One-off days.
    ("2022-09-17 06:00", "2022-09-21 06:00", "Sat 18h + Sun, Queen's funeral Mon 19 skip + Tue 24h + Wed 6h"),
    ("2023-05-05 21:00", "2023-05-09 21:00", "Fri 3h + Sat 24h + Sun, coronation Mon 8 skip + Tue 21h"),
    ("2022-06-01 12:00", "2022-06-06 12:00", "Wed 12h + Thu 2 Jun (spring BH), Fri 3 Jun (Jubilee) "
     "skip + Sat 24h + Sun skip + Mon 12h"),
    # Clock changes 2026: forward Sun 29 Mar, back Sun 25 Oct.
    ("2026-03-28 22:30", "2026-03-31 22:30", "Sat 1h30 GMT + Sun (23h long) skip + Mon 24h + Tue 22h30 BST"),
    ("2026-03-27 23:00", "2026-03-30 23:00", "Fri 1h + Sat 24h + Sun skip + Mon 23h BST"),
    ("2026-10-24 20:00", "2026-10-27 20:00", "Sat 4h BST + Sun (25h long) skip + Mon 24h + Tue 20h GMT"),
    ("2026-10-23 10:00", "2026-10-26 10:00", "Fri 14h BST + Sat 24h + Sun skip + Mon 10h GMT"),
]


@pytest.mark.parametrize(("served", "expected", "why"), HEARING_48)
def test_hearing_deadline_48(served, expected, why):
    got = hearing_deadline(L(served))
    assert got.tzinfo is LONDON
    assert same_instant(got, L(expected)), f"{why}: got {got.isoformat()}"
    assert got.replace(tzinfo=None) == datetime.fromisoformat(expected), why


HEARING_72 = [
    ("2026-11-10 09:00", "2026-11-13 09:00", "Tue 15h + Wed 24h + Thu 24h + Fri 9h"),
    ("2026-11-12 09:00", "2026-11-16 09:00", "Thu 15h + Fri 24h + Sat 24h + Sun skip + Mon 9h"),
    ("2026-11-12 00:00", "2026-11-15 00:00", "Thu 00:00: Thu+Fri+Sat 72h = Sat 24:00 (Sun 00:00), not Mon"),
    ("2026-04-02 15:00", "2026-04-08 15:00", "Thu 9h + GF skip + Sat 24h + Sun, Mon skip + Tue 24h + Wed 15h"),
    ("2026-12-24 10:00", "2026-12-30 10:00", "Thu 14h + Fri skip + Sat 24h + Sun, Mon skip + Tue 24h + Wed 10h"),
    ("2026-10-23 10:00", "2026-10-27 10:00", "Fri 14h + Sat 24h + Sun (25h) skip + Mon 24h + Tue 10h GMT"),
]


@pytest.mark.parametrize(("served", "expected", "why"), HEARING_72)
def test_hearing_deadline_72(served, expected, why):
    got = hearing_deadline(L(served), hours=72)
    assert got.tzinfo is LONDON
    assert got.replace(tzinfo=None) == datetime.fromisoformat(expected), why


def test_clock_changes_in_utc():
    # Spring: Sat 28 Mar 2026 22:30 GMT -> Tue 31 Mar 22:30 BST = 21:30 UTC; 71 real
    # hours elapse (1.5 + 23-hour Sunday + 24 + 22.5).
    got = hearing_deadline(datetime(2026, 3, 28, 22, 30, tzinfo=UTC))
    assert utc(got) == datetime(2026, 3, 31, 21, 30, tzinfo=UTC)
    assert got.utcoffset() == timedelta(hours=1)
    # Autumn: Sat 24 Oct 2026 20:00 BST = 19:00 UTC -> Tue 27 Oct 20:00 GMT = 20:00 UTC;
    # 73 real hours elapse (4 + 25-hour Sunday + 24 + 20).
    got = hearing_deadline(datetime(2026, 10, 24, 19, 0, tzinfo=UTC))
    assert utc(got) == datetime(2026, 10, 27, 20, 0, tzinfo=UTC)
    assert got.utcoffset() == timedelta(0)


# --------------------------------------------------------------------------------------
# Breach: 24 hours
# --------------------------------------------------------------------------------------

BREACH = [
    ("2026-11-13 22:00", "2026-11-14 22:00", "Fri 2h + Sat 22h"),
    ("2026-11-14 22:00", "2026-11-16 22:00", "Sat 2h + Sun skip + Mon 22h"),
    ("2026-11-15 03:00", "2026-11-17 00:00", "arrested Sun: from Mon 00:00, 24h = Mon 24:00"),
    ("2026-11-14 00:00", "2026-11-15 00:00", "Sat 00:00 + 24h = Sat 24:00, not pushed over Sunday"),
    ("2026-12-24 23:00", "2026-12-26 23:00", "Thu 1h + Christmas skip + Sat Boxing Day 23h (safety rule)"),
    ("2026-12-26 12:00", "2026-12-29 12:00", "Sat 12h + Sun, Mon 28 skip + Tue 12h"),
    ("2026-04-02 20:00", "2026-04-04 20:00", "Thu 4h + GF skip + Sat 20h"),
    ("2027-12-24 18:00", "2027-12-29 18:00", "Fri 6h + Sat 25 to Tue 28 skip + Wed 18h"),
    ("2026-03-28 22:30", "2026-03-30 22:30", "Sat 1h30 GMT + Sun skip + Mon 22h30 BST"),
    ("2022-09-18 09:00", "2022-09-21 00:00", "arrested Sun before the Queen's funeral: Mon 19 skip too; "
     "Tue 20 24h = Tue 24:00"),
]


@pytest.mark.parametrize(("arrested", "expected", "why"), BREACH)
def test_breach_court_deadline(arrested, expected, why):
    got = breach_court_deadline(L(arrested))
    assert got.tzinfo is LONDON
    assert got.replace(tzinfo=None) == datetime.fromisoformat(expected), why


# --------------------------------------------------------------------------------------
# Breach of the notice: 24 hours or, if earlier, at the hearing of the application
# (DAA 2021 s.26(2)(a) and (b); CSA 2010 s.26(1)(a) and (b))
# --------------------------------------------------------------------------------------

NOTICE_BREACH = [
    # (arrested, hearing, expected, why); London wall clock unless a zone is given.
    ("2026-11-16 20:00", "2026-11-17 10:00", "2026-11-17 10:00", "Mon evening arrest, hearing Tue 10:00; 24h = Tue "
     "20:00: the hearing wins"),
    ("2026-11-16 20:00", "2026-11-18 10:00", "2026-11-17 20:00", "hearing Wed 10:00 after the 24h (Tue 20:00): 24h "
     "wins"),
    ("2026-11-16 20:00", "2026-11-17 20:00", "2026-11-17 20:00", "hearing exactly at the end of the 24h"),
    ("2026-11-16 20:00", "2026-11-16 20:00", "2026-11-16 20:00", "hearing at the moment of the arrest: now"),
    ("2026-04-02 20:00", "2026-04-04 10:00", "2026-04-04 10:00", "Easter: Thu 4h + GF skip + Sat 20h = Sat 20:00; "
     "hearing Sat 10:00 wins"),
    ("2026-04-02 20:00", "2026-04-07 10:00", "2026-04-04 20:00", "Easter: hearing Tue after Easter Monday, 24h "
     "(Sat 20:00) wins"),
    ("2026-04-02 20:00", "2026-04-03 10:00", "2026-04-03 10:00", "a hearing on Good Friday itself still counts: "
     "it is an instant, no day is disregarded"),
    ("2026-12-24 23:00", "2026-12-26 10:00", "2026-12-26 10:00", "Christmas: Thu 1h + Christmas skip + Sat 23h = "
     "Sat 23:00; hearing Sat 10:00 wins"),
    ("2026-12-24 23:00", "2026-12-29 10:00", "2026-12-26 23:00", "Christmas: hearing Tue 29, 24h (Sat 23:00) wins"),
    ("2026-11-14 22:00", "2026-11-16 10:00", "2026-11-16 10:00", "Sunday: Sat 2h + Sun skip + Mon 22h = Mon 22:00; "
     "hearing Mon 10:00 wins"),
    ("2026-11-14 22:00", "2026-11-16 23:00", "2026-11-16 22:00", "Sunday: hearing Mon 23:00, 24h (Mon 22:00) wins"),
    ("2026-03-28 22:30", "2026-03-30 10:00", "2026-03-30 10:00", "spring clock change (Sun 29 Mar): Sat 1h30 GMT + "
     "Sun skip + Mon 22h30 BST = Mon 22:30; hearing Mon 10:00 BST wins"),
    ("2026-03-28 22:30", "2026-03-30 22:45", "2026-03-30 22:30", "spring clock change: hearing 15 min after the 24h"),
    ("2026-10-24 22:30", "2026-10-26 10:00", "2026-10-26 10:00", "autumn clock change (Sun 25 Oct): Sat 1h30 BST + "
     "Sun skip + Mon 22h30 GMT = Mon 22:30; hearing Mon 10:00 GMT wins"),
    ("2026-10-24 22:30", "2026-10-27 10:00", "2026-10-26 22:30", "autumn clock change: hearing Tue, 24h wins"),
]


@pytest.mark.parametrize(("arrested", "hearing", "expected", "why"), NOTICE_BREACH)
def test_notice_breach_court_deadline(arrested, hearing, expected, why):
    got = breach_court_deadline(L(arrested), hearing_at=L(hearing))
    assert got.tzinfo is LONDON
    assert got.replace(tzinfo=None) == datetime.fromisoformat(expected), why
    # The earlier of the two, never later than either.
    assert utc(got) == min(utc(breach_court_deadline(L(arrested))), utc(L(hearing)))
    assert breach_court_deadline(L(arrested), DEFAULT_CALENDAR, hearing_at=L(hearing)) == got


def test_notice_breach_compares_instants_across_zones():
    # Autumn change: arrested Sat 24 Oct 2026 10:00 BST; Sat 14h (to 00:00 BST) + Sun skip + Mon
    # 10h from 00:00 GMT = Mon 26 Oct 10:00 GMT. A hearing given in UTC at 09:30 is 09:30 GMT.
    arrested = L("2026-10-24 10:00")
    assert breach_court_deadline(arrested).replace(tzinfo=None) == datetime(2026, 10, 26, 10, 0)
    got = breach_court_deadline(arrested, hearing_at=datetime(2026, 10, 26, 9, 30, tzinfo=UTC))
    assert got.tzinfo is LONDON and got.replace(tzinfo=None) == datetime(2026, 10, 26, 9, 30)
    # Spring: 10:00 BST Mon 30 Mar is 09:00 UTC; a hearing at 09:30 UTC (10:30 BST) still beats 22:30 BST.
    got = breach_court_deadline(L("2026-03-28 22:30"), hearing_at=datetime(2026, 3, 30, 9, 30, tzinfo=UTC))
    assert got.replace(tzinfo=None) == datetime(2026, 3, 30, 10, 30)
    # An arrest given in New York time: the same instant, the same answer.
    ny = L("2026-11-16 20:00").astimezone(NEW_YORK)
    assert breach_court_deadline(ny, hearing_at=L("2026-11-17 10:00")) == L("2026-11-17 10:00")


def test_notice_breach_extra_bank_holiday_moves_only_the_24_hours():
    cal = Calendar(frozenset({date(2026, 11, 17)}))
    # Mon 16 Nov 20:00: Mon 4h + Tue (extra) skip + Wed 20h = Wed 20:00; a hearing Wed 10:00 wins.
    assert breach_court_deadline(L("2026-11-16 20:00"), cal, hearing_at=L("2026-11-18 10:00")) == L("2026-11-18 10:00")
    assert breach_court_deadline(L("2026-11-16 20:00"), cal, hearing_at=L("2026-11-19 10:00")) == L("2026-11-18 20:00")


@pytest.mark.parametrize(
    "hearing",
    [L("2026-11-16 19:59"), L("2026-11-16 20:00") - timedelta(microseconds=1), datetime(2026, 11, 16, 19, 0, tzinfo=UTC)],
    ids=["a minute before", "a microsecond before", "in UTC, an hour before"],
)
def test_notice_breach_hearing_before_the_arrest_is_refused(hearing):
    with pytest.raises(ValueError, match="hearing_at"):
        breach_court_deadline(L("2026-11-16 20:00"), hearing_at=hearing)


def test_notice_breach_naive_or_wrong_types_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        breach_court_deadline(L("2026-11-16 20:00"), hearing_at=datetime(2026, 11, 17, 10, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        breach_court_deadline(datetime(2026, 11, 16, 20, 0), hearing_at=L("2026-11-17 10:00"))
    with pytest.raises(TypeError):
        breach_court_deadline(L("2026-11-16 20:00"), hearing_at=date(2026, 11, 17))
    with pytest.raises(TypeError):  # keyword-only: a positional third argument is a mistake
        breach_court_deadline(L("2026-11-16 20:00"), DEFAULT_CALENDAR, L("2026-11-17 10:00"))


# --------------------------------------------------------------------------------------
# Admin extra bank holidays
# --------------------------------------------------------------------------------------

EXTRA_CASES = [
    # (extra days, served, expected hearing 48h, why)
    ({"2026-11-17"}, "2026-11-16 09:00", "2026-11-19 09:00", "Mon 15h + Tue (extra) skip + Wed 24h + Thu 9h"),
    ({"2026-11-14"}, "2026-11-13 09:00", "2026-11-17 09:00", "Fri 15h + Sat (extra) and Sun skip + Mon 24h + Tue 9h"),
    ({"2026-12-26"}, "2026-12-24 10:00", "2026-12-30 10:00", "admin makes Boxing Day Saturday count: Thu 14h "
     "+ Fri 25 to Mon 28 skip + Tue 24h + Wed 10h"),
    ({"2026-11-18", "2026-11-19"}, "2026-11-17 00:00", "2026-11-21 00:00", "Tue 24h + Wed, Thu skip + Fri 24h "
     "= Fri 24:00"),
]


@pytest.mark.parametrize(("extras", "served", "expected", "why"), EXTRA_CASES)
def test_extra_bank_holidays(extras, served, expected, why):
    cal = Calendar(frozenset(date.fromisoformat(d) for d in extras))
    got = hearing_deadline(L(served), calendar=cal)
    assert got.replace(tzinfo=None) == datetime.fromisoformat(expected), why
    assert hearing_deadline(L(served), 48, cal) == got  # positional form


def test_extra_bank_holiday_breach_and_referral():
    cal = Calendar(frozenset({date(2026, 11, 17)}))
    # Breach: Mon 16 Nov 09:00: Mon 15h + Tue (extra) skip + Wed 9h.
    assert breach_court_deadline(L("2026-11-16 09:00"), cal) == L("2026-11-18 09:00")
    # Referral: Mon 16 Nov: Tue (extra) not working; Wed 18 (1), Thu 19 (2) -> Fri 20 00:00.
    assert referral_due(L("2026-11-16 10:00"), 2, cal) == L("2026-11-20 00:00")


# --------------------------------------------------------------------------------------
# Inputs in other zones
# --------------------------------------------------------------------------------------

ZONE_CASES = [
    # Tue 14 Jul 2026 09:00 BST expressed three ways -> Thu 16 Jul 09:00 BST.
    (datetime(2026, 7, 14, 8, 0, tzinfo=UTC), "2026-07-16 09:00", "08:00 UTC = 09:00 BST Tue"),
    (datetime(2026, 7, 14, 4, 0, tzinfo=NEW_YORK), "2026-07-16 09:00", "04:00 EDT = 09:00 BST Tue"),
    (datetime(2026, 7, 14, 17, 0, tzinfo=TOKYO), "2026-07-16 09:00", "17:00 JST = 09:00 BST Tue"),
    # The London day decides, not the local one: Sat 20:00 in New York is Sun 01:00 in
    # London, so the count starts Mon 00:00 and ends Tue 24:00.
    (datetime(2026, 11, 14, 20, 0, tzinfo=NEW_YORK), "2026-11-18 00:00", "Sat NY = Sun London"),
    # Mon 08:00 in Tokyo is Sun 23:00 in London: same.
    (datetime(2026, 11, 16, 8, 0, tzinfo=TOKYO), "2026-11-18 00:00", "Mon Tokyo = Sun London"),
    # Sun 12 Jul 2026 23:30 UTC is already Mon 00:30 BST: Monday counts from 00:30, not
    # from 00:00 (a UTC-day walk would skip "Sunday" and start at Mon 00:00).
    # Mon 23h30 + Tue 24h + Wed 30min.
    (datetime(2026, 7, 12, 23, 30, tzinfo=UTC), "2026-07-15 00:30", "UTC Sun = London Mon"),
    # Same after a bank holiday: Mon 25 May 2026 23:15 UTC = Tue 26 May 00:15 BST.
    # Tue 23h45 + Wed 24h + Thu 15min.
    (datetime(2026, 5, 25, 23, 15, tzinfo=UTC), "2026-05-28 00:15", "UTC BH Mon = London Tue"),
]


@pytest.mark.parametrize(("served", "expected", "why"), ZONE_CASES)
def test_inputs_in_other_zones(served, expected, why):
    got = hearing_deadline(served)
    assert got.tzinfo is LONDON
    assert got.replace(tzinfo=None) == datetime.fromisoformat(expected), why


# --------------------------------------------------------------------------------------
# Order end: s.28(10), day 1 is the day made
# --------------------------------------------------------------------------------------

ORDER_CASES = [
    (date(2026, 3, 1), 28, "2026-03-29 00:00", "day 28 = 28 Mar; 00:00 GMT, before that night's change"),
    (date(2026, 3, 1), 14, "2026-03-15 00:00", "day 14 = 14 Mar"),
    (date(2026, 11, 10), 14, "2026-11-24 00:00", "day 14 = 23 Nov"),
    (date(2026, 10, 20), 28, "2026-11-17 00:00", "day 28 = 16 Nov; clocks went back in between"),
    (date(2028, 2, 15), 28, "2028-03-14 00:00", "leap year: 29 Feb is day 15, 13 Mar day 28"),
    (date(2026, 3, 20), 14, "2026-04-03 00:00", "day 14 = 2 Apr; ends 00:00 BST"),
    (date(2026, 12, 20), 21, "2027-01-10 00:00", "day 12 = 31 Dec, day 21 = 9 Jan"),
    # A datetime is read as its London date.
    (datetime(2026, 3, 1, 23, 30, tzinfo=UTC), 28, "2026-03-29 00:00", "23:30 UTC = 23:30 GMT, 1 Mar"),
    (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), 28, "2026-07-29 00:00", "23:30 UTC = 00:30 BST 1 Jul"),
    (datetime(2026, 3, 1, 20, 0, tzinfo=NEW_YORK), 28, "2026-03-30 00:00", "20:00 EST = 01:00 GMT 2 Mar"),
]


@pytest.mark.parametrize(("made", "days", "expected", "why"), ORDER_CASES)
def test_order_end(made, days, expected, why):
    got = order_end(made, days)
    assert got.tzinfo is LONDON
    assert got.replace(tzinfo=None) == datetime.fromisoformat(expected), why
    assert order_end(made, days, calendar=DEFAULT_CALENDAR) == got


def test_order_end_utc_instants():
    # 29 Jul 2026 00:00 BST is 28 Jul 23:00 UTC.
    assert utc(order_end(date(2026, 7, 1), 28)) == datetime(2026, 7, 28, 23, 0, tzinfo=UTC)
    # 3 Apr 2026 00:00 BST is 2 Apr 23:00 UTC.
    assert utc(order_end(date(2026, 3, 20), 14)) == datetime(2026, 4, 2, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize("days", [-1, 0, 1, 7, 13, 29, 30, 365])
def test_order_end_rejects_durations_outside_14_to_28(days):
    with pytest.raises(ValueError):
        order_end(date(2026, 3, 1), days)


def test_order_end_rejects_bad_types():
    with pytest.raises(ValueError):
        order_end(date(2026, 3, 1), 14.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        order_end(date(2026, 3, 1), True)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        order_end("2026-03-01", 14)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# Victims' Code referral: working days after the day of the trigger
# --------------------------------------------------------------------------------------

REFERRAL_CASES = [
    ("2026-11-16 10:00", 2, "2026-11-19 00:00", "Mon: Tue (1), Wed (2) -> Thu 00:00"),
    ("2026-11-16 00:00", 2, "2026-11-19 00:00", "the trigger day never counts, even from 00:00"),
    ("2026-11-16 23:59", 2, "2026-11-19 00:00", "late on Mon: same"),
    ("2026-11-13 10:00", 2, "2026-11-18 00:00", "Fri: Sat, Sun no; Mon (1), Tue (2) -> Wed"),
    ("2026-11-14 10:00", 2, "2026-11-18 00:00", "Sat: Mon (1), Tue (2) -> Wed"),
    ("2026-11-15 10:00", 2, "2026-11-18 00:00", "Sun: Mon (1), Tue (2) -> Wed"),
    ("2026-11-16 10:00", 1, "2026-11-18 00:00", "1 day: Tue (1) -> Wed"),
    ("2026-11-16 10:00", 5, "2026-11-24 00:00", "5 days: Tue, Wed, Thu, Fri, Mon 23 -> Tue 24"),
    ("2026-04-02 10:00", 2, "2026-04-09 00:00", "Thu: GF, Sat, Sun, Easter Mon no; Tue 7 (1), Wed 8 (2)"),
    ("2026-12-23 10:00", 2, "2026-12-30 00:00", "Wed: Thu 24 (1); Fri 25 to Mon 28 no; Tue 29 (2)"),
    ("2026-12-30 10:00", 2, "2027-01-05 00:00", "Wed: Thu 31 (1); Fri 1 Jan, Sat, Sun no; Mon 4 (2)"),
    ("2027-12-23 10:00", 2, "2027-12-30 00:00", "Thu: Fri 24 (1); Sat 25 to Tue 28 no; Wed 29 (2)"),
    ("2021-12-30 10:00", 2, "2022-01-05 00:00", "Thu: Fri 31 (1); Sat 1, Sun 2, Mon 3 (substitute) no; Tue 4 (2)"),
    ("2026-05-01 10:00", 2, "2026-05-07 00:00", "Fri: Mon 4 May BH no; Tue 5 (1), Wed 6 (2)"),
    ("2022-09-16 10:00", 2, "2022-09-22 00:00", "Fri: Mon 19 funeral no; Tue 20 (1), Wed 21 (2)"),
    ("2023-05-05 10:00", 2, "2023-05-11 00:00", "Fri: Mon 8 coronation no; Tue 9 (1), Wed 10 (2)"),
    ("2026-03-27 17:00", 2, "2026-04-01 00:00", "Fri GMT: Mon 30 (1), Tue 31 (2) -> Wed 00:00 BST"),
]


@pytest.mark.parametrize(("start", "days", "expected", "why"), REFERRAL_CASES)
def test_referral_due(start, days, expected, why):
    got = referral_due(L(start), days)
    assert got.tzinfo is LONDON
    assert got.replace(tzinfo=None) == datetime.fromisoformat(expected), why


def test_referral_due_defaults_and_zones():
    # Default is 2 working days.
    assert referral_due(L("2026-11-16 10:00")) == L("2026-11-19 00:00")
    # 31 Mar 2026 22:30 UTC is 23:30 BST Tue 31 Mar, so the trigger day is Tue:
    # Wed 1 (1), Thu 2 (2) -> Fri 3 Apr (Good Friday) 00:00.
    got = referral_due(datetime(2026, 3, 31, 22, 30, tzinfo=UTC))
    assert got.replace(tzinfo=None) == datetime(2026, 4, 3, 0, 0)
    # 23:30 UTC on 31 Mar is 00:30 BST Wed 1 Apr: Thu 2 (1); GF, Sat, Sun, Mon no;
    # Tue 7 (2) -> Wed 8 Apr 00:00.
    got = referral_due(datetime(2026, 3, 31, 23, 30, tzinfo=UTC))
    assert got.replace(tzinfo=None) == datetime(2026, 4, 8, 0, 0)
    # Wed 8 Apr 00:00 BST is 7 Apr 23:00 UTC.
    assert utc(got) == datetime(2026, 4, 7, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize("days", [0, -1, -5])
def test_referral_due_rejects_fewer_than_one_day(days):
    with pytest.raises(ValueError):
        referral_due(L("2026-11-16 10:00"), days)


# --------------------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------------------

NAIVE = datetime(2026, 11, 10, 9, 0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: hearing_deadline(NAIVE),
        lambda: hearing_deadline(NAIVE, 72),
        lambda: breach_court_deadline(NAIVE),
        lambda: order_end(NAIVE, 28),
        lambda: referral_due(NAIVE),
        lambda: referral_due(NAIVE, 5, DEFAULT_CALENDAR),
    ],
    ids=["hearing", "hearing72", "breach", "order_end", "referral", "referral5"],
)
def test_naive_datetimes_are_rejected(call):
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


@pytest.mark.parametrize("hours", [0, 24, 47, 49, 96, True, 48.0])
def test_hearing_hours_must_be_48_or_72(hours):
    with pytest.raises(ValueError):
        hearing_deadline(L("2026-11-10 09:00"), hours)


# --------------------------------------------------------------------------------------
# Properties, against an independent reference
# --------------------------------------------------------------------------------------

LO, HI = datetime(2020, 1, 1), datetime(2030, 12, 31)
ZONES = [UTC, LONDON, NEW_YORK, TOKYO, KOLKATA, CHATHAM]

# Days near holidays and clock changes, where mistakes live.
INTERESTING_DAYS = [
    date(2020, 12, 25), date(2021, 12, 25), date(2022, 1, 1), date(2022, 6, 2),
    date(2022, 9, 19), date(2023, 5, 8), date(2026, 3, 29), date(2026, 4, 3),
    date(2026, 10, 25), date(2026, 12, 25), date(2027, 3, 26), date(2027, 12, 25),
    date(2028, 1, 1), date(2029, 3, 30), date(2030, 12, 25),
]  # fmt: skip


@st.composite
def near_interesting_london(draw):
    day = draw(st.sampled_from(INTERESTING_DAYS)) + timedelta(days=draw(st.integers(-4, 4)))
    t = draw(st.one_of(st.just(time(0)), st.sampled_from([time(23, 59, 59, 999999), time(0, 30), time(1, 30)]), st.times()))
    # Round-trip through UTC so a wall time in the spring gap becomes a real instant.
    return datetime.combine(day, t, tzinfo=LONDON).astimezone(UTC).astimezone(LONDON)


instants = st.one_of(
    st.datetimes(LO, HI, timezones=st.sampled_from(ZONES), allow_imaginary=False),
    near_interesting_london(),
)


# Admin extras: a few anywhere, and a few within a fortnight of the instant under test
# (as day offsets) so they matter. Built with `make_calendar`; a static strategy keeps
# hypothesis fast.
extra_specs = st.tuples(
    st.frozensets(st.dates(LO.date(), HI.date()), max_size=2),
    st.frozensets(st.integers(-1, 12), max_size=4),
)


def make_calendar(spec, around: datetime) -> Calendar:
    anywhere, offsets = spec
    day = around.astimezone(LONDON).date()
    return Calendar(frozenset(anywhere) | {day + timedelta(days=o) for o in offsets})


def london_day_bounds_utc(d: date) -> tuple[datetime, datetime]:
    """[start, end) of London day d, in UTC, built without the code under test."""
    start = datetime(d.year, d.month, d.day, tzinfo=LONDON).astimezone(UTC)
    nxt = d + timedelta(days=1)
    end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=LONDON).astimezone(UTC)
    return start, end


def counted_time(a: datetime, b: datetime, cal: Calendar) -> timedelta:
    """Reference: non-disregarded time in [a, b), summed day by day over every London day
    the interval touches (overlap of the interval with each counted day)."""
    a, b = utc(a), utc(b)
    total = timedelta(0)
    d = a.astimezone(LONDON).date() - timedelta(days=1)
    last = b.astimezone(LONDON).date() + timedelta(days=1)
    while d <= last:
        if not cal.is_disregarded(d):
            start, end = london_day_bounds_utc(d)
            lo, hi = max(a, start), min(b, end)
            if hi > lo:
                total += hi - lo
        d += timedelta(days=1)
    return total


def check_clock(served: datetime, got: datetime, length: timedelta, cal: Calendar) -> None:
    assert got.tzinfo is LONDON
    # Disregarded time only adds.
    assert utc(got) >= utc(served) + length
    # Exactly `length` of counted time between service and deadline ...
    assert counted_time(served, got, cal) == length
    # ... and it is the first such instant: a microsecond earlier, some is still missing.
    assert counted_time(served, utc(got) - timedelta(microseconds=1), cal) < length
    # Never inside a disregarded day, except exactly at its 00:00 start, which is then
    # the end of a counted day.
    local = got.astimezone(LONDON)
    if cal.is_disregarded(local.date()):
        assert local.time() == time(0)
        assert not cal.is_disregarded(local.date() - timedelta(days=1))
    # Loose upper bound: 8 disregarded days in a row never happen here (max 6 + extras).
    assert utc(got) - utc(served) < length + timedelta(days=20)


@settings(max_examples=300, deadline=None)
@given(spec=extra_specs, served=instants, hours=st.sampled_from([48, 72]), zone=st.sampled_from(ZONES))
def test_hearing_deadline_properties(spec, served, hours, zone):
    cal = make_calendar(spec, served)
    got = hearing_deadline(served, hours, cal)
    check_clock(served, got, timedelta(hours=hours), cal)
    # The same instant in another zone gives the same answer.
    assert hearing_deadline(served.astimezone(zone), hours, cal) == got


@settings(max_examples=300, deadline=None)
@given(spec=extra_specs, arrested=instants)
def test_breach_court_deadline_properties(spec, arrested):
    cal = make_calendar(spec, arrested)
    got = breach_court_deadline(arrested, cal)
    check_clock(arrested, got, timedelta(hours=24), cal)
    # 24 counted hours end no later than 48.
    assert utc(got) <= utc(hearing_deadline(arrested, 48, cal))


@settings(max_examples=300, deadline=None)
@given(spec=extra_specs, arrested=instants, hearing_in=st.timedeltas(timedelta(0), timedelta(days=6)))
def test_notice_breach_is_the_earlier_of_24_hours_and_the_hearing(spec, arrested, hearing_in):
    cal = make_calendar(spec, arrested)
    hearing = (utc(arrested) + hearing_in).astimezone(LONDON)
    got = breach_court_deadline(arrested, cal, hearing_at=hearing)
    plain = breach_court_deadline(arrested, cal)
    assert got.tzinfo is LONDON
    assert utc(got) == min(utc(plain), utc(hearing))
    assert utc(arrested) <= utc(got) <= utc(plain)


@settings(max_examples=200, deadline=None)
@given(
    spec=extra_specs,
    served=instants,
    later_by=st.one_of(
        st.timedeltas(timedelta(0), timedelta(days=8)),
        st.integers(0, 8 * 24).map(lambda h: timedelta(hours=h)),
    ),
    hours=st.sampled_from([48, 72]),
)
def test_hearing_deadline_is_monotonic(spec, served, later_by, hours):
    cal = make_calendar(spec, served)
    later = utc(served) + later_by
    assume(later.replace(tzinfo=None) <= HI + timedelta(days=1))
    assert utc(hearing_deadline(served, hours, cal)) <= utc(hearing_deadline(later, hours, cal))
    assert utc(breach_court_deadline(served, cal)) <= utc(breach_court_deadline(later, cal))


@settings(max_examples=200, deadline=None)
@given(spec=extra_specs, served=instants, hours=st.sampled_from([48, 72]), offset=st.integers(-1, 8))
def test_adding_a_holiday_never_makes_a_deadline_earlier(spec, served, hours, offset):
    base_cal = make_calendar(spec, served)
    extra = served.astimezone(LONDON).date() + timedelta(days=offset)
    more = Calendar(base_cal.extra_bank_holidays | {extra})
    before = hearing_deadline(served, hours, base_cal)
    after = hearing_deadline(served, hours, more)
    assert utc(after) >= utc(before)
    assert utc(breach_court_deadline(served, more)) >= utc(breach_court_deadline(served, base_cal))
    assert utc(referral_due(served, 2, more)) >= utc(referral_due(served, 2, base_cal))


@settings(max_examples=300, deadline=None)
@given(spec=extra_specs, start=instants, working_days=st.integers(1, 10))
def test_referral_due_properties(spec, start, working_days):
    cal = make_calendar(spec, start)
    got = referral_due(start, working_days, cal)
    assert got.tzinfo is LONDON
    assert got.time() == time(0)
    start_day = start.astimezone(LONDON).date()
    due_day = got.date()
    assert cal.is_working_day(due_day - timedelta(days=1))
    between = [
        start_day + timedelta(days=i) for i in range(1, (due_day - start_day).days)
    ]
    assert sum(1 for d in between if cal.is_working_day(d)) == working_days
    # Working days are Mon-Fri, so the due day is at least this far away.
    assert (due_day - start_day).days >= working_days + 1


@settings(max_examples=300, deadline=None)
@given(
    made=st.one_of(
        st.dates(LO.date(), HI.date()),
        st.datetimes(LO, HI, timezones=st.sampled_from(ZONES), allow_imaginary=False),
    ),
    days=st.integers(14, 28),
)
def test_order_end_properties(made, days):
    got = order_end(made, days)
    assert got.tzinfo is LONDON
    assert got.time() == time(0)
    made_day = made.astimezone(LONDON).date() if isinstance(made, datetime) else made
    assert (got.date() - made_day).days == days
    # The order is in force on day `days` (the last London day) and not after.
    _, last_day_end = london_day_bounds_utc(made_day + timedelta(days=days - 1))
    assert utc(got) == last_day_end


@settings(max_examples=100, deadline=None)
@given(days=st.integers(-1000, 1000).filter(lambda n: not 14 <= n <= 28))
def test_order_end_rejects_any_duration_outside_range(days):
    with pytest.raises(ValueError):
        order_end(date(2026, 3, 1), days)


@settings(max_examples=100, deadline=None)
@given(naive=st.datetimes(LO, HI))
def test_naive_inputs_always_rejected(naive):
    for call in (
        lambda: hearing_deadline(naive),
        lambda: breach_court_deadline(naive),
        lambda: order_end(naive, 14),
        lambda: referral_due(naive),
    ):
        with pytest.raises(ValueError):
            call()


def test_a_dapo_until_further_order_has_no_end():
    from app.domain.deadlines import dapo_end, protection_order_end

    assert dapo_end(date(2026, 11, 16), None) is None
    assert protection_order_end("dapo", date(2026, 11, 16), None) is None
    with pytest.raises(ValueError, match="DVPO"):
        protection_order_end("dvpo", date(2026, 11, 16), None)
    assert dapo_end(date(2026, 3, 1), 1) == L("2026-03-02 00:00")


@pytest.mark.parametrize(("made", "due", "why"), [
    (date(2026, 12, 4), "2026-12-07 00:00", "made on a Friday: Fri, Sat, Sun; no day disregarded"),
    (date(2026, 12, 24), "2026-12-27 00:00", "the day before Christmas: Christmas Day counts (s.41 disregards none)"),
    (date(2026, 10, 24), "2026-10-27 00:00", "across the autumn clock change: London midnights, 73 real hours"),
    (date(2027, 3, 27), "2027-03-30 00:00", "across the spring clock change: London midnights, 71 real hours"),
    (date(2028, 2, 28), "2028-03-02 00:00", "a leap year: 28 Feb, 29 Feb, 1 Mar"),
])
def test_notification_due_is_three_days_beginning_with_the_day(made, due, why):
    from app.domain.deadlines import notification_due

    got = notification_due(made)
    assert got == L(due), why
    assert notification_due(L(f"{made.isoformat()} 23:59")) == got


def test_notification_due_refuses_naive_and_wrong_types():
    from app.domain.deadlines import notification_due

    with pytest.raises(ValueError):
        notification_due(datetime(2026, 12, 4, 10, 0))
    with pytest.raises(TypeError):
        notification_due("2026-12-04")


def test_a_remembered_deadline_is_never_given_for_another_calendar():
    """The count over counted days is remembered (it is asked again on every dashboard
    poll): a bank holiday an administrator adds must still move the same notice's
    deadline, so the calendar is part of what is remembered."""
    from app.domain.calendar import Calendar

    served = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)  # a Monday
    plain = hearing_deadline(served, calendar=Calendar())
    with_holiday = hearing_deadline(served, calendar=Calendar(frozenset({date(2026, 11, 17)})))
    assert plain == datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
    assert with_holiday == datetime(2026, 11, 19, 10, 0, tzinfo=UTC)
    assert hearing_deadline(served, calendar=Calendar()) == plain

"""The Victims' Code referral's warning and the caseworker's follow-up call, on real calendars.

`referral_warning`: counting back from the due instant over office hours (09:00-17:00
London) on working days only (Code of Practice for Victims of Crime (2020), Right 4:
Monday to Friday, not a bank holiday). `follow_up_call_due`: 00:00 London on the Nth
working day counted back from the order's last day in force.

Every expected value is worked out by hand in the `why` on its row: "Wed 8h" means a full
office day counted, "no" a day that is not a working day, "(1)" the first working day.
Calendars used: Christmas 2026 (Fri 25 Dec; Boxing Day Sat 26 with substitute Mon 28),
New Year's Day Fri 1 Jan 2027, Easter 2026 (Good Friday 3 Apr, Easter Monday 6 Apr),
Easter 2027 (26 and 29 Mar; clocks go forward on Easter Sunday 28 Mar), early May bank
holidays Mon 4 May 2026 and Mon 3 May 2027, and the 2026 clock changes (forward Sun 29
Mar, back Sun 25 Oct).
"""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.calendar import DEFAULT_CALENDAR, LONDON, Calendar
from app.domain.deadlines import follow_up_call_due, order_end, referral_due, referral_warning


def L(text: str) -> datetime:
    """A London wall-clock time, 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)


def wall(dt: datetime) -> datetime:
    """The London wall-clock time of an instant, naive, for comparing with a table."""
    return dt.astimezone(LONDON).replace(tzinfo=None)


NO_EXTRAS = frozenset()


# --------------------------------------------------------------------------------------
# referral_warning: 4 working hours (the default) and others, counted back from `due`
# --------------------------------------------------------------------------------------

WARNING_CASES = [
    # (due, hours, admin-added bank holidays, expected warning (London wall clock), why)
    # An ordinary week, November 2026 (GMT).
    ("2026-11-19 00:00", 4, NO_EXTRAS, "2026-11-18 13:00", "due Thu 00:00: Thu no office time before 00:00; Wed 17:00 - 4h"),
    ("2026-11-19 00:00", 0.5, NO_EXTRAS, "2026-11-18 16:30", "half an hour: Wed 17:00 - 30min"),
    ("2026-11-19 00:00", 12, NO_EXTRAS, "2026-11-17 13:00", "Wed 8h + Tue 4h (17:00 - 4h)"),
    ("2026-11-19 00:00", 8, NO_EXTRAS, "2026-11-18 09:00",
     "exactly a full office day: Wed 8h runs out at Wed 09:00 (the latest instant with 8h to go)"),
    ("2026-11-17 00:00", 4, NO_EXTRAS, "2026-11-16 13:00", "due Tue: Mon 17:00 - 4h"),
    ("2026-11-16 00:00", 4, NO_EXTRAS, "2026-11-13 13:00", "due Mon 00:00: Sun, Sat no; Fri 17:00 - 4h"),
    ("2026-11-14 00:00", 4, NO_EXTRAS, "2026-11-13 13:00", "due Sat 00:00: Fri 17:00 - 4h"),
    ("2026-11-15 12:00", 4, NO_EXTRAS, "2026-11-13 13:00", "due Sun noon: Sun, Sat no; Fri 17:00 - 4h"),
    ("2026-11-18 15:00", 4, NO_EXTRAS, "2026-11-18 11:00", "due inside office hours: Wed 15:00 - 4h"),
    ("2026-11-18 11:00", 4, NO_EXTRAS, "2026-11-17 15:00", "Wed 09:00-11:00 2h + Tue 2h (17:00 - 2h)"),
    ("2026-11-18 09:00", 4, NO_EXTRAS, "2026-11-17 13:00", "due at opening: no Wed time; Tue 17:00 - 4h"),
    ("2026-11-18 08:00", 4, NO_EXTRAS, "2026-11-17 13:00", "due before opening: Tue 17:00 - 4h"),
    ("2026-11-18 17:00", 4, NO_EXTRAS, "2026-11-18 13:00", "due at closing: Wed 17:00 - 4h"),
    ("2026-11-18 20:00", 4, NO_EXTRAS, "2026-11-18 13:00", "due after closing: Wed 17:00 - 4h"),
    # Christmas 2026: Fri 25 Dec; Sat 26 Boxing Day, substitute Mon 28.
    ("2026-12-31 00:00", 4, NO_EXTRAS, "2026-12-30 13:00", "due Thu 31 Dec: Wed 30 17:00 - 4h"),
    ("2026-12-30 00:00", 4, NO_EXTRAS, "2026-12-29 13:00", "due Wed 30 Dec: Tue 29 17:00 - 4h"),
    ("2026-12-29 00:00", 4, NO_EXTRAS, "2026-12-24 13:00",
     "due Tue 29: Mon 28 (substitute), Sun 27, Sat 26, Fri 25 (Christmas) no; Thu 24 17:00 - 4h"),
    ("2026-12-29 00:00", 12, NO_EXTRAS, "2026-12-23 13:00",
     "due Tue 29: Mon 28 to Fri 25 no; Thu 24 8h + Wed 23 4h"),
    ("2026-12-29 10:00", 4, NO_EXTRAS, "2026-12-24 14:00",
     "Tue 29 09:00-10:00 1h; Mon 28 to Fri 25 no; Thu 24 3h (17:00 - 3h)"),
    ("2026-12-28 12:00", 4, NO_EXTRAS, "2026-12-24 13:00", "due on the substitute Monday: no office time that day"),
    # New Year 2027: Fri 1 Jan.
    ("2027-01-04 00:00", 4, NO_EXTRAS, "2026-12-31 13:00", "due Mon 4 Jan: Sun, Sat, Fri 1 Jan no; Thu 31 Dec 17:00 - 4h"),
    ("2027-01-04 10:00", 4, NO_EXTRAS, "2026-12-31 14:00", "Mon 4 Jan 1h; Fri 1 Jan no; Thu 31 Dec 3h"),
    ("2027-01-05 00:00", 4, NO_EXTRAS, "2027-01-04 13:00", "due Tue 5 Jan: Mon 4 17:00 - 4h"),
    ("2027-01-05 00:00", 16, NO_EXTRAS, "2026-12-31 09:00", "Mon 4 Jan 8h; Fri 1 Jan no; Thu 31 Dec 8h to 09:00"),
    # Easter 2026 (BST from 29 Mar): Good Friday 3 Apr, Easter Monday 6 Apr.
    ("2026-04-07 00:00", 4, NO_EXTRAS, "2026-04-02 13:00", "due Tue 7 Apr: Mon 6 (Easter), Sun, Sat, Fri 3 (GF) no; Thu 2"),
    ("2026-04-07 00:00", 10, NO_EXTRAS, "2026-04-01 15:00", "due Tue 7 Apr: Thu 2 8h + Wed 1 2h (17:00 - 2h)"),
    ("2026-04-08 00:00", 4, NO_EXTRAS, "2026-04-07 13:00", "due Wed 8 Apr: Tue 7 17:00 - 4h"),
    # Easter 2027: Good Friday 26 Mar (GMT), Easter Sunday 28 Mar clocks go forward, Easter Monday 29 Mar.
    ("2027-03-30 00:00", 4, NO_EXTRAS, "2027-03-25 13:00",
     "due Tue 30 Mar (BST): Mon 29 (Easter), Sun 28, Sat 27, Fri 26 (GF) no; Thu 25 13:00 GMT"),
    ("2027-04-01 00:00", 4, NO_EXTRAS, "2027-03-31 13:00", "due Thu 1 Apr: Wed 31 Mar 17:00 - 4h (BST)"),
    ("2027-03-31 00:00", 12, NO_EXTRAS, "2027-03-25 13:00", "Tue 30 8h; Mon 29 to Fri 26 no; Thu 25 4h"),
    # Early May bank holidays.
    ("2026-05-05 00:00", 4, NO_EXTRAS, "2026-05-01 13:00", "due Tue 5 May: Mon 4 (early May), Sun, Sat no; Fri 1"),
    ("2027-05-04 00:00", 4, NO_EXTRAS, "2027-04-30 13:00", "due Tue 4 May 2027: Mon 3 (early May), Sun, Sat no; Fri 30 Apr"),
    # Clock changes 2026: forward Sun 29 Mar, back Sun 25 Oct. Wall-clock 13:00 either side.
    ("2026-03-30 00:00", 4, NO_EXTRAS, "2026-03-27 13:00", "due Mon 30 Mar BST: Sun (23h), Sat no; Fri 27 13:00 GMT"),
    ("2026-03-31 00:00", 20, NO_EXTRAS, "2026-03-26 13:00",
     "Mon 30 8h BST; Sun, Sat no; Fri 27 8h GMT; Thu 26 4h: 13:00 GMT"),
    ("2026-10-26 00:00", 4, NO_EXTRAS, "2026-10-23 13:00", "due Mon 26 Oct GMT: Sun (25h), Sat no; Fri 23 13:00 BST"),
    ("2026-10-27 00:00", 12, NO_EXTRAS, "2026-10-23 13:00", "Mon 26 8h GMT; Sun, Sat no; Fri 23 4h: 13:00 BST"),
    # Admin-added bank holidays.
    ("2026-11-23 00:00", 4, frozenset({date(2026, 11, 20)}), "2026-11-19 13:00",
     "due Mon 23: Sun, Sat no; Fri 20 added; Thu 19 17:00 - 4h"),
    ("2026-11-17 00:00", 4, frozenset({date(2026, 11, 16)}), "2026-11-13 13:00",
     "due Tue 17: Mon 16 added, Sun, Sat no; Fri 13"),
    ("2026-11-16 00:00", 4, frozenset({date(2026, 11, 14)}), "2026-11-13 13:00",
     "a Saturday added changes nothing: Saturdays are never working days"),
    ("2026-12-31 00:00", 4, frozenset({date(2026, 12, 30)}), "2026-12-29 13:00",
     "due Thu 31 Dec, Wed 30 added: Tue 29 17:00 - 4h"),
]


@pytest.mark.parametrize(("due", "hours", "extras", "expected", "why"), WARNING_CASES,
                         ids=[row[-1] for row in WARNING_CASES])
def test_referral_warning(due, hours, extras, expected, why):
    got = referral_warning(L(due), hours, Calendar(extras))
    assert got.tzinfo is LONDON
    assert wall(got) == datetime.fromisoformat(expected), f"{why}: got {got.isoformat()}"
    # The London wall-clock reading is the instant (no hour lost at a clock change).
    assert utc(got) == utc(L(expected)), why


def test_referral_warning_wall_clock_is_right_across_the_clock_changes():
    # Spring 2026: due Mon 30 Mar 00:00 BST = Sun 29 Mar 23:00 UTC; warning Fri 27 13:00
    # GMT = 13:00 UTC. A naive "due minus N hours of wall clock" in UTC would give 12:00 or 14:00.
    got = referral_warning(datetime(2026, 3, 29, 23, 0, tzinfo=UTC))
    assert utc(got) == datetime(2026, 3, 27, 13, 0, tzinfo=UTC)
    # Easter 2027: due Thu 1 Apr 00:00 BST = 31 Mar 23:00 UTC; warning Wed 31 Mar 13:00 BST = 12:00 UTC.
    got = referral_warning(datetime(2027, 3, 31, 23, 0, tzinfo=UTC))
    assert utc(got) == datetime(2027, 3, 31, 12, 0, tzinfo=UTC)
    # Autumn 2026: due Mon 26 Oct 00:00 GMT = 00:00 UTC; warning Fri 23 Oct 13:00 BST = 12:00 UTC.
    got = referral_warning(datetime(2026, 10, 26, 0, 0, tzinfo=UTC))
    assert utc(got) == datetime(2026, 10, 23, 12, 0, tzinfo=UTC)
    assert wall(got) == datetime(2026, 10, 23, 13, 0)


def test_referral_warning_other_office_hours():
    # 08:00-18:00: due Thu 19 Nov 00:00, 4h -> Wed 18:00 - 4h = 14:00.
    got = referral_warning(L("2026-11-19 00:00"), 4, DEFAULT_CALENDAR, (time(8), time(18)))
    assert wall(got) == datetime(2026, 11, 18, 14, 0)
    # 12h with 10h days: Wed 10h + Tue 2h -> Tue 16:00.
    got = referral_warning(L("2026-11-19 00:00"), 12, DEFAULT_CALENDAR, (time(8), time(18)))
    assert wall(got) == datetime(2026, 11, 17, 16, 0)


def test_referral_warning_default_calendar_and_hours():
    assert referral_warning(L("2026-12-29 00:00")) == L("2026-12-24 13:00")


@pytest.mark.parametrize("hours", [0, -1, 168.5, 1000])
def test_referral_warning_rejects_hours_out_of_range(hours):
    with pytest.raises(ValueError):
        referral_warning(L("2026-11-19 00:00"), hours)


def test_referral_warning_rejects_naive():
    with pytest.raises(ValueError):
        referral_warning(datetime(2026, 11, 19))
    with pytest.raises(TypeError):
        referral_warning(date(2026, 11, 19))  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# Combined: the trigger (service of the notice) -> referral_due -> referral_warning
# --------------------------------------------------------------------------------------

TRIGGER_CASES = [
    # (trigger, working days, warn hours, extras, due, warning, why)
    ("2026-12-24 18:00", 2, 4, NO_EXTRAS, "2026-12-31 00:00", "2026-12-30 13:00",
     "served Thu 24 Dec: Fri 25, Sat, Sun, Mon 28 no; Tue 29 (1), Wed 30 (2) -> Thu 31 00:00; Wed 30 13:00"),
    ("2026-12-24 18:00", 2, 12, NO_EXTRAS, "2026-12-31 00:00", "2026-12-29 13:00",
     "as above, 12h: Wed 30 8h + Tue 29 4h"),
    ("2026-12-23 10:00", 2, 4, NO_EXTRAS, "2026-12-30 00:00", "2026-12-29 13:00",
     "served Wed 23 Dec: Thu 24 (1); Fri 25 to Mon 28 no; Tue 29 (2) -> Wed 30 00:00; Tue 29 13:00"),
    ("2026-12-23 10:00", 2, 12, NO_EXTRAS, "2026-12-30 00:00", "2026-12-24 13:00",
     "as above, 12h: Tue 29 8h; Mon 28 to Fri 25 no; Thu 24 4h"),
    ("2026-12-23 10:00", 5, 4, NO_EXTRAS, "2027-01-05 00:00", "2027-01-04 13:00",
     "5 days: Thu 24 (1), Tue 29 (2), Wed 30 (3), Thu 31 (4); Fri 1 Jan, Sat, Sun no; Mon 4 (5) -> Tue 5"),
    ("2026-12-31 10:00", 2, 4, NO_EXTRAS, "2027-01-06 00:00", "2027-01-05 13:00",
     "served Thu 31 Dec: Fri 1 Jan, Sat, Sun no; Mon 4 (1), Tue 5 (2) -> Wed 6 00:00; Tue 5 13:00"),
    ("2027-01-01 03:00", 2, 4, NO_EXTRAS, "2027-01-06 00:00", "2027-01-05 13:00",
     "served on New Year's Day: Mon 4 (1), Tue 5 (2) -> Wed 6; Tue 5 13:00"),
    ("2027-03-25 12:00", 2, 4, NO_EXTRAS, "2027-04-01 00:00", "2027-03-31 13:00",
     "served Thu 25 Mar GMT: GF 26, Sat, Sun (clocks forward), Easter Mon 29 no; Tue 30 (1), Wed 31 (2) "
     "-> Thu 1 Apr 00:00 BST; Wed 31 13:00 BST"),
    ("2027-03-24 12:00", 2, 4, NO_EXTRAS, "2027-03-31 00:00", "2027-03-30 13:00",
     "served Wed 24 Mar: Thu 25 (1); GF to Easter Mon no; Tue 30 (2) -> Wed 31; Tue 30 13:00 BST"),
    ("2027-03-24 12:00", 2, 12, NO_EXTRAS, "2027-03-31 00:00", "2027-03-25 13:00",
     "as above, 12h: Tue 30 8h BST; Mon 29 to Fri 26 no; Thu 25 4h GMT"),
    ("2026-04-02 10:00", 2, 4, NO_EXTRAS, "2026-04-09 00:00", "2026-04-08 13:00",
     "served Thu 2 Apr 2026: GF, Sat, Sun, Easter Mon no; Tue 7 (1), Wed 8 (2) -> Thu 9; Wed 8 13:00"),
    ("2026-05-01 10:00", 2, 4, NO_EXTRAS, "2026-05-07 00:00", "2026-05-06 13:00",
     "served Fri 1 May 2026: Sat, Sun, Mon 4 (early May) no; Tue 5 (1), Wed 6 (2) -> Thu 7; Wed 6 13:00"),
    ("2027-04-30 22:00", 2, 4, NO_EXTRAS, "2027-05-06 00:00", "2027-05-05 13:00",
     "served Fri 30 Apr 2027: Sat, Sun, Mon 3 May no; Tue 4 (1), Wed 5 (2) -> Thu 6; Wed 5 13:00"),
    ("2026-03-27 17:00", 2, 4, NO_EXTRAS, "2026-04-01 00:00", "2026-03-31 13:00",
     "served Fri 27 Mar GMT: Mon 30 (1), Tue 31 (2) -> Wed 1 Apr 00:00 BST; Tue 31 13:00 BST"),
    ("2026-03-26 09:00", 2, 4, NO_EXTRAS, "2026-03-31 00:00", "2026-03-30 13:00",
     "served Thu 26 Mar GMT: Fri 27 (1); Sat, Sun (clocks forward) no; Mon 30 (2) -> Tue 31; Mon 30 13:00 BST"),
    ("2026-10-23 10:00", 2, 4, NO_EXTRAS, "2026-10-28 00:00", "2026-10-27 13:00",
     "served Fri 23 Oct BST: Mon 26 (1), Tue 27 (2) -> Wed 28 00:00 GMT; Tue 27 13:00 GMT"),
    ("2026-10-22 10:00", 2, 4, NO_EXTRAS, "2026-10-27 00:00", "2026-10-26 13:00",
     "served Thu 22 Oct BST: Fri 23 (1); Sat, Sun (clocks back) no; Mon 26 (2) -> Tue 27; Mon 26 13:00 GMT"),
    ("2026-10-22 10:00", 2, 12, NO_EXTRAS, "2026-10-27 00:00", "2026-10-23 13:00",
     "as above, 12h: Mon 26 8h GMT; Sun, Sat no; Fri 23 4h: 13:00 BST"),
    ("2026-11-18 10:00", 2, 4, frozenset({date(2026, 11, 20)}), "2026-11-24 00:00", "2026-11-23 13:00",
     "Wed 18 Nov, Fri 20 added: Thu 19 (1); Fri 20, Sat, Sun no; Mon 23 (2) -> Tue 24; Mon 23 13:00"),
    ("2026-11-18 10:00", 2, 4, frozenset({date(2026, 11, 19)}), "2026-11-24 00:00", "2026-11-23 13:00",
     "Wed 18 Nov, Thu 19 added: Fri 20 (1); Sat, Sun no; Mon 23 (2) -> Tue 24; Mon 23 13:00"),
    ("2026-11-16 10:00", 2, 4, frozenset({date(2026, 11, 18)}), "2026-11-20 00:00", "2026-11-19 13:00",
     "Mon 16 Nov, Wed 18 added: Tue 17 (1); Wed no; Thu 19 (2) -> Fri 20; Thu 19 13:00"),
    ("2026-11-16 10:00", 2, 12, frozenset({date(2026, 11, 18)}), "2026-11-20 00:00", "2026-11-17 13:00",
     "as above, 12h: Thu 19 8h; Wed 18 added, no; Tue 17 4h"),
    ("2026-12-22 10:00", 2, 4, frozenset({date(2026, 12, 24)}), "2026-12-30 00:00", "2026-12-29 13:00",
     "Tue 22 Dec, Christmas Eve added: Wed 23 (1); Thu 24 to Mon 28 no; Tue 29 (2) -> Wed 30; Tue 29 13:00"),
    ("2026-12-22 10:00", 2, 12, frozenset({date(2026, 12, 24)}), "2026-12-30 00:00", "2026-12-23 13:00",
     "as above, 12h: Tue 29 8h; Mon 28 to Thu 24 no; Wed 23 4h"),
]


@pytest.mark.parametrize(("trigger", "days", "hours", "extras", "due", "warning", "why"), TRIGGER_CASES,
                         ids=[row[-1] for row in TRIGGER_CASES])
def test_referral_due_then_warning(trigger, days, hours, extras, due, warning, why):
    cal = Calendar(extras)
    got_due = referral_due(L(trigger), days, cal)
    assert wall(got_due) == datetime.fromisoformat(due), f"{why}: due {got_due.isoformat()}"
    got_warning = referral_warning(got_due, hours, cal)
    assert wall(got_warning) == datetime.fromisoformat(warning), f"{why}: warning {got_warning.isoformat()}"
    assert utc(got_warning) == utc(L(warning))
    assert utc(got_warning) < utc(got_due)


def test_trigger_given_in_utc_on_the_night_of_a_clock_change():
    # 28 Mar 2027 00:30 UTC is Sun 00:30 GMT (clocks go forward at 01:00 UTC): trigger day
    # Easter Sunday; Easter Mon no; Tue 30 (1), Wed 31 (2) -> Thu 1 Apr 00:00 BST = 31 Mar 23:00 UTC.
    due = referral_due(datetime(2027, 3, 28, 0, 30, tzinfo=UTC))
    assert utc(due) == datetime(2027, 3, 31, 23, 0, tzinfo=UTC)
    assert utc(referral_warning(due)) == datetime(2027, 3, 31, 12, 0, tzinfo=UTC)  # 13:00 BST


# --------------------------------------------------------------------------------------
# follow_up_call_due: 00:00 on the Nth working day counted back from the last day in force
# --------------------------------------------------------------------------------------

FOLLOW_UP_CASES = [
    # (order ends at (first instant not in force), working days, extras, expected, why)
    ("2026-11-20 00:00", 2, NO_EXTRAS, "2026-11-18 00:00", "ends 00:00 Fri: last day Thu 19 (1), Wed 18 (2)"),
    ("2026-11-20 00:00", 1, NO_EXTRAS, "2026-11-19 00:00", "1 day: last day Thu 19 (1)"),
    ("2026-11-20 00:00", 3, NO_EXTRAS, "2026-11-17 00:00", "3 days: Thu 19, Wed 18, Tue 17"),
    ("2026-11-23 00:00", 2, NO_EXTRAS, "2026-11-19 00:00", "ends 00:00 Mon: last day Sun 22, Sat no; Fri 20 (1), Thu 19 (2)"),
    ("2026-11-24 00:00", 2, NO_EXTRAS, "2026-11-20 00:00", "ends 00:00 Tue: last day Mon 23 (1); Sun, Sat no; Fri 20 (2)"),
    ("2026-11-19 14:00", 2, NO_EXTRAS, "2026-11-18 00:00",
     "ended 14:00 Thu (discharged): Thu 19 was in force, (1); Wed 18 (2)"),
    ("2026-11-19 00:00:01", 2, NO_EXTRAS, "2026-11-18 00:00", "a second after midnight: Thu 19 in force (1), Wed 18 (2)"),
    # Christmas 2026.
    ("2026-12-29 00:00", 2, NO_EXTRAS, "2026-12-23 00:00",
     "last day Mon 28 (substitute), Sun 27, Sat 26, Fri 25 (Christmas) no; Thu 24 (1), Wed 23 (2)"),
    ("2026-12-30 00:00", 2, NO_EXTRAS, "2026-12-24 00:00", "last day Tue 29 (1); Mon 28 to Fri 25 no; Thu 24 (2)"),
    ("2026-12-26 00:00", 2, NO_EXTRAS, "2026-12-23 00:00", "last day Fri 25 (Christmas) no; Thu 24 (1), Wed 23 (2)"),
    # New Year 2027.
    ("2027-01-02 00:00", 2, NO_EXTRAS, "2026-12-30 00:00", "last day Fri 1 Jan no; Thu 31 (1), Wed 30 (2)"),
    ("2027-01-05 00:00", 2, NO_EXTRAS, "2026-12-31 00:00", "last day Mon 4 Jan (1); Sun, Sat, Fri 1 Jan no; Thu 31 (2)"),
    # Easter 2026 (BST).
    ("2026-04-08 00:00", 2, NO_EXTRAS, "2026-04-02 00:00",
     "last day Tue 7 (1); Easter Mon 6, Sun, Sat, GF 3 no; Thu 2 (2)"),
    ("2026-04-07 00:00", 2, NO_EXTRAS, "2026-04-01 00:00",
     "last day Easter Mon 6 no; Sun, Sat, GF 3 no; Thu 2 (1), Wed 1 (2)"),
    # Easter 2027: 00:00 BST after the clocks went forward, answer in GMT.
    ("2027-03-30 00:00", 2, NO_EXTRAS, "2027-03-24 00:00",
     "last day Easter Mon 29 no; Sun 28, Sat 27, GF 26 no; Thu 25 (1), Wed 24 (2) GMT"),
    ("2027-03-31 00:00", 2, NO_EXTRAS, "2027-03-25 00:00", "last day Tue 30 (1); Mon 29 to Fri 26 no; Thu 25 (2)"),
    # Early May.
    ("2026-05-05 00:00", 2, NO_EXTRAS, "2026-04-30 00:00", "last day Mon 4 May no; Sun, Sat no; Fri 1 (1), Thu 30 Apr (2)"),
    ("2027-05-04 00:00", 2, NO_EXTRAS, "2027-04-29 00:00", "last day Mon 3 May no; Sun, Sat no; Fri 30 Apr (1), Thu 29 (2)"),
    # Clock changes 2026.
    ("2026-03-31 00:00", 2, NO_EXTRAS, "2026-03-27 00:00", "last day Mon 30 BST (1); Sun, Sat no; Fri 27 GMT (2)"),
    ("2026-10-27 00:00", 2, NO_EXTRAS, "2026-10-23 00:00", "last day Mon 26 GMT (1); Sun, Sat no; Fri 23 BST (2)"),
    # Admin-added bank holidays.
    ("2026-11-20 00:00", 2, frozenset({date(2026, 11, 19)}), "2026-11-17 00:00",
     "last day Thu 19 added, no; Wed 18 (1), Tue 17 (2)"),
    ("2026-11-20 00:00", 2, frozenset({date(2026, 11, 18)}), "2026-11-17 00:00",
     "last day Thu 19 (1); Wed 18 added, no; Tue 17 (2)"),
    ("2026-11-20 00:00", 2, frozenset({date(2026, 11, 21)}), "2026-11-18 00:00",
     "a day added after the order ends changes nothing: Thu 19 (1), Wed 18 (2)"),
]


@pytest.mark.parametrize(("ends", "days", "extras", "expected", "why"), FOLLOW_UP_CASES,
                         ids=[row[-1] for row in FOLLOW_UP_CASES])
def test_follow_up_call_due(ends, days, extras, expected, why):
    got = follow_up_call_due(L(ends), days, Calendar(extras))
    assert got.tzinfo is LONDON
    assert wall(got) == datetime.fromisoformat(expected), f"{why}: got {got.isoformat()}"
    assert utc(got) == utc(L(expected)), why


def test_follow_up_call_due_from_order_end():
    # A 14-day order made Mon 14 Dec 2026 is in force to the end of Sun 27 Dec (ends 00:00
    # Mon 28). Sun 27, Sat 26, Fri 25 no; Thu 24 (1), Wed 23 (2) -> Wed 23 Dec 00:00.
    ends = order_end(date(2026, 12, 14), 14)
    assert wall(ends) == datetime(2026, 12, 28, 0, 0)
    assert wall(follow_up_call_due(ends)) == datetime(2026, 12, 23, 0, 0)
    # A 14-day order made Fri 12 Mar 2027 is in force to the end of Thu 25 Mar (ends 00:00
    # Good Friday). Thu 25 (1), Wed 24 (2).
    ends = order_end(date(2027, 3, 12), 14)
    assert wall(follow_up_call_due(ends)) == datetime(2027, 3, 24, 0, 0)
    # A 28-day order made Tue 1 Dec 2026 is in force to the end of Mon 28 Dec (substitute
    # day; ends 00:00 Tue 29): Mon 28 to Fri 25 no; Thu 24 (1), Wed 23 (2).
    ends = order_end(date(2026, 12, 1), 28)
    assert wall(follow_up_call_due(ends)) == datetime(2026, 12, 23, 0, 0)


def test_follow_up_call_due_reads_the_end_in_london():
    # 4 Jun 2026 23:00 UTC is 00:00 BST Fri 5 Jun: last day Thu 4 (1), Wed 3 (2).
    got = follow_up_call_due(datetime(2026, 6, 4, 23, 0, tzinfo=UTC))
    assert wall(got) == datetime(2026, 6, 3, 0, 0)
    assert utc(got) == datetime(2026, 6, 2, 23, 0, tzinfo=UTC)
    # 5 Jun 2026 00:00 UTC is 01:00 BST Fri 5 Jun: Fri 5 was in force (1), Thu 4 (2).
    got = follow_up_call_due(datetime(2026, 6, 5, 0, 0, tzinfo=UTC))
    assert wall(got) == datetime(2026, 6, 4, 0, 0)


@pytest.mark.parametrize("days", [0, -1, True, 1.5, "2"])
def test_follow_up_call_due_rejects_bad_working_days(days):
    with pytest.raises(ValueError):
        follow_up_call_due(L("2026-11-20 00:00"), days)


def test_follow_up_call_due_rejects_naive():
    with pytest.raises(ValueError):
        follow_up_call_due(datetime(2026, 11, 20))


# --------------------------------------------------------------------------------------
# Properties, against an independent reference
# --------------------------------------------------------------------------------------

LO, HI = datetime(2021, 1, 1), datetime(2030, 12, 31)
INTERESTING_DAYS = [
    date(2026, 3, 29), date(2026, 4, 3), date(2026, 5, 4), date(2026, 10, 25), date(2026, 12, 25),
    date(2027, 1, 1), date(2027, 3, 26), date(2027, 3, 28), date(2027, 5, 3), date(2027, 12, 25),
]  # fmt: skip


@st.composite
def near_interesting_london(draw):
    day = draw(st.sampled_from(INTERESTING_DAYS)) + timedelta(days=draw(st.integers(-6, 6)))
    t = draw(st.one_of(st.sampled_from([time(0), time(9), time(13), time(17), time(23, 59)]), st.times()))
    return datetime.combine(day, t, tzinfo=LONDON).astimezone(UTC).astimezone(LONDON)


instants = st.one_of(
    st.datetimes(LO, HI, timezones=st.sampled_from([UTC, LONDON]), allow_imaginary=False),
    near_interesting_london(),
)
extras = st.frozensets(st.integers(-10, 3), max_size=4)
warn_hours = st.one_of(st.integers(1, 40), st.sampled_from([0.25, 0.5, 1.5, 7.75, 8, 16]))


def calendar_near(offsets, around: datetime) -> Calendar:
    day = around.astimezone(LONDON).date()
    return Calendar(frozenset(day + timedelta(days=o) for o in offsets))


def working_time(a: datetime, b: datetime, cal: Calendar) -> timedelta:
    """Reference: time in [a, b) inside 09:00-17:00 London on working days."""
    a, b = utc(a), utc(b)
    total = timedelta(0)
    d = a.astimezone(LONDON).date()
    while d <= b.astimezone(LONDON).date():
        if cal.is_working_day(d):
            opens = datetime(d.year, d.month, d.day, 9, tzinfo=LONDON).astimezone(UTC)
            closes = datetime(d.year, d.month, d.day, 17, tzinfo=LONDON).astimezone(UTC)
            lo, hi = max(a, opens), min(b, closes)
            if hi > lo:
                total += hi - lo
        d += timedelta(days=1)
    return total


@settings(max_examples=300, deadline=None)
@given(offsets=extras, due=instants, hours=warn_hours)
def test_referral_warning_properties(offsets, due, hours):
    cal = calendar_near(offsets, due)
    got = referral_warning(due, hours, cal)
    assert got.tzinfo is LONDON
    assert utc(got) < utc(due)
    assert working_time(got, due, cal) == timedelta(hours=hours)
    # It falls inside office hours on a working day (the latest instant with `hours` to go).
    local = got.astimezone(LONDON)
    assert cal.is_working_day(local.date())
    assert time(9) <= local.time() < time(17)


@settings(max_examples=200, deadline=None)
@given(offsets=extras, trigger=instants, days=st.integers(1, 5), hours=st.integers(1, 16))
def test_referral_due_then_warning_properties(offsets, trigger, days, hours):
    cal = calendar_near(offsets, trigger)
    due = referral_due(trigger, days, cal)
    got = referral_warning(due, hours, cal)
    # Each counted working day holds 8 office hours, so a warning of up to 8h a day starts
    # after the trigger's own (uncounted) day.
    if hours <= 8 * days:
        day_after = trigger.astimezone(LONDON).date() + timedelta(days=1)
        assert utc(got) >= utc(datetime.combine(day_after, time(0), tzinfo=LONDON))
    assert working_time(got, due, cal) == timedelta(hours=hours)
    # A due at midnight after a working day, with up to 8h, warns on that working day.
    if hours <= 8:
        last_day = (utc(due) - timedelta(microseconds=1)).astimezone(LONDON).date()
        assert got.astimezone(LONDON).date() == last_day


@settings(max_examples=300, deadline=None)
@given(offsets=extras, ends=instants, days=st.integers(1, 5))
def test_follow_up_call_due_properties(offsets, ends, days):
    cal = calendar_near(offsets, ends)
    got = follow_up_call_due(ends, days, cal)
    assert got.tzinfo is LONDON
    assert got.time() == time(0)
    assert cal.is_working_day(got.date())
    assert utc(got) < utc(ends)
    # Exactly `days` working days from the follow-up's day to the last day in force.
    last_day = (utc(ends) - timedelta(microseconds=1)).astimezone(LONDON).date()
    span = [got.date() + timedelta(days=i) for i in range((last_day - got.date()).days + 1)]
    assert sum(1 for d in span if cal.is_working_day(d)) == days

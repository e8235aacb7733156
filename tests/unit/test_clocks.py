from datetime import UTC, datetime, timedelta

import pytest

from app.domain.calendar import DEFAULT_CALENDAR
from app.domain.clocks import BREACH_CLOCK, CaseClockFacts, ClockStatus, OpenArrest, case_clocks, grade, urgency
from app.domain.deadlines import breach_court_deadline, hearing_deadline
from app.domain.local_time import NonexistentLocalTime, london_instant
from app.domain.people import age_on, is_adult_on

DEADLINE = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "left, status",
    [
        (timedelta(days=2), ClockStatus.GREEN),
        (timedelta(hours=12, seconds=1), ClockStatus.GREEN),
        (timedelta(hours=12), ClockStatus.AMBER),
        (timedelta(hours=4, seconds=1), ClockStatus.AMBER),
        (timedelta(hours=4), ClockStatus.RED),
        (timedelta(0), ClockStatus.RED),
        (-timedelta(hours=3), ClockStatus.RED),
    ],
)
def test_grades(left, status):
    clock = grade(DEADLINE, DEADLINE - left)
    assert clock.status is status and clock.remaining == left
    assert clock.overdue is (left <= timedelta(0))


def test_no_clock_before_service_and_hearing_clock_after():
    now = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)
    assert case_clocks(CaseClockFacts(), now, DEFAULT_CALENDAR) == []
    served = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    [clock] = case_clocks(CaseClockFacts(served_at=served, hearing_window_hours=72), now, DEFAULT_CALENDAR)
    assert clock.name == "Hearing deadline" and clock.deadline == hearing_deadline(served, 72)
    assert case_clocks(CaseClockFacts(served_at=served, hearing_window_hours=48, hearing_begun=True), now, DEFAULT_CALENDAR) == []


def test_breach_clocks_lead_and_a_notice_breach_is_due_at_an_earlier_hearing():
    now = datetime(2026, 11, 16, 21, 0, tzinfo=UTC)
    served = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    arrested = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)  # Mon 20:00 GMT: 24 hours end Tue 20:00
    hearing = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)
    order_breach = OpenArrest(arrested)
    notice_breach = OpenArrest(arrested, hearing_at=hearing)
    facts = CaseClockFacts(served_at=served, hearing_window_hours=48, open_arrests=(order_breach, notice_breach))
    first, second, third = case_clocks(facts, now, DEFAULT_CALENDAR)
    assert (first.name, first.deadline) == (BREACH_CLOCK, hearing)
    assert (second.name, second.deadline) == (BREACH_CLOCK, breach_court_deadline(arrested))
    assert third.name == "Hearing deadline"
    assert urgency([first, second, third]) == (0, hearing)


def test_age_on_birthdays_and_leap_days():
    assert age_on(datetime(2008, 11, 16).date(), datetime(2026, 11, 16).date()) == 18
    assert age_on(datetime(2008, 11, 17).date(), datetime(2026, 11, 16).date()) == 17
    assert not is_adult_on(datetime(2008, 2, 29).date(), datetime(2026, 2, 28).date())
    assert is_adult_on(datetime(2008, 2, 29).date(), datetime(2026, 3, 1).date())


def test_london_instant_refuses_skipped_times_and_takes_the_earlier_of_repeated_ones():
    with pytest.raises(NonexistentLocalTime):
        london_instant(datetime(2026, 3, 29).date(), datetime(2000, 1, 1, 1, 30).time())
    repeated = london_instant(datetime(2026, 10, 25).date(), datetime(2000, 1, 1, 1, 30).time())
    assert repeated.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    summer = london_instant(datetime(2026, 7, 1).date(), datetime(2000, 1, 1, 9, 0).time())
    assert summer.astimezone(UTC) == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


def test_a_dapo_arrest_runs_on_paces_real_hours_not_counted_days():
    """Breach of a DAPO is an offence (DAA 2021 s.39): PACE 1984 s.41's 24 hours, Sunday included,
    where a DVPO arrest made at the same moment skips the Sunday (CSA 2010 s.29)."""
    from app.domain.breach_law import BreachOf

    saturday_night = datetime(2026, 11, 21, 22, 0, tzinfo=UTC)
    facts = CaseClockFacts(open_arrests=(OpenArrest(saturday_night, of=BreachOf.DAPO),))
    [clock] = case_clocks(facts, saturday_night, DEFAULT_CALENDAR)
    assert clock.deadline == saturday_night + timedelta(hours=24)
    dvpo = CaseClockFacts(open_arrests=(OpenArrest(saturday_night, of=BreachOf.DVPO),))
    [clock] = case_clocks(dvpo, saturday_night, DEFAULT_CALENDAR)
    assert clock.deadline == saturday_night + timedelta(hours=48)


def test_next_regrade_is_the_next_of_amber_red_and_the_deadline():
    from app.domain.clocks import Thresholds, grade, next_regrade

    deadline = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
    thresholds = Thresholds()
    clock = grade(deadline, deadline - timedelta(days=1), thresholds)
    for now, expected in [
        (deadline - timedelta(days=1), deadline - timedelta(hours=12)),
        (deadline - timedelta(hours=12), deadline - timedelta(hours=4)),  # at amber: next is red
        (deadline - timedelta(hours=4), deadline),
        (deadline - timedelta(seconds=1), deadline),
        (deadline, None),  # overdue: time changes nothing more
    ]:
        assert next_regrade(clock, now, thresholds) == expected, now

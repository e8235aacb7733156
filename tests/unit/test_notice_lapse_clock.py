"""A notice lapses when its hearing deadline comes with no hearing begun (CSA 2010 s.27(3);
DAA 2021 s.29(2)): derived from the clock at read time (app/domain/clocks.py)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain import deadlines
from app.domain.calendar import Calendar
from app.domain.clocks import (
    HEARING_CLOCK,
    LAPSED_CLOCK,
    CaseClockFacts,
    ClockStatus,
    OpenArrest,
    case_clocks,
    lapsed_at,
    notice_lapsed,
    urgency,
)

CAL = Calendar()
SERVED = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # Monday
DEADLINE = deadlines.hearing_deadline(SERVED, 48, CAL)  # Wednesday 09:00
SECOND = timedelta(seconds=1)


def facts(**kw) -> CaseClockFacts:
    return CaseClockFacts(served_at=SERVED, hearing_window_hours=48, **kw)


# (facts, now, lapsed)
TABLE = [
    (facts(), DEADLINE - SECOND, False),
    (facts(), DEADLINE, True),  # exactly at the deadline, never later
    (facts(), DEADLINE + timedelta(days=3), True),
    (facts(hearing_begun=True), DEADLINE + SECOND, False),  # an outcome, or a start, was recorded
    (facts(notice_closed=True), DEADLINE + SECOND, False),  # already closed as lapsed: nothing to decide
    (CaseClockFacts(), DEADLINE + SECOND, False),  # not served
]


@pytest.mark.parametrize("the_facts, now, lapsed", TABLE)
def test_notice_lapsed(the_facts, now, lapsed):
    assert notice_lapsed(the_facts, now, CAL) is lapsed
    names = [c.name for c in case_clocks(the_facts, now, CAL)]
    assert (LAPSED_CLOCK in names) is lapsed
    if lapsed:
        assert HEARING_CLOCK not in names


def test_the_lapsed_clock_is_red_at_the_deadline_and_sorts_as_a_running_clock():
    [clock] = case_clocks(facts(), DEADLINE, CAL)
    assert (clock.name, clock.deadline, clock.status, clock.overdue) == (LAPSED_CLOCK, DEADLINE, ClockStatus.RED, True)
    assert urgency([clock]) == (1, DEADLINE)
    assert lapsed_at(DEADLINE, DEADLINE) and not lapsed_at(DEADLINE, DEADLINE - SECOND)


def test_an_open_arrest_still_comes_first():
    arrest = OpenArrest(arrested_at=DEADLINE - timedelta(hours=1))
    clocks = case_clocks(facts(open_arrests=(arrest,)), DEADLINE, CAL)
    assert [c.name for c in clocks][1] == LAPSED_CLOCK
    assert urgency(clocks)[0] == 0


def test_a_closed_notice_runs_no_hearing_clock():
    assert case_clocks(facts(notice_closed=True), DEADLINE - timedelta(hours=1), CAL) == []

"""A referral not accepted by its service within one working day: the deadline, and the one
cut-off instant a query compares the sent time with."""
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.calendar import LONDON, Calendar
from app.domain.deadlines import acceptance_due, not_accepted_cutoff


def L(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def test_sent_monday_is_due_by_the_end_of_tuesday():
    assert acceptance_due(L("2026-11-16 15:00")) == L("2026-11-18 00:00")


def test_sent_friday_is_due_by_the_end_of_monday_or_tuesday_after_a_bank_holiday():
    assert acceptance_due(L("2026-11-13 16:00")) == L("2026-11-17 00:00")
    # Easter Monday 2026 is 6 April; Good Friday 3 April.
    assert acceptance_due(L("2026-04-02 12:00")) == L("2026-04-08 00:00")


def test_an_admin_added_bank_holiday_counts():
    extra = Calendar(frozenset({date(2026, 11, 17)}))
    assert acceptance_due(L("2026-11-16 15:00"), extra) == L("2026-11-19 00:00")


def test_cutoff_is_the_start_of_the_last_working_day_before_today():
    assert not_accepted_cutoff(L("2026-11-18 00:00")) == L("2026-11-17 00:00")  # Wed: Tue
    assert not_accepted_cutoff(L("2026-11-16 10:00")) == L("2026-11-13 00:00")  # Mon: Fri


CALENDARS = [Calendar(), Calendar(frozenset({date(2026, 11, 17), date(2026, 12, 29)}))]


@settings(max_examples=400, deadline=None)
@given(
    sent=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 20), timezones=st.just(UTC)),
    later=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=9)),
    which=st.sampled_from([0, 1]),
)
def test_the_cutoff_agrees_with_the_deadline(sent, later, which):
    calendar = CALENDARS[which]
    now = sent + later
    assert (acceptance_due(sent, calendar) <= now) == (sent < not_accepted_cutoff(now, calendar))

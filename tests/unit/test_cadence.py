"""The cadence for long and open-ended orders (domain/cadence.py): table tests on real dates."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from app.domain.cadence import (
    DEFAULT_CADENCE,
    LIMITS,
    Cadence,
    plan_cadence,
    uses_cadence,
    validate_cadence,
)
from app.domain.calendar import LONDON, london_midnight
from app.domain.deadlines import dapo_end
from app.domain.reminders import ContentKind, SendingWindow, in_window
from app.domain.timefmt import to_london


def london(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=LONDON).astimezone(UTC)


def plan(made_on: date, *, days: int | None = None, at: datetime | None = None, reviews=(), cadence=DEFAULT_CADENCE,
         window=SendingWindow()):
    return plan_cadence(made_on=made_on, ends_at=dapo_end(made_on, days) if days else None,
                        planned_at=at or london_midnight(made_on), review_dates=reviews, cadence=cadence, window=window)


def keyed(texts) -> dict[str, datetime]:
    return {t.step_key: t.due_at for t in texts}


def test_which_orders_follow_the_cadence():
    made = date(2026, 11, 16)
    assert uses_cadence(made, None)  # until further order
    assert not uses_cadence(made, dapo_end(made, 28))  # Durham's plan to 28 days
    assert uses_cadence(made, dapo_end(made, 29))


# (made on, why it is awkward, the London wall times expected for the first five texts)
TABLE = [
    (date(2026, 11, 20), "a Friday", ["2026-11-20 10:00", "2026-11-27 10:00", "2026-12-04 10:00", "2026-12-11 10:00",
                                      "2026-12-18 10:00"]),
    (date(2026, 12, 24), "the day before Christmas", ["2026-12-24 10:00", "2026-12-31 10:00", "2027-01-07 10:00",
                                                      "2027-01-14 10:00", "2027-01-21 10:00"]),
    # The clocks go forward on Sun 28 Mar 2027: still 10:00 London, one hour earlier in UTC.
    (date(2027, 3, 22), "across the spring clock change", ["2027-03-22 10:00", "2027-03-29 10:00", "2027-04-05 10:00",
                                                           "2027-04-12 10:00", "2027-04-19 10:00"]),
    (date(2026, 10, 21), "across the autumn clock change", ["2026-10-21 10:00", "2026-10-28 10:00", "2026-11-04 10:00",
                                                            "2026-11-11 10:00", "2026-11-18 10:00"]),
]


@pytest.mark.parametrize(("made_on", "why", "expected"), TABLE, ids=[row[1] for row in TABLE])
def test_weekly_in_the_first_month_at_ten_london_time(made_on, why, expected):
    texts = plan(made_on)
    walls = [f"{to_london(t.due_at):%Y-%m-%d %H:%M}" for t in texts]
    assert walls == expected, why
    assert [t.step_key for t in texts] == ["start+0", "start+7", "start+14", "start+21", "start+28"]
    assert [t.kind for t in texts] == [ContentKind.CONDITIONS, ContentKind.SUPPORT, ContentKind.POLICE_ACTIVITY,
                                       ContentKind.MOTIVATION, ContentKind.CONDITIONS]


def test_the_spring_clock_change_keeps_the_wall_time_not_the_utc_time():
    texts = keyed(plan(date(2027, 3, 22)))
    assert texts["start+0"].hour == 10 and texts["start+7"].hour == 9  # GMT, then BST


def test_then_every_four_weeks_as_the_horizon_moves_on():
    made = date(2026, 11, 16)
    later = plan(made, at=london(made, 9) + timedelta(days=200))
    days = [int(t.step_key.split("+")[1]) for t in later]
    # Every 28 days after the first month, within 56 days of planning. The first text is
    # always in a plan (due now when stale): callers match keys, so a sent one is not resent.
    assert days == [0, 224, 252]
    assert all(t.due_at < london(made, 9) + timedelta(days=256) for t in later)


def test_an_open_ended_order_plans_only_to_the_horizon():
    made = date(2026, 11, 16)
    at = london(made, 8)
    for offset in (0, 30, 365, 3650):
        texts = plan(made, at=at + timedelta(days=offset))
        assert texts and len(texts) <= 6
        assert max(t.due_at for t in texts) < at + timedelta(days=offset + DEFAULT_CADENCE.horizon_days)


def test_planning_late_drops_stale_texts_but_sends_the_first_one_now():
    made = date(2026, 11, 20)  # a Friday
    texts = plan(made, at=london(made, 21, 30))  # granted after quiet hours began
    first = texts[0]
    assert first.step_key == "start+0" and first.deferred and to_london(first.due_at) == datetime(2026, 11, 21, 9, tzinfo=LONDON)


def test_review_dates_get_a_text_two_days_before_and_displace_a_regular_one():
    made = date(2026, 11, 16)
    texts = keyed(plan(made, reviews=[date(2026, 11, 25), date(2026, 12, 9), date(2026, 11, 16)]))
    assert to_london(texts["review-20261125"]) == datetime(2026, 11, 23, 10, tzinfo=LONDON)
    # The regular day-7 text falls on the review text's day: one text a day.
    assert "start+7" not in texts
    assert to_london(texts["review-20261209"]) == datetime(2026, 12, 7, 10, tzinfo=LONDON)
    assert "start+21" not in texts
    # A review on the day made has no text before it.
    assert "review-20261116" not in texts


def test_a_review_after_the_order_ends_is_not_texted():
    made = date(2026, 11, 16)
    texts = keyed(plan(made, days=40, reviews=[date(2027, 1, 20)]))
    assert not any(key.startswith("review-") for key in texts)


def test_an_end_set_by_variation_adds_the_end_text_and_stops_before_it():
    made = date(2026, 11, 16)
    varied_at = london(made, 12) + timedelta(days=20)
    open_ended = keyed(plan(made, at=varied_at))
    with_end = plan(made, days=35, at=varied_at)  # the court set an end: the last day is 20 Dec 2026
    keys = keyed(with_end)
    assert "end-0" not in open_ended and "start+35" not in keys
    assert to_london(keys["end-0"]) == datetime(2026, 12, 20, 10, tzinfo=LONDON)
    assert [t.step_key for t in with_end] == ["start+0", "start+21", "start+28", "end-0"]
    end = dapo_end(made, 35)
    assert all(t.due_at < end for t in with_end)


def test_nothing_at_or_after_the_end_even_after_deferral():
    made = date(2026, 11, 16)
    late_window = SendingWindow(opens=time(9), closes=time(20))
    cadence = Cadence(send_at=time(19, 59))
    texts = plan(made, days=30, cadence=cadence, window=late_window)
    end = dapo_end(made, 30)
    assert texts and all(t.due_at < end and in_window(t.due_at, late_window) for t in texts)


def test_an_end_lead_moves_the_end_text_and_the_cutoff():
    made = date(2026, 11, 16)
    texts = plan(made, days=40, cadence=Cadence(end_lead_days=7))
    keys = keyed(texts)
    assert to_london(keys["end-7"]).date() == date(2026, 12, 18)
    assert max(int(k.split("+")[1]) for k in keys if k.startswith("start+")) == 28


def test_the_kinds_do_not_depend_on_the_horizon():
    made = date(2026, 11, 16)
    short = {t.step_key: t.kind for t in plan(made, cadence=Cadence(horizon_days=28))}
    long = {t.step_key: t.kind for t in plan(made, cadence=Cadence(horizon_days=366))}
    assert all(long[key] == kind for key, kind in short.items())
    assert len(long) > len(short)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("early_every_days", "0", "from 1 to 31"),
    ("early_every_days", "abc", "whole number"),
    ("later_every_days", "3", "from 7 to 92"),
    ("review_lead_days", "-1", "whole number"),
    ("horizon_days", "99999", "from 14 to 366"),
    ("send_at", "22:00", "between 09:00 and 20:00"),
    ("send_at", "25:61", "hours and minutes"),
    ("send_at", "", "hours and minutes"),
])
def test_validation_names_the_field_and_the_limits(field, value, message):
    values = {**DEFAULT_CADENCE.as_stored(), field: value}
    values = {k: str(v) for k, v in values.items()}
    cadence, errors = validate_cadence(values)
    assert cadence is None and message in errors[field]


def test_the_horizon_must_reach_the_next_text():
    values = {**DEFAULT_CADENCE.as_stored(), "later_every_days": 60, "horizon_days": 30}
    cadence, errors = validate_cadence(values)
    assert cadence is None and "horizon_days" in errors


def test_stored_values_read_back_and_garbage_never_raises():
    assert validate_cadence(DEFAULT_CADENCE.as_stored()) == (DEFAULT_CADENCE, {})
    for garbage in (None, [], "x", {"early_every_days": True}, {name: None for name in LIMITS}):
        cadence, errors = validate_cadence(garbage)
        assert cadence is None and errors


def test_a_review_text_on_or_after_the_end_texts_day_gives_way_to_it():
    made = date(2026, 11, 16)
    last_day = made + timedelta(days=39)
    texts = keyed(plan(made, days=40, reviews=[last_day], cadence=Cadence(end_lead_days=7)))
    assert "end-7" in texts and not any(key.startswith("review-") for key in texts)

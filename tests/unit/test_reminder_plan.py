"""The reminder-text plan (app/domain/reminders.py): Durham's "Operation Tetras", 7 texts for
a 14-day order and 13 for a 28-day order, never in quiet hours, never after the order ends.

London wall times are written 'YYYY-MM-DD HH:MM'. British Summer Time 2026 runs from
Sun 29 Mar 01:00 UTC to Sun 25 Oct 01:00 UTC.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.calendar import LONDON, london_midnight
from app.domain.deadlines import dapo_end, order_end
from app.domain.reminders import (
    DEFAULT_STEPS,
    DEFAULT_WINDOW,
    MAX_DAY,
    PLAN_ERRORS,
    Anchor,
    ContentKind,
    PlannedText,
    PlanStep,
    SendingWindow,
    count_for,
    in_window,
    last_day_in_force,
    next_sending_time,
    plan_texts,
    rows_for,
    validate_steps,
)

C = ContentKind


def L(text: str) -> datetime:
    """A London wall-clock time, 'YYYY-MM-DD HH:MM', as aware UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON).astimezone(UTC)


def wall(dt: datetime) -> str:
    return dt.astimezone(LONDON).strftime("%Y-%m-%d %H:%M")


def plan(made_on: date, days: int, planned_at: datetime | None = None, **kwargs) -> list[PlannedText]:
    return plan_texts(
        made_on=made_on,
        ends_at=dapo_end(made_on, days),
        planned_at=london_midnight(made_on) if planned_at is None else planned_at,
        **kwargs,
    )


def step(anchor: str, day: int, at: str, kind: ContentKind = C.SUPPORT) -> PlanStep:
    return PlanStep(Anchor(anchor), day, time.fromisoformat(at), kind)


# --------------------------------------------------------------------------------------
# The default plan
# --------------------------------------------------------------------------------------


def test_default_steps_rotate_the_content_and_end_with_the_end_text():
    starts = [s for s in DEFAULT_STEPS if s.anchor is Anchor.START]
    assert [s.day for s in starts] == [0, 2, 4, 7, 9, 11, 14, 16, 18, 21, 23, 25]
    assert [s.kind for s in starts] == [C.CONDITIONS, C.SUPPORT, C.POLICE_ACTIVITY, C.MOTIVATION] * 3
    assert DEFAULT_STEPS[-1] == PlanStep(Anchor.END, 0, time(10), C.ORDER_END)
    assert len({s.key for s in DEFAULT_STEPS}) == len(DEFAULT_STEPS) == 13


def test_default_send_times_vary_but_stay_inside_the_window():
    times = {s.send_at for s in DEFAULT_STEPS}
    assert time(10) in times and len(times) > 1
    assert all(time(9) <= t < time(20) for t in times)


@pytest.mark.parametrize(("anchor", "day", "key"), [
    (Anchor.START, 0, "start+0"), (Anchor.START, 7, "start+7"), (Anchor.END, 0, "end-0"), (Anchor.END, 3, "end-3"),
])
def test_step_key(anchor, day, key):
    assert PlanStep(anchor, day, time(10), C.SUPPORT).key == key


def test_step_coerces_stored_strings_and_refuses_nonsense():
    assert PlanStep("start", 2, time(10), "support") == PlanStep(Anchor.START, 2, time(10), C.SUPPORT)
    for bad in [dict(day=-1), dict(day=MAX_DAY + 1), dict(day=True), dict(day=2.0), dict(send_at="10:00"),
                dict(send_at=time(10, tzinfo=UTC)), dict(anchor="middle"), dict(kind="victim")]:
        args = dict(anchor="start", day=2, send_at=time(10), kind="support") | bad
        with pytest.raises(ValueError):
            PlanStep(**args)


@pytest.mark.parametrize("kind", list(ContentKind))
def test_every_kind_has_a_label(kind):
    assert kind.label and kind.label[0].isupper()


def test_labels():
    assert C.CONDITIONS.label == "The conditions in plain words"
    assert C.ORDER_END.label == "When the order ends"
    assert Anchor.START.label and Anchor.END.label


# --------------------------------------------------------------------------------------
# How many texts
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "texts"), [
    (14, 7), (28, 13), (21, 10),
    # Start texts on days strictly before the last day (day days-1), then the end text.
    (1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (6, 4), (8, 4), (9, 5), (12, 6), (13, 7), (15, 7), (16, 8),
    (26, 12), (27, 13), (90, 13), (365, 13),
])
def test_count_for(days, texts):
    assert count_for(days) == texts
    assert len(plan(date(2026, 6, 1), days)) == texts


def test_count_never_falls_as_the_order_gets_longer():
    counts = [count_for(days) for days in range(1, 401)]
    assert counts == sorted(counts)


def test_count_for_a_custom_plan_and_bad_lengths():
    assert count_for(14, steps=[step("start", 0, "10:00"), step("end", 0, "10:00", C.ORDER_END)]) == 2
    for bad in (0, -1, True, 1.5):
        with pytest.raises(ValueError):
            count_for(bad)


def test_fourteen_day_order_by_hand():
    # Made Tue 10 Nov 2026 (GMT throughout); last day Mon 23 Nov; ends 00:00 Tue 24 Nov.
    texts = plan(date(2026, 11, 10), 14)
    assert [(t.step_key, t.kind, wall(t.due_at), t.deferred) for t in texts] == [
        ("start+0", C.CONDITIONS, "2026-11-10 10:00", False),
        ("start+2", C.SUPPORT, "2026-11-12 10:00", False),
        ("start+4", C.POLICE_ACTIVITY, "2026-11-14 17:30", False),
        ("start+7", C.MOTIVATION, "2026-11-17 10:00", False),
        ("start+9", C.CONDITIONS, "2026-11-19 10:00", False),
        ("start+11", C.SUPPORT, "2026-11-21 17:30", False),
        ("end-0", C.ORDER_END, "2026-11-23 10:00", False),
    ]
    assert all(t.due_at.tzinfo is UTC for t in texts)


def test_twenty_eight_day_order_ends_with_the_end_text_on_the_last_day():
    texts = plan(date(2026, 11, 10), 28)
    assert len(texts) == 13
    assert [t.step_key for t in texts][-2:] == ["start+25", "end-0"]
    assert wall(texts[-1].due_at) == "2026-12-07 10:00"
    assert texts[-1].due_at < order_end(date(2026, 11, 10), 28)


def test_long_dapo_sends_nothing_between_day_25_and_the_last_day():
    texts = plan(date(2026, 1, 5), 365)
    assert [t.step_key for t in texts][-2:] == ["start+25", "end-0"]
    assert wall(texts[-1].due_at) == "2027-01-04 10:00"


# --------------------------------------------------------------------------------------
# Clock changes
# --------------------------------------------------------------------------------------


def test_order_spanning_the_autumn_clock_change():
    # Made Tue 20 Oct 2026 in BST; clocks go back Sun 25 Oct; last day Mon 2 Nov (GMT).
    texts = plan(date(2026, 10, 20), 14)
    assert [(t.step_key, t.due_at) for t in texts] == [
        ("start+0", datetime(2026, 10, 20, 9, 0, tzinfo=UTC)),     # 10:00 BST
        ("start+2", datetime(2026, 10, 22, 9, 0, tzinfo=UTC)),     # 10:00 BST
        ("start+4", datetime(2026, 10, 24, 16, 30, tzinfo=UTC)),   # 17:30 BST
        ("start+7", datetime(2026, 10, 27, 10, 0, tzinfo=UTC)),    # 10:00 GMT
        ("start+9", datetime(2026, 10, 29, 10, 0, tzinfo=UTC)),
        ("start+11", datetime(2026, 10, 31, 17, 30, tzinfo=UTC)),
        ("end-0", datetime(2026, 11, 2, 10, 0, tzinfo=UTC)),
    ]
    assert not any(t.deferred for t in texts)


def test_order_spanning_the_spring_clock_change():
    # Made Fri 20 Mar 2026 in GMT; clocks go forward Sun 29 Mar; last day Thu 2 Apr (BST).
    texts = plan(date(2026, 3, 20), 14)
    assert [wall(t.due_at) for t in texts] == [
        "2026-03-20 10:00", "2026-03-22 10:00", "2026-03-24 17:30", "2026-03-27 10:00",
        "2026-03-29 10:00", "2026-03-31 17:30", "2026-04-02 10:00",
    ]
    assert texts[3].due_at == datetime(2026, 3, 27, 10, tzinfo=UTC)  # GMT
    assert texts[4].due_at == datetime(2026, 3, 29, 9, tzinfo=UTC)   # BST, on the day itself


def test_a_send_time_skipped_or_repeated_by_the_clocks_does_not_crash():
    night = SendingWindow(time(0, 30), time(23, 30))
    # 01:30 does not exist on 29 Mar 2026: read at the winter offset, 02:30 BST.
    skipped = plan(date(2026, 3, 29), 2, steps=[step("start", 0, "01:30"), step("end", 0, "10:00", C.ORDER_END)], window=night)
    assert skipped[0].due_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC) and not skipped[0].deferred
    # 01:30 happens twice on 25 Oct 2026: the first (BST) one.
    repeated = plan(date(2026, 10, 25), 2, steps=[step("start", 0, "01:30"), step("end", 0, "10:00", C.ORDER_END)], window=night)
    assert repeated[0].due_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    # With the ordinary window both are quiet hours and move to 09:00.
    assert wall(plan(date(2026, 3, 29), 2, steps=[step("start", 0, "01:30"), step("end", 0, "10:00", C.ORDER_END)])[0].due_at) \
        == "2026-03-29 09:00"


def test_last_day_in_force():
    assert last_day_in_force(order_end(date(2026, 11, 10), 14)) == date(2026, 11, 23)
    assert last_day_in_force(order_end(date(2026, 10, 20), 14)) == date(2026, 11, 2)  # across the change
    assert last_day_in_force(L("2026-03-29 00:00")) == date(2026, 3, 28)
    assert last_day_in_force(L("2026-03-29 00:01")) == date(2026, 3, 29)
    with pytest.raises(ValueError):
        last_day_in_force(datetime(2026, 11, 24))


# --------------------------------------------------------------------------------------
# Granted late, and the sending window
# --------------------------------------------------------------------------------------


def test_granted_late_in_the_evening_first_text_goes_at_nine_next_morning():
    texts = plan(date(2026, 11, 10), 14, planned_at=L("2026-11-10 21:30"))
    first = texts[0]
    assert (first.step_key, wall(first.due_at), first.deferred) == ("start+0", "2026-11-11 09:00", True)
    assert [t.step_key for t in texts[1:]] == ["start+2", "start+4", "start+7", "start+9", "start+11", "end-0"]


@pytest.mark.parametrize(("granted", "due", "deferred"), [
    ("2026-11-10 08:00", "2026-11-10 10:00", False),  # before its nominal time: sent as planned
    ("2026-11-10 10:00", "2026-11-10 10:00", False),
    ("2026-11-10 14:05", "2026-11-10 14:05", False),  # later that day: at once
    ("2026-11-10 19:59", "2026-11-10 19:59", False),
    ("2026-11-10 20:00", "2026-11-11 09:00", True),   # the window closes at 20:00
    ("2026-11-10 23:59", "2026-11-11 09:00", True),
    ("2026-11-11 08:00", "2026-11-11 09:00", True),   # planned the next morning
])
def test_first_text_goes_once_granted(granted, due, deferred):
    first = plan(date(2026, 11, 10), 14, planned_at=L(granted))[0]
    assert (first.step_key, wall(first.due_at), first.deferred) == ("start+0", due, deferred)


def test_one_day_order_granted_too_late_gets_no_text():
    assert plan(date(2026, 11, 10), 1, planned_at=L("2026-11-10 21:30")) == []
    only = plan(date(2026, 11, 10), 1, planned_at=L("2026-11-10 15:00"))
    assert [(t.step_key, wall(t.due_at)) for t in only] == [("end-0", "2026-11-10 15:00")]


def test_texts_in_quiet_hours_move_to_the_next_opening():
    steps = [step("start", 0, "10:00", C.CONDITIONS), step("start", 1, "07:15"), step("start", 2, "21:00"),
             step("end", 0, "10:00", C.ORDER_END)]
    texts = plan(date(2026, 11, 10), 14, steps=steps, window=SendingWindow(time(7), time(22)))
    assert all(not t.deferred for t in texts)
    texts = plan(date(2026, 11, 10), 14, steps=steps)
    assert [(t.step_key, wall(t.due_at), t.deferred) for t in texts] == [
        ("start+0", "2026-11-10 10:00", False),
        ("start+1", "2026-11-11 09:00", True),
        ("start+2", "2026-11-13 09:00", True),
        ("end-0", "2026-11-23 10:00", False),
    ]


def test_nothing_is_due_at_or_after_the_end_even_after_deferral():
    steps = [step("start", 0, "10:00", C.CONDITIONS), step("end", 0, "21:00", C.ORDER_END)]
    texts = plan(date(2026, 11, 10), 14, steps=steps)
    assert [t.step_key for t in texts] == ["start+0"]


def test_steps_landing_on_the_same_instant_are_both_kept_in_key_order():
    steps = [step("start", 0, "10:00", C.CONDITIONS), step("start", 2, "09:00"), step("start", 1, "21:00"),
             step("end", 0, "10:00", C.ORDER_END)]
    texts = plan(date(2026, 11, 10), 14, steps=steps)
    assert [(t.step_key, wall(t.due_at)) for t in texts[1:3]] == [
        ("start+1", "2026-11-12 09:00"), ("start+2", "2026-11-12 09:00"),
    ]


def test_start_texts_stop_before_the_earliest_end_text():
    steps = [step("start", d, "10:00") for d in range(0, 14)] + [step("end", 3, "12:00", C.MOTIVATION),
                                                                 step("end", 0, "10:00", C.ORDER_END)]
    texts = plan(date(2026, 11, 10), 14, steps=steps)
    # Last day 23 Nov; end-3 on 20 Nov, so start texts run to 19 Nov (start+9).
    assert [t.step_key for t in texts] == [f"start+{d}" for d in range(10)] + ["end-3", "end-0"]


def test_end_steps_before_the_order_was_made_are_dropped():
    steps = [step("start", 0, "10:00", C.CONDITIONS), step("start", 1, "10:00"), step("end", 20, "10:00"),
             step("end", 0, "10:00", C.ORDER_END)]
    assert [t.step_key for t in plan(date(2026, 11, 10), 14, steps=steps)] == ["start+0", "start+1", "end-0"]


def test_duplicate_keys_are_refused():
    with pytest.raises(ValueError, match="start\\+2"):
        plan(date(2026, 11, 10), 14, steps=[step("start", 2, "10:00"), step("start", 2, "17:00")])


def test_naive_and_wrong_arguments_are_refused():
    good = dict(made_on=date(2026, 11, 10), ends_at=L("2026-11-24 00:00"), planned_at=L("2026-11-10 09:00"))
    with pytest.raises(ValueError):
        plan_texts(**good | dict(ends_at=datetime(2026, 11, 24)))
    with pytest.raises(ValueError):
        plan_texts(**good | dict(planned_at=datetime(2026, 11, 10, 9)))
    with pytest.raises(TypeError):
        plan_texts(**good | dict(made_on=datetime(2026, 11, 10, tzinfo=UTC)))
    with pytest.raises(ValueError):
        in_window(datetime(2026, 11, 10, 9))
    with pytest.raises(ValueError):
        next_sending_time(datetime(2026, 11, 10, 9))


def test_an_order_already_over_gets_nothing():
    assert plan(date(2026, 11, 10), 14, planned_at=L("2026-11-24 00:00")) == []
    assert plan_texts(made_on=date(2026, 11, 10), ends_at=L("2026-11-10 00:00"), planned_at=L("2026-11-01 00:00")) == []


# --------------------------------------------------------------------------------------
# Recomputing after a variation
# --------------------------------------------------------------------------------------


def test_shortening_the_order_drops_later_steps_and_keeps_earlier_keys():
    made_on = date(2026, 11, 10)
    before = plan(made_on, 28)
    after = plan(made_on, 14)
    before_by_key = {t.step_key: t for t in before}
    assert {t.step_key for t in after} <= {t.step_key for t in before}
    for text in after:
        if text.step_key != "end-0":
            assert before_by_key[text.step_key] == text  # same key, same time: matched, not resent
    assert wall(after[-1].due_at) == "2026-11-23 10:00"  # the end text follows the new end


def test_recomputing_mid_order_drops_past_steps_but_keeps_the_first():
    made_on = date(2026, 11, 10)
    texts = plan(made_on, 28, planned_at=L("2026-11-15 12:00"))
    assert [t.step_key for t in texts] == ["start+0", "start+7", "start+9", "start+11", "start+14", "start+16",
                                           "start+18", "start+21", "start+23", "start+25", "end-0"]
    assert wall(texts[0].due_at) == "2026-11-15 12:00"


# --------------------------------------------------------------------------------------
# The sending window
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("instant", "inside", "next_at"), [
    (L("2026-11-10 08:59"), False, L("2026-11-10 09:00")),
    (L("2026-11-10 09:00"), True, L("2026-11-10 09:00")),
    (L("2026-11-10 19:59"), True, L("2026-11-10 19:59")),
    (L("2026-11-10 20:00"), False, L("2026-11-11 09:00")),
    (L("2026-11-10 23:59"), False, L("2026-11-11 09:00")),
    (L("2026-11-11 00:00"), False, L("2026-11-11 09:00")),
    # Evening before the spring change: 09:00 next day is BST, 08:00 UTC.
    (L("2026-03-28 21:00"), False, datetime(2026, 3, 29, 8, 0, tzinfo=UTC)),
    (datetime(2026, 3, 29, 7, 30, tzinfo=UTC), False, datetime(2026, 3, 29, 8, 0, tzinfo=UTC)),  # 08:30 BST
    (datetime(2026, 3, 29, 8, 30, tzinfo=UTC), True, datetime(2026, 3, 29, 8, 30, tzinfo=UTC)),
    # Evening before the autumn change: 19:30 UTC is 20:30 BST; 09:00 next day is GMT.
    (datetime(2026, 10, 24, 19, 30, tzinfo=UTC), False, datetime(2026, 10, 25, 9, 0, tzinfo=UTC)),
    (datetime(2026, 10, 24, 18, 30, tzinfo=UTC), True, datetime(2026, 10, 24, 18, 30, tzinfo=UTC)),  # 19:30 BST
    (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), False, datetime(2026, 10, 25, 9, 0, tzinfo=UTC)),  # the second 01:30
])
def test_window(instant, inside, next_at):
    assert in_window(instant) is inside
    assert next_sending_time(instant) == next_at
    assert next_sending_time(instant).tzinfo is UTC


def test_window_with_other_zones_and_edges():
    from zoneinfo import ZoneInfo
    tokyo = datetime(2026, 11, 10, 18, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # 09:00 GMT
    assert in_window(tokyo) and next_sending_time(tokyo) == datetime(2026, 11, 10, 9, tzinfo=UTC)
    assert DEFAULT_WINDOW == SendingWindow(time(9), time(20))
    with pytest.raises(ValueError):
        SendingWindow(time(20), time(9))
    with pytest.raises(ValueError):
        SendingWindow(time(9), time(9))
    with pytest.raises(ValueError):
        SendingWindow(time(9, tzinfo=UTC), time(20))


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------

MADE_ON = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
DAYS = st.integers(min_value=1, max_value=400)
OFFSET_MINUTES = st.integers(min_value=-3 * 24 * 60, max_value=403 * 24 * 60)


@settings(max_examples=300, deadline=None)
@given(MADE_ON, DAYS, OFFSET_MINUTES)
def test_plan_invariants(made_on, days, offset):
    ends_at = dapo_end(made_on, days)
    planned_at = london_midnight(made_on).astimezone(UTC) + timedelta(minutes=offset)
    texts = plan_texts(made_on=made_on, ends_at=ends_at, planned_at=planned_at)
    keys = [t.step_key for t in texts]
    assert len(keys) == len(set(keys)) and set(keys) <= {s.key for s in DEFAULT_STEPS}
    assert texts == sorted(texts, key=lambda t: (t.due_at, t.step_key))
    assert len(texts) <= count_for(days)
    for text in texts:
        assert text.due_at.tzinfo is UTC
        assert planned_at <= text.due_at < ends_at
        assert in_window(text.due_at)
        assert text.due_at.astimezone(LONDON).date() >= made_on
    if in_window(planned_at) and planned_at.astimezone(LONDON).date() == made_on:
        assert texts and texts[0].due_at.astimezone(LONDON).date() == made_on  # first text on the day made


@settings(max_examples=200, deadline=None)
@given(MADE_ON, DAYS)
def test_planned_at_midnight_gets_the_full_plan_with_the_first_text_on_the_day_made(made_on, days):
    texts = plan(made_on, days)
    assert len(texts) == count_for(days)
    assert texts[0].due_at.astimezone(LONDON).date() == made_on
    assert texts[-1].step_key == "end-0" and texts[-1].due_at.astimezone(LONDON).date() == made_on + timedelta(days=days - 1)
    assert not any(t.deferred for t in texts)
    assert {wall(t.due_at)[-5:] for t in texts} <= {"10:00", "17:30"}


@settings(max_examples=200, deadline=None)
@given(MADE_ON, DAYS, st.integers(1, 27))
def test_shortening_keeps_earlier_keys(made_on, days, cut):
    shorter = max(1, days - cut)
    long_keys = {t.step_key: t.due_at for t in plan(made_on, days)}
    for text in plan(made_on, shorter):
        assert text.step_key in long_keys
        if text.step_key.startswith("start"):
            assert long_keys[text.step_key] == text.due_at


STEPS = st.lists(
    st.builds(PlanStep, st.sampled_from(list(Anchor)), st.integers(0, 40),
              st.times().map(lambda t: t.replace(microsecond=0)), st.sampled_from(list(ContentKind))),
    max_size=20, unique_by=lambda s: s.key,
)


@settings(max_examples=300, deadline=None)
@given(MADE_ON, DAYS, OFFSET_MINUTES, STEPS)
def test_any_plan_keeps_the_rules(made_on, days, offset, steps):
    ends_at = dapo_end(made_on, days)
    planned_at = london_midnight(made_on).astimezone(UTC) + timedelta(minutes=offset)
    texts = plan_texts(made_on=made_on, ends_at=ends_at, planned_at=planned_at, steps=steps)
    assert texts == sorted(texts, key=lambda t: (t.due_at, t.step_key))
    for text in texts:
        assert planned_at <= text.due_at < ends_at and in_window(text.due_at)


@settings(max_examples=500, deadline=None)
@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)))
def test_next_sending_time_is_the_first_moment_inside_the_window(instant):
    at = next_sending_time(instant)
    assert at >= instant and in_window(at)
    assert at == instant or wall(at)[-5:] == "09:00"
    assert at - instant < timedelta(hours=14)  # quiet hours are 13 h; 14 with a clock change
    if at != instant:
        assert not in_window(at - timedelta(minutes=1)) or at - timedelta(minutes=1) < instant


# --------------------------------------------------------------------------------------
# The admin's plan table
# --------------------------------------------------------------------------------------


def row(anchor="start", day="0", send_at="10:00", kind="conditions"):
    return {"anchor": anchor, "day": day, "send_at": send_at, "kind": kind}


END_ROW = row("end", "0", "10:00", "order_end")


def test_default_plan_round_trips_through_the_table():
    assert validate_steps(rows_for(DEFAULT_STEPS)) == (list(DEFAULT_STEPS), {})
    assert rows_for(DEFAULT_STEPS)[0] == {"anchor": "start", "day": 0, "send_at": "10:00", "kind": "conditions"}


@pytest.mark.parametrize(("bad", "message"), [
    (dict(day="-1"), "Day must be a whole number from 0 to 365"),
    (dict(day="366"), "Day must be a whole number from 0 to 365"),
    (dict(day=10**100), "Day must be a whole number from 0 to 365"),
    (dict(day="9" * 5000), "Day must be a whole number from 0 to 365"),
    (dict(day="abc"), "Day must be a whole number from 0 to 365"),
    (dict(day="1.5"), "Day must be a whole number from 0 to 365"),
    (dict(day=1.5), "Day must be a whole number from 0 to 365"),
    (dict(day="1e3"), "Day must be a whole number from 0 to 365"),
    (dict(day=True), "Day must be a whole number from 0 to 365"),
    (dict(day=[]), "Day must be a whole number from 0 to 365"),
    (dict(day="٣"), "Day must be a whole number from 0 to 365"),
    (dict(send_at="08:59"), "Send time must be between 09:00 and 20:00"),
    (dict(send_at="20:00"), "Send time must be between 09:00 and 20:00"),
    (dict(send_at="00:00"), "Send time must be between 09:00 and 20:00"),
    (dict(send_at="25:99"), "Enter the send time as hours and minutes, like 10:00"),
    (dict(send_at="24:00"), "Enter the send time as hours and minutes, like 10:00"),
    (dict(send_at="10:60"), "Enter the send time as hours and minutes, like 10:00"),
    (dict(send_at="10"), "Enter the send time as hours and minutes, like 10:00"),
    (dict(send_at="10:00:00"), "Enter the send time as hours and minutes, like 10:00"),
    (dict(send_at="ten"), "Enter the send time as hours and minutes, like 10:00"),
    (dict(send_at=None), "Enter the send time as hours and minutes, like 10:00"),
    (dict(send_at=1000), "Enter the send time as hours and minutes, like 10:00"),
    (dict(kind="victim_address"), "Choose what the text is about"),
    (dict(kind=None), "Choose what the text is about"),
    (dict(kind=""), "Choose what the text is about"),
    (dict(kind=3), "Choose what the text is about"),
    (dict(anchor="middle"), "Choose whether the day counts from the start or the end of the order"),
])
def test_bad_rows(bad, message):
    rows = [row(), row(day="2", kind="support") | bad, END_ROW]
    steps, errors = validate_steps(rows)
    assert errors == {1: message}
    assert len(steps) == 2


def test_good_variants_are_read():
    steps, errors = validate_steps([row(day=" 0 ", send_at=" 9:00 "), row(day=3, send_at=time(19, 59), kind="motivation"),
                                    row(anchor=" end ", day="0", kind="order_end")])
    assert errors == {}
    assert steps == [PlanStep(Anchor.START, 0, time(9), C.CONDITIONS), PlanStep(Anchor.START, 3, time(19, 59), C.MOTIVATION),
                     PlanStep(Anchor.END, 0, time(10), C.ORDER_END)]


def test_several_problems_in_one_row_are_all_reported():
    _, errors = validate_steps([row(), row(day="x", send_at="7", kind="?"), END_ROW])
    assert errors[1] == ("Day must be a whole number from 0 to 365; Enter the send time as hours and minutes, like 10:00; "
                         "Choose what the text is about")


def test_duplicate_day_is_reported_on_the_later_row():
    steps, errors = validate_steps([row(), row(day="2"), row(day="02", send_at="17:30", kind="support"), END_ROW])
    assert errors == {2: "Another row already sends on that day"}
    assert len(steps) == 3


def test_the_same_day_from_each_end_is_not_a_duplicate():
    assert validate_steps([row(), row(anchor="end", day="0", kind="order_end"), row(anchor="start", day="2")])[1] == {}


def test_plan_must_start_on_the_day_made_and_end_with_the_end_text():
    _, errors = validate_steps([row(day="1"), END_ROW])
    assert errors == {PLAN_ERRORS: "The plan must start with a text on the day the order is made"}
    _, errors = validate_steps([row(), row(anchor="end", day="0", kind="motivation")])
    assert errors == {PLAN_ERRORS: "The plan must end with a text about when the order ends"}
    _, errors = validate_steps([])
    assert errors == {PLAN_ERRORS: "The plan must start with a text on the day the order is made. "
                                   "The plan must end with a text about when the order ends"}


def test_a_mistyped_time_on_the_first_row_does_not_also_lose_the_first_text():
    _, errors = validate_steps([row(send_at="7am"), END_ROW])
    assert set(errors) == {0}


def test_blank_rows_are_skipped():
    steps, errors = validate_steps([row(), row("", "", "", ""), {"anchor": None, "day": None, "send_at": None, "kind": None},
                                    {}, row(" ", " ", " ", " "), END_ROW])
    assert errors == {} and len(steps) == 2


@pytest.mark.parametrize("rows", [None, "abc", 42, {"anchor": "start"}, [None], ["abc"], [[1, 2]], [row(), 7, END_ROW]])
def test_garbage_never_raises(rows):
    steps, errors = validate_steps(rows)
    assert isinstance(steps, list) and errors


ANYTHING = st.one_of(st.none(), st.text(max_size=12), st.integers(), st.floats(), st.booleans(), st.lists(st.integers(), max_size=2),
                     st.sampled_from(["start", "end", "0", "7", "10:00", "21:00", "support", "order_end"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["anchor", "day", "send_at", "kind", "other"]), ANYTHING), max_size=8))
def test_validate_steps_never_raises_and_only_returns_steps_inside_the_window(rows):
    steps, errors = validate_steps(rows)
    assert all(isinstance(k, int) and isinstance(v, str) and v for k, v in errors.items())
    assert all(DEFAULT_WINDOW.contains(s.send_at) and 0 <= s.day <= MAX_DAY for s in steps)
    assert len({s.key for s in steps}) == len(steps)
    assert len(steps) + len([k for k in errors if k != PLAN_ERRORS]) <= len(rows)

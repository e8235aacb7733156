"""Victim referral rules: the Victims' Code clock's state (Right 4) and safe contact by
caseworkers (London DVPO Caseworker Project, seed 003: withheld calls only unless V agreed;
more than three attempts, at different times of day, throughout the order).

Times are London wall clock; "Mon 16" is Mon 16 Nov 2026 unless a row says otherwise.
Day parts: morning 09:00-12:00, afternoon 12:00-17:00, evening 17:00-20:00.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain.calendar import DEFAULT_CALENDAR, LONDON, Calendar
from app.domain.referrals import (
    Attempt,
    CodeState,
    Consent,
    ContactMethod,
    ContactOutcome,
    DayPart,
    allowed_methods,
    code_check,
    contact_made,
    day_part,
    days_left,
    needs_marac,
    suggest_next_attempt,
)
from app.domain.risk import RiskLevel

M, A, E = DayPart.MORNING, DayPart.AFTERNOON, DayPart.EVENING
NO_ANSWER, NOT_SAFE = ContactOutcome.NO_ANSWER, ContactOutcome.NOT_SAFE


def L(text: str) -> datetime:
    """A London wall-clock time, 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)


def tried(*texts: str, outcome: ContactOutcome = NO_ANSWER) -> list[Attempt]:
    return [Attempt(L(t), outcome) for t in texts]


# --------------------------------------------------------------------------------------
# code_check: RUNNING / DUE_SOON / OVERDUE / MET / MET_LATE
# --------------------------------------------------------------------------------------

DUE = L("2026-11-19 00:00")  # served Mon 16 Nov: Tue (1), Wed (2) -> Thu 00:00
WARN = L("2026-11-18 13:00")  # Wed 17:00 - 4 working hours
SECOND = timedelta(seconds=1)

CODE_CASES = [
    # (settled_at, now, state, late_by, why)
    (None, L("2026-11-16 10:00"), CodeState.RUNNING, None, "just created"),
    (None, WARN - SECOND, CodeState.RUNNING, None, "a second before the warning"),
    (None, WARN, CodeState.DUE_SOON, None, "exactly at the warning: due soon"),
    (None, DUE - SECOND, CodeState.DUE_SOON, None, "a second before due: still due soon"),
    (None, DUE, CodeState.OVERDUE, timedelta(0), "exactly at due: overdue (due is the first overdue instant)"),
    (None, DUE + SECOND, CodeState.OVERDUE, SECOND, "a second after due"),
    (None, L("2026-11-19 09:30"), CodeState.OVERDUE, timedelta(hours=9, minutes=30), "overdue by 9h30 on Thu morning"),
    (DUE - SECOND, DUE + timedelta(days=3), CodeState.MET, None, "settled a second before due: met, whenever asked"),
    (DUE, DUE + timedelta(days=3), CodeState.MET_LATE, timedelta(0), "settled exactly at due: late by zero"),
    (DUE + SECOND, DUE + timedelta(days=3), CodeState.MET_LATE, SECOND, "settled a second after due"),
    (L("2026-11-19 11:00"), L("2026-11-25 00:00"), CodeState.MET_LATE, timedelta(hours=11),
     "late_by is settled minus due, not now minus due"),
    (L("2026-11-17 10:00"), L("2026-11-16 10:00"), CodeState.MET, None, "settled wins over the clock"),
    (L("2026-11-18 14:00"), L("2026-11-18 14:00"), CodeState.MET, None, "settled inside the warning: met"),
]


@pytest.mark.parametrize(("settled", "now", "state", "late_by", "why"), CODE_CASES, ids=[r[-1] for r in CODE_CASES])
def test_code_check(settled, now, state, late_by, why):
    got = code_check(DUE, WARN, settled, now)
    assert got.state is state, why
    assert got.late_by == late_by, why
    assert got.due_at == DUE
    assert got.state.is_breach == (state in (CodeState.OVERDUE, CodeState.MET_LATE))


def test_code_check_compares_instants_not_wall_clocks():
    # 18 Nov 2026 23:59:59 UTC is 23:59:59 GMT; in New York it reads 18:59:59 Wed.
    now = (DUE - SECOND).astimezone(ZoneInfo("America/New_York"))
    assert code_check(DUE, WARN, None, now).state is CodeState.DUE_SOON
    # BST: due Wed 1 Apr 2026 00:00 BST = 31 Mar 23:00 UTC. 23:30 UTC is after due.
    due, warn = L("2026-04-01 00:00"), L("2026-03-31 13:00")
    assert code_check(due, warn, None, datetime(2026, 3, 31, 23, 30, tzinfo=UTC)).late_by == timedelta(minutes=30)
    assert code_check(due, warn, None, datetime(2026, 3, 31, 22, 59, tzinfo=UTC)).state is CodeState.DUE_SOON
    # Settled 22:30 UTC (23:30 BST, before due): met.
    assert code_check(due, warn, datetime(2026, 3, 31, 22, 30, tzinfo=UTC), due).state is CodeState.MET


# --------------------------------------------------------------------------------------
# suggest_next_attempt
# --------------------------------------------------------------------------------------

SUGGEST_CASES = [
    # (attempts, now, safe parts, extras, expected at, part, why)
    # First attempt: now if inside a part on a working day, else the next part's start.
    ([], "2026-11-16 10:00", (), frozenset(), "2026-11-16 10:00", M, "Mon morning: now"),
    ([], "2026-11-16 14:00", (), frozenset(), "2026-11-16 14:00", A, "Mon afternoon: now, not Tue morning"),
    ([], "2026-11-16 18:30", (), frozenset(), "2026-11-16 18:30", E, "Mon evening: now"),
    ([], "2026-11-16 12:00", (), frozenset(), "2026-11-16 12:00", A, "12:00 starts the afternoon"),
    ([], "2026-11-16 17:00", (), frozenset(), "2026-11-16 17:00", E, "17:00 starts the evening"),
    ([], "2026-11-16 08:00", (), frozenset(), "2026-11-16 09:00", M, "before 09:00: the morning's start"),
    ([], "2026-11-16 20:00", (), frozenset(), "2026-11-17 09:00", M, "20:00 ends the evening: Tue 09:00"),
    ([], "2026-11-16 23:30", (), frozenset(), "2026-11-17 09:00", M, "late Mon: Tue 09:00"),
    ([], "2026-11-20 20:30", (), frozenset(), "2026-11-23 09:00", M, "Fri night: Sat, Sun no; Mon 09:00"),
    ([], "2026-11-21 11:00", (), frozenset(), "2026-11-23 09:00", M, "Saturday: Mon 09:00"),
    ([], "2026-12-24 19:00", (), frozenset(), "2026-12-24 19:00", E, "Christmas Eve evening is a working day: now"),
    ([], "2026-12-24 20:30", (), frozenset(), "2026-12-29 09:00", M,
     "after Christmas Eve's evening: Fri 25, Sat, Sun, Mon 28 (substitute) no; Tue 29 09:00"),
    ([], "2026-12-25 10:00", (), frozenset(), "2026-12-29 09:00", M, "on Christmas Day: Tue 29 09:00"),
    ([], "2026-12-31 20:30", (), frozenset(), "2027-01-04 09:00", M, "New Year's Eve night: Fri 1 Jan no; Mon 4"),
    ([], "2026-04-02 20:30", (), frozenset(), "2026-04-07 09:00", M, "Thu before Easter 2026: GF to Easter Mon no; Tue 7"),
    ([], "2027-03-25 20:30", (), frozenset(), "2027-03-30 09:00", M, "Thu before Easter 2027: Tue 30 09:00 BST"),
    ([], "2026-05-01 20:30", (), frozenset(), "2026-05-05 09:00", M, "Fri 1 May: Mon 4 (early May) no; Tue 5"),
    ([], "2026-11-19 20:30", (), frozenset({date(2026, 11, 20)}), "2026-11-23 09:00", M, "Fri 20 added: Mon 23"),
    # Attempts on Christmas Eve evening -> Tue 29 Dec, in another part of the day.
    (tried("2026-12-24 18:00"), "2026-12-24 18:05", (), frozenset(), "2026-12-29 09:00", M,
     "Christmas Eve 18:00 no answer: Tue 29 morning"),
    (tried("2026-12-24 10:00", "2026-12-24 13:00", "2026-12-24 18:00"), "2026-12-24 18:05", (), frozenset(),
     "2026-12-29 09:00", M, "all three tried on Christmas Eve: the morning, tried longest ago, on Tue 29"),
    # A different part from the last attempt when another is allowed, never tried first.
    (tried("2026-11-16 10:00"), "2026-11-16 10:05", (), frozenset(), "2026-11-16 12:00", A,
     "after a morning attempt: the afternoon, the sooner of the two never tried"),
    (tried("2026-11-16 11:30"), "2026-11-16 11:35", (), frozenset(), "2026-11-16 12:30", A,
     "an hour after any attempt: 12:30"),
    (tried("2026-11-16 10:00"), "2026-11-16 17:30", (), frozenset(), "2026-11-16 17:30", E,
     "afternoon gone by: the evening, never tried, now"),
    (tried("2026-11-16 10:00", "2026-11-16 13:00"), "2026-11-16 13:05", (), frozenset(), "2026-11-16 17:00", E,
     "morning and afternoon tried: the evening"),
    (tried("2026-11-16 18:00"), "2026-11-16 18:05", (), frozenset(), "2026-11-17 09:00", M,
     "after an evening attempt: Tue morning"),
    (tried("2026-11-16 18:00"), "2026-11-17 14:00", (), frozenset(), "2026-11-17 14:00", A,
     "the next afternoon, opened then: now"),
    (tried("2026-11-16 10:00"), "2026-11-17 10:00", (), frozenset(), "2026-11-17 12:00", A,
     "next morning again: not the morning, another part is allowed"),
    # The part tried longest ago.
    (tried("2026-11-16 18:00", "2026-11-17 10:00", "2026-11-17 14:00"), "2026-11-17 14:05", (), frozenset(),
     "2026-11-17 17:00", E, "evening tried Mon, morning and afternoon Tue: the evening"),
    (tried("2026-11-17 14:00", "2026-11-16 18:00", "2026-11-17 10:00"), "2026-11-17 14:05", (), frozenset(),
     "2026-11-17 17:00", E, "the same, attempts given out of order"),
    (tried("2026-11-16 10:00", "2026-11-16 18:00", "2026-11-17 13:00"), "2026-11-17 13:05", (), frozenset(),
     "2026-11-18 09:00", M, "morning tried longest ago: Wed 09:00 (Tue's morning has gone)"),
    # Safe parts.
    ([], "2026-11-16 10:00", (E,), frozenset(), "2026-11-16 17:00", E, "V works days: evening only"),
    ([], "2026-11-16 10:00", ("evening",), frozenset(), "2026-11-16 17:00", E, "safe parts as stored strings"),
    (tried("2026-11-16 17:30"), "2026-11-16 18:00", (E,), frozenset(), "2026-11-17 17:00", E,
     "only the evening is safe and was tried tonight: tomorrow evening"),
    (tried("2026-11-20 17:30"), "2026-11-20 18:00", (E,), frozenset(), "2026-11-23 17:00", E,
     "only the evening, tried Fri: Mon evening"),
    (tried("2026-12-24 17:30"), "2026-12-24 18:00", (E,), frozenset(), "2026-12-29 17:00", E,
     "only the evening, tried Christmas Eve: Tue 29 evening"),
    (tried("2026-11-16 10:00"), "2026-11-16 10:05", (M, E), frozenset(), "2026-11-16 17:00", E,
     "morning and evening safe, morning tried: the evening, never the afternoon"),
    (tried("2026-11-16 10:00", "2026-11-16 17:30"), "2026-11-16 17:35", (M, E), frozenset(), "2026-11-17 09:00", M,
     "morning and evening safe, both tried: Tue morning"),
    ([], "2026-11-16 14:00", (E, M), frozenset(), "2026-11-16 17:00", E,
     "safe parts in any order: the soonest allowed slot"),
    # Attempts continue past three (seed 003: more than three, throughout the order).
    (tried("2026-11-16 10:00", "2026-11-17 13:00", "2026-11-17 18:00"), "2026-11-17 18:30", (), frozenset(),
     "2026-11-18 09:00", M, "4th attempt: morning, tried longest ago"),
    (tried("2026-11-16 10:00", "2026-11-17 13:00", "2026-11-17 18:00", "2026-11-18 09:30"), "2026-11-18 09:35", (),
     frozenset(), "2026-11-18 12:00", A, "5th attempt: afternoon"),
    (tried("2026-11-16 10:00", "2026-11-17 13:00", "2026-11-17 18:00", "2026-11-18 09:30", "2026-11-18 12:30"),
     "2026-11-18 12:35", (), frozenset(), "2026-11-18 17:00", E, "6th attempt: evening"),
    (tried("2026-11-16 10:00", "2026-11-16 13:00", outcome=NOT_SAFE), "2026-11-16 13:05", (), frozenset(),
     "2026-11-16 17:00", E, "answered but not safe to talk: keep trying"),
    # Across the spring clock change (Sun 29 Mar 2026).
    (tried("2026-03-27 18:00"), "2026-03-27 18:05", (), frozenset(), "2026-03-30 09:00", M,
     "Fri 27 Mar evening GMT: Mon 30 09:00 BST"),
]


@pytest.mark.parametrize(("attempts", "now", "safe", "extras", "at", "part", "why"), SUGGEST_CASES,
                         ids=[r[-1] for r in SUGGEST_CASES])
def test_suggest_next_attempt(attempts, now, safe, extras, at, part, why):
    got = suggest_next_attempt(attempts, L(now), Calendar(extras), safe_parts=safe)
    assert got is not None, why
    assert utc(got.at) == utc(L(at)), f"{why}: got {got.at.isoformat()} ({got.part})"
    assert got.part is part, why
    assert got.number == len(attempts) + 1
    assert day_part(got.at) is part
    assert Calendar(extras).is_working_day(got.at.astimezone(LONDON).date())
    assert utc(got.at) >= utc(L(now))
    if attempts:
        latest = max(attempts, key=lambda a: utc(a.at))
        assert utc(got.at) >= utc(latest.at) + timedelta(hours=1)
        same_day = got.at.astimezone(LONDON).date() == latest.at.astimezone(LONDON).date()
        assert not (same_day and day_part(latest.at) is part), "never the same part twice in a day"
    else:
        assert got.why == "first attempt"


def test_suggestion_says_why():
    got = suggest_next_attempt(tried("2026-11-16 18:00"), L("2026-11-16 18:05"), DEFAULT_CALENDAR)
    assert got.why == "a different time of day: the last attempt was in the evening"


@pytest.mark.parametrize("outcome", [ContactOutcome.ENGAGED, ContactOutcome.DECLINED])
def test_no_suggestion_after_contact(outcome):
    attempts = tried("2026-11-16 10:00") + tried("2026-11-16 13:00", outcome=outcome)
    assert contact_made(attempts)
    assert suggest_next_attempt(attempts, L("2026-11-16 13:05"), DEFAULT_CALENDAR) is None
    # A later failed attempt does not undo the contact.
    attempts += tried("2026-11-17 10:00")
    assert suggest_next_attempt(attempts, L("2026-11-17 10:05"), DEFAULT_CALENDAR) is None


def test_outcomes_that_are_not_contact():
    assert not ContactOutcome.NO_ANSWER.made_contact
    assert not ContactOutcome.NOT_SAFE.made_contact
    assert ContactOutcome.ENGAGED.made_contact and ContactOutcome.DECLINED.made_contact
    assert not contact_made(tried("2026-11-16 10:00", outcome=NOT_SAFE))


@pytest.mark.parametrize(
    ("attempts", "now", "ends", "expected", "why"),
    [
        ([], "2026-11-20 00:00", "2026-11-20 00:00", None, "now is the order's end: none"),
        ([], "2026-11-21 10:00", "2026-11-20 00:00", None, "after the order's end: none"),
        (tried("2026-11-16 18:00"), "2026-11-16 18:05", "2026-11-17 00:00", None,
         "order ends at midnight after an evening attempt: no slot left before the end"),
        (tried("2026-11-16 18:00"), "2026-11-16 18:05", "2026-11-17 10:00", "2026-11-17 09:00",
         "discharged at 10:00 Tue: Tue 09:00 is still in force"),
        ([], "2026-11-16 20:30", "2026-11-17 09:00", None, "ends exactly at the next slot: none"),
        ([], "2026-12-24 20:30", "2026-12-29 00:00", None, "ends before the next working day (Tue 29): none"),
        ([], "2026-11-16 10:00", "2026-11-16 10:30", "2026-11-16 10:00", "half an hour left: now"),
    ],
)
def test_suggestion_and_the_order_end(attempts, now, ends, expected, why):
    got = suggest_next_attempt(attempts, L(now), DEFAULT_CALENDAR, ends_at=L(ends))
    if expected is None:
        assert got is None, f"{why}: got {got}"
    else:
        assert got is not None and utc(got.at) == utc(L(expected)), why
        assert utc(got.at) < utc(L(ends))


def test_attempts_continue_through_the_order():
    """Simulate a caseworker who always calls when suggested and never gets an answer: the
    suggestions keep coming, rotate through the parts, and stop only at the order's end."""
    ends = L("2026-11-27 00:00")  # in force to the end of Thu 26 Nov
    attempts: list[Attempt] = []
    now = L("2026-11-16 10:00")
    while (got := suggest_next_attempt(attempts, now, DEFAULT_CALENDAR, ends_at=ends)) is not None:
        assert got.number == len(attempts) + 1
        if attempts:
            assert got.part is not day_part(attempts[-1].at), "a different part each time"
        attempts.append(Attempt(got.at, NO_ANSWER))
        now = got.at + timedelta(minutes=5)
    assert len(attempts) > 6
    assert {day_part(a.at) for a in attempts} == {M, A, E}
    assert all(utc(a.at) < utc(ends) for a in attempts)
    assert all(DEFAULT_CALENDAR.is_working_day(a.at.astimezone(LONDON).date()) for a in attempts)


def test_day_part():
    assert day_part(L("2026-11-16 08:59")) is None
    assert day_part(L("2026-11-16 09:00")) is M
    assert day_part(L("2026-11-16 11:59")) is M
    assert day_part(L("2026-11-16 12:00")) is A
    assert day_part(L("2026-11-16 16:59")) is A
    assert day_part(L("2026-11-16 17:00")) is E
    assert day_part(L("2026-11-16 19:59")) is E
    assert day_part(L("2026-11-16 20:00")) is None
    # Read in London: 17:30 UTC in July is 18:30 BST, the evening; 08:30 UTC is 09:30 BST.
    assert day_part(datetime(2026, 7, 1, 17, 30, tzinfo=UTC)) is E
    assert day_part(datetime(2026, 7, 1, 8, 30, tzinfo=UTC)) is M
    assert DayPart.EVENING.label == "Evening (17:00 to 20:00)"


# --------------------------------------------------------------------------------------
# Contact methods and consent
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("agreed", "expected"),
    [
        ([], [ContactMethod.WITHHELD_CALL]),
        ([ContactMethod.TEXT], [ContactMethod.WITHHELD_CALL, ContactMethod.TEXT]),
        (["letter", "voicemail"], [ContactMethod.WITHHELD_CALL, ContactMethod.VOICEMAIL, ContactMethod.LETTER]),
        ([ContactMethod.WITHHELD_CALL], [ContactMethod.WITHHELD_CALL]),
        (list(ContactMethod), list(ContactMethod)),
        (("text", "text"), [ContactMethod.WITHHELD_CALL, ContactMethod.TEXT]),
    ],
)
def test_allowed_methods(agreed, expected):
    assert allowed_methods(agreed) == expected


def test_allowed_methods_rejects_unknown():
    with pytest.raises(ValueError):
        allowed_methods(["email"])


def test_only_a_withheld_call_leaves_no_trace():
    assert not ContactMethod.WITHHELD_CALL.leaves_a_trace
    assert all(m.leaves_a_trace for m in (ContactMethod.VOICEMAIL, ContactMethod.TEXT, ContactMethod.LETTER))


def test_labels():
    assert Consent.DECLINES.label == "Declines the referral"
    assert Consent("not_asked").label == "Could not be asked yet"
    assert ContactMethod.WITHHELD_CALL.label == "Call from a withheld number"
    assert ContactOutcome.NOT_SAFE.label == "Answered but not safe to talk"


# --------------------------------------------------------------------------------------
# days_left and MARAC
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("ends", "now", "expected", "why"),
    [
        (None, "2026-11-16 10:00", None, "no order: None"),
        ("2026-11-20 00:00", "2026-11-16 10:00", 3, "last day Thu 19: Mon to Thu"),
        ("2026-11-20 00:00", "2026-11-19 23:59", 0, "on the last day: 0"),
        ("2026-11-20 00:00", "2026-11-19 00:00", 0, "start of the last day: 0"),
        ("2026-11-20 00:00", "2026-11-20 00:00", -1, "at the end: the last day was yesterday"),
        ("2026-11-20 15:00", "2026-11-20 10:00", 0, "discharged 15:00 today: today is the last day"),
        ("2026-04-01 00:00", "2026-03-28 23:30", 3, "spring: last day Tue 31 Mar BST, now Sat 28 GMT"),
        ("2026-04-01 00:00", "2026-03-29 00:30", 2, "spring: Sun 29 00:30 GMT"),
        ("2026-10-27 00:00", "2026-10-24 23:30", 2, "autumn: last day Mon 26 GMT, now Sat 24 BST"),
        ("2026-10-27 00:00", "2026-10-25 01:30", 1, "autumn: Sun 25, in the repeated hour"),
    ],
)
def test_days_left(ends, now, expected, why):
    assert days_left(L(ends) if ends else None, L(now)) == expected, why


def test_days_left_reads_london_days_from_utc():
    # Order ends 00:00 BST Wed 1 Apr 2026 = 31 Mar 23:00 UTC; last day Tue 31 Mar.
    ends = datetime(2026, 3, 31, 23, 0, tzinfo=UTC)
    # 30 Mar 23:30 UTC is 00:30 BST Tue 31 Mar: the last day.
    assert days_left(ends, datetime(2026, 3, 30, 23, 30, tzinfo=UTC)) == 0
    # 30 Mar 22:30 UTC is 23:30 BST Mon 30: one day left.
    assert days_left(ends, datetime(2026, 3, 30, 22, 30, tzinfo=UTC)) == 1


@pytest.mark.parametrize(
    ("level", "expected"),
    [("high", True), ("medium", False), ("standard", False), (RiskLevel.HIGH, True), (RiskLevel.MEDIUM, False),
     ("", False)],
)
def test_needs_marac(level, expected):
    assert needs_marac(level) is expected


def test_code_check_says_how_long_is_left_only_while_open_and_not_overdue():
    due = datetime(2026, 11, 19, 0, 0, tzinfo=LONDON)
    warn = datetime(2026, 11, 18, 13, 0, tzinfo=LONDON)
    assert code_check(due, warn, None, due - timedelta(hours=20)).left == timedelta(hours=20)
    assert code_check(due, warn, None, due - timedelta(hours=2)).left == timedelta(hours=2)
    assert code_check(due, warn, None, due).left is None
    assert code_check(due, warn, due - timedelta(hours=30), due - timedelta(hours=1)).left is None


# -- safe times and MARAC, as both sides see them (issue 15, section 5) ------------------------


@pytest.mark.parametrize(("london", "parts", "outside"), [
    ("2026-11-16 10:00", [], False),  # no safe times recorded: nothing to warn about
    ("2026-11-16 10:00", ["evening"], True),
    ("2026-11-16 17:00", ["evening"], False),
    ("2026-11-16 20:00", ["evening"], True),  # calling hours end at 20:00
    ("2026-11-16 21:30", ["morning", "evening"], True),
    ("2026-11-16 11:59", ["morning", "evening"], False),
])
def test_outside_safe_times(london, parts, outside):
    from app.domain.referrals import outside_safe_times

    at = datetime.fromisoformat(london).replace(tzinfo=LONDON)
    assert outside_safe_times(at, parts) is outside


def test_safe_times_words_in_the_days_order():
    from app.domain.referrals import safe_times_words

    assert safe_times_words(["evening", "morning"]) == "morning (09:00 to 12:00) or evening (17:00 to 20:00)"


def test_marac_status_from_the_one_fact():
    from app.domain.referrals import marac_status

    assert marac_status(False, None) == ""
    assert marac_status(True, None) == "MARAC referral not yet made by police"
    at = datetime(2026, 11, 16, 10, 0, tzinfo=LONDON)
    assert marac_status(True, at) == "MARAC referral made by police (recorded Mon 16 Nov 2026, 10:00)"

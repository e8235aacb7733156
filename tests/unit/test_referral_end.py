"""Support that does not depend on the order (seed 003, "Length of provision" and "The method
and timing of contact"): what the order's end means for a referral, when a caseworker may
close one, and follow-up calls planned after the order's end.

Times are London wall clock; the order in the follow-up rows ends at 00:00 Sat 28 Nov 2026
(in force to the end of Fri 27 Nov), "today" is Mon 16 Nov 2026 unless a row says otherwise.
"""
from datetime import date, datetime

import pytest

from app.domain.calendar import DEFAULT_CALENDAR, LONDON, Calendar
from app.domain.case_summary import protection_words, support_after_order_words
from app.domain.referral_end import (
    FOLLOW_UP_HORIZON_DAYS,
    EndOfOrder,
    at_order_end,
    close_errors,
    follow_up_errors,
    latest_conversation,
    support_continues,
)
from app.domain.referrals import Attempt, ContactOutcome

NO_ANSWER, NOT_SAFE = ContactOutcome.NO_ANSWER, ContactOutcome.NOT_SAFE
ENGAGED, DECLINED = ContactOutcome.ENGAGED, ContactOutcome.DECLINED


def L(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def log(*rows: tuple[str, ContactOutcome]) -> list[Attempt]:
    return [Attempt(L(at), outcome) for at, outcome in rows]


# --------------------------------------------------------------------------------------
# at_order_end / latest_conversation / support_continues
# --------------------------------------------------------------------------------------

END_CASES = [
    # (attempts, latest conversation, action, why)
    ([], None, EndOfOrder.RETURN, "never tried: back to police"),
    ([("2026-11-16 10:00", NO_ANSWER)], None, EndOfOrder.RETURN, "one unanswered call"),
    ([("2026-11-16 10:00", NO_ANSWER), ("2026-11-17 18:00", NOT_SAFE), ("2026-11-19 13:00", NO_ANSWER)], None,
     EndOfOrder.RETURN, "answered once but never safe to talk: no conversation about support"),
    ([("2026-11-16 10:00", ENGAGED)], ENGAGED, EndOfOrder.CONTINUE, "engaged: support goes on after the order"),
    ([("2026-11-16 10:00", ENGAGED), ("2026-11-18 10:00", NO_ANSWER), ("2026-11-20 18:00", NOT_SAFE)], ENGAGED,
     EndOfOrder.CONTINUE, "missed calls after engaging do not end support"),
    ([("2026-11-16 10:00", DECLINED)], DECLINED, EndOfOrder.CLOSE, "declined: closed at the end"),
    ([("2026-11-16 10:00", ENGAGED), ("2026-11-20 10:00", DECLINED)], DECLINED, EndOfOrder.CLOSE,
     "engaged, then said no more support: her latest word counts"),
    ([("2026-11-16 10:00", DECLINED), ("2026-11-25 10:00", ENGAGED)], ENGAGED, EndOfOrder.CONTINUE,
     "declined, then engaged at the call near the end"),
    ([("2026-11-20 10:00", DECLINED), ("2026-11-16 10:00", ENGAGED)], DECLINED, EndOfOrder.CLOSE,
     "listed out of order: time decides, not the list"),
    ([("2026-11-16 10:00", DECLINED), ("2026-11-16 10:00", ENGAGED)], ENGAGED, EndOfOrder.CONTINUE,
     "two at the same minute: the later recorded counts"),
]


@pytest.mark.parametrize(("attempts", "latest", "action", "why"), END_CASES, ids=[c[3] for c in END_CASES])
def test_at_order_end(attempts, latest, action, why):
    attempts = log(*attempts)
    assert latest_conversation(attempts) is latest, why
    assert at_order_end(attempts) is action, why
    assert support_continues(attempts) is (action is EndOfOrder.CONTINUE), why


def test_at_order_end_takes_any_iterable():
    assert at_order_end(iter(log(("2026-11-16 10:00", ENGAGED)))) is EndOfOrder.CONTINUE


# --------------------------------------------------------------------------------------
# close_errors
# --------------------------------------------------------------------------------------

CLOSE_CASES = [
    # (attempts, reason, expected error keys, why)
    ([("2026-11-16 10:00", ENGAGED)], "Support plan complete.", set(), "engaged, with a reason"),
    ([("2026-11-16 10:00", DECLINED)], "Declined twice.", set(), "declined: the caseworker may close too"),
    ([("2026-11-16 10:00", ENGAGED)], "", {"reason"}, "no reason"),
    ([("2026-11-16 10:00", ENGAGED)], "   \n ", {"reason"}, "only spaces"),
    ([("2026-11-16 10:00", ENGAGED)], "x" * 101, {"reason"}, "too long"),
    ([("2026-11-16 10:00", ENGAGED)], "x" * 100, set(), "exactly the limit"),
    ([("2026-11-16 10:00", NO_ANSWER)], "Could not reach her.", {""}, "no contact: return to police instead"),
    ([], None, {"", "reason"}, "nothing at all"),
]


@pytest.mark.parametrize(("attempts", "reason", "keys", "why"), CLOSE_CASES, ids=[c[3] for c in CLOSE_CASES])
def test_close_errors(attempts, reason, keys, why):
    errors = close_errors(log(*attempts), reason, 100)
    assert set(errors) == keys, why
    if "" in keys:
        assert "return the referral to police instead" in errors[""]


# --------------------------------------------------------------------------------------
# follow_up_errors: the day may be after the order's end
# --------------------------------------------------------------------------------------

TODAY = date(2026, 11, 16)  # Monday
ENGAGED_LOG = [("2026-11-16 10:00", ENGAGED)]
ORDER_LAST_DAY = date(2026, 11, 27)  # the order ends 00:00 Sat 28 Nov

FOLLOW_UP_CASES = [
    # (attempts, on, today, error key or None, why)
    (ENGAGED_LOG, date(2026, 11, 18), TODAY, None, "during the order"),
    (ENGAGED_LOG, ORDER_LAST_DAY, TODAY, None, "the order's last day"),
    (ENGAGED_LOG, date(2026, 11, 30), TODAY, None, "the Monday after the order ended"),
    (ENGAGED_LOG, date(2027, 2, 15), TODAY, None, "three months after the order"),
    (ENGAGED_LOG, TODAY, TODAY, None, "today"),
    (ENGAGED_LOG, date(2026, 12, 4), date(2026, 12, 1), None, "planned after the order ended, for later still"),
    (ENGAGED_LOG, date(2026, 11, 13), TODAY, "follow_up_date", "the Friday before today"),
    (ENGAGED_LOG, date(2026, 11, 28), TODAY, "follow_up_date", "a Saturday"),
    (ENGAGED_LOG, date(2026, 11, 29), TODAY, "follow_up_date", "a Sunday"),
    (ENGAGED_LOG, date(2026, 12, 25), TODAY, "follow_up_date", "Christmas Day"),
    (ENGAGED_LOG, date(2026, 12, 28), TODAY, "follow_up_date", "the substitute bank holiday for Boxing Day"),
    (ENGAGED_LOG, None, TODAY, "follow_up_date", "no day"),
    (ENGAGED_LOG, date(2027, 11, 17), TODAY, None, "366 days ahead, a Wednesday"),
    (ENGAGED_LOG, date(2027, 11, 18), TODAY, "follow_up_date", "367 days ahead: a slip"),
    ([("2026-11-16 10:00", DECLINED)], date(2026, 11, 30), TODAY, "", "declined: the near-end call is the one"),
    ([("2026-11-16 10:00", ENGAGED), ("2026-11-17 10:00", DECLINED)], date(2026, 11, 30), TODAY, "",
     "engaged then declined"),
    ([("2026-11-16 10:00", NO_ANSWER)], date(2026, 11, 30), TODAY, "", "no contact yet"),
    ([], date(2026, 11, 18), TODAY, "", "never tried"),
]


@pytest.mark.parametrize(("attempts", "on", "today", "key", "why"), FOLLOW_UP_CASES, ids=[c[4] for c in FOLLOW_UP_CASES])
def test_follow_up_errors(attempts, on, today, key, why):
    errors = follow_up_errors(on, today, log(*attempts), DEFAULT_CALENDAR)
    assert set(errors) == (set() if key is None else {key}), why


def test_a_day_an_admin_added_is_not_a_working_day():
    calendar = Calendar(extra_bank_holidays=frozenset({date(2026, 11, 30)}))
    assert follow_up_errors(date(2026, 11, 30), TODAY, log(*ENGAGED_LOG), calendar) == {
        "follow_up_date": "Choose a working day: that day is a weekend or a bank holiday"}


def test_the_horizon_is_about_a_year():
    assert FOLLOW_UP_HORIZON_DAYS == 366
    assert follow_up_errors(date(2026, 11, 18), TODAY, log(*ENGAGED_LOG), DEFAULT_CALENDAR, horizon_days=1) == {
        "follow_up_date": "Plan the follow-up call within a year"}


# --------------------------------------------------------------------------------------
# Words: a refused notice, and support after the order
# --------------------------------------------------------------------------------------

def test_a_refused_notice_is_never_called_a_notice_in_force():
    words = protection_words("notice_refused", None)
    assert words == "The authorising officer refused the notice: no notice or order is in force"
    assert "pending" not in words


@pytest.mark.parametrize(
    ("stage", "ends", "words"),
    [
        ("ended", L("2026-11-28 00:00"), "Order ended on Fri 27 Nov 2026; support continues"),
        ("ended", L("2026-03-29 00:00"), "Order ended on Sat 28 Mar 2026; support continues"),  # before the clocks go forward
        ("order", L("2026-11-28 00:00"), "Order ended on Fri 27 Nov 2026; support continues"),  # the expiry not yet recorded
        ("discharged", L("2026-11-20 15:00"), "The court discharged the order on Fri 20 Nov 2026; support continues"),
        ("refused", None, "Support continues"),
        ("ended", None, "Support continues"),
    ],
)
def test_support_after_order_words(stage, ends, words):
    assert support_after_order_words(stage, ends) == words

"""Support that does not depend on the order: what becomes of a referral when the order ends,
when a caseworker may close one, and the follow-up call a caseworker plans with a victim
who engaged, which may fall after the order has ended.

Pure: attempts, dates and the calendar are arguments; no clock reads.

Sources: the London DVPO Caseworker Project (seed 003). "Length of provision": Victim
Support "offers support for as long as the service user needs it, including after the DVPO
has expired" (some for more than three months), and "caseworkers always follow up with a
phone call" after the order has finished; at its end "the victim may be more open to
receiving support". "The method and timing of contact": when no contact can be made during
the order "the referral is sent back to the police ... so that other measures may be
taken"; where support is declined, ask consent to call again near the expiry date (that
call stays before the end: deadlines.follow_up_call_due).
"""
from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, timedelta

from app.domain.calendar import Calendar
from app.domain.referrals import Attempt, ContactOutcome

# How far ahead a caseworker may plan a follow-up call (a typing slip guard, not a rule of
# practice: the seed reports support lasting more than three months after the order).
FOLLOW_UP_HORIZON_DAYS = 366


class EndOfOrder(enum.StrEnum):
    """What the sweep does with a referral still with a service when its order ends."""

    RETURN = "return"  # no conversation with V: back to police for other measures
    CLOSE = "close"  # V's last word in a conversation was to decline support
    CONTINUE = "continue"  # V engaged: support goes on until the caseworker closes it


def latest_conversation(attempts: Iterable[Attempt]) -> ContactOutcome | None:
    """The outcome of the most recent attempt that reached V (engaged or declined), or None.

    Attempts are taken in time order; of two at the same instant the later in `attempts`
    counts (the caller lists them as recorded)."""
    outcome = None
    for attempt in sorted(attempts, key=lambda a: a.at):  # stable: ties keep their order
        if attempt.outcome.made_contact:
            outcome = attempt.outcome
    return outcome


def support_continues(attempts: Iterable[Attempt]) -> bool:
    """V is engaged with the service: the latest conversation was "spoke and engaged". One who
    engaged and later said she wants no more support is not; one who declined and engaged at
    the call near the end is."""
    return latest_conversation(attempts) is ContactOutcome.ENGAGED


def at_order_end(attempts: Iterable[Attempt]) -> EndOfOrder:
    """What the order's end means for a referral with a service.

    - No conversation (only no answer or not safe to talk): RETURN to police, as the service
      did in London, so police can take other measures.
    - V engaged: CONTINUE. The end of the order is not the end of support; the caseworker
      closes the referral when support ends.
    - V declined (her latest word): CLOSE. Her agreement to a call near the end was for a
      call before the end, already due by then.
    """
    attempts = list(attempts)
    outcome = latest_conversation(attempts)
    if outcome is None:
        return EndOfOrder.RETURN
    return EndOfOrder.CONTINUE if outcome is ContactOutcome.ENGAGED else EndOfOrder.CLOSE


def close_errors(attempts: Iterable[Attempt], reason: str | None, max_length: int) -> dict[str, str]:
    """Why a caseworker may not close the referral now ({} when they may).

    Closing needs a conversation with V (engaged or declined) and a reason police can read.
    With no conversation the referral is not closed but returned to police, which is what
    tells them to act."""
    errors: dict[str, str] = {}
    if latest_conversation(attempts) is None:
        errors[""] = ("No contact has been made with the victim: return the referral to police instead, "
                      "so they can take other measures")
    text = (reason or "").strip()
    if not text:
        errors["reason"] = "Say why support is ending"
    elif len(text) > max_length:
        errors["reason"] = f"Keep this to {max_length:,} characters"
    return errors


def follow_up_errors(
    on: date | None,
    today: date,
    attempts: Iterable[Attempt],
    calendar: Calendar,
    *,
    horizon_days: int = FOLLOW_UP_HORIZON_DAYS,
) -> dict[str, str]:
    """Why a planned follow-up call on `on` is refused ({} when it is allowed).

    Only with a V who engaged (for one who declined, the call near the end is agreed on the
    attempt and falls before the end). The day may be after the order's end: support goes on
    after it. It must be a working day (the service's calls are made on working days), not
    before today and within `horizon_days`.
    """
    if not support_continues(attempts):
        return {"": "A follow-up call is planned only with a victim who engaged with the service"}
    if on is None:
        return {"follow_up_date": "Enter the day of the follow-up call"}
    if on < today:
        return {"follow_up_date": "The follow-up call cannot be in the past"}
    if on > today + timedelta(days=horizon_days):
        return {"follow_up_date": "Plan the follow-up call within a year"}
    if not calendar.is_working_day(on):
        return {"follow_up_date": "Choose a working day: that day is a weekend or a bank holiday"}
    return {}

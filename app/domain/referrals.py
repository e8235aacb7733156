"""Victim referrals: the Victims' Code clock's state and safe contact by caseworkers.

Pure: the current time and the calendar are arguments; due instants come from `deadlines`.

Sources: Code of Practice for Victims of Crime in England and Wales (2020), Right 4
(referral to support services within 2 working days for victims entitled to enhanced
rights, subject to consent); the London DVPO Caseworker Project (seed 003, "The method
and timing of contact"): calls from a withheld number, no voicemail, letter or text unless
V agreed, more than three attempts at different times of day throughout the order, a call
near expiry if support is declined, and the referral returned to police if no contact.
"""
from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from app.domain.calendar import LONDON, Calendar, london_midnight
from app.domain.reminders import last_day_in_force
from app.domain.timefmt import format_instant


class Consent(enum.StrEnum):
    """V's decision on being referred (the Code's referral is subject to consent)."""

    CONSENTS = "consents"
    DECLINES = "declines"
    NOT_ASKED = "not_asked"

    @property
    def label(self) -> str:
        return {"consents": "Consents to the referral", "declines": "Declines the referral",
                "not_asked": "Could not be asked yet"}[self.value]


class ContactMethod(enum.StrEnum):
    WITHHELD_CALL = "withheld_call"
    VOICEMAIL = "voicemail"
    TEXT = "text"
    LETTER = "letter"

    @property
    def label(self) -> str:
        return {"withheld_call": "Call from a withheld number", "voicemail": "Voicemail",
                "text": "Text message", "letter": "Letter"}[self.value]

    @property
    def leaves_a_trace(self) -> bool:
        """Anything but a withheld call can be found by P: only with V's agreement."""
        return self is not ContactMethod.WITHHELD_CALL


TRACE_METHODS = tuple(m for m in ContactMethod if m.leaves_a_trace)


class ContactOutcome(enum.StrEnum):
    NO_ANSWER = "no_answer"
    NOT_SAFE = "not_safe"
    ENGAGED = "engaged"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return {"no_answer": "No answer", "not_safe": "Answered but not safe to talk",
                "engaged": "Spoke and engaged", "declined": "Spoke and declined support"}[self.value]

    @property
    def made_contact(self) -> bool:
        """A conversation about support happened (engaged or declined)."""
        return self in (ContactOutcome.ENGAGED, ContactOutcome.DECLINED)


class DayPart(enum.StrEnum):
    """Times of day a caseworker can call. Varying them is what reached the hard-to-reach."""

    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"

    @property
    def label(self) -> str:
        start, end = DAY_PARTS[self]
        return f"{self.value.capitalize()} ({start:%H:%M} to {end:%H:%M})"


DAY_PARTS: dict[DayPart, tuple[time, time]] = {
    DayPart.MORNING: (time(9), time(12)),
    DayPart.AFTERNOON: (time(12), time(17)),
    DayPart.EVENING: (time(17), time(20)),
}


def day_part(at: datetime) -> DayPart | None:
    """The part of the London day `at` falls in, or None outside calling hours."""
    local = at.astimezone(LONDON).time()
    for part, (start, end) in DAY_PARTS.items():
        if start <= local < end:
            return part
    return None


def outside_safe_times(at: datetime, safe_parts: Iterable[DayPart | str]) -> bool:
    """Whether `at` falls outside the times of day V said are safe to call. With no safe times
    recorded nothing is known, so nothing is outside them. A warning, never a refusal: the
    caseworker records what happened."""
    parts = {DayPart(p) for p in safe_parts}
    return bool(parts) and day_part(at) not in parts


def safe_times_words(safe_parts: Iterable[DayPart | str]) -> str:
    """'morning (09:00 to 12:00) or evening (17:00 to 20:00)', in the day's order."""
    parts = {DayPart(p) for p in safe_parts}
    words = [p.label[0].lower() + p.label[1:] for p in DayPart if p in parts]
    return " or ".join(words)


def allowed_methods(agreed: Iterable[ContactMethod | str]) -> list[ContactMethod]:
    """The methods a caseworker may use: a withheld call always, the others only if V agreed."""
    agreed_set = {ContactMethod(m) for m in agreed}
    return [m for m in ContactMethod if not m.leaves_a_trace or m in agreed_set]


class CodeState(enum.StrEnum):
    """Where a referral stands against the Victims' Code two-working-day rule."""

    RUNNING = "running"  # not yet sent or declined, more than the warning left
    DUE_SOON = "due_soon"  # within the last working hours before it is due
    OVERDUE = "overdue"  # not sent or declined by the due time: a breach of the Code
    MET = "met"  # sent (or V's refusal recorded) in time
    MET_LATE = "met_late"  # settled, but after the due time: still a breach of the Code

    @property
    def is_breach(self) -> bool:
        return self in (CodeState.OVERDUE, CodeState.MET_LATE)


@dataclass(frozen=True)
class CodeCheck:
    state: CodeState
    due_at: datetime
    # How late: for an open referral, by now; for a settled one, when it was settled.
    late_by: timedelta | None
    # Time left before it is due, while it is open and not yet overdue.
    left: timedelta | None = None


def code_check(due_at: datetime, warn_at: datetime, settled_at: datetime | None, now: datetime) -> CodeCheck:
    """Grade a referral against the Code: settled means sent to a service, or V's refusal
    recorded (a declined referral is not sent, Right 4 is subject to consent)."""
    if settled_at is not None:
        late = settled_at - due_at
        if late >= timedelta(0):
            return CodeCheck(CodeState.MET_LATE, due_at, late)
        return CodeCheck(CodeState.MET, due_at, None)
    if now >= due_at:
        return CodeCheck(CodeState.OVERDUE, due_at, now - due_at)
    if now >= warn_at:
        return CodeCheck(CodeState.DUE_SOON, due_at, None, due_at - now)
    return CodeCheck(CodeState.RUNNING, due_at, None, due_at - now)


@dataclass(frozen=True)
class Attempt:
    at: datetime
    outcome: ContactOutcome


@dataclass(frozen=True)
class Suggestion:
    at: datetime
    part: DayPart
    number: int  # the attempt this would be: 1 for the first
    why: str


def contact_made(attempts: Iterable[Attempt]) -> bool:
    return any(a.outcome.made_contact for a in attempts)


def suggest_next_attempt(
    attempts: Sequence[Attempt],
    now: datetime,
    calendar: Calendar,
    *,
    safe_parts: Iterable[DayPart] = (),
    ends_at: datetime | None = None,
) -> Suggestion | None:
    """When to try V next: a working day, in a part of the day not tried recently.

    Attempts continue through the order whatever their number (three failed calls do not
    close a case: seed 003 found more, at different times of day, reached victims). None
    once contact is made or the order has ended. Only parts V said are safe are used; the
    part least recently tried is chosen, so a V who works days is tried in the evening.
    Parts never tried come first, the soonest of them first, so a first attempt is now when
    now is inside a part on a working day (contact as soon as possible after the referral).
    The part just tried is not tried again the same day; when it is the only part allowed,
    it is tried again on the next working day.
    """
    if contact_made(attempts) or (ends_at is not None and now >= ends_at):
        return None
    allowed = [p for p in DayPart if p in set(safe_parts)] or list(DayPart)
    last_tried: dict[DayPart, datetime] = {}
    for attempt in attempts:
        part = day_part(attempt.at)
        if part is not None and (part not in last_tried or attempt.at > last_tried[part]):
            last_tried[part] = attempt.at
    latest = max((a.at for a in attempts), default=None)
    latest_part = day_part(latest) if latest else None
    # Wait at least an hour after any attempt.
    earliest = max(now, latest + timedelta(hours=1)) if latest else now
    slots: dict[DayPart, datetime] = {}
    for part in allowed:
        slot = _next_slot(part, earliest, calendar)
        # Not in the same part as the last attempt on the same day: that part's next working day.
        if slot is not None and latest is not None and part is latest_part \
                and slot.date() == latest.astimezone(LONDON).date():
            slot = _next_slot(part, london_midnight(slot.date() + timedelta(days=1)), calendar)
        if slot is not None and (ends_at is None or slot < ends_at):
            slots[part] = slot
    # Never tried first (the soonest of them), then the one tried longest ago, which is never
    # the part just tried when another is allowed.
    ranked = sorted(slots, key=lambda p: (p in last_tried, last_tried.get(p, slots[p]), list(DayPart).index(p)))
    if not ranked:
        return None
    part = ranked[0]
    why = "first attempt" if not attempts else (
        f"a different time of day: the last attempt was in the {latest_part.value}" if latest_part and part is not latest_part
        else "the time of day tried longest ago")
    return Suggestion(at=slots[part], part=part, number=len(attempts) + 1, why=why)


def _next_slot(part: DayPart, earliest: datetime, calendar: Calendar) -> datetime | None:
    """The first instant at or after `earliest` inside `part` on a working day."""
    start, end = DAY_PARTS[part]
    local = earliest.astimezone(LONDON)
    day = local.date()
    for _ in range(30):
        if calendar.is_working_day(day):
            opens = datetime.combine(day, start, tzinfo=LONDON)
            closes = datetime.combine(day, end, tzinfo=LONDON)
            if local < closes:
                return max(opens, local)
        day += timedelta(days=1)
    return None


def days_left(ends_at: datetime | None, now: datetime) -> int | None:
    """Whole London days from today to the order's last day in force (0 on the last day)."""
    if ends_at is None:
        return None
    return (last_day_in_force(ends_at) - now.astimezone(LONDON).date()).days


def marac_status(high_risk: bool, referred_at: datetime | None) -> str:
    """Whether police have referred the case to MARAC, from the one fact that says so
    (`Referral.marac_done_at`), in the same words for police and the caseworker; "" when the
    risk is not high (no MARAC referral is asked for)."""
    if referred_at is not None:
        return f"MARAC referral made by police (recorded {format_instant(referred_at)})"
    return "MARAC referral not yet made by police" if high_risk else ""


def needs_marac(risk_level: str) -> bool:
    """High risk (DASH 14 or more, or raised by professional judgement) goes to MARAC
    (SafeLives MARAC guidance; DOMAIN "Contacting victims safely")."""
    return str(risk_level) == "high"

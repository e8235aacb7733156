"""The caseworker's side of a referral: accept it, log contact attempts safely, report a
concern to police, hand it back if V cannot be reached, plan a follow-up call (after the
order's end too) and close it when support ends.

London DVPO Caseworker Project (seed 003, "The method and timing of contact"): calls from
a withheld number; no voicemail, letter or text unless V agreed; more than three attempts,
at different times of day, throughout the order; if support is declined, ask consent to
call again near expiry; if no contact, the referral goes back to police.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, update
from sqlalchemy.orm import selectinload

from app.domain.calendar import LONDON, Calendar, london_midnight
from app.domain.referral_end import close_errors, follow_up_errors
from app.domain.referrals import (
    Attempt,
    ContactMethod,
    ContactOutcome,
    Suggestion,
    allowed_methods,
    contact_made,
    days_left,
    suggest_next_attempt,
)
from app.extensions import db
from app.models import Case, ContactAttempt, Referral, ReferralConcern, ReferralStatus, User
from app.services import ValidationFailed, audit, change_once, emails
from app.services.access import visible_referrals
from app.services.referrals import MAX_TEXT, refresh_follow_up
from app.services.transaction import commits
from app.timeutil import utcnow

# With the service and still being worked: sent, accepted, or support continuing after the order.
OPEN_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.SUPPORTING)


def _audit(actor: User | None, action: str, referral: Referral, **detail) -> None:
    # Audited against the case so the officer's timeline shows the shared outcome; never the notes.
    entry = audit.record(actor, action, None, referral=referral.id, **detail)
    entry.case_id = referral.case_id


def _require_open(referral: Referral) -> None:
    if referral.status not in OPEN_STATUSES:
        raise ValidationFailed({"": f"This referral is {referral.status.label.lower()}: it can no longer be changed"})


@commits
def accept(actor: User, referral: Referral) -> None:
    """Take the referral on (once)."""
    change_once(
        update(Referral).where(Referral.id == referral.id, Referral.status == ReferralStatus.SENT)
        .values(status=ReferralStatus.ACCEPTED, accepted_at=utcnow(), accepted_by_id=actor.id),
        "This referral has already been accepted",
    )
    _audit(actor, "referral.accepted", referral)
    db.session.commit()


@dataclass
class AttemptDetails:
    attempted_at: datetime | None
    method: ContactMethod | None
    outcome: ContactOutcome | None
    call_near_end_agreed: bool = False
    notes: str = ""


@commits
def log_attempt(actor: User, referral: Referral, details: AttemptDetails, calendar: Calendar) -> ContactAttempt:
    """Record one attempt to reach V. A method that leaves a trace is refused unless V agreed to it."""
    _require_open(referral)
    now = utcnow()
    errors: dict[str, str] = {}
    if details.attempted_at is None:
        errors["attempted_date"] = "Enter when the attempt was made"
    elif details.attempted_at > now:
        errors["attempted_date"] = "The attempt cannot be in the future"
    # Times are typed to the minute: an attempt in the minute the referral arrived is after it.
    elif referral.settled_at and details.attempted_at < referral.settled_at.replace(second=0, microsecond=0):
        errors["attempted_date"] = "The attempt cannot be before the referral was sent"
    if details.method is None:
        errors["method"] = "Choose how you tried to make contact"
    elif details.method not in allowed_methods(referral.agreed_methods or []):
        errors["method"] = (f"The victim has not agreed to contact by {details.method.label.lower()}: "
                            "call from a withheld number, so no trace is left for the perpetrator to find")
    if details.outcome is None:
        errors["outcome"] = "Choose the outcome"
    if details.call_near_end_agreed and details.outcome is not ContactOutcome.DECLINED:
        errors["call_near_end_agreed"] = "Only record a call near the end of the order when the victim declined support"
    if len(details.notes or "") > MAX_TEXT:
        errors["notes"] = f"Keep the notes to {MAX_TEXT} characters"
    if errors:
        raise ValidationFailed(errors)
    attempt = ContactAttempt(
        attempted_at=details.attempted_at, method=details.method, outcome=details.outcome,
        call_near_end_agreed=bool(details.call_near_end_agreed), notes=(details.notes or "").strip() or None,
        recorded_by_id=actor.id, recorded_at=now,
    )
    referral.attempts.append(attempt)
    if referral.support_follow_up_at is not None and details.attempted_at >= referral.support_follow_up_at:
        referral.support_follow_up_at = None  # the planned follow-up call was made
    if referral.status is ReferralStatus.SENT:
        # Logging an attempt is taking the referral on.
        referral.status, referral.accepted_at, referral.accepted_by_id = ReferralStatus.ACCEPTED, now, actor.id
        _audit(actor, "referral.accepted", referral)
    refresh_follow_up(referral, calendar)
    db.session.flush()
    _audit(actor, "referral.attempt_logged", referral, attempt=attempt.id, method=details.method.value,
           outcome=details.outcome.value, call_near_end_agreed=attempt.call_near_end_agreed)
    db.session.commit()
    return attempt


@commits
def follow_up_done(actor: User, referral: Referral) -> None:
    if referral.follow_up_due_at is None:
        raise ValidationFailed({"": "There is no follow-up call due on this referral"})
    change_once(
        update(Referral).where(Referral.id == referral.id, Referral.follow_up_done_at.is_(None))
        .values(follow_up_done_at=utcnow()),
        "The follow-up call is already recorded as done",
    )
    _audit(actor, "referral.follow_up_done", referral)
    db.session.commit()


@commits
def report_concern(actor: User, referral: Referral, *, observed_at: datetime | None, what: str) -> ReferralConcern:
    """A caseworker tells police of a possible breach (for example, P at the address during a
    call). It shows on the officer's dashboard at once."""
    if referral.status not in (*OPEN_STATUSES, ReferralStatus.RETURNED, ReferralStatus.CLOSED):
        raise ValidationFailed({"": "This referral is not with your service"})
    now = utcnow()
    errors = {}
    if observed_at is None:
        errors["observed_date"] = "Enter when this happened"
    elif observed_at > now:
        errors["observed_date"] = "It cannot be in the future"
    if not (what or "").strip():
        errors["what"] = "Say what you learned, so the officer can act on it"
    elif len(what) > MAX_TEXT:
        errors["what"] = f"Keep this to {MAX_TEXT} characters"
    if errors:
        raise ValidationFailed(errors)
    concern = ReferralConcern(case_id=referral.case_id, observed_at=observed_at, what=what.strip(), possible_breach=True,
                              reported_by_id=actor.id, reported_at=now)
    referral.concerns.append(concern)
    db.session.flush()
    _audit(actor, "referral.concern_reported", referral, concern=concern.id)
    emails.concern_reported(actor, db.session.get(Case, referral.case_id), concern)
    db.session.commit()
    return concern


@commits
def return_to_police(actor: User, referral: Referral, reason: str) -> None:
    """Hand the referral back (for example, no contact made and the order ending)."""
    _require_open(referral)
    if not (reason or "").strip():
        raise ValidationFailed({"reason": "Say why the referral is going back to police"})
    if len(reason) > MAX_TEXT:
        raise ValidationFailed({"reason": f"Keep this to {MAX_TEXT} characters"})
    change_once(
        update(Referral).where(Referral.id == referral.id, Referral.status.in_(OPEN_STATUSES))
        .values(status=ReferralStatus.RETURNED, returned_at=utcnow(), returned_by_id=actor.id, return_reason=reason.strip()),
        "This referral has already been returned",
    )
    _audit(actor, "referral.returned", referral, attempts=len(referral.attempts), by="caseworker")
    emails.referral_returned(actor, db.session.get(Case, referral.case_id), referral)
    db.session.commit()


def attempt_log(referral: Referral) -> list[Attempt]:
    """The referral's attempts as the domain reads them, in time order."""
    return [Attempt(a.attempted_at, a.outcome) for a in referral.attempts]


def contact_made_with(referral: Referral) -> bool:
    return contact_made(attempt_log(referral))


@commits
def close(actor: User, referral: Referral, reason: str) -> None:
    """Close the referral: support has ended (seed 003: support lasts as long as V needs it,
    after the order too, so the caseworker, not the order's end, decides). Needs contact made
    (with none, it is returned to police instead) and a reason, which police see; the audit
    entry does not copy it."""
    _require_open(referral)
    errors = close_errors(attempt_log(referral), reason, MAX_TEXT)
    if errors:
        raise ValidationFailed(errors)
    after_end = referral.status is ReferralStatus.SUPPORTING
    change_once(
        update(Referral).where(Referral.id == referral.id, Referral.status.in_(OPEN_STATUSES))
        .values(status=ReferralStatus.CLOSED, closed_at=utcnow(), closed_by_id=actor.id, close_reason=reason.strip(),
                support_follow_up_at=None),
        "This referral has already been closed or returned",
    )
    _audit(actor, "referral.closed", referral, by="caseworker", attempts=len(referral.attempts),
           after_order_end=after_end)
    db.session.commit()


@commits
def plan_follow_up(actor: User, referral: Referral, on: date | None, calendar: Calendar) -> None:
    """Plan a follow-up call with a V who engaged, due from 00:00 London on `on`. It may fall
    after the order's end (seed 003: caseworkers call after the order has finished); the
    near-end call for a V who declined stays before the end (refresh_follow_up)."""
    _require_open(referral)
    now = utcnow()
    errors = follow_up_errors(on, now.astimezone(LONDON).date(), attempt_log(referral), calendar)
    if errors:
        raise ValidationFailed(errors)
    referral.support_follow_up_at = london_midnight(on)
    ends = referral.order_ends_at
    _audit(actor, "referral.follow_up_planned", referral, on=on.isoformat(),
           after_order_end=bool(ends is not None and referral.support_follow_up_at >= ends))
    db.session.commit()


# -- Reading -----------------------------------------------------------------------------------

def next_attempt(referral: Referral, now: datetime, calendar: Calendar) -> Suggestion | None:
    if referral.status not in OPEN_STATUSES:
        return None
    return suggest_next_attempt(
        [Attempt(a.attempted_at, a.outcome) for a in referral.attempts], now, calendar,
        safe_parts=referral.safe_times or (), ends_at=referral.order_ends_at,
    )


@dataclass(frozen=True)
class InboxRow:
    referral: Referral
    days_left: int | None
    attempts: int
    contact_made: bool
    follow_up_due: bool
    follow_up_on: date | None = None  # the day of a follow-up call planned with an engaged V


def inbox(user: User, now: datetime, *, statuses=OPEN_STATUSES, limit: int = 200) -> list[InboxRow]:
    """The service's referrals: new first, then by the order's end (two queries)."""
    rows = db.session.scalars(
        visible_referrals(user).where(Referral.status.in_(statuses))
        .options(selectinload(Referral.attempts))
        # New (not yet accepted) first, then the order ending soonest, then support after the order.
        .order_by(case((Referral.status == ReferralStatus.SENT, 0), (Referral.status == ReferralStatus.SUPPORTING, 2),
                       else_=1), Referral.order_ends_at.is_(None),
                  Referral.order_ends_at, Referral.settled_at)
        .limit(limit)
    ).all()
    return [
        InboxRow(
            referral=r, days_left=days_left(r.order_ends_at, now), attempts=len(r.attempts),
            contact_made=contact_made(Attempt(a.attempted_at, a.outcome) for a in r.attempts),
            follow_up_due=bool(r.follow_up_due_at and r.follow_up_done_at is None and r.follow_up_due_at <= now)
            or bool(r.support_follow_up_at and r.support_follow_up_at <= now),
            follow_up_on=r.support_follow_up_at.astimezone(LONDON).date() if r.support_follow_up_at else None,
        )
        for r in rows
    ]


def past(user: User, limit: int = 100) -> list[Referral]:
    """The service's returned and closed referrals, most recently sent first."""
    return list(db.session.scalars(
        visible_referrals(user).where(Referral.status.in_((ReferralStatus.RETURNED, ReferralStatus.CLOSED)))
        .options(selectinload(Referral.attempts))
        .order_by(Referral.settled_at.desc(), Referral.id.desc()).limit(limit)
    ))


def suggested_return_reason(referral: Referral) -> str:
    """The usual reason, for the caseworker to edit: no contact after N attempts."""
    if contact_made(Attempt(a.attempted_at, a.outcome) for a in referral.attempts):
        return ""
    n = len(referral.attempts)
    if n == 0:
        return "No contact made."
    return f"No contact made after {n} attempt{'' if n == 1 else 's'}."


@commits
def record_viewed(actor: User, referral: Referral) -> None:
    """A caseworker opened the referral: recorded against the case, like a view of a case."""
    _audit(actor, "referral.viewed", referral)
    db.session.commit()


def counts(user: User) -> dict[ReferralStatus, int]:
    rows = db.session.execute(
        visible_referrals(user).with_only_columns(Referral.status, func.count()).group_by(Referral.status)
    ).all()
    return {status: n for status, n in rows}

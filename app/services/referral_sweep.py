"""The Victims' Code sweep (every 15 minutes, app/jobs.py): referrals overdue under the Code
are flagged as breaches, and those whose order ended with no contact go back to police.

Code of Practice for Victims of Crime in England and Wales (2020), Right 4.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select, update

from app.domain.referrals import ContactOutcome
from app.extensions import db
from app.models import ContactAttempt, Referral, ReferralStatus
from app.services import audit
from app.services.transaction import commits, in_callers_transaction
from app.timeutil import utcnow


@dataclass(frozen=True)
class SweepReport:
    flagged: int  # newly overdue: breaches of the Code
    due_soon: int  # open and within the warning
    returned: int  # no contact by the end of the order: back to police
    closed: int  # the order ended after contact was made


@in_callers_transaction
def audit_code_breach(referral_id: int, case_id: int, due_at: datetime, late: timedelta) -> None:
    entry = audit.record(None, "referral.code_breach", None, referral=referral_id, due_at=due_at.isoformat(),
                         late_minutes=int(late / timedelta(minutes=1)))
    entry.case_id = case_id


def _system_audit(action: str, referral_id: int, case_id: int, **detail) -> None:
    entry = audit.record(None, action, None, referral=referral_id, **detail)
    entry.case_id = case_id


@commits
def sweep(now: datetime | None = None, limit: int = 1000) -> SweepReport:
    """Flag referrals overdue under the Code, count those nearly due, and hand back to police
    those whose order ended with no contact made.

    Each query is on an indexed status-and-time column, so the cost grows with what is due,
    not with history. Every change is a conditional UPDATE, so a sweep racing another sweep,
    an officer sending or a caseworker logging contact changes each row once, and correctly.
    """
    now = now or utcnow()
    overdue = db.session.execute(
        select(Referral.id, Referral.case_id, Referral.due_at).where(
            Referral.status == ReferralStatus.AWAITING, Referral.due_at <= now, Referral.code_breach_at.is_(None))
        .order_by(Referral.due_at).limit(limit)
    ).all()
    flagged = 0
    for referral_id, case_id, due_at in overdue:
        if db.session.execute(
            update(Referral).where(Referral.id == referral_id, Referral.status == ReferralStatus.AWAITING,
                                   Referral.code_breach_at.is_(None)).values(code_breach_at=now)
        ).rowcount:
            audit_code_breach(referral_id, case_id, due_at, now - due_at)
            flagged += 1
    due_soon = db.session.scalar(
        select(func.count()).select_from(Referral).where(
            Referral.status == ReferralStatus.AWAITING, Referral.warn_at <= now, Referral.due_at > now)
    ) or 0
    open_statuses = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)
    contact = exists().where(ContactAttempt.referral_id == Referral.id,
                             ContactAttempt.outcome.in_([o for o in ContactOutcome if o.made_contact]))
    attempts = select(func.count()).where(ContactAttempt.referral_id == Referral.id).scalar_subquery()
    ended = db.session.execute(
        select(Referral.id, Referral.case_id, attempts).where(
            Referral.status.in_(open_statuses), Referral.order_ends_at <= now)
        .order_by(Referral.order_ends_at).limit(limit)
    ).all()
    returned = closed = 0
    for referral_id, case_id, tried in ended:
        reason = f"The order ended with no contact made after {tried} attempt{'' if tried == 1 else 's'}."
        if db.session.execute(
            update(Referral).where(Referral.id == referral_id, Referral.status.in_(open_statuses), ~contact)
            .values(status=ReferralStatus.RETURNED, returned_at=now, return_reason=reason)
            .execution_options(synchronize_session=False)
        ).rowcount:
            _system_audit("referral.returned", referral_id, case_id, attempts=tried, by="sweep")
            returned += 1
        elif db.session.execute(
            # Contact was made: nothing to hand back; closing takes it out of the sweep's range.
            update(Referral).where(Referral.id == referral_id, Referral.status.in_(open_statuses))
            .values(status=ReferralStatus.CLOSED).execution_options(synchronize_session=False)
        ).rowcount:
            _system_audit("referral.closed", referral_id, case_id)
            closed += 1
    db.session.commit()
    return SweepReport(flagged=flagged, due_soon=due_soon, returned=returned, closed=closed)

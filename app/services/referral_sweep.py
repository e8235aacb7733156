"""The Victims' Code sweep (every 15 minutes, app/jobs.py): referrals overdue under the Code
are flagged as breaches; at the order's end those with no contact go back to police, those
whose victim declined are closed, and those whose victim engaged stay open: support goes on
after the order (seed 003, "Length of provision") until a caseworker closes the referral.

Code of Practice for Victims of Crime in England and Wales (2020), Right 4.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from app.domain.referral_end import EndOfOrder, at_order_end
from app.domain.referrals import Attempt
from app.extensions import db
from app.models import Case, ContactAttempt, Referral, ReferralStatus
from app.services import audit, emails
from app.services.case_locks import lock_cases
from app.services.transaction import commits, in_callers_transaction
from app.timeutil import utcnow


@dataclass(frozen=True)
class SweepReport:
    flagged: int  # newly overdue: breaches of the Code
    due_soon: int  # open and within the warning
    returned: int  # no contact by the end of the order: back to police
    closed: int  # the order ended and V had declined support
    continuing: int = 0  # the order ended with V engaged: support continues


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
    """Flag referrals overdue under the Code, count those nearly due, and settle what the
    order's end means for referrals with a service (`_at_order_end`).

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
    ended = _ended(now, limit)
    # Every case whose referral this sweep may change is locked first, in id order, before
    # any referral is (services/case_locks.py): expire_orders, side by side, changes the
    # same cases' referrals after their case rows, and these referrals come in the order
    # they fell due, which is no case order. Each UPDATE below still checks its row.
    lock_cases([case_id for _, case_id, _ in overdue] + [case_id for _, case_id, _ in ended])
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
    returned, closed, continuing = _at_order_end(now, ended)
    db.session.commit()
    return SweepReport(flagged=flagged, due_soon=due_soon, returned=returned, closed=closed, continuing=continuing)


OPEN_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)
DECLINED_AT_END = "The order ended: the victim had declined support."


def _attempts():
    return select(func.count()).where(ContactAttempt.referral_id == Referral.id).scalar_subquery()


def _ended(now: datetime, limit: int) -> list[tuple[int, int, int]]:
    """Referrals with a service whose order has ended: (id, case id, attempts logged)."""
    return [tuple(row) for row in db.session.execute(
        select(Referral.id, Referral.case_id, _attempts()).where(
            Referral.status.in_(OPEN_STATUSES), Referral.order_ends_at <= now)
        .order_by(Referral.order_ends_at).limit(limit)
    )]


@in_callers_transaction
def _at_order_end(now: datetime, ended: list[tuple[int, int, int]]) -> tuple[int, int, int]:
    """Referrals with a service whose order has ended (`_ended`): with no contact made, back
    to police; with V engaged, support continues (status SUPPORTING, out of that query's
    range, until a caseworker closes it); with V's last word a refusal, closed
    (domain.referral_end.at_order_end).

    The decision is read from the attempts; the UPDATE changes the row only if no attempt was
    logged since (the count is part of its condition), so a caseworker logging contact at the
    moment the order ends is never overtaken by a decision made on the older log."""
    attempts = _attempts()
    logs: dict[int, list[Attempt]] = {referral_id: [] for referral_id, _, _ in ended}
    if logs:
        for referral_id, at, outcome in db.session.execute(
            select(ContactAttempt.referral_id, ContactAttempt.attempted_at, ContactAttempt.outcome)
            .where(ContactAttempt.referral_id.in_(logs)).order_by(ContactAttempt.attempted_at, ContactAttempt.id)
        ):
            logs[referral_id].append(Attempt(at, outcome))
    counts = {EndOfOrder.RETURN: 0, EndOfOrder.CLOSE: 0, EndOfOrder.CONTINUE: 0}
    for referral_id, case_id, tried in ended:
        action = at_order_end(logs[referral_id])
        values = {
            EndOfOrder.RETURN: {"status": ReferralStatus.RETURNED, "returned_at": now, "return_reason":
                                f"The order ended with no contact made after {tried} attempt{'' if tried == 1 else 's'}."},
            EndOfOrder.CLOSE: {"status": ReferralStatus.CLOSED, "closed_at": now, "close_reason": DECLINED_AT_END},
            EndOfOrder.CONTINUE: {"status": ReferralStatus.SUPPORTING},
        }[action]
        if not db.session.execute(
            update(Referral).where(Referral.id == referral_id, Referral.status.in_(OPEN_STATUSES), attempts == tried)
            .values(**values).execution_options(synchronize_session=False)
        ).rowcount:
            continue  # changed meanwhile: the next sweep decides on the new log
        if action is EndOfOrder.RETURN:
            _system_audit("referral.returned", referral_id, case_id, attempts=tried, by="sweep")
            emails.referral_returned(None, db.session.get(Case, case_id), db.session.get(Referral, referral_id))
        elif action is EndOfOrder.CLOSE:
            _system_audit("referral.closed", referral_id, case_id, by="sweep", reason="declined")
        else:
            _system_audit("referral.support_continues", referral_id, case_id, attempts=tried)
        counts[action] += 1
    return counts[EndOfOrder.RETURN], counts[EndOfOrder.CLOSE], counts[EndOfOrder.CONTINUE]

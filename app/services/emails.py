"""Emails to staff, queued in the caller's transaction: an application waiting for a decision,
the decision, a caseworker's concern, a referral returned, a case handed over.

Why a queue and not a send after commit: the row commits or rolls back with the change it
tells of (no email about an action that failed, none lost for one that succeeded), and the
scheduler sends it afterwards (services/email_dispatch), retrying while the SMTP server is
down, so a failed send never costs the user their action or an error page. Deactivated
accounts get none: they are left out here and checked again at sending.
"""
from __future__ import annotations

import uuid

from sqlalchemy import or_, select

from app.domain.regimes import regime
from app.extensions import db
from app.models import Application, Case, EmailKind, OutgoingEmail, Referral, ReferralConcern, Role, User
from app.services import audit
from app.services.transaction import in_callers_transaction
from app.timeutil import utcnow


def _queue(actor: User | None, kind: EmailKind, case: Case, recipients: list[User], path: str,
           outcome: str | None = None) -> list[OutgoingEmail]:
    now = utcnow()
    rows = [
        OutgoingEmail(uuid=str(uuid.uuid4()), kind=kind, case_id=case.id, reference=case.reference, path=path,
                      outcome=outcome, recipient_id=user.id, created_at=now, next_attempt_at=now, attempts=0)
        for user in {u.id: u for u in recipients if u is not None and u.active}.values()
    ]
    db.session.add_all(rows)
    if rows:
        audit.record(actor, "email.queued", case, kind=kind.value, to=sorted(r.recipient_id for r in rows))
    return rows


def authorisers_for(case: Case, application: Application) -> list[User]:
    """Active users of the ranks that may decide the case's notice (its regime), in the case's
    area or force-wide, except anyone who had a hand in the application (they may not decide it)."""
    roles = [Role(code) for code in sorted(regime(case.regime).authorising_roles)]
    authors = {application.created_by_id, application.submitted_by_id} | {s.updated_by_id for s in application.sections}
    return list(db.session.scalars(
        select(User).where(User.active.is_(True), User.role.in_(roles),
                           or_(User.area.is_(None), User.area == case.area), User.id.not_in(authors))
        .order_by(User.id)))


@in_callers_transaction
def application_waiting(actor: User, case: Case, application: Application) -> list[OutgoingEmail]:
    return _queue(actor, EmailKind.APPLICATION_WAITING, case, authorisers_for(case, application),
                  f"/authorisations/{application.id}")


@in_callers_transaction
def decision_made(actor: User, case: Case, application: Application, outcome: str) -> list[OutgoingEmail]:
    applicant = db.session.get(User, application.submitted_by_id) if application.submitted_by_id else None
    return _queue(actor, EmailKind.DECISION_MADE, case, [applicant], f"/cases/{case.id}/application", outcome)


@in_callers_transaction
def concern_reported(actor: User, case: Case, concern: ReferralConcern) -> list[OutgoingEmail]:
    return _queue(actor, EmailKind.CONCERN_REPORTED, case, [case.officer_in_case],
                  f"/cases/{case.id}/referrals/{concern.referral_id}/concerns/{concern.id}")


@in_callers_transaction
def referral_returned(actor: User | None, case: Case, referral: Referral) -> list[OutgoingEmail]:
    """To the officer who sent the referral (or, if that account is gone or inactive, the officer in the case)."""
    sender = db.session.get(User, referral.settled_by_id) if referral.settled_by_id else None
    to = sender if sender is not None and sender.active else case.officer_in_case
    return _queue(actor, EmailKind.REFERRAL_RETURNED, case, [to], f"/cases/{case.id}/referrals")


@in_callers_transaction
def case_handed_over(actor: User, case: Case, to: User) -> list[OutgoingEmail]:
    """To the new officer in the case (services.handovers): the reference and a link to the case."""
    return _queue(actor, EmailKind.CASE_HANDED_OVER, case, [to], f"/cases/{case.id}")

"""The dashboard's tasks that tell an officer something needs them: an application returned or
refused, a caseworker's concern not acted on within a day, a referral its service has not
accepted after a working day. Each is one query over the cases the user may read, whatever
their number (the dashboard's statements stay constant as data grows).

"Acted on", for a concern, means an officer recorded what was done about it
(`referrals.action_concern`: status `actioned`, with `actioned_at` and a note). Opening it,
or recording a breach without saying so on the concern, does not count: the concern stays on
the dashboard, marked once `CONCERN_ACT_WITHIN` has passed since the caseworker reported it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import aliased, joinedload

from app.domain.calendar import Calendar
from app.domain.deadlines import acceptance_due, not_accepted_cutoff
from app.extensions import db
from app.models import (
    Application,
    ApplicationStatus,
    AuthorisationDecision,
    Case,
    CaseState,
    Referral,
    ReferralConcern,
    ReferralStatus,
    Role,
    User,
)

# A refused application stays a task this long after the decision (the case stays "Refused"
# on the dashboard after that; the officer may start a new application at any time).
REFUSED_TASK_DAYS = 7
# A caseworker's concern should be acted on within a day: older ones are marked.
CONCERN_ACT_WITHIN = timedelta(hours=24)


def acts_on_tasks(user: User) -> bool:
    """Only officers act on these tasks (they edit applications, chase services and act on
    concerns); other readers of the case would see work that is not theirs."""
    return user.role is Role.OFFICER


@dataclass(frozen=True)
class ApplicationTask:
    case: Case
    decided: Application  # the application that was returned or refused
    decision: AuthorisationDecision
    decided_by: User

    @property
    def returned(self) -> bool:
        return self.decided.status is ApplicationStatus.RETURNED


def application_tasks(case_query, now: datetime, limit: int = 50) -> list[ApplicationTask]:
    """Applications returned for more information, until the officer submits again (the
    return leaves a draft copy whose `previous_id` is the returned one), and applications
    refused in the last REFUSED_TASK_DAYS while the case is still refused. Two queries."""
    draft = aliased(Application)
    returned = db.session.execute(
        case_query.add_columns(Application, AuthorisationDecision, User)
        .join(Application, Application.case_id == Case.id)
        .join(draft, draft.previous_id == Application.id)
        .join(AuthorisationDecision, AuthorisationDecision.application_id == Application.id)
        .join(User, User.id == AuthorisationDecision.decided_by_id)
        .where(Application.status == ApplicationStatus.RETURNED, draft.status == ApplicationStatus.DRAFT,
               Case.state == CaseState.DRAFT)
        .options(joinedload(Case.perpetrator))
        .order_by(AuthorisationDecision.decided_at, Case.id).limit(limit)
    ).all()
    refused = db.session.execute(
        case_query.add_columns(Application, AuthorisationDecision, User)
        .join(Application, Application.case_id == Case.id)
        .join(AuthorisationDecision, AuthorisationDecision.application_id == Application.id)
        .join(User, User.id == AuthorisationDecision.decided_by_id)
        .where(Application.status == ApplicationStatus.REFUSED, Case.state == CaseState.REFUSED,
               AuthorisationDecision.decided_at >= now - timedelta(days=REFUSED_TASK_DAYS))
        .options(joinedload(Case.perpetrator))
        .order_by(AuthorisationDecision.decided_at, Case.id).limit(limit)
    ).all()
    return [ApplicationTask(*row) for row in (*returned, *refused)]


@dataclass(frozen=True)
class UnacceptedReferral:
    referral: Referral
    case: Case
    accept_by: datetime  # acceptance_due: when it became overdue


def unaccepted_referrals(case_query, now: datetime, calendar: Calendar, limit: int = 50) -> list[UnacceptedReferral]:
    """Referrals sent to a service and not accepted by the end of the next working day (the
    project's working days: Monday to Friday, not a bank holiday, admin-added days included).
    One query: the sent time is compared with a single cut-off (deadlines.not_accepted_cutoff)."""
    cutoff = not_accepted_cutoff(now, calendar)
    visible = case_query.with_only_columns(Case.id).scalar_subquery()
    rows = db.session.execute(
        select(Referral, Case).join(Case, Case.id == Referral.case_id)
        .where(Referral.case_id.in_(visible), Referral.status == ReferralStatus.SENT,
               Referral.accepted_at.is_(None), Referral.settled_at < cutoff)
        .options(joinedload(Referral.service), joinedload(Referral.victim))
        .order_by(Referral.settled_at, Referral.id).limit(limit)
    ).all()
    return [UnacceptedReferral(r, c, acceptance_due(r.settled_at, calendar)) for r, c in rows]


def concern_overdue(concern: ReferralConcern, now: datetime) -> bool:
    """Not acted on within CONCERN_ACT_WITHIN of being reported (see the module's docstring)."""
    return concern.actioned_at is None and now - concern.reported_at >= CONCERN_ACT_WITHIN

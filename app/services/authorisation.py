"""The notice application and its decision: start, save sections, submit, withdraw, decide.

Each function is one transaction with its audit entry. The rules about what a section must
say live in app.domain.application; those about who may decide, in app.domain.regimes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.domain.application import (
    SECTION_KEYS,
    ApplicationContext,
    VictimFacts,
    incomplete_sections,
    perpetrator_age_warning,
    shared_premises_answer,
    validate_section,
)
from app.domain.calendar import Calendar
from app.domain.people import under_age_at
from app.domain.prohibitions import premises_provisions_refused, premises_refusal
from app.domain.regimes import regime
from app.domain.risk import RiskLevel
from app.domain.timefmt import format_date
from app.extensions import db
from app.models import (
    Application,
    ApplicationSection,
    ApplicationStatus,
    AuthorisationDecision,
    Case,
    CaseState,
    DecisionOutcome,
    Role,
    User,
)
from app.services import ValidationFailed, audit, emails, referrals
from app.services.access import visible_cases
from app.services.referrals import ReferralSettings
from app.services.transaction import commits
from app.timeutil import utcnow

EDITABLE_CASE_STATES = (CaseState.DRAFT, CaseState.REFUSED)


def current_application(case: Case) -> Application | None:
    return case.current_application


def application_context(case: Case, now: datetime | None = None) -> ApplicationContext:
    application = case.current_application
    return ApplicationContext(
        regime=regime(case.regime),
        victims=tuple(VictimFacts(v.id, v.full_name, v.date_of_birth) for v in case.victims),
        now=now or utcnow(),
        incident_at=case.incident_at,
        shared_premises=shared_premises_answer(application.section_data) if application else None,
    )


def perpetrator_turns_18_on(case: Case, now: datetime | None = None):
    """The day P turns 18 if P is under 18 now (else None), for the warning the application
    and the decision page show: the notice cannot be authorised before then."""
    dob = case.perpetrator.date_of_birth if case.perpetrator else None
    return perpetrator_age_warning(regime(case.regime), dob, now or utcnow())


def incomplete(application: Application | None, case: Case) -> list[str]:
    sections = application.section_data if application else {}
    return incomplete_sections(sections, application_context(case))


def _editable_application(actor: User, case: Case) -> Application:
    """The draft the officer is working on, started on the first save."""
    application = current_application(case)
    if application is not None and application.status is ApplicationStatus.DRAFT:
        return application
    if case.state not in EDITABLE_CASE_STATES or (
        application is not None and application.status is not ApplicationStatus.REFUSED
    ):
        raise ValidationFailed({"": "The application cannot be changed while it is awaiting a decision or after it is authorised"})
    return _new_application(actor, case, previous=application)


def _new_application(actor: User, case: Case, previous: Application | None, *, owner_id: int | None = None) -> Application:
    """A new application; one that follows a refusal or a return starts as a copy of it."""
    copied = [
        ApplicationSection(key=s.key, data=dict(s.data), updated_by_id=s.updated_by_id, updated_at=s.updated_at)
        for s in (previous.sections if previous else [])
    ]
    application = Application(
        number=(previous.number + 1) if previous else 1,
        status=ApplicationStatus.DRAFT,
        # A copy made when a decider returns an application belongs to its officer, so the
        # decider is not barred from deciding the resubmission as if they had made it.
        created_by_id=owner_id or actor.id,
        created_at=utcnow(),
        previous_id=previous.id if previous else None,
        sections=copied,
    )
    case.applications.append(application)
    db.session.add(application)
    db.session.flush()
    audit.record(actor, "application.started", case, application=application.number,
                 copied_from=previous.number if previous else None)
    return application


@commits
def save_section(actor: User, case: Case, key: str, data: dict) -> Application:
    """Save one section of the application. Only a valid section is saved; it is then complete."""
    if key not in SECTION_KEYS:
        raise ValidationFailed({"": "There is no such section"})
    errors = validate_section(key, data, application_context(case))
    if errors:
        raise ValidationFailed(errors)
    application = _editable_application(actor, case)
    section = next((s for s in application.sections if s.key == key), None)
    now = utcnow()
    if section is None:
        application.sections.append(ApplicationSection(key=key, data=data, updated_by_id=actor.id, updated_at=now))
    else:
        section.data, section.updated_by_id, section.updated_at = data, actor.id, now
    if key == "dash":
        case.risk_level = RiskLevel(data["risk_level"])
    # Which answers were saved, not what they say: the section itself holds P's mobile, the
    # grounds and V's views; the audit log (kept for good, append-only) needs only the fact.
    audit.record(actor, "application.section_saved", case, application=application.number, section=key,
                 fields=sorted(data))
    db.session.commit()
    return application


@commits
def submit(actor: User, case: Case) -> Application:
    """Send the application to an authorising officer: only when every section is complete."""
    application = current_application(case)
    if application is None or application.status is not ApplicationStatus.DRAFT:
        raise ValidationFailed({"": "There is no draft application to submit"})
    missing = incomplete(application, case)
    if missing:
        raise ValidationFailed({"": "Complete every section before submitting"})
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_by_id = actor.id
    application.submitted_at = utcnow()
    case.state = CaseState.AWAITING_AUTHORISATION
    audit.record(actor, "application.submitted", case, application=application.number)
    emails.application_waiting(actor, case, application)
    db.session.commit()
    return application


@commits
def withdraw(actor: User, case: Case) -> Application:
    """Take a submitted application back before a decision; it becomes a draft again."""
    application = current_application(case)
    if application is None or application.status is not ApplicationStatus.SUBMITTED:
        raise ValidationFailed({"": "Only an application awaiting a decision can be withdrawn"})
    application.status = ApplicationStatus.DRAFT
    application.submitted_at = None
    application.submitted_by_id = None
    case.state = CaseState.DRAFT
    audit.record(actor, "application.withdrawn", case, application=application.number)
    db.session.commit()
    return application


@commits
def resubmit_after_refusal(actor: User, case: Case) -> Application:
    """Start a new application from a refused one; the refused one and its decision stay."""
    application = current_application(case)
    if application is None or application.status is not ApplicationStatus.REFUSED:
        raise ValidationFailed({"": "Only a refused application can be started again"})
    new = _new_application(actor, case, previous=application)
    case.state = CaseState.DRAFT
    db.session.commit()
    return new


def can_authorise(user: User, case: Case) -> bool:
    """Whether `user`'s role may decide a notice under the case's regime (CSA 2010 s.24(1):
    superintendent or above; DAA 2021 s.22: inspector or above)."""
    return user.role.value in regime(case.regime).authorising_roles


def made_by(user: User, application: Application) -> bool:
    """Whether `user` had a hand in the application: they may not then decide it."""
    authors = {application.created_by_id, application.submitted_by_id}
    authors |= {s.updated_by_id for s in application.sections}
    return user.id in authors


@commits
def decide(
    actor: User,
    case: Case,
    application: Application,
    *,
    outcome: DecisionOutcome | None,
    answers: dict[str, tuple[bool | None, str]],
    rationale: str,
    calendar: Calendar | None = None,
    referral_settings: ReferralSettings | None = None,
) -> AuthorisationDecision:
    """Record the authorising officer's decision. Final: it is never changed afterwards.

    Authorising needs every statutory test and consideration confirmed (CSA 2010 s.24(1)-(4);
    DAA 2021 ss.22-24) and a rationale; refusing needs a reason; returning needs what is
    needed. A returned application comes back to the officer as a new draft copy.

    A refusal creates the victims' referrals to support (referrals.create_for_refused), in
    this transaction: `calendar` and `referral_settings` are required to refuse.
    """
    the_regime = regime(case.regime)
    if outcome is None:
        raise ValidationFailed({"outcome": "Choose your decision: authorise, refuse or return for more information"})
    if outcome is DecisionOutcome.REFUSE and (calendar is None or referral_settings is None):
        raise TypeError("refusing a notice creates referrals: pass calendar and referral_settings")
    if not can_authorise(actor, case):
        raise ValidationFailed({"": f"A {the_regime.notice} must be authorised by a {the_regime.authorising_rank} or above"})
    if made_by(actor, application):
        raise ValidationFailed({"": "You cannot decide an application you made or edited"})
    if application.status is not ApplicationStatus.SUBMITTED or application.decision is not None:
        raise ValidationFailed({"": "This application is not awaiting a decision"})
    now = utcnow()
    errors = _decision_errors(the_regime.checklist, outcome, answers, rationale)
    if outcome is DecisionOutcome.AUTHORISE:
        errors |= _issue_errors(case, application, now)
    if errors:
        raise ValidationFailed(errors)
    decision = AuthorisationDecision(
        application=application,
        outcome=outcome,
        decided_by_id=actor.id,
        decided_by_rank=actor.rank,
        decided_at=now,
        rationale=rationale.strip(),
        checklist=[
            {"code": item.code, "text": item.text, "citation": item.citation,
             "met": answers.get(item.code, (None, ""))[0], "note": answers.get(item.code, (None, ""))[1].strip()}
            for item in the_regime.checklist
        ],
    )
    db.session.add(decision)
    application.status = {
        DecisionOutcome.AUTHORISE: ApplicationStatus.AUTHORISED,
        DecisionOutcome.REFUSE: ApplicationStatus.REFUSED,
        DecisionOutcome.RETURN: ApplicationStatus.RETURNED,
    }[outcome]
    case.state = {
        DecisionOutcome.AUTHORISE: CaseState.AUTHORISED,
        DecisionOutcome.REFUSE: CaseState.REFUSED,
        DecisionOutcome.RETURN: CaseState.DRAFT,
    }[outcome]
    db.session.flush()
    audit.record(actor, f"application.{application.status.value}", case,
                 application=application.number, rationale=decision.rationale)
    if outcome is DecisionOutcome.RETURN:
        _new_application(actor, case, previous=application, owner_id=application.created_by_id)
    if outcome is DecisionOutcome.REFUSE:
        # Support does not depend on the authoriser (seed 003): V is referred all the same.
        referrals.create_for_refused(actor, case, decision.decided_at, calendar, referral_settings)
    emails.decision_made(actor, case, application, outcome.value)
    db.session.commit()
    return decision


def _issue_errors(case: Case, application: Application, now: datetime) -> dict[str, str]:
    """What the Act forbids at the moment of issue, whatever the checklist says:

    - P under 18 now: CSA 2010 s.24(2) ("may be issued to a person ("P") aged 18 years or
      over"); DAA 2021 s.22(6) ("may not be given to a person who is under the age of 18").
      The authorising officer issues (gives) the notice, so P's age is tested at the decision:
      a P who turned 18 after the incident may be given one. (Service comes later, when P is
      no younger.)
    - premises provisions without shared premises: CSA 2010 s.24(8); DAA 2021 s.23(2)
      (prohibitions.premises_provisions_refused), for applications submitted before the
      application's own check, or whose answers changed.
    """
    errors = {}
    the_regime = regime(case.regime)
    dob = case.perpetrator.date_of_birth if case.perpetrator else None
    turns_18 = under_age_at(dob, now, the_regime.min_perpetrator_age) if dob else None
    if turns_18 is not None:
        errors["check_perpetrator_adult"] = (
            f"The perpetrator is under {the_regime.min_perpetrator_age} today and turns "
            f"{the_regime.min_perpetrator_age} on {format_date(turns_18)}: a {the_regime.notice} cannot be issued "
            f"to a person under {the_regime.min_perpetrator_age} ({_citation(the_regime, 'perpetrator_adult')})"
        )
    sections = application.section_data
    kinds = (sections.get("prohibitions") or {}).get("kinds", [])
    refused = premises_provisions_refused(kinds, shared_premises=shared_premises_answer(sections), regime=the_regime)
    if refused:
        errors["check_other_occupant"] = premises_refusal(
            refused, the_regime, the_regime.notice_premises_basis,
            "The application says they do not live together: return it for the prohibitions to be corrected",
        )
    return errors


def _citation(the_regime, code: str) -> str:
    return next(item.citation for item in the_regime.checklist if item.code == code)


_RATIONALE_MESSAGES = {
    DecisionOutcome.AUTHORISE: "Give your rationale for authorising",
    DecisionOutcome.REFUSE: "Give the reason for refusing: the officer will see it",
    DecisionOutcome.RETURN: "Say what more information is needed",
}


def _decision_errors(checklist, outcome, answers, rationale) -> dict[str, str]:
    errors = {}
    if not (rationale or "").strip():
        errors["rationale"] = _RATIONALE_MESSAGES[outcome]
    if outcome is DecisionOutcome.RETURN:
        return errors
    for item in checklist:
        met = answers.get(item.code, (None, ""))[0]
        if met is None:
            errors[f"check_{item.code}"] = "Confirm this, or mark it not met"
        elif outcome is DecisionOutcome.AUTHORISE and not met:
            errors[f"check_{item.code}"] = "You cannot authorise while this is marked not met"
    return errors


@dataclass(frozen=True)
class Queue:
    applications: list[Application]
    total: int
    # How long each listed application has waited, by id (computed here, not in the page).
    waited: dict[int, timedelta]


QUEUE_LIMIT = 100


def queue(user: User, limit: int = QUEUE_LIMIT) -> Queue:
    """The oldest `limit` applications awaiting a decision that `user` may decide, and how
    many there are in all. Two queries, whatever the length of the queue."""
    codes = [code for code in ("dvpn", "dapn") if user.role.value in regime(code).authorising_roles]
    if not codes:
        return Queue([], 0, {})
    cases = visible_cases(user).where(Case.regime.in_(codes)).subquery()
    waiting = (
        select(Application)
        .join(cases, Application.case_id == cases.c.id)
        .where(Application.status == ApplicationStatus.SUBMITTED)
    )
    total = db.session.scalar(select(func.count()).select_from(waiting.subquery())) or 0
    applications = db.session.scalars(
        waiting.options(
            joinedload(Application.case).joinedload(Case.perpetrator),
            joinedload(Application.submitted_by),
        )
        .order_by(Application.submitted_at, Application.id)
        .limit(limit)
    ).unique().all()
    now = utcnow()
    return Queue(list(applications), total, {a.id: now - a.submitted_at for a in applications})


def application_for_decision(user: User, application_id: int) -> Application | None:
    """The application, if `user` may read its case; with what the approval page shows."""
    return db.session.scalar(
        select(Application)
        .where(Application.id == application_id, Application.case_id.in_(visible_cases(user).with_only_columns(Case.id)))
        .options(
            selectinload(Application.sections),
            joinedload(Application.decision),
            joinedload(Application.case).selectinload(Case.people),
        )
    )


AUTHORISER_ROLES = (Role.INSPECTOR, Role.SUPERINTENDENT)

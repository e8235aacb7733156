"""A DAPN's perpetrator who is a service person: recording the officer's beliefs and the
commanding officer told (DAA 2021 s.25(5)-(6); the rule is app/domain/service_persons.py)."""
from __future__ import annotations

from datetime import datetime

from app.domain.regimes import regime
from app.domain.service_persons import commanding_officer_duty, service_person_errors
from app.extensions import db
from app.models import Case, User
from app.services import ValidationFailed, audit
from app.services.transaction import commits
from app.timeutil import utcnow


def notice_provisions(case: Case) -> list[str]:
    """The provisions of the case's notice (its latest application's proposed prohibitions)."""
    application = case.current_application
    return list(application.section_data.get("prohibitions", {}).get("kinds", [])) if application else []


def duty_applies(case: Case) -> bool:
    """Whether the case's recorded answers put the officer under the s.25(6) duty."""
    return commanding_officer_duty(regime(case.regime), service_person=case.p_service_person,
                                   service_accommodation=case.p_in_service_accommodation,
                                   provisions=notice_provisions(case))


@commits
def record_service_person(actor: User, case: Case, *, service_person: bool | None, service_accommodation: bool | None,
                          informed_at: datetime | None, how: str) -> Case:
    """Record whether P is believed subject to service law and living in service
    accommodation and, where the notice keeps P out of it, when and how P's commanding
    officer was informed (or the reasonable efforts made). A DAPN case with an application;
    answered again, the record is replaced (the audit keeps each)."""
    if case.made_elsewhere or case.current_application is None:
        raise ValidationFailed({"": "This is recorded for a notice: this case has no DAPN application"})
    the_regime = regime(case.regime)
    decision = case.current_application.decision
    errors = service_person_errors(
        the_regime, service_person=service_person, service_accommodation=service_accommodation if service_person else None,
        provisions=notice_provisions(case), informed_at=informed_at, how=how,
        not_before=decision.decided_at if decision is not None else case.incident_at, now=utcnow(),
    )
    if errors:
        raise ValidationFailed(errors)
    case.p_service_person = service_person
    case.p_in_service_accommodation = service_accommodation if service_person else None
    duty = duty_applies(case)
    case.commanding_officer_informed_at = informed_at if duty else None
    case.commanding_officer_informed_how = how.strip() if duty else None
    audit.record(actor, "case.service_person_recorded", case, service_person=service_person,
                 service_accommodation=case.p_in_service_accommodation, commanding_officer_duty=duty,
                 informed_at=informed_at.isoformat() if duty else None)
    db.session.commit()
    return case

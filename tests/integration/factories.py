"""Building cases for tests through the real services."""
from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

from app.demo import complete_application
from app.domain.calendar import LONDON
from app.domain.regimes import regime
from app.models import AssociatedRelationship, DecisionOutcome, HearingOutcome, RiskLevel, Role, User
from app.services import authorisation, cases, court, users
from app.services.calendar import load_calendar
from app.services.order_records import OrderSettings
from app.services.referrals import ReferralSettings
from app.services.reminders import TextSettings
from app.timeutil import frozen_at, utcnow

_numbers = itertools.count(1)


def case_details(officer: User, *, area: str = "North", incident_at: datetime | None = None, **overrides):
    details = cases.CaseDetails(
        perpetrator=cases.PersonDetails("Adam Testperson", date(1985, 3, 1)),
        victims=[cases.PersonDetails("Beth Testperson", None, AssociatedRelationship.SPOUSE.value)],
        address_line_1="1 Test Street",
        town="Testtown",
        postcode="TE1 1ST",
        incident_at=incident_at or utcnow() - timedelta(hours=2),
        risk_level=RiskLevel.MEDIUM,
        officer_in_case_id=officer.id,
        area=area,
    )
    for key, value in overrides.items():
        setattr(details, key, value)
    return details


def support_service(name: str = "Northshire Women's Aid", area: str | None = None):
    """A support service police refer to (straight to the table: admins add them in the app)."""
    from app.extensions import db
    from app.models import SupportService

    service = SupportService(name=name, area=area, active=True, created_at=utcnow())
    db.session.add(service)
    db.session.commit()
    return service


def open_case(officer: User, **kwargs):
    return cases.open_case(officer, case_details(officer, **kwargs), force_code="TC")


def make_authoriser(role: Role = Role.SUPERINTENDENT) -> User:
    n = next(_numbers)
    return users.create_user(
        email=f"authoriser{n}@test.police.uk", full_name=f"Authoriser {n}", role=role,
        password="correct horse battery", rank="Supt" if role is Role.SUPERINTENDENT else "Insp",
    )


def submitted_case(officer: User, *, mobile: str | None = "07123456789", **kwargs):
    case = open_case(officer, **kwargs)
    complete_application(officer, case, mobile=mobile)
    authorisation.submit(officer, case)
    return case


def all_met(case) -> dict:
    return {item.code: (True, "") for item in regime(case.regime).checklist}


def authorised_case(officer: User, *, authoriser: User | None = None, **kwargs):
    case = submitted_case(officer, **kwargs)
    authorisation.decide(
        authoriser or make_authoriser(), case, authorisation.current_application(case),
        outcome=DecisionOutcome.AUTHORISE, answers=all_met(case), rationale="Necessary and proportionate.",
    )
    return case


def served_case(officer: User, served_at: datetime | None = None, hours: int = 48, **kwargs):
    served_at = served_at or utcnow() - timedelta(hours=1)
    kwargs.setdefault("incident_at", served_at - timedelta(hours=1))
    with frozen_at(served_at - timedelta(minutes=30)):
        case = authorised_case(officer, **kwargs)
    return cases.record_dvpn_served(
        officer, case, served_at=served_at, window_hours=hours, calendar=load_calendar(),
        referral_settings=ReferralSettings(),
    )


def listed_case(officer: User, starts_in: timedelta = timedelta(hours=20), **kwargs):
    case = served_case(officer, **kwargs)
    court.list_hearing(officer, case, court_name="Northfield Magistrates", starts_at=case.served_at + starts_in,
                       late_reason="", calendar=load_calendar())
    return case


def heard_case(officer: User, **kwargs):
    """A listed case whose hearing began half an hour after service, before now, so the court's
    decision can be recorded (court.decision_timing_errors refuses one before the hearing)."""
    kwargs.setdefault("starts_in", timedelta(minutes=30))
    return listed_case(officer, **kwargs)


def granted_case(officer: User, *, days: int = 28, made_on=None, conditions=None, texts=None, **kwargs):
    """A case whose order the court granted at the hearing (assessed for the text trial)."""
    case = heard_case(officer, **kwargs)
    court.record_outcome(
        officer, case, court.pending_hearing(case), outcome=HearingOutcome.GRANTED, contested=False, notes="",
        days=days, made_on=made_on or utcnow().astimezone(LONDON).date(),
        conditions=conditions or [{"kind": "no_molest"}, {"kind": "no_enter"}], calendar=load_calendar(),
        texts=texts or TextSettings(), orders=OrderSettings(),
    )
    return case


def consenting(**overrides):
    """What an officer records with a V who consents: a safe mobile, safe to call, evenings."""
    from app.domain.referrals import Consent, DayPart
    from app.services import referrals

    details = referrals.ReferralDetails(
        consent=Consent.CONSENTS, consent_asked_at=utcnow() - timedelta(minutes=20), safe_number="07911 123456",
        safe_to_call=True, safe_times=[DayPart.EVENING], language="English", interpreter=False,
        police_summary="Served the notice.",
    )
    for key, value in overrides.items():
        setattr(details, key, value)
    return details


def sent_referral(officer: User, service, case=None, **details):
    """A served case's referral, completed with V's consent and sent to `service`."""
    from app.services import referral_queries, referrals

    case = case or served_case(officer)
    [referral] = referral_queries.referrals_for(case)
    referrals.save_details(officer, referral, case, consenting(**details))
    referrals.send(officer, referral, case, service.id, load_calendar())
    return case, referral

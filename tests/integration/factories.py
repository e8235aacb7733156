"""Building cases for tests through the real services."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from app.models import AssociatedRelationship, RiskLevel, User
from app.services import cases
from app.services.calendar import load_calendar
from app.timeutil import utcnow


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


def open_case(officer: User, **kwargs):
    return cases.open_case(officer, case_details(officer, **kwargs), force_code="TC")


def served_case(officer: User, served_at: datetime | None = None, hours: int = 48, **kwargs):
    served_at = served_at or utcnow() - timedelta(hours=1)
    kwargs.setdefault("incident_at", served_at - timedelta(hours=1))
    case = open_case(officer, **kwargs)
    return cases.record_dvpn_served(
        officer, case, served_at=served_at, window_hours=hours, calendar=load_calendar()
    )

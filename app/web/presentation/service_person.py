"""A DAPN's perpetrator who is a service person, in words (DAA 2021 s.25(5)-(6))."""
from __future__ import annotations

from app.domain.timefmt import format_instant
from app.models import Case
from app.services.service_persons import duty_applies


def service_person_summary(case: Case) -> str:
    """What was recorded, for the case page and the court printout's cover; "" if nothing."""
    if case.p_service_person is None:
        return "Not recorded"
    if not case.p_service_person:
        return "Not believed to be subject to service law"
    if not duty_applies(case):
        where = "in service living accommodation" if case.p_in_service_accommodation else "not in service living accommodation"
        return (f"Believed subject to service law, {where}; the notice does not keep them out of service "
                "accommodation, so the commanding officer need not be told")
    return (f"Believed subject to service law, in service living accommodation: commanding officer informed "
            f"{format_instant(case.commanding_officer_informed_at)} ({case.commanding_officer_informed_how})")

"""What the breach printout says: templates/court/breach_printout.html's context for one breach."""
from __future__ import annotations

from app.domain import deadlines
from app.domain.calendar import LONDON, Calendar
from app.domain.regimes import RegimeCode, regime
from app.services.clock_cache import court_deadline_and_reason
from app.services.court import pending_hearing
from app.services.court_bundle import preload_people
from app.services.order_requirements import requirements_for_papers
from app.web.presentation.printout_common import (
    LAW,
    NOT_PROVIDED,
    DocumentLine,
    authorised_application,
    breakable,
    conditions_in_words,
    named_victim,
)


def breach_context(case, breach, calendar: Calendar) -> dict:
    """Everything templates/court/breach_printout.html prints for one breach."""
    people = preload_people(case)
    the_regime = regime(case.regime)
    law = LAW[the_regime.code]
    application = authorised_application(case)
    data = application.section_data if application is not None else {}
    victim = named_victim(case, data)
    victim_name = victim.full_name if victim else "the person protected"
    premises = ", ".join(case.address_lines)
    order = case.order if breach.order_id is not None and case.order is not None and case.order.id == breach.order_id else None
    if order is not None and order.requirements:
        # A DAPO's requirements as the court made them (every kind, not only the five the
        # conditions mirror), those in force on the day of the breach.
        day = breach.occurred_at.astimezone(LONDON).date()
        conditions = [line for line in requirements_for_papers(order, day)
                      if line.starts_on <= day and (line.ends_on is None or day <= line.ends_on)
                      and (line.removed_on is None or day < line.removed_on)]
    elif order is not None:
        conditions = conditions_in_words(order.conditions, None, victim_name, premises, the_regime.mandatory_prohibition,
                                         the_regime.distance_wording)
    elif "prohibitions" in data:
        conditions = conditions_in_words(None, data["prohibitions"], victim_name, premises, the_regime.mandatory_prohibition,
                                         the_regime.distance_wording)
    else:
        conditions = []

    # A breach of the notice: before the court within 24 hours, or at the hearing of the
    # application if that is sooner (CSA 2010 s.26(2)(a) and (b); DAA 2021 s.26(2)(a) and (b)).
    # The same deadline as the stored one and the dashboard's clock (clock_cache).
    court_deadline, deadline_reason = court_deadline_and_reason(case, breach, calendar)
    within_24_hours = deadlines.breach_court_deadline(breach.arrested_at, calendar=calendar) if breach.arrested_at else None
    hearing = pending_hearing(case)
    evidence = [d for d in case.documents if d.breach_id == breach.id and d.removed_at is None]
    statement = [d for d in evidence if "statement" in (d.item_key or "")]
    return {
        "case": case,
        "regime": the_regime,
        "law": law,
        "breach": breach,
        "order": order,
        "order_live": order is not None and order.in_force,
        "of_what": the_regime.order if order is not None else the_regime.notice,
        "of_what_name": the_regime.order_name if order is not None else the_regime.notice_name,
        "perpetrator": case.perpetrator,
        "victim_name": victim_name,
        "premises": premises,
        "conditions": conditions,
        "court_deadline": court_deadline,
        "within_24_hours": within_24_hours,
        "deadline_reason": deadline_reason,
        "hearing": hearing,
        "court_name": hearing.court_name if hearing else (
            case.hearings[-1].court_name if case.hearings else (case.submission.court_name if case.submission else None)),
        "evidence": evidence,
        "evidence_lines": [DocumentLine(breakable(d.original_name), d.uploaded_by.display_name if d.uploaded_by else "",
                                        d.uploaded_at) for d in evidence],
        "statement_documents": statement,
        "statement_missing": not evidence,
        "not_provided": NOT_PROVIDED,
        "is_criminal": the_regime.code is RegimeCode.DAPN and order is not None,
        "people_named": people,
    }

"""A case's clocks from its stored facts, and the cached sort key the dashboard orders by."""
from __future__ import annotations

from datetime import datetime

from app.domain import deadlines
from app.domain.calendar import Calendar
from app.domain.clocks import CaseClockFacts, Clock, Thresholds, case_clocks, urgency
from app.models import Case
from app.services.transaction import in_callers_transaction
from app.timeutil import utcnow


def hearing_deadline_for(case: Case, calendar: Calendar) -> datetime:
    """When the hearing must begin: the case's window from service, not counting disregarded days."""
    return deadlines.hearing_deadline(case.served_at, hours=case.hearing_window, calendar=calendar)


def clock_facts(case: Case) -> CaseClockFacts:
    order = case.order_in_force
    return CaseClockFacts(
        served_at=case.served_at,
        hearing_window_hours=case.hearing_window,
        # The statutory clock asks only that the hearing begin in time: any recorded
        # outcome, an adjournment included, means it has.
        hearing_begun=any(h.outcome is not None for h in case.hearings),
        open_arrests=tuple(b.arrested_at for b in case.breaches if b.arrested_at and b.outcome is None),
        order_made_on=order.made_on if order else None,
        order_days=order.days if order else None,
        order_kind=case.order_kind,
    )


def clocks_for(case: Case, now: datetime, calendar: Calendar, thresholds: Thresholds = Thresholds()) -> list[Clock]:  # noqa: B008
    return case_clocks(clock_facts(case), now, calendar, thresholds)


@in_callers_transaction
def refresh_urgency(case: Case, calendar: Calendar) -> list[Clock]:
    """Recompute the dashboard's sort key; every service that changes a clock fact calls this.
    Returns the clocks it was computed from."""
    clocks = clocks_for(case, utcnow(), calendar)
    case.urgency_rank, case.urgency_at = urgency(clocks)
    return clocks

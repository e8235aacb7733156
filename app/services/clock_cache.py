"""A case's clocks from its stored facts, and the cached values derived from them: the
sort key the dashboard orders by and each open breach's court deadline."""
from __future__ import annotations

from datetime import datetime

from app.domain import deadlines
from app.domain.breach_law import BreachOf, pace_detention_limit
from app.domain.calendar import Calendar
from app.domain.clocks import CaseClockFacts, Clock, OpenArrest, Thresholds, case_clocks, urgency
from app.domain.notification import NotificationKind
from app.models import Breach, Case, CaseState, Hearing
from app.services.transaction import in_callers_transaction
from app.timeutil import utcnow


def hearing_deadline_for(case: Case, calendar: Calendar) -> datetime:
    """When the hearing must begin: the case's window from service, not counting disregarded days."""
    return deadlines.hearing_deadline(case.served_at, hours=case.hearing_window, calendar=calendar)


def _sits(hearing: Hearing) -> bool:
    """Whether the hearing sits (or sat) at its listed time: not yet dealt with, or dealt with
    once it had begun. An outcome recorded before the listed start (an adjournment to another
    time) moved the hearing, and the next listing is the one P is brought to."""
    return hearing.outcome is None or hearing.outcome_at is None or hearing.outcome_at >= hearing.starts_at


def breach_hearing_at(case: Case, breach: Breach, calendar: Calendar) -> datetime | None:
    """The hearing of the application a person arrested for breach of the notice must be
    brought to if it comes before the 24 hours end (DAA 2021 s.26(2)(b); CSA 2010
    s.26(2)(b)): the `hearing_at` of `deadlines.breach_court_deadline`. The one place that
    chooses it, for the stored deadline, the dashboard's clock and the printouts.

    - None for a breach of an order (`Breach.order_id` set: 24 hours only, CSA 2010 s.29)
      and for a breach with no arrest;
    - the start of the first hearing of the application listed at or after the arrest
      (pending, or dealt with once it had begun: P should have been brought to it);
    - the arrest itself while a hearing listed before the arrest has no outcome: it is under
      way, or its outcome is unrecorded, so P is due before the court at once;
    - before any hearing is listed, the statutory hearing deadline (`hearing_deadline_for`),
      or the arrest itself if that deadline has already passed;
    - None once the application was dealt with before the arrest (no hearing to come).
    """
    return _breach_hearing(case, breach, calendar)[0]


def _breach_hearing(case: Case, breach: Breach, calendar: Calendar) -> tuple[datetime | None, str]:
    """breach_hearing_at's instant, with which kind of hearing it is: "hearing" (listed),
    "hearing_deadline" (not listed yet) or "at_once"; "24h" when there is none."""
    arrested_at = breach.arrested_at
    if arrested_at is None or breach.order_id is not None:
        return None, "24h"
    later = [h.starts_at for h in case.hearings if h.starts_at >= arrested_at and _sits(h)]
    if later:
        return min(later), "hearing"
    if any(h.outcome is None for h in case.hearings):
        return arrested_at, "at_once"
    if not case.hearings and case.served_at is not None:
        deadline = hearing_deadline_for(case, calendar)
        return (deadline, "hearing_deadline") if deadline > arrested_at else (arrested_at, "at_once")
    return None, "24h"


def court_deadline_for(case: Case, breach: Breach, calendar: Calendar) -> datetime | None:
    """When P, arrested for `breach`, must be before the court (None: no arrest)."""
    return court_deadline_and_reason(case, breach, calendar)[0]


def court_deadline_and_reason(case: Case, breach: Breach, calendar: Calendar) -> tuple[datetime | None, str]:
    """court_deadline_for, with what set it: "24h" (the 24 hours alone), or the hearing of
    the application when sooner: "hearing", "hearing_deadline" or "at_once"; "pace" for a
    breach of a DAPO, an offence, where PACE 1984 s.41's 24 hours without charge run with
    no day disregarded (`breach_law.pace_detention_limit`). The breach printout says why
    from this, rather than work it out again."""
    if breach.arrested_at is None:
        return None, "24h"
    if case.breach_of(breach) is BreachOf.DAPO:
        return pace_detention_limit(breach.arrested_at), "pace"
    hearing_at, kind = _breach_hearing(case, breach, calendar)
    within_24_hours = deadlines.breach_court_deadline(breach.arrested_at, calendar=calendar)
    if hearing_at is None or hearing_at >= within_24_hours:  # a tie: the 24 hours say it
        return within_24_hours, "24h"
    return deadlines.breach_court_deadline(breach.arrested_at, calendar=calendar, hearing_at=hearing_at), kind


def _open_arrests(case: Case) -> list[Breach]:
    return [b for b in case.breaches if b.arrest_open]


def clock_facts(case: Case, calendar: Calendar) -> CaseClockFacts:
    order = case.order_in_force
    service = order.service if order is not None else None  # fixed at the grant (order_records)
    return CaseClockFacts(
        served_at=case.served_at,
        hearing_window_hours=case.hearing_window,
        # The statutory clock asks only that the hearing begin in time: any recorded
        # outcome, an adjournment included, means it has; so does a start an officer
        # recorded once the notice showed as lapsed (services.lapse).
        hearing_begun=any(h.outcome is not None or h.began_at is not None for h in case.hearings),
        open_arrests=tuple(OpenArrest(b.arrested_at, breach_hearing_at(case, b, calendar), of=case.breach_of(b))
                           for b in _open_arrests(case)),
        order_made_on=order.made_on if order else None,
        order_days=order.days if order else None,
        order_kind=case.order_kind,
        order_granted_at=service.granted_at if service else None,
        order_service_hours=service.target_hours if service else None,
        order_served=service is not None and service.served_at is not None,
        notice_closed=case.state is CaseState.NOTICE_LAPSED,
        notification_due=initial_notification_due(case, order),
    )


def initial_notification_due(case: Case, order) -> datetime | None:
    """While a DAPO is in force with no initial notification and no exemption recorded
    (DAA 2021 s.41(2), (8)): when the initial notification stops being on time."""
    if order is None or case.order_kind != "dapo":
        return None
    if any(n.kind in (NotificationKind.INITIAL, NotificationKind.EXEMPT) for n in order.notifications):
        return None
    return deadlines.notification_due(order.made_on)


def clocks_for(case: Case, now: datetime, calendar: Calendar, thresholds: Thresholds = Thresholds()) -> list[Clock]:  # noqa: B008
    return case_clocks(clock_facts(case, calendar), now, calendar, thresholds)


@in_callers_transaction
def refresh_urgency(case: Case, calendar: Calendar) -> list[Clock]:
    """Recompute what is cached from the case's clocks: every service that changes a clock
    fact (service, a hearing listed or adjourned, an outcome, a breach, the order, the
    bank holidays) calls this. The dashboard's sort key, and the stored court deadline of
    each open arrest, which for a breach of the notice follows the hearing of the
    application. Returns the clocks."""
    for breach in _open_arrests(case):
        breach.court_deadline_at = court_deadline_for(case, breach, calendar)
    clocks = clocks_for(case, utcnow(), calendar)
    case.urgency_rank, case.urgency_at = urgency(clocks)
    return clocks

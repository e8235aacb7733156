"""A notice that lapses because its hearing did not begin in time, and the officer's decision.

The application for the order "must be heard ... not later than 48 hours after" service
(CSA 2010 s.27(3); DAA 2021 s.29(2)), and the notice lasts only until the application is
decided (CSA 2010 s.25(1)(d); DAA 2021 s.25(2)(d)). Whether a notice has lapsed is derived
at read time from the clock (`clocks.notice_lapsed`): nothing is written when the deadline
passes, so the dashboard and the case page show it the moment the deadline comes. An officer
then decides: the hearing did begin in time (`record_hearing_began`; its outcome is then
recorded as usual), or the notice lapsed (`close_as_lapsed`, state `notice_lapsed`).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from app.domain import clocks
from app.domain.calendar import Calendar
from app.domain.timefmt import format_instant
from app.extensions import db
from app.models import Case, CaseState, Hearing, User
from app.services import ValidationFailed, audit, change_once
from app.services.clock_cache import clock_facts, hearing_deadline_for, refresh_urgency
from app.services.transaction import commits
from app.timeutil import utcnow


def notice_lapsed(case: Case, calendar: Calendar, now: datetime | None = None) -> bool:
    """Whether the case's notice shows as lapsed and awaits the officer's decision: served,
    no hearing begun, the hearing deadline come (`clocks.notice_lapsed`)."""
    return case.state is CaseState.SERVED and clocks.notice_lapsed(clock_facts(case, calendar), now or utcnow(), calendar)


def refuse_breach_of_lapsed_notice(case: Case, calendar: Calendar) -> None:
    """ValidationFailed if the case's notice has lapsed, shown or closed: a notice that is no
    longer in effect cannot be breached (CSA 2010 s.26(1); DAA 2021 s.26(1): arrest is for
    a breach of the notice, which lasts only until the application is decided, s.25(1)(d)
    and s.25(2)(d)). Called by breaches.record_breach."""
    if case.state is CaseState.NOTICE_LAPSED or notice_lapsed(case, calendar):
        raise ValidationFailed({"": "The notice has lapsed: its hearing did not begin in time, so it cannot be breached. "
                                    "If the hearing did begin in time, record that first"})


def _pending_hearing(case: Case) -> Hearing | None:
    return next((h for h in reversed(case.hearings) if h.outcome is None), None)


@commits
def record_hearing_began(actor: User, case: Case, *, began_at: datetime | None, court_name: str,
                         calendar: Calendar) -> Hearing:
    """Record that the hearing of the application did begin in time, for a notice shown as
    lapsed: when (at or before the deadline, CSA 2010 s.27(3); DAA 2021 s.29(2)) and where.

    The listed hearing (or a new one, if none was listed) is recorded as sitting then; the
    hearing clock stops and the case asks for the outcome as usual (`court.record_outcome`).
    """
    if not notice_lapsed(case, calendar):
        raise ValidationFailed({"": "This notice is not shown as lapsed: nothing was recorded"})
    deadline = hearing_deadline_for(case, calendar)
    errors = {}
    if not court_name.strip():
        errors["court_name"] = "Enter the court"
    if began_at is None:
        errors["began_date"] = "Enter the date and time the hearing began"
    elif began_at > deadline:
        errors["began_date"] = (
            f"The hearing had to begin by {format_instant(deadline)}. A later start does not save the notice: "
            "close it as lapsed instead"
        )
    elif began_at < case.served_at:
        errors["began_date"] = "The hearing cannot have begun before the notice was served"
    if errors:
        raise ValidationFailed(errors)
    hearing = _pending_hearing(case)
    listed_for = hearing.starts_at if hearing is not None else None
    if hearing is None:
        hearing = Hearing(court_name=court_name.strip(), starts_at=began_at, listed_by_id=actor.id, listed_at=utcnow())
        case.hearings.append(hearing)
    # It sat then: a breach of the notice is measured against when it sat (clock_cache).
    hearing.court_name, hearing.starts_at, hearing.began_at = court_name.strip(), began_at, began_at
    db.session.flush()
    refresh_urgency(case, calendar)
    audit.record(actor, "court.hearing_began_recorded", case, hearing=hearing.id, began_at=began_at.isoformat(),
                 listed_for=listed_for.isoformat() if listed_for else None, hearing_deadline=deadline.isoformat())
    db.session.commit()
    return hearing


@commits
def close_as_lapsed(actor: User, case: Case, *, reason: str, confirmed: bool, calendar: Calendar) -> Case:
    """Close a notice shown as lapsed: the hearing did not begin by the deadline (CSA 2010
    s.27(3); DAA 2021 s.29(2)). The case moves to `notice_lapsed`: the hearing clock stops,
    no breach of the notice can be recorded, no hearing outcome either; the victim's
    referral carries on. Once: a second tab gets a message."""
    if not notice_lapsed(case, calendar):
        if case.state is CaseState.NOTICE_LAPSED:
            raise ValidationFailed({"": "The notice has already been closed as lapsed"})
        raise ValidationFailed({"": "This notice is not shown as lapsed: nothing was recorded"})
    deadline = hearing_deadline_for(case, calendar)
    errors = {}
    if not reason.strip():
        errors["reason"] = "Say why the hearing did not begin in time"
    if not confirmed:
        errors["confirm"] = f"Confirm that the hearing did not begin by {format_instant(deadline)}"
    if errors:
        raise ValidationFailed(errors)
    now = utcnow()
    change_once(
        update(Case).where(Case.id == case.id, Case.state == CaseState.SERVED)
        .values(state=CaseState.NOTICE_LAPSED, notice_lapsed_at=now, notice_lapse_reason=reason.strip()),
        "The notice has already been closed as lapsed",
    )
    db.session.refresh(case)
    refresh_urgency(case, calendar)
    # The reason may name people: it is kept on the case, not copied into the audit log.
    audit.record(actor, "case.notice_lapsed", case, hearing_deadline=deadline.isoformat())
    db.session.commit()
    return case

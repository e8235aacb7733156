"""Correcting the time the notice was served: a fact that drives clocks, so it has a flow of its own.

Service starts the hearing clock (CSA 2010 s.27(3); DAA 2021 s.29(2)) and the victim's
referral (Victims' Code, Right 4). A time recorded wrongly moves both, so the correction
recomputes, in the same transaction, everything derived from it: the stored hearing deadline
(from the corrected time and the window fixed at service, so never later than the law
allows), the dashboard's sort key and each open arrest's court deadline
(`clock_cache.refresh_urgency`, the path every clock fact takes), and the Code's due time of
referrals made at service and still with police. The clocks shown are derived from the facts
on every request, so they follow at once.
"""
from __future__ import annotations

from datetime import datetime

from app.domain.calendar import Calendar
from app.domain.timefmt import format_instant
from app.extensions import db
from app.models import Case, DecisionOutcome, User
from app.services import ValidationFailed, audit, referrals
from app.services.clock_cache import hearing_deadline_for, refresh_urgency
from app.services.corrections import checked, clean_reason
from app.services.referrals import ReferralSettings
from app.services.transaction import commits
from app.timeutil import utcnow


def may_correct_service(case: Case) -> bool:
    return case.served_at is not None and not case.made_elsewhere


def _errors(case: Case, served_at: datetime) -> dict[str, str]:
    if served_at > utcnow():
        return {"served_date": "The time of service cannot be in the future"}
    if served_at < case.incident_at:
        return {"served_date": f"The time of service cannot be before the incident ({format_instant(case.incident_at)})"}
    authorised = [a.decision.decided_at for a in case.applications
                  if a.decision is not None and a.decision.outcome is DecisionOutcome.AUTHORISE]
    if authorised and served_at < authorised[-1]:
        return {"served_date": "The notice cannot have been served before it was authorised "
                               f"({format_instant(authorised[-1])})"}
    first_hearing = min((h.starts_at for h in case.hearings), default=None)
    if first_hearing is not None and served_at > first_hearing:
        return {"served_date": f"The hearing was listed for {format_instant(first_hearing)}: the notice was served "
                               "before it. Correct the listing first if that is wrong"}
    notice_breaches = [b.occurred_at for b in case.breaches if b.order_id is None]
    if notice_breaches and served_at > min(notice_breaches):
        return {"served_date": f"A breach of the notice is recorded at {format_instant(min(notice_breaches))}: "
                               "the notice was served before it"}
    if served_at == case.served_at:
        return {"served_date": "That is the time already recorded: change it, or go back to the case"}
    return {}


@commits
def correct_served_at(actor: User, case: Case, *, served_at: datetime, reason: str, calendar: Calendar,
                      referral_settings: ReferralSettings) -> Case:
    """Correct when the notice was served, with the reason; the clocks follow."""
    if not may_correct_service(case):
        raise ValidationFailed({"served_date": "No service of a notice is recorded on this case"})
    def time_of_service():
        errors = _errors(case, served_at)
        if errors:
            raise ValidationFailed(errors)

    _, why = checked(time_of_service, lambda: clean_reason(reason))
    before = {"served_at": case.served_at.isoformat(), "hearing_deadline": case.hearing_deadline_at.isoformat()
              if case.hearing_deadline_at else None}
    wrong = case.served_at
    case.served_at = served_at
    case.hearing_deadline_at = hearing_deadline_for(case, calendar)
    refresh_urgency(case, calendar)
    moved = referrals.follow_corrected_service(case, wrong, calendar, referral_settings)
    audit.record(actor, "case.served_at_corrected", case, before=before,
                 after={"served_at": served_at.isoformat(), "hearing_deadline": case.hearing_deadline_at.isoformat()},
                 window_hours=case.hearing_window, referrals_moved=moved, reason=why)
    db.session.commit()
    return case

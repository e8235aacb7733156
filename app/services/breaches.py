"""Breaches of a notice or order: recording them, the arrest clock, and the court's outcome."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from app.domain.calendar import Calendar
from app.extensions import db
from app.models import Breach, BreachOutcome, BreachSource, Case, CaseState, User
from app.services import ValidationFailed, audit, change_once
from app.services.clock_cache import court_deadline_for, refresh_urgency
from app.services.lapse import refuse_breach_of_lapsed_notice
from app.services.transaction import commits
from app.timeutil import utcnow

BREACHABLE_STATES = (CaseState.SERVED, CaseState.ORDER_IN_FORCE)
# Civil contempt: up to two months' custody (Magistrates' Courts Act 1980 s.63(3), applied by CSA 2010 s.29).
MAX_CUSTODY_DAYS = 62
MAX_FINE_PENCE = 5000_00


@commits
def record_breach(actor: User, case: Case, *, occurred_at: datetime | None, description: str,
                  source: BreachSource | None, arrested_at: datetime | None, arresting_officer: str,
                  calendar: Calendar) -> Breach:
    """Record a breach of the notice or of the order in force. An arrest starts the clock to
    bring P before the court: 24 hours, or at the hearing of the application if that is
    earlier for a breach of the notice (CSA 2010 s.26(2) and (4), DAA 2021 s.26(2) and (4));
    24 hours for a breach of a DVPO (CSA 2010 s.29(1) and (3)). See
    `clock_cache.court_deadline_for`."""
    if case.state not in BREACHABLE_STATES:
        raise ValidationFailed({"": "A breach can be recorded only while the notice or an order is in force"})
    # A notice whose hearing did not begin in time has lapsed (services/lapse.py, issue 12).
    refuse_breach_of_lapsed_notice(case, calendar)
    now = utcnow()
    errors = {}
    if occurred_at is None:
        errors["occurred_date"] = "Enter when the breach happened"
    elif occurred_at > now:
        errors["occurred_date"] = "The breach cannot be in the future"
    elif case.served_at and occurred_at < case.served_at:
        errors["occurred_date"] = "A breach cannot be before the notice was served"
    if not description.strip():
        errors["description"] = "Describe what happened"
    if source is None:
        errors["source"] = "Say how the breach came to light"
    if arrested_at is not None:
        if arrested_at > now:
            errors["arrested_date"] = "The arrest cannot be in the future"
        elif occurred_at is not None and arrested_at < occurred_at:
            errors["arrested_date"] = "The arrest cannot be before the breach"
        if not arresting_officer.strip():
            errors["arresting_officer"] = "Enter the arresting officer"
    if errors:
        raise ValidationFailed(errors)
    order = case.order_in_force
    breach = Breach(
        order_id=order.id if order else None, occurred_at=occurred_at, description=description.strip(), source=source,
        arrested_at=arrested_at, arresting_officer=arresting_officer.strip() or None,
        recorded_by_id=actor.id, recorded_at=now,
    )
    case.breaches.append(breach)
    breach.court_deadline_at = court_deadline_for(case, breach, calendar)
    db.session.flush()
    refresh_urgency(case, calendar)
    audit.record(actor, "breach.recorded", case, breach=breach.id, of="order" if order else "notice",
                 arrested_at=arrested_at.isoformat() if arrested_at else None)
    db.session.commit()
    return breach


@commits
def record_outcome(actor: User, case: Case, breach: Breach, *, outcome: BreachOutcome | None, fine_pence: int | None,
                   custody_days: int | None, notes: str, calendar: Calendar) -> Breach:
    """The court's finding on a breach, once: a double-click or a second tab cannot record two."""
    errors = {}
    if outcome is None:
        errors["outcome"] = "Choose the outcome"
    if fine_pence is not None and not 0 <= fine_pence <= MAX_FINE_PENCE:
        errors["fine"] = "A fine for breach is at most £5,000"
    if custody_days is not None and not 0 <= custody_days <= MAX_CUSTODY_DAYS:
        errors["custody_days"] = f"Custody for breach is at most 2 months ({MAX_CUSTODY_DAYS} days)"
    if outcome is not BreachOutcome.PROVED and (fine_pence or custody_days):
        errors["outcome"] = "A sanction can only follow a breach found proved"
    if errors:
        raise ValidationFailed(errors)
    change_once(
        update(Breach).where(Breach.id == breach.id, Breach.outcome.is_(None)).values(
            outcome=outcome, fine_pence=fine_pence, custody_days=custody_days, outcome_notes=notes.strip() or None,
            outcome_by_id=actor.id, outcome_at=utcnow(),
        ),
        "The outcome of this breach has already been recorded",
    )
    db.session.refresh(breach)
    refresh_urgency(case, calendar)
    if case.state is CaseState.ORDER_ENDED and all(b.outcome is not None for b in case.breaches):
        case.state = CaseState.CLOSED
    audit.record(actor, "breach.outcome_recorded", case, breach=breach.id, outcome=outcome.value,
                 fine_pence=fine_pence, custody_days=custody_days)
    db.session.commit()
    return breach

"""Breaches of a notice or order: recording them, the arrest clock, and the court's outcome."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from app.domain.breach_law import ADJOURN, BreachOf, appearance_errors, law_for
from app.domain.calendar import Calendar, london_midnight
from app.extensions import db
from app.models import Breach, BreachOutcome, BreachSource, Case, CaseState, Remand, RemandKind, User
from app.services import ValidationFailed, audit, change_once
from app.services.clock_cache import court_deadline_for, refresh_urgency
from app.services.lapse import refuse_breach_of_lapsed_notice
from app.services.transaction import commits
from app.timeutil import utcnow

BREACHABLE_STATES = (CaseState.SERVED, CaseState.ORDER_IN_FORCE)


@commits
def record_breach(actor: User, case: Case, *, occurred_at: datetime | None, description: str,
                  source: BreachSource | None, arrested_at: datetime | None, arresting_officer: str,
                  calendar: Calendar) -> Breach:
    """Record a breach of the notice or of the order in force. An arrest starts the clock to
    bring P before the court: 24 hours, or at the hearing of the application if that is
    earlier for a breach of the notice (CSA 2010 s.26(2) and (4), DAA 2021 s.26(2) and (4));
    24 hours for a breach of a DVPO (CSA 2010 s.29); for a breach of a DAPO, an offence (DAA
    2021 s.39), PACE's 24 hours without charge (`breach_law.pace_detention_limit`). See
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
    elif case.made_elsewhere and case.order is not None and occurred_at < london_midnight(case.order.made_on):
        errors["occurred_date"] = "A breach cannot be before the order was made"
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
def record_appearance(
    actor: User, case: Case, breach: Breach, *, decision: str | None, appeared_at: datetime | None,
    remand: RemandKind | None, remand_until: datetime | None, bail_requirements: str,
    fine_pence: int | None, custody_days: int | None, notes: str, calendar: Calendar,
) -> Breach:
    """P before the court for `breach`: what the court did, within what the law lets it do
    for what was breached (`breach_law.appearance_errors`, which cites the sections).

    The first appearance stops the arrest clock. A notice breach is then done with: the
    court remanded P or did not, and the breach is weighed at the hearing of the
    application. A DVPO or DAPO breach the court adjourns stays with the court (P remanded
    or not, for a DVPO) and its finding is recorded later, once: a double-click or a second
    tab cannot record two findings."""
    law = law_for(case.breach_of(breach))
    if law.of is BreachOf.DAPO:
        # An offence (DAA 2021 s.39): charge, plea, verdict and sentence, or contempt instead,
        # are recorded on its criminal path (services/criminal_breach.record_step).
        raise ValidationFailed({"": "A breach of a domestic abuse protection order is an offence: record the charge, "
                                    "verdict and sentence (or a contempt) on its criminal path"})
    now = utcnow()
    errors = appearance_errors(
        law, decision=decision, appeared_at=appeared_at, arrested_at=breach.arrested_at, occurred_at=breach.occurred_at,
        now=now, remand=remand, remand_until=remand_until, bail_requirements=bail_requirements,
        fine_pence=fine_pence, custody_days=custody_days,
    )
    if errors:
        raise ValidationFailed(errors)
    first_appearance = breach.before_court_at or appeared_at
    if decision == ADJOURN:
        change_once(
            update(Breach).where(Breach.id == breach.id, Breach.outcome.is_(None))
            .values(before_court_at=first_appearance),
            "The outcome of this breach has already been recorded",
        )
    else:
        change_once(
            update(Breach).where(Breach.id == breach.id, Breach.outcome.is_(None)).values(
                outcome=BreachOutcome(decision), before_court_at=first_appearance, fine_pence=fine_pence,
                custody_days=custody_days, outcome_notes=notes.strip() or None, outcome_by_id=actor.id, outcome_at=now,
            ),
            "The outcome of this breach has already been recorded",
        )
    if remand in (RemandKind.CUSTODY, RemandKind.BAIL):
        db.session.add(Remand(case_id=case.id, breach_id=breach.id, kind=remand, ordered_at=appeared_at,
                              until_at=remand_until, bail_requirements=bail_requirements.strip() or None,
                              recorded_by_id=actor.id, recorded_at=now))
    db.session.flush()
    db.session.refresh(breach)
    refresh_urgency(case, calendar)
    if case.state is CaseState.ORDER_ENDED and not any(b.awaits_court for b in case.breaches):
        case.state = CaseState.CLOSED
    audit.record(actor, "breach.before_court", case, breach=breach.id, of=law.of.value, decision=decision,
                 remand=remand.value if remand else None, fine_pence=fine_pence, custody_days=custody_days)
    db.session.commit()
    return breach

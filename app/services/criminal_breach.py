"""A breach of a DAPO on its criminal path (DAA 2021 s.39): custody, the charging decision,
remand, plea, verdict and sentence, or its punishment as a contempt instead. Rules and
citations: app/domain/criminal_breach.

Each step is one transaction with its audit entry, append-only. A remand by the court is a
`Remand` row (as for other breaches); every other step a `BreachCriminalStep`. The charging
decision stops PACE's 24 hours; a verdict, a contempt or no further action settles the
breach (`Breach.outcome`), so it no longer awaits the court.
"""
from __future__ import annotations

from sqlalchemy import update

from app.domain.breach_law import BreachOf, BreachOutcome, RemandKind
from app.domain.calendar import Calendar
from app.domain.criminal_breach import Step, StepFact, StepInput, ends_detention, settles, step_errors
from app.extensions import db
from app.models import Breach, BreachCriminalStep, Case, CaseState, Remand, User
from app.services import ValidationFailed, audit, change_once
from app.services.clock_cache import refresh_urgency
from app.services.transaction import commits
from app.timeutil import utcnow

ONCE = (Step.CUSTODY, Step.VERDICT, Step.SENTENCE, Step.CONTEMPT)


def is_dapo_breach(case: Case, breach: Breach) -> bool:
    return case.breach_of(breach) is BreachOf.DAPO


def step_facts(breach: Breach) -> list[StepFact]:
    facts = [StepFact(s.step, s.value, s.at, s.route) for s in breach.criminal_steps]
    return facts + [StepFact(Step.REMAND, r.kind.value, r.ordered_at) for r in breach.remands]


@commits
def record_step(actor: User, case: Case, breach: Breach, new: StepInput, *, calendar: Calendar) -> BreachCriminalStep | Remand:
    """Record one step on the criminal path of a breach of a DAPO, within what s.39 allows
    (`domain.criminal_breach.step_errors`): no conditional discharge (s.39(6)), no
    conviction once punished as a contempt (s.39(4)) nor contempt once convicted (s.39(3)),
    imprisonment within s.39(5), and no civil contempt caps."""
    if not is_dapo_breach(case, breach):
        raise ValidationFailed({"": "Only a breach of a domestic abuse protection order is an offence with a criminal path"})
    now = utcnow()
    errors = step_errors(new, step_facts(breach), occurred_at=breach.occurred_at, arrested_at=breach.arrested_at, now=now)
    if errors:
        raise ValidationFailed(errors)
    step = new.step
    if step is Step.REMAND:
        row = Remand(case_id=case.id, breach_id=breach.id, kind=RemandKind(new.value), ordered_at=new.at,
                     until_at=new.until, bail_requirements=new.details.strip() or None,
                     recorded_by_id=actor.id, recorded_at=now)
    else:
        row = BreachCriminalStep(
            case_id=case.id, breach_id=breach.id, step=step, once=step.value if step in ONCE else None, at=new.at,
            value=new.value, route=new.route.value if new.route else None, until_at=new.until, term=new.term,
            term_unit=new.term_unit.value if new.term_unit else None, fine_pence=new.fine_pence,
            details=new.details.strip() or None, recorded_by_id=actor.id, recorded_at=now,
        )
    db.session.add(row)
    if ends_detention(step, new.value) and breach.charge_decision_at is None:
        breach.charge_decision_at = new.at
    outcome = settles(step, new.value)
    if outcome is not None:
        change_once(
            update(Breach).where(Breach.id == breach.id).values(
                outcome=BreachOutcome(outcome), outcome_by_id=actor.id, outcome_at=now),
            "The breach could not be settled",
        )
    db.session.flush()
    db.session.refresh(breach)
    db.session.expire(breach, ["criminal_steps", "remands"])
    refresh_urgency(case, calendar)
    if case.state is CaseState.ORDER_ENDED and not any(b.awaits_court for b in case.breaches):
        case.state = CaseState.CLOSED
    audit.record(actor, "breach.criminal_step", case, breach=breach.id, step=step.value, value=new.value,
                 route=new.route.value if new.route else None, at=new.at.isoformat(),
                 term=new.term, term_unit=new.term_unit.value if new.term_unit else None, fine_pence=new.fine_pence)
    db.session.commit()
    return row

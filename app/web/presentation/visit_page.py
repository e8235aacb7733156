"""What an officer alerted to a live order sees on its visit page (issue 16, "Across
districts"): the order's conditions, V's name, the address and safety notes, P's
description. Nothing else of the case file: an officer of another area gets this page for
their alert only."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.domain import regimes
from app.domain.order_origin import other_requirements
from app.extensions import db
from app.models import Case, Referral
from app.web.presentation.printout_common import Condition, conditions_in_words


@dataclass(frozen=True)
class VisitFacts:
    reference: str
    order_kind: str
    order_ends: object
    address: str
    victims: list[str]
    conditions: list[Condition]
    other_conditions: list[str]
    safety_notes: list[str]
    perpetrator: str
    perpetrator_born: object
    perpetrator_description: str | None
    risk: str


def visit_facts(case: Case) -> VisitFacts:
    order = case.order
    victim = case.victims[0].full_name if case.victims else "the person protected"
    premises = ", ".join(case.address_lines)
    the_regime = regimes.regime(case.regime)
    stored = order.conditions if order is not None else []
    conditions = conditions_in_words(stored, None, victim, premises, the_regime.mandatory_prohibition,
                                     the_regime.distance_wording)
    return VisitFacts(
        reference=case.reference or "", order_kind=case.order_kind.upper(),
        order_ends=order.ends_at if order is not None else None, address=premises,
        victims=[v.full_name for v in case.victims], conditions=conditions,
        other_conditions=other_requirements(stored), safety_notes=_safety_notes(case),
        perpetrator=case.perpetrator.full_name if case.perpetrator else "",
        perpetrator_born=case.perpetrator.date_of_birth if case.perpetrator else None,
        perpetrator_description=case.perpetrator.description if case.perpetrator else None,
        risk=case.risk_level.label,
    )


def _safety_notes(case: Case) -> list[str]:
    """What the victims' referrals record that an officer at the door needs: language and an
    interpreter, other needs, when it is safe to call."""
    notes = []
    victim_ids = [v.id for v in case.victims]
    for referral in db.session.scalars(select(Referral).where(Referral.victim_id.in_(victim_ids))):
        if referral.language:
            notes.append(f"Language: {referral.language}" + ("; needs an interpreter" if referral.interpreter else ""))
        if referral.other_needs:
            notes.append(f"Other needs: {referral.other_needs}")
        if referral.safe_times_notes:
            notes.append(f"Safe times: {referral.safe_times_notes}")
    return notes

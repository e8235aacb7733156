"""Recording what the police ask a DAPO to include beyond the notice (the hearing papers read it)."""
from __future__ import annotations

import dataclasses

from app.domain.dapo_requirements import Requirement, from_notice
from app.domain.order_sought import MonitoringSought, sought_errors
from app.extensions import db
from app.models import Case, CaseState, OrderSought, User
from app.services import ValidationFailed, audit
from app.services.transaction import commits
from app.timeutil import utcnow

OPEN_STATES = (CaseState.SERVED,)


@commits
def save(actor: User, case: Case, *, positive: list[Requirement], monitoring: MonitoringSought | None) -> OrderSought:
    """Save (or replace) what the police seek beyond the notice's provisions, before the
    hearing of a DAPN's application. The audit says what kinds were sought, not their words."""
    if case.order_kind != "dapo" or case.state not in OPEN_STATES:
        raise ValidationFailed({"": "Requirements are sought for a DAPO before its hearing: this case has none to come"})
    errors = sought_errors(positive, monitoring)
    if errors:
        raise ValidationFailed(errors)
    sought = db.session.query(OrderSought).filter_by(case_id=case.id).one_or_none()
    if sought is None:
        sought = OrderSought(case_id=case.id)
        db.session.add(sought)
    sought.positive = [{"kind": r.kind.value, "wording": r.wording.strip(), "supervisor": r.supervisor.strip(),
                        "suitability_evidence": r.suitability_evidence.strip()} for r in positive]
    sought.monitoring = None if monitoring is None else {
        k: (v.value if hasattr(v, "value") else v) for k, v in dataclasses.asdict(monitoring).items()}
    sought.updated_by_id, sought.updated_at = actor.id, utcnow()
    audit.record(actor, "order.sought_saved", case, positive=[r.kind.value for r in positive],
                 monitoring=monitoring.kind.value if monitoring and monitoring.kind else None)
    db.session.commit()
    return sought


def sought_for(case: Case) -> OrderSought | None:
    return db.session.query(OrderSought).filter_by(case_id=case.id).one_or_none()


def prohibitions_sought(case: Case, victim: str) -> list[Requirement]:
    """The notice's provisions as the requirements they would become (the mandatory one first)."""
    application = case.current_application
    data = application.section_data.get("prohibitions", {}) if application else {}
    return from_notice(data.get("kinds", []), data.get("distance_metres"), victim=victim)

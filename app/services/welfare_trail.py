"""The per-order trail of welfare visits (issue 16): every check-in and check-out as it was
recorded (`welfare_visit_event`, append-only), for the case page and the breach printout,
and a visit at which P was present, for the breach form's pre-fill."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Case, WelfareVisit, WelfareVisitEvent


def trail(case: Case) -> list[tuple[WelfareVisitEvent, WelfareVisit]]:
    """Every check-in and check-out on the case, oldest first, each with its visit."""
    return list(db.session.execute(
        select(WelfareVisitEvent, WelfareVisit).join(WelfareVisit, WelfareVisit.id == WelfareVisitEvent.visit_id)
        .where(WelfareVisitEvent.case_id == case.id)
        .options(selectinload(WelfareVisitEvent.officer)).order_by(WelfareVisitEvent.at, WelfareVisitEvent.id)
    ).tuples())


def visit_of(case: Case, visit_id) -> WelfareVisit | None:
    """A visit of this case at which P was present (for the breach form's pre-fill)."""
    try:
        visit_id = int(visit_id)
    except (TypeError, ValueError):
        return None
    return db.session.scalar(select(WelfareVisit).where(WelfareVisit.id == visit_id, WelfareVisit.case_id == case.id,
                                                        WelfareVisit.p_present.is_(True)))

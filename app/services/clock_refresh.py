"""Recompute the cached clocks of every live case, in batches: after a migration changed a
fact a clock is derived from (13f0window48 held cases served on 72 hours to the statutory
48), the dashboard's sort key and open breach deadlines must follow at once."""
from __future__ import annotations

from sqlalchemy import select

from app.domain.calendar import Calendar
from app.extensions import db
from app.models import Case, CaseState
from app.services.clock_cache import refresh_urgency
from app.services.transaction import commits

BATCH = 500


@commits
def refresh_live_cases(calendar: Calendar, batch: int = BATCH) -> int:
    """Refresh every live case's clocks; returns how many. Commits each batch, so memory stays
    flat with the number of cases."""
    done, last_id = 0, 0
    while True:
        cases = db.session.scalars(
            select(Case).where(Case.state.in_(CaseState.live()), Case.id > last_id).order_by(Case.id).limit(batch)
        ).all()
        if not cases:
            return done
        for case in cases:
            refresh_urgency(case, calendar)
        done += len(cases)
        last_id = cases[-1].id
        db.session.commit()
        db.session.expunge_all()

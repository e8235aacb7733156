"""The DVPO officer's dashboard: live cases with their clocks, most urgent first."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.domain.calendar import Calendar
from app.domain.clocks import Clock, Thresholds, most_urgent
from app.extensions import db
from app.models import Case, CaseState, ProtectionOrder, User
from app.services.access import visible_cases
from app.services.clock_cache import clocks_for
from app.services.court import COURT_STATES
from app.services.court_bundle import bundle_progress


@dataclass(frozen=True)
class CaseRow:
    case: Case
    clock: Clock | None
    # (required bundle items done, required) once the case is at court, else None.
    bundle: tuple[int, int] | None = None


@dataclass(frozen=True)
class DashboardPage:
    rows: list[CaseRow]
    total: int
    page: int
    pages: int


def live_cases_page(
    user: User, *, page: int, page_size: int, now: datetime, calendar: Calendar, thresholds: Thresholds
) -> DashboardPage:
    """One page of the live cases `user` may read.

    A fixed number of queries whatever the number of cases: a count, the page of cases
    with their officers, and one batch for the perpetrators.
    """
    live = visible_cases(user).where(Case.state.in_(CaseState.live()))
    total = db.session.scalar(select(func.count()).select_from(live.subquery())) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    cases = db.session.scalars(
        live.options(
            selectinload(Case.perpetrator), joinedload(Case.officer_in_case),
            selectinload(Case.hearings), selectinload(Case.order).selectinload(ProtectionOrder.service),
            selectinload(Case.order).selectinload(ProtectionOrder.notifications), selectinload(Case.breaches),
            selectinload(Case.ticks), selectinload(Case.documents), selectinload(Case.submission),
        )
        # Breach clocks first, then other running clocks by deadline, then the rest.
        .order_by(Case.urgency_rank, Case.urgency_at, Case.created_at.desc(), Case.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    rows = [
        CaseRow(c, most_urgent(clocks_for(c, now, calendar, thresholds)),
                bundle_progress(c) if c.state in COURT_STATES and not c.made_elsewhere else None)
        for c in cases
    ]
    return DashboardPage(rows=rows, total=total, page=page, pages=pages)

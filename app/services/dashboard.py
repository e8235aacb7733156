"""The DVPO officer's dashboard: live cases with their clocks, most urgent first."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.domain.calendar import Calendar
from app.domain.clocks import CaseClockFacts, Clock, Thresholds, case_clocks, most_urgent
from app.extensions import db
from app.models import Case, CaseState, User
from app.services.access import visible_cases


@dataclass(frozen=True)
class CaseRow:
    case: Case
    clock: Clock | None


@dataclass(frozen=True)
class DashboardPage:
    rows: list[CaseRow]
    total: int
    page: int
    pages: int


def clock_facts(case: Case) -> CaseClockFacts:
    return CaseClockFacts(served_at=case.served_at, hearing_window_hours=case.hearing_window_hours)


def clocks_for(case: Case, now: datetime, calendar: Calendar, thresholds: Thresholds) -> list[Clock]:
    return case_clocks(clock_facts(case), now, calendar, thresholds)


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
        live.options(selectinload(Case.perpetrator), joinedload(Case.officer_in_case))
        # Cases with a running hearing clock first, soonest deadline first.
        .order_by(Case.hearing_deadline_at.is_(None), Case.hearing_deadline_at, Case.created_at.desc(), Case.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    rows = [CaseRow(c, most_urgent(clocks_for(c, now, calendar, thresholds))) for c in cases]
    return DashboardPage(rows=rows, total=total, page=page, pages=pages)

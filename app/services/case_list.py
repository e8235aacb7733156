"""The list of every case a user may read, live or closed: filtered, sorted, a page at a time.

Filters and sorting are parts of one SELECT on `access.visible_cases(user)`; a page is a
fixed number of statements whatever the number of cases (the count, the page with its
officers, the perpetrators).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.domain.local_time import london_instant
from app.domain.regimes import RegimeCode
from app.domain.risk import RiskLevel
from app.extensions import db
from app.models import Case, CaseState, User
from app.services.access import visible_cases

PAGE_SIZE = 25
LIVE = "live"  # the state filter's "every state but closed"


class SortKey(enum.StrEnum):
    INCIDENT = "incident"
    SERVED = "served"
    REFERENCE = "reference"
    RISK = "risk"

    @property
    def label(self) -> str:
        return {SortKey.INCIDENT: "Incident date", SortKey.SERVED: "Date served", SortKey.REFERENCE: "Reference",
                SortKey.RISK: "Risk"}[self]


class DateField(enum.StrEnum):
    INCIDENT = "incident"
    SERVED = "served"


@dataclass(frozen=True)
class CaseFilters:
    state: str | None = None  # a CaseState value, LIVE, or None for any
    area: str | None = None
    regime: RegimeCode | None = None
    officer_id: int | None = None
    risk: RiskLevel | None = None
    date_field: DateField = DateField.INCIDENT
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    sort: SortKey = SortKey.INCIDENT
    descending: bool = True


@dataclass(frozen=True)
class CaseListPage:
    cases: list[Case]
    total: int
    page: int
    pages: int
    page_size: int

    @property
    def first(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.page_size + 1

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.page_size)


def _filtered(user: User, f: CaseFilters):
    query = visible_cases(user)
    if f.state == LIVE:
        query = query.where(Case.state.in_(CaseState.live()))
    elif f.state:
        query = query.where(Case.state == CaseState(f.state))
    if f.area:
        query = query.where(Case.area == f.area)
    if f.regime is not None:
        query = query.where(Case.regime == f.regime)
    if f.officer_id is not None:
        query = query.where(Case.officer_in_case_id == f.officer_id)
    if f.risk is not None:
        query = query.where(Case.risk_level == f.risk)
    column = Case.served_at if f.date_field is DateField.SERVED else Case.incident_at
    if f.date_from is not None:
        query = query.where(column >= london_instant(f.date_from, time(0)))
    if f.date_to is not None:
        query = query.where(column < london_instant(f.date_to + timedelta(days=1), time(0)))
    return query


def _order(f: CaseFilters):
    column = {
        SortKey.INCIDENT: Case.incident_at,
        SortKey.SERVED: Case.served_at,
        SortKey.REFERENCE: Case.id,  # references are numbered in the order cases are opened
        SortKey.RISK: when({level.value: level.rank for level in RiskLevel}, value=Case.risk_level),
    }[f.sort]
    ordered = column.desc() if f.descending else column.asc()
    # Cases never served come last whichever way dates are sorted.
    return (ordered.nulls_last(), Case.id.desc() if f.descending else Case.id.asc())


def case_list(user: User, filters: CaseFilters, *, page: int = 1, page_size: int | None = None) -> CaseListPage:
    page_size = page_size or PAGE_SIZE
    query = _filtered(user, filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    cases = db.session.scalars(
        query.options(selectinload(Case.perpetrator), joinedload(Case.officer_in_case))
        .order_by(*_order(filters)).limit(page_size).offset((page - 1) * page_size)
    ).all()
    return CaseListPage(cases=list(cases), total=total, page=page, pages=pages, page_size=page_size)


def officers_on_cases(user: User) -> list[User]:
    """The officers in the cases `user` may read, for the officer filter."""
    ids = visible_cases(user).with_only_columns(Case.officer_in_case_id).distinct().scalar_subquery()
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.full_name)))

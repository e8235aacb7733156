"""Repeat victims and perpetrators in a period, for the figures (issue 17) and MARAC/MATAC.

A repeat victim in a period is a person (an identity: people officers confirmed are one,
services/person_links) who is a victim on a case whose incident falls in the period and was
a victim on an earlier case too (an earlier incident; the same instant, an earlier case).
Likewise for perpetrators. A person is counted once however many cases they have in the
period; being a victim on one case and the perpetrator on another makes neither. `area`
counts the people whose case in the period is in that area. Two statements, whatever the
number of cases.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from app.domain.regimes import RegimeCode
from app.extensions import db
from app.models import Case, Person, PersonIdentityLink, PersonKind


@dataclass(frozen=True)
class RepeatPeople:
    victims: int
    perpetrators: int


def _repeat_count(kind: PersonKind, start: datetime, end: datetime, area: str | None,
                  regime: RegimeCode | None) -> int:
    later_person, later_case, later_link = aliased(Person), aliased(Case), aliased(PersonIdentityLink)
    earlier_person, earlier_case, earlier_link = aliased(Person), aliased(Case), aliased(PersonIdentityLink)
    earlier = exists().where(
        earlier_link.identity_id == later_link.identity_id,
        earlier_person.id == earlier_link.person_id,
        earlier_case.id == earlier_link.case_id,
        earlier_person.kind == kind,
        or_(earlier_case.incident_at < later_case.incident_at,
            and_(earlier_case.incident_at == later_case.incident_at, earlier_case.id < later_case.id)),
    )
    query = (
        select(func.count(later_link.identity_id.distinct()))
        .select_from(later_link)
        .join(later_person, later_person.id == later_link.person_id)
        .join(later_case, later_case.id == later_link.case_id)
        .where(later_person.kind == kind, later_case.incident_at >= start, later_case.incident_at < end, earlier)
    )
    if area is not None:
        query = query.where(later_case.area == area)
    if regime is not None:
        query = query.where(later_case.regime == regime)
    return db.session.scalar(query) or 0


def repeat_people(period_start: datetime, period_end: datetime, area: str | None = None,
                  regime: RegimeCode | None = None) -> RepeatPeople:
    """How many repeat victims and repeat perpetrators had a case in [period_start, period_end).

    Both instants must be timezone-aware (for London days, pass London midnights), and the
    end after the start: ValueError otherwise.
    """
    if period_start.tzinfo is None or period_end.tzinfo is None:
        raise ValueError("the period's start and end must be timezone-aware instants")
    if period_end <= period_start:
        raise ValueError("the period must end after it starts")
    return RepeatPeople(
        victims=_repeat_count(PersonKind.VICTIM, period_start, period_end, area, regime),
        perpetrators=_repeat_count(PersonKind.PERPETRATOR, period_start, period_end, area, regime),
    )

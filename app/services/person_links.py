"""The same person on several cases: the confirmed links a case page shows, with the suggestions.

A confirmed link (services/person_link_decisions) is shown differently from a suggestion
(services/person_matches): an officer who could read both cases decided it, and that V or P
is a repeat victim or perpetrator is what the officer in the case needs for MARAC or MATAC.
So a link to a case the user cannot read is shown as its reference, regime, year and the
person's role there, without a link to it or anything else from it (no name, address, officer
or state): enough to ask that area through proper channels.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from app.domain.calendar import LONDON
from app.domain.regimes import regime
from app.extensions import db
from app.models import Case, Person, PersonIdentityLink, User
from app.services.access import visible_case_ids
from app.services.person_matches import Suggestion, suggestions


@dataclass(frozen=True)
class Appearance:
    """A linked person's appearance on another case, as much as this user may see of it."""

    person_id: int  # the person on this case
    reference: str
    regime_order: str  # "DVPO" or "DAPO"
    year: int
    kind: str  # the person's role there: "victim", "perpetrator", "child"
    case_id: int | None  # None where the user may not read that case
    name: str | None  # None where the user may not read that case

    @property
    def readable(self) -> bool:
        return self.case_id is not None


@dataclass(frozen=True)
class CaseLinks:
    appearances: dict[int, list[Appearance]]  # by person on this case
    suggestions: list[Suggestion]

    def can_unlink(self, person_id: int) -> bool:
        """The user may read every case the person is linked to (so they can judge the link)."""
        found = self.appearances.get(person_id, [])
        return bool(found) and all(a.readable for a in found)


def appearances(user: User, case: Case) -> dict[int, list[Appearance]]:
    """For each linked person on `case`, the other cases they are on (one statement), oldest first."""
    me, them = aliased(PersonIdentityLink), aliased(PersonIdentityLink)
    readable = Case.id.in_(visible_case_ids(user))
    rows = db.session.execute(
        select(me.person_id, Person.kind, Person.full_name, Case.id, Case.reference, Case.regime, Case.incident_at,
               readable.label("readable"))
        .join(them, and_(them.identity_id == me.identity_id, them.person_id != me.person_id))
        .join(Person, Person.id == them.person_id).join(Case, Case.id == them.case_id)
        .where(me.case_id == case.id).order_by(Case.incident_at, Case.id)
    ).all()
    found: dict[int, list[Appearance]] = {}
    for row in rows:
        can_read = bool(row.readable)
        found.setdefault(row.person_id, []).append(Appearance(
            person_id=row.person_id, reference=row.reference or "", regime_order=regime(row.regime).order,
            year=row.incident_at.astimezone(LONDON).year, kind=row.kind.value,
            case_id=row.id if can_read else None, name=row.full_name if can_read else None,
        ))
    return found


def for_case_page(user: User, case: Case) -> CaseLinks:
    """What the case page shows: links and suggestions, two statements whatever the numbers."""
    return CaseLinks(appearances(user, case), suggestions(user, case))

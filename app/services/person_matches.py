"""Who may be the same person as someone on a case: suggestions from shared match keys.

People on two different cases are suggested as possibly the same person when they share a
match key (domain/person_match, kept by services/person_keys): one indexed self-join of
`person_match_key`, narrowed in the same SELECT to the cases the user may read, to pairs no
one has rejected or taken apart, and to pairs not already linked. An officer decides about a
suggestion in services/person_link_decisions; the links then shown are services/person_links.

Scoping: a suggestion is made only to a user who may read both cases, and says nothing at
all otherwise (not even that a match exists elsewhere): it is a guess from a date of birth,
a phone number or a name, and telling someone who cannot check it that a victim or a
perpetrator may be known on a case they cannot read would disclose that case to them for
nothing they could act on.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, select
from sqlalchemy import case as when
from sqlalchemy.orm import aliased

from app.domain.calendar import LONDON
from app.domain.person_match import MatchKind, reasons
from app.domain.regimes import regime
from app.extensions import db
from app.models import Case, MatchDecision, Person, PersonIdentityLink, PersonMatchDecision, PersonMatchKey, User
from app.services.access import visible_case_ids

MAX_SUGGESTIONS = 20
# Decisions after which a pair is never suggested again.
_SETTLED_APART = (MatchDecision.NOT_SAME, MatchDecision.UNLINKED)


@dataclass(frozen=True)
class Suggestion:
    person: Person  # on this case
    other: Person  # on another case the user may read
    other_case: Case
    kinds: frozenset[MatchKind]

    @property
    def reason(self) -> str:
        return reasons(self.kinds)

    @property
    def other_order(self) -> str:
        return regime(self.other_case.regime).order

    @property
    def other_year(self) -> int:
        return self.other_case.incident_at.astimezone(LONDON).year


def _candidates(user: User):
    """(mine, theirs, one flag per kind) for people sharing a key, on cases `user` may read,
    not settled apart and not already in one identity (nor would linking them put two people
    of one case in one identity)."""
    mine, theirs = aliased(PersonMatchKey), aliased(PersonMatchKey)
    low = when((mine.person_id < theirs.person_id, mine.person_id), else_=theirs.person_id)
    high = when((mine.person_id < theirs.person_id, theirs.person_id), else_=mine.person_id)
    settled = exists().where(PersonMatchDecision.person_id == low, PersonMatchDecision.other_person_id == high,
                             PersonMatchDecision.decision.in_(_SETTLED_APART))
    a, b = aliased(PersonIdentityLink), aliased(PersonIdentityLink)
    joined = exists().where(a.identity_id == b.identity_id, a.person_id == mine.person_id, b.case_id == theirs.case_id)
    joined_back = exists().where(a.identity_id == b.identity_id, a.person_id == theirs.person_id,
                                 b.case_id == mine.case_id)
    flags = [func.max(when((mine.kind == kind, 1), else_=0)).label(kind.value) for kind in MatchKind]
    query = (
        select(mine.person_id.label("mine"), theirs.person_id.label("theirs"), *flags)
        .join(theirs, and_(theirs.kind == mine.kind, theirs.key == mine.key, theirs.case_id != mine.case_id))
        .where(theirs.case_id.in_(visible_case_ids(user)), ~settled, ~joined, ~joined_back)
        .group_by(mine.person_id, theirs.person_id)
    )
    return query, mine


def suggestions(user: User, case: Case) -> list[Suggestion]:
    """People on other cases `user` may read who are possibly the same as someone on `case`:
    one statement, newest cases first, at most MAX_SUGGESTIONS."""
    query, mine = _candidates(user)
    found = query.where(mine.case_id == case.id).subquery()
    other_case = aliased(Case)
    rows = db.session.execute(
        select(found, Person, other_case)
        .join(Person, Person.id == found.c.theirs).join(other_case, other_case.id == Person.case_id)
        .order_by(other_case.incident_at.desc(), Person.id).limit(MAX_SUGGESTIONS)
    ).all()
    people = {p.id: p for p in case.people}
    return [
        Suggestion(people[row.mine], row.Person, row[-1],
                   frozenset(kind for kind in MatchKind if getattr(row, kind.value)))
        for row in rows if row.mine in people
    ]


def suggested_kinds(user: User, person: Person, other: Person) -> dict | None:
    """The kinds of key the pair shares, if it is a suggestion this user would be shown; else None."""
    query, mine = _candidates(user)
    found = query.where(mine.person_id == person.id).subquery()
    row = db.session.execute(select(found).where(found.c.theirs == other.id)).first()
    if row is None:
        return None
    return {kind.value: bool(getattr(row, kind.value)) for kind in MatchKind}

"""The same person on several cases: suggestions, an officer's decision, and the links shown.

People on two different cases are suggested as possibly the same person when they share a
match key (domain/person_match, kept by services/person_keys): one indexed self-join of
`person_match_key`, narrowed in the same SELECT to the cases the user may read, to pairs no
one has rejected or taken apart, and to pairs not already linked. An officer who may read
both cases confirms (the two identities merge) or rejects the pair (never suggested again);
a person is unlinked with a reason. Each decision is a row of the append-only
`person_match_decision` and an audit entry on every case concerned.

Scoping: a suggestion is made only to a user who may read both cases, and says nothing at
all otherwise (not even that a match exists elsewhere): it is a guess from a date of birth,
a phone number or a name, and telling someone who cannot check it that a victim or a
perpetrator may be known on a case they cannot read would disclose that case to them for
nothing they could act on. A confirmed link is different: an officer who could read both
cases decided it, and that V or P is a repeat victim or perpetrator is what the officer in
the case needs for MARAC or MATAC. So a link to a case the user cannot read is shown as its
reference, regime, year and the person's role there, without a link to it or anything else
from it (no name, address, officer or state): enough to ask that area through proper channels.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, delete, exists, func, select, update
from sqlalchemy import case as when
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from app.domain.calendar import LONDON
from app.domain.person_match import MatchKind, reasons, unlink_reason_error
from app.domain.regimes import regime
from app.extensions import db
from app.models import (
    Case,
    MatchDecision,
    Person,
    PersonIdentity,
    PersonIdentityLink,
    PersonMatchDecision,
    PersonMatchKey,
    User,
)
from app.services import ValidationFailed, audit
from app.services.access import visible_cases
from app.services.transaction import commits
from app.timeutil import utcnow

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


def _visible_ids(user: User):
    """The ids of the cases `user` may read, as a subquery of its own: uncorrelated even where
    the enclosing query also selects from `case_file` (appearances)."""
    return visible_cases(user).with_only_columns(Case.id).correlate(None)


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


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
        .where(theirs.case_id.in_(_visible_ids(user)), ~settled, ~joined, ~joined_back)
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


def appearances(user: User, case: Case) -> dict[int, list[Appearance]]:
    """For each linked person on `case`, the other cases they are on (one statement), oldest first."""
    me, them = aliased(PersonIdentityLink), aliased(PersonIdentityLink)
    readable = Case.id.in_(_visible_ids(user))
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


# ------------------------------------------------------------------ deciding


def _person_on(case: Case, person_id: int) -> Person:
    person = next((p for p in case.people if p.id == person_id), None)
    if person is None:
        raise ValidationFailed({"person": "Choose a person on this case"})
    return person


def _readable_person(user: User, person_id: int) -> Person:
    person = db.session.scalar(select(Person).where(Person.id == person_id, Person.case_id.in_(_visible_ids(user))))
    if person is None:
        raise ValidationFailed({"other": "That person is not on a case you may read"})
    return person


def _suggested(user: User, person: Person, other: Person) -> dict | None:
    """The kinds of key the pair shares, if it is a suggestion this user would be shown; else None."""
    query, mine = _candidates(user)
    found = query.where(mine.person_id == person.id).subquery()
    row = db.session.execute(select(found).where(found.c.theirs == other.id)).first()
    if row is None:
        return None
    return {kind.value: bool(getattr(row, kind.value)) for kind in MatchKind}


def _decide(actor: User, decision: MatchDecision, person: Person, other: Person, reason: str | None = None) -> None:
    first, second = (person, other) if person.id < other.id else (other, person)
    db.session.add(PersonMatchDecision(
        at=utcnow(), decided_by_id=actor.id, decision=decision, person_id=first.id, case_id=first.case_id,
        other_person_id=second.id, other_case_id=second.case_id, reason=reason,
    ))


def _links(identity_id: int) -> list[PersonIdentityLink]:
    return list(db.session.scalars(select(PersonIdentityLink).where(PersonIdentityLink.identity_id == identity_id)))


def _join(person: Person, other: Person, now) -> int:
    """Put the two people in one identity, merging theirs; the identity's id."""
    mine = db.session.get(PersonIdentityLink, person.id)
    theirs = db.session.get(PersonIdentityLink, other.id)
    if mine is None and theirs is None:
        identity = PersonIdentity(created_at=now)
        db.session.add(identity)
        db.session.flush()
        db.session.add_all([PersonIdentityLink(person_id=p.id, identity_id=identity.id, case_id=p.case_id, linked_at=now)
                            for p in (person, other)])
        return identity.id
    if mine is not None and theirs is not None:
        if mine.identity_id == theirs.identity_id:
            raise ValidationFailed({"": "These people are already linked."})
        keep, merged = mine.identity_id, theirs.identity_id
        if {link.case_id for link in _links(keep)} & {link.case_id for link in _links(merged)}:
            raise ValidationFailed({"": "They cannot be linked: that would make two people on one case the same "
                                        "person. Unlink the wrong one first."})
        db.session.execute(update(PersonIdentityLink).where(PersonIdentityLink.identity_id == merged)
                           .values(identity_id=keep))
        db.session.execute(delete(PersonIdentity).where(PersonIdentity.id == merged))
        return keep
    linked, alone = (mine, other) if mine is not None else (theirs, person)
    if any(link.case_id == alone.case_id for link in _links(linked.identity_id)):
        raise ValidationFailed({"": "They cannot be linked: someone else on that case is already linked to this "
                                    "person. Unlink the wrong one first."})
    db.session.add(PersonIdentityLink(person_id=alone.id, identity_id=linked.identity_id, case_id=alone.case_id,
                                      linked_at=now))
    return linked.identity_id


def _checked_pair(actor: User, case: Case, person_id: int, other_person_id: int) -> tuple[Person, Person, dict]:
    person = _person_on(case, person_id)
    other = _readable_person(actor, other_person_id)
    kinds = _suggested(actor, person, other)
    if kinds is None:
        raise ValidationFailed({"": "These people are not suggested as the same person (any more): "
                                    "the case page shows the suggestions there are."})
    return person, other, kinds


@commits
def _commit_or_refuse() -> None:
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ValidationFailed({"": "Someone changed these links at the same moment: nothing was saved. "
                                    "Check the case page and try again."}) from None


@commits
def confirm(actor: User, case: Case, person_id: int, other_person_id: int) -> None:
    """The person on `case` and the other person are the same: link them (merging identities)."""
    person, other, kinds = _checked_pair(actor, case, person_id, other_person_id)
    identity_id = _join(person, other, utcnow())
    _decide(actor, MatchDecision.SAME, person, other)
    other_case = db.session.get(Case, other.case_id)
    for here, there in ((person, other), (other, person)):
        audit.record(actor, "person.linked", case if here is person else other_case, person_id=here.id,
                     other_person_id=there.id, other_case_id=there.case_id, identity_id=identity_id,
                     matched_by=sorted(k for k, v in kinds.items() if v))
    _commit_or_refuse()


@commits
def reject(actor: User, case: Case, person_id: int, other_person_id: int) -> None:
    """Not the same person: the pair is never suggested again."""
    person, other, kinds = _checked_pair(actor, case, person_id, other_person_id)
    _decide(actor, MatchDecision.NOT_SAME, person, other)
    other_case = db.session.get(Case, other.case_id)
    for here, there in ((person, other), (other, person)):
        audit.record(actor, "person.match_rejected", case if here is person else other_case, person_id=here.id,
                     other_person_id=there.id, other_case_id=there.case_id,
                     matched_by=sorted(k for k, v in kinds.items() if v))
    _commit_or_refuse()


@commits
def unlink(actor: User, case: Case, person_id: int, reason: str | None, *, confirmed: bool) -> None:
    """Take the person on `case` out of their identity, with the reason, once the user confirms;
    the identity ends if one person is left. The user must be able to read every case the
    person is linked to."""
    person = _person_on(case, person_id)
    link = db.session.get(PersonIdentityLink, person.id)
    if link is None:
        raise ValidationFailed({"": "This person is not linked to anyone on another case."})
    errors = {}
    if (problem := unlink_reason_error(reason)) is not None:
        errors["reason"] = problem
    if not confirmed:
        errors["confirm"] = "Confirm that this is not the same person"
    if errors:
        raise ValidationFailed(errors)
    others = [other for other in _links(link.identity_id) if other.person_id != person.id]
    visible = set(db.session.scalars(_visible_ids(actor).where(Case.id.in_([o.case_id for o in others]))))
    if any(o.case_id not in visible for o in others):
        raise ValidationFailed({"": "This person is linked to a case you cannot read: ask a supervisor, or an "
                                    "officer who may read both cases, to unlink them."})
    people = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_([o.person_id for o in others])))}
    cases = {c.id: c for c in db.session.scalars(select(Case).where(Case.id.in_(visible)))}
    text = reason.strip()
    db.session.delete(link)
    if len(others) == 1:
        db.session.delete(others[0])
        db.session.execute(delete(PersonIdentity).where(PersonIdentity.id == link.identity_id))
    for other in others:
        _decide(actor, MatchDecision.UNLINKED, person, people[other.person_id], text)
        audit.record(actor, "person.unlinked", cases[other.case_id], person_id=other.person_id,
                     other_person_id=person.id, other_case_id=case.id, reason=text)
    audit.record(actor, "person.unlinked", case, person_id=person.id, identity_id=link.identity_id,
                 other_person_ids=[o.person_id for o in others], reason=text)
    _commit_or_refuse()

"""An officer's decision about the same person on several cases: confirm a suggested pair (the
two identities merge), reject it (never suggested again), or unlink a person with a reason.

Only a pair the user is being suggested (services/person_matches) can be confirmed or
rejected, so the user may read both cases; a person is unlinked only by a user who may read
every case they are linked to. Each decision is a row of the append-only
`person_match_decision` and an audit entry on every case concerned.
"""
from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app.domain.person_match import unlink_reason_error
from app.extensions import db
from app.models import Case, MatchDecision, Person, PersonIdentity, PersonIdentityLink, PersonMatchDecision, User
from app.services import ValidationFailed, audit
from app.services.access import visible_case_ids
from app.services.person_matches import suggested_kinds
from app.services.transaction import commits
from app.timeutil import utcnow


def _person_on(case: Case, person_id: int) -> Person:
    person = next((p for p in case.people if p.id == person_id), None)
    if person is None:
        raise ValidationFailed({"person": "Choose a person on this case"})
    return person


def _readable_person(user: User, person_id: int) -> Person:
    person = db.session.scalar(select(Person).where(Person.id == person_id, Person.case_id.in_(visible_case_ids(user))))
    if person is None:
        raise ValidationFailed({"other": "That person is not on a case you may read"})
    return person


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
    kinds = suggested_kinds(actor, person, other)
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
    visible = set(db.session.scalars(visible_case_ids(actor).where(Case.id.in_([o.case_id for o in others]))))
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

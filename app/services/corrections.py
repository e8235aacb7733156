"""Correcting a case's details: people's names and dates of birth, a victim's relationship to
P, P's physical description, the address, the area; adding a victim or a child, and removing one who was added in error.

Each correction is one transaction with one audit entry holding the values before and after
and the reason, which is required. Corrections go through the ORM, so the search index
(services/search_index) rewrites the case's row in the same transaction.

Not here: facts that drive clocks have flows of their own (the time of service:
services/service_correction), and records that are append-only (decisions, trial
allocations, hearing outcomes, orders, breaches) are corrected by new rows, never edited.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from app.domain.calendar import LONDON, Calendar
from app.domain.people import age_on
from app.domain.regimes import regime
from app.extensions import db
from app.models import (
    AssociatedRelationship,
    Case,
    DecisionOutcome,
    Person,
    PersonKind,
    Referral,
    Role,
    User,
)
from app.services import ValidationFailed, audit, geofences, referrals
from app.services.cases import DESCRIPTION_MAX
from app.services.referrals import ReferralSettings
from app.services.transaction import commits
from app.timeutil import utcnow

# Who may correct a case they can read: officers (an officer with an area, that area's cases
# and their own) and supervisors. Authorising ranks decide notices and do not edit cases;
# caseworkers and admins never see case files.
CORRECTOR_ROLES = (Role.OFFICER, Role.SUPERVISOR)
REASON_MAX = 2000
NAME_MAX = 120
MAX_VICTIMS = 6
MAX_CHILDREN = 10


def may_correct(user: User) -> bool:
    return user.role in CORRECTOR_ROLES


def clean_reason(reason: str | None) -> str:
    """The reason a correction needs, stripped; refused when blank or too long."""
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed({"reason": "Say why this is being changed"})
    if len(text) > REASON_MAX:
        raise ValidationFailed({"reason": f"Keep the reason under {REASON_MAX:,} characters"})
    return text


def checked(*checks):
    """Run each check (a callable), gathering every ValidationFailed's errors into one, so a
    form shows all its problems at once; returns the checks' results."""
    errors, results = {}, []
    for check in checks:
        try:
            results.append(check())
        except ValidationFailed as exc:
            errors |= exc.errors
            results.append(None)
    if errors:
        raise ValidationFailed(errors)
    return results


@dataclass
class PersonFacts:
    full_name: str
    date_of_birth: date | None = None
    relationship: str | None = None
    description: str | None = None  # P only: the physical description


def person_facts(person: Person) -> dict:
    facts = {"full_name": person.full_name,
             "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
             "relationship": person.relationship_to_perpetrator}
    if person.kind is PersonKind.PERPETRATOR:
        facts["description"] = person.description
    return facts


def _checked_facts(kind: PersonKind, facts: PersonFacts) -> PersonFacts:
    errors: dict[str, str] = {}
    name = (facts.full_name or "").strip()
    if not name:
        errors["full_name"] = "Enter the full name"
    elif len(name) > NAME_MAX:
        errors["full_name"] = f"Keep the name under {NAME_MAX} characters"
    dob = facts.date_of_birth
    if kind is PersonKind.PERPETRATOR and dob is None:
        errors["date_of_birth"] = "Enter the perpetrator's date of birth"
    elif dob is not None and dob > utcnow().astimezone(LONDON).date():
        errors["date_of_birth"] = "The date of birth must be in the past"
    relationship = (facts.relationship or "").strip() or None
    if kind is PersonKind.VICTIM and relationship not in {r.value for r in AssociatedRelationship}:
        errors["relationship"] = "Choose how the victim is associated with the perpetrator"
    elif kind is PersonKind.CHILD and relationship and len(relationship) > NAME_MAX:
        errors["relationship"] = f"Keep this under {NAME_MAX} characters"
    description = (facts.description or "").strip() or None
    if kind is PersonKind.PERPETRATOR:
        relationship = None
        if description and len(description) > DESCRIPTION_MAX:
            errors["description"] = f"Keep the description under {DESCRIPTION_MAX:,} characters"
    else:
        description = None
    if errors:
        raise ValidationFailed(errors)
    return PersonFacts(name, dob, relationship, description)


def age_warnings(case: Case) -> list[str]:
    """What the people's dates of birth now say against the law's ages: P under 18 when the
    notice was authorised (CSA 2010 s.24(2); DAA 2021 s.22(6)), a victim under the regime's
    minimum age at the incident (a DAPN protects a person aged 16 or over, DAA 2021 s.22(2)-(3);
    a DVPN's associated person has no minimum, CSA 2010 s.24(2)(a)). A correction is recorded even so (the record must say what
    is true); the officer is told, to take it up."""
    warnings = []
    the_regime = regime(case.regime)
    decided = [a.decision.decided_at for a in case.applications
               if a.decision is not None and a.decision.outcome is DecisionOutcome.AUTHORISE]
    p = case.perpetrator
    if decided and p is not None and p.date_of_birth is not None:
        if age_on(p.date_of_birth, decided[-1].astimezone(LONDON).date()) < 18:
            warnings.append(f"With this date of birth the perpetrator was under 18 when the {the_regime.notice} "
                            "was authorised: a notice may only be given to a person aged 18 or over. Tell your supervisor.")
    if the_regime.min_victim_age:
        on = case.incident_at.astimezone(LONDON).date()
        for victim in case.victims:
            if victim.date_of_birth and age_on(victim.date_of_birth, on) < the_regime.min_victim_age:
                warnings.append(f"With this date of birth {victim.full_name} was under {the_regime.min_victim_age} at the "
                                f"incident: the {the_regime.notice} regime protects only people of that age or over.")
    return warnings


def person_of(case: Case, person_id: int) -> Person | None:
    """The person `person_id` if they are on `case` (None otherwise: a person of another case)."""
    return next((p for p in case.people if p.id == person_id), None)


@commits
def correct_person(actor: User, case: Case, person: Person, facts: PersonFacts, *, reason: str) -> Person:
    """Correct a person's name, date of birth and (victims, children) relationship to P."""
    new, why = checked(lambda: _checked_facts(person.kind, facts), lambda: clean_reason(reason))
    before = person_facts(person)
    after = {"full_name": new.full_name, "date_of_birth": new.date_of_birth.isoformat() if new.date_of_birth else None,
             "relationship": new.relationship}
    if person.kind is PersonKind.PERPETRATOR:
        after["description"] = new.description
    if after == before:
        raise ValidationFailed({"full_name": "Nothing has changed: change a detail, or go back to the case"})
    person.full_name = new.full_name
    person.date_of_birth = new.date_of_birth
    person.relationship_to_perpetrator = new.relationship
    if person.kind is PersonKind.PERPETRATOR:
        person.description = new.description
    audit.record(actor, "person.corrected", case, person=person.id, kind=person.kind.value,
                 before=before, after=after, reason=why)
    db.session.commit()
    return person


@commits
def add_person(actor: User, case: Case, kind: PersonKind, facts: PersonFacts, *, reason: str,
               calendar: Calendar, referral_settings: ReferralSettings) -> Person:
    """Add a victim or a child left off the case. A victim added once referrals exist gets
    one too, its Victims' Code clock starting now (when police learned of them)."""
    if kind not in (PersonKind.VICTIM, PersonKind.CHILD):
        raise ValidationFailed({"full_name": "Only a victim or a child can be added"})
    new, why = checked(lambda: _checked_facts(kind, facts), lambda: clean_reason(reason))
    same_kind = [p for p in case.people if p.kind is kind]
    most = MAX_VICTIMS if kind is PersonKind.VICTIM else MAX_CHILDREN
    if len(same_kind) >= most:
        raise ValidationFailed({"full_name": f"A case can have at most {most} {kind.value}s" if kind is PersonKind.CHILD
                                else f"A case can have at most {most} victims"})
    person = Person(kind=kind, position=max((p.position for p in same_kind), default=-1) + 1,
                    full_name=new.full_name, date_of_birth=new.date_of_birth,
                    relationship_to_perpetrator=new.relationship)
    case.people.append(person)
    db.session.flush()
    audit.record(actor, "person.added", case, person=person.id, kind=kind.value, before=None,
                 after=person_facts(person), reason=why)
    if kind is PersonKind.VICTIM and db.session.scalar(select(func.count()).where(Referral.case_id == case.id)):
        referrals.create_for_added_victim(actor, case, calendar, referral_settings)
    db.session.commit()
    return person


# ------------------------------------------------------------------ removing a person

# What a row naming a person is, for the explanation; a table not listed here (a link added
# later, say) is still found and refused with its name.
_WHAT_NAMES_THEM = {
    "referral": "a victim referral to support was made for them; it is kept as a record of the Victims' Code duty",
    "victim_told_of_order": "they were told of the order, a record that cannot be erased",
    "person_identity_link": "they are linked as the same person on another case: unlink them there first",
    "person_match_decision": "an officer decided whether they are the same person as someone on another case, "
                             "a record that cannot be erased",
}
# Tables derived from the person and rebuilt from them (deleted with them by the foreign key's
# ON DELETE CASCADE): they never stop a removal.
_DERIVED_FROM_PERSON = {"person_match_key"}


def removal_blockers(case: Case, person: Person) -> list[str]:
    """Why `person` cannot be removed from `case` ([] when they can). A person is removed
    only while nothing else on the case names them: the records that do are evidence."""
    if person.kind is PersonKind.PERPETRATOR:
        return ["The perpetrator cannot be removed: correct their name and date of birth instead."]
    reasons = []
    if person.kind is PersonKind.VICTIM and len(case.victims) <= 1:
        reasons.append("They are the only victim: a case must protect someone. Add the right victim first, "
                       "then remove this one.")
    named_in = [a.number for a in case.applications for s in a.sections
                if s.key == "grounds" and isinstance(s.data, dict) and s.data.get("victim_id") == person.id]
    for number in named_in:
        reasons.append(f"Application {number}'s grounds name them as the person the notice protects: "
                       "choose the right victim there first (an application already decided cannot change).")
    for table_name in _tables_naming(person.id):
        what = _WHAT_NAMES_THEM.get(table_name, f"other records on the case name them ({table_name.replace('_', ' ')})")
        reasons.append(f"They cannot be removed: {what}.")
    return reasons


def _tables_naming(person_id: int) -> list[str]:
    """Every table with a foreign key to person that has a row naming this person: found from
    the models' metadata, so a table added later is never missed."""
    found = []
    for table in db.metadata.sorted_tables:
        if table.name in _DERIVED_FROM_PERSON:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == "person" and table.name not in found and db.session.scalar(
                    select(select(table).where(fk.parent == person_id).exists())):
                found.append(table.name)
    return found


@commits
def remove_person(actor: User, case: Case, person: Person, *, reason: str, confirmed: bool) -> None:
    """Remove a victim or a child added in error, after the officer confirms and says why."""
    blockers = removal_blockers(case, person)
    if blockers:
        raise ValidationFailed({"confirm": blockers[0]})

    def confirmation():
        if not confirmed:
            raise ValidationFailed({"confirm": "Confirm that this person should be removed from the case"})

    why, _ = checked(lambda: clean_reason(reason), confirmation)
    audit.record(actor, "person.removed", case, person=person.id, kind=person.kind.value, before=person_facts(person),
                 after=None, reason=why)
    case.people.remove(person)
    # Deleted by name, not left to delete-orphan: the search index notes the deletions the
    # session holds before the flush (services/search_index), and an orphan is found only during it.
    db.session.delete(person)
    db.session.commit()


# ------------------------------------------------------------------ the address and the area

ADDRESS_FIELDS = ("address_line_1", "address_line_2", "town", "postcode")


def address_facts(case: Case) -> dict:
    return {name: getattr(case, name) for name in ADDRESS_FIELDS}


@commits
def correct_address(actor: User, case: Case, *, address_line_1: str, address_line_2: str, town: str, postcode: str,
                    reason: str) -> Case:
    """Correct the address the notice protects (the address for notice of the hearing is P's, recorded at service)."""
    errors = {}
    line_1, line_2, town, postcode = ((v or "").strip() for v in (address_line_1, address_line_2, town, postcode))
    if not line_1:
        errors["address_line_1"] = "Enter the first line of the address"
    if not town:
        errors["town"] = "Enter the town or city"
    if not postcode:
        errors["postcode"] = "Enter the postcode"
    for name, value, most in (("address_line_1", line_1, 120), ("address_line_2", line_2, 120), ("town", town, 80),
                              ("postcode", postcode, 10)):
        if len(value) > most:
            errors[name] = f"Keep this under {most} characters"
    try:
        why = clean_reason(reason)
    except ValidationFailed as exc:
        errors |= exc.errors
    if errors:
        raise ValidationFailed(errors)
    before = address_facts(case)
    after = dict(zip(ADDRESS_FIELDS, (line_1, line_2 or None, town, postcode.upper()), strict=True))
    if after == before:
        raise ValidationFailed({"address_line_1": "Nothing has changed: change the address, or go back to the case"})
    for name, value in after.items():
        setattr(case, name, value)
    audit.record(actor, "case.address_corrected", case, before=before, after=after, reason=why)
    # The geofence protects the address: a corrected one ends it and makes another, whose
    # place is to be found again.
    geofences.sync_with_order(case, utcnow(), orders=None, actor=actor)
    db.session.commit()
    return case


@commits
def correct_area(actor: User, case: Case, *, area: str, areas: list[str], reason: str) -> Case:
    """Move the case to another area (officers of that area then see it; the officer in the case keeps it)."""
    def chosen_area():
        if area not in areas:
            raise ValidationFailed({"area": "Choose the area"})
        if area == case.area:
            raise ValidationFailed({"area": f"The case is already in {area}: choose another area, or go back to the case"})

    _, why = checked(chosen_area, lambda: clean_reason(reason))
    before = case.area
    case.area = area
    audit.record(actor, "case.area_corrected", case, before=before, after=area, reason=why)
    db.session.commit()
    return case


def application_sections_naming_children(case: Case) -> bool:
    """Whether an application's children section has details typed (free text that may name a child)."""
    return any(s.key == "children" and isinstance(s.data, dict) and (s.data.get("details") or "").strip()
               for a in case.applications for s in a.sections)


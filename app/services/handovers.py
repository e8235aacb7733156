"""Handing a case to another officer in the case: one case, or all of a leaver's live cases at once.

Each handover is a row in the append-only `case_handover` table with the note the new
officer reads on the case, an audit entry on the case with the officer before and after,
and an email to the new officer (services/emails: the case reference and a link only).
"""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Case, CaseHandover, CaseState, Role, User
from app.services import ValidationFailed, audit, emails
from app.services.corrections import checked
from app.services.transaction import commits, in_callers_transaction
from app.timeutil import utcnow

# One case: whoever may correct it (an officer who can read it, a supervisor). All of a
# leaver's cases: supervisors, and admins, who keep the accounts of people who leave (the
# page shows names and a count, never a case file).
ONE_CASE_ROLES = (Role.OFFICER, Role.SUPERVISOR)
LEAVER_ROLES = (Role.SUPERVISOR, Role.ADMIN)
NOTE_MAX = 5000


def active_officers() -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.role == Role.OFFICER, User.active.is_(True)).order_by(User.full_name, User.id)))


def _live_cases_of(officer_id: int):
    return select(Case).where(Case.officer_in_case_id == officer_id, Case.state.in_(CaseState.live()))


def officers_with_live_cases() -> list[tuple[User, int]]:
    """Every officer (active or not) who is officer in the case of a live case, with how many."""
    counts = (select(Case.officer_in_case_id, func.count().label("n"))
              .where(Case.state.in_(CaseState.live())).group_by(Case.officer_in_case_id).subquery())
    rows = db.session.execute(
        select(User, counts.c.n).join(counts, counts.c.officer_in_case_id == User.id).order_by(User.full_name, User.id))
    return [(user, n) for user, n in rows]


def live_case_count(officer_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(_live_cases_of(officer_id).subquery())) or 0


def for_case(case: Case) -> list[CaseHandover]:
    """The case's handovers, newest first."""
    return list(db.session.scalars(
        select(CaseHandover).where(CaseHandover.case_id == case.id).order_by(CaseHandover.at.desc(), CaseHandover.id.desc())))


def _note(note: str | None) -> str:
    text = (note or "").strip()
    if not text:
        raise ValidationFailed({"note": "Write a handover note for the new officer"})
    if len(text) > NOTE_MAX:
        raise ValidationFailed({"note": f"Keep the note under {NOTE_MAX:,} characters"})
    return text


def _new_officer(officer_id: int | None) -> User:
    officer = db.session.get(User, officer_id) if officer_id else None
    if officer is None or officer.role is not Role.OFFICER or not officer.active:
        raise ValidationFailed({"officer_id": "Choose the new officer in the case"})
    return officer


@in_callers_transaction
def _hand_over(actor: User, case: Case, to: User, note: str, *, leaver: bool) -> CaseHandover:
    handover = CaseHandover(case_id=case.id, from_officer_id=case.officer_in_case_id, to_officer_id=to.id,
                            by_id=actor.id, at=utcnow(), note=note, leaver=leaver)
    db.session.add(handover)
    before = case.officer_in_case_id
    case.officer_in_case_id = to.id
    db.session.flush()
    audit.record(actor, "case.handed_over", case, handover=handover.id, before={"officer_in_case": before},
                 after={"officer_in_case": to.id}, leaver=leaver)
    emails.case_handed_over(actor, case, to)
    return handover


@commits
def hand_over(actor: User, case: Case, *, officer_id: int | None, note: str) -> CaseHandover:
    """Make `officer_id` the officer in the case, with a handover note."""
    def new_officer():
        to = _new_officer(officer_id)
        if to.id == case.officer_in_case_id:
            raise ValidationFailed({"officer_id": f"{to.display_name} is already the officer in the case"})
        return to

    to, text = checked(new_officer, lambda: _note(note))
    handover = _hand_over(actor, case, to, text, leaver=False)
    db.session.commit()
    return handover


def check_leaver_handover(leaver_id: int | None, officer_id: int | None, note: str | None) -> tuple[User, User, int]:
    """What a handover of all a leaver's live cases would do: (leaver, new officer, cases), or ValidationFailed."""
    errors = {}
    leaver = db.session.get(User, leaver_id) if leaver_id else None
    if leaver is None or leaver.role is not Role.OFFICER:
        errors["leaver_id"] = "Choose the officer whose cases are to be handed over"
    try:
        to = _new_officer(officer_id)
    except ValidationFailed as exc:
        errors |= exc.errors
        to = None
    if leaver is not None and to is not None and leaver.id == to.id:
        errors["officer_id"] = "Choose a different officer to hand the cases to"
    try:
        _note(note)
    except ValidationFailed as exc:
        errors |= exc.errors
    if errors:
        raise ValidationFailed(errors)
    count = live_case_count(leaver.id)
    if not count:
        raise ValidationFailed({"leaver_id": f"{leaver.display_name} is officer in the case of no live case"})
    return leaver, to, count


@commits
def hand_over_all(actor: User, *, leaver_id: int | None, officer_id: int | None, note: str, expected: int) -> int:
    """Hand every live case of `leaver_id` to `officer_id` with one note. `expected` is the count
    the user confirmed: if it changed meanwhile, nothing is done and they check again."""
    leaver, to, count = check_leaver_handover(leaver_id, officer_id, note)
    cases = db.session.scalars(_live_cases_of(leaver.id).order_by(Case.id).with_for_update()).all()
    if len(cases) != expected or count != expected:
        raise ValidationFailed({"leaver_id": f"{leaver.display_name} now has {len(cases)} live "
                                            f"case{'' if len(cases) == 1 else 's'}, not {expected}: check and confirm again"})
    text = _note(note)
    for case in cases:
        _hand_over(actor, case, to, text, leaver=True)
    audit.record(actor, "cases.handed_over_all", None, leaver=leaver.id, to=to.id, cases=[c.id for c in cases])
    db.session.commit()
    return len(cases)

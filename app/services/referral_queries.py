"""Reading victim referrals: a case's referrals, what one still needs before sending, the
services to send to, the Code's clock, and the dashboard's referral tasks, concerns and breaches."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import joinedload, selectinload

from app.domain.referrals import CodeCheck, CodeState, Consent, code_check
from app.domain.timefmt import format_instant, format_span
from app.extensions import db
from app.models import Case, CaseState, ConcernStatus, Referral, ReferralConcern, ReferralStatus, SupportService
from app.models.referral import MARAC_OPEN
from app.services.access import case_is


def missing_for_sending(referral: Referral) -> list[str]:
    """What a referral still needs before it can go: a good referral is a complete one."""
    missing = []
    if referral.consent is not Consent.CONSENTS:
        missing.append("the victim's consent")
    if not referral.safe_number:
        missing.append("a safe contact number")
    if referral.safe_to_call is None:
        missing.append("whether it is safe to call")
    return missing


def active_services(area: str | None = None) -> list[SupportService]:
    """Services to refer to, those covering the case's area (or force-wide) first."""
    services = db.session.scalars(select(SupportService).where(SupportService.active.is_(True))
                                  .order_by(SupportService.name)).all()
    return sorted(services, key=lambda s: (s.area not in (None, area), s.name))


def code_state(referral: Referral, now: datetime) -> CodeCheck:
    settled = referral.settled_at if referral.status is not ReferralStatus.AWAITING else None
    return code_check(referral.due_at, referral.warn_at, settled, now)


def referrals_for(case: Case) -> list[Referral]:
    return list(db.session.scalars(
        select(Referral).where(Referral.case_id == case.id)
        .options(selectinload(Referral.victim), selectinload(Referral.service), selectinload(Referral.attempts),
                 selectinload(Referral.concerns))
        .order_by(Referral.id)
    ))


@dataclass(frozen=True)
class ReferralTask:
    referral: Referral
    case: Case
    what: str
    urgent: bool
    breach: bool = False  # overdue under the Victims' Code: shown as a breach


def referral_tasks(case_query, now: datetime, limit: int = 50) -> list[ReferralTask]:
    """The officer's referral to-dos on the dashboard, most urgent first, at most `limit`
    (a fixed number of queries).

    Every referral still with police (the task starts when the notice is served: Right 4),
    overdue ones marked as breaches of the Code and those in the warning as urgent; referrals
    a service returned and nobody has acknowledged; and, on live cases, high-risk referrals
    with no MARAC referral recorded.

    The query orders by the same grading as the lines (breach, then urgent, then due), so the
    limit keeps the most pressing: a breach is never left out for a line below it."""
    visible = case_is(case_query, Referral.case_id)
    awaiting = Referral.status == ReferralStatus.AWAITING
    # The lines' grading (code_check: overdue once now >= due_at, due soon once now >=
    # warn_at, AWAITING only): 0 overdue; 1 returned and not seen, or due soon; 2 the rest,
    # each by due_at. Each grade's first `limit` are read from ix_referral_status_due_at in
    # that order, and the union ordered, instead of grading and sorting every referral
    # waiting. The due soon are read from ix_referral_status_warn_at and sorted: they are the
    # few inside the warning window, where reading them by due_at would walk every referral
    # not yet overdue.
    def first(grade: int, *where):
        return select(Referral.id, literal(grade).label("grade"), Referral.due_at).where(*where, visible)

    graded_firsts = [
        first(0, awaiting, Referral.due_at <= now).order_by(Referral.due_at, Referral.id).limit(limit),
        first(1, Referral.status == ReferralStatus.RETURNED, Referral.return_seen_at.is_(None))
        .order_by(Referral.due_at, Referral.id).limit(limit),
        _due_soon(first(1, awaiting, Referral.warn_at <= now, Referral.due_at > now), limit),
        first(2, awaiting, Referral.due_at > now, Referral.warn_at > now).order_by(Referral.due_at, Referral.id).limit(limit),
    ]
    firsts = [q.subquery() for q in graded_firsts]
    graded = union_all(*(select(first) for first in firsts)).subquery()
    waiting = db.session.scalars(
        select(Referral).join(graded, graded.c.id == Referral.id)
        .options(joinedload(Referral.victim)).order_by(graded.c.grade, graded.c.due_at, graded.c.id).limit(limit)
    ).all()
    # Read in due order from ix_referral_marac_open (high-risk referrals with no MARAC, by
    # due_at), stopping after `limit`: the live-case test is a correlated EXISTS, so the
    # planner starts from that index instead of every live case's referrals, sorted.
    live = case_is(case_query, Referral.case_id, Case.state.in_(CaseState.live()))
    marac = db.session.scalars(
        select(Referral).where(
            MARAC_OPEN, Referral.status.not_in([ReferralStatus.DECLINED, ReferralStatus.CLOSED]), live,
        ).options(joinedload(Referral.victim)).order_by(Referral.due_at, Referral.id).limit(limit)
    ).all()
    cases = cases_by_id([r.case_id for r in (*waiting, *marac)])
    tasks = []
    for r in waiting:
        case = cases[r.case_id]
        if r.status is ReferralStatus.RETURNED:
            tasks.append(ReferralTask(r, case, "Referral returned by the service: no contact made", True))
            continue
        check = code_state(r, now)
        if check.late_by is not None:
            tasks.append(ReferralTask(r, case, f"Referral overdue by {format_span(check.late_by)}: a breach of the Victims' Code",
                                      True, breach=True))
        elif check.state is CodeState.DUE_SOON:
            tasks.append(ReferralTask(r, case, f"Referral due soon: send by {format_instant(r.due_at)}", True))
        else:
            tasks.append(ReferralTask(r, case, f"Refer the victim to support: due by {format_instant(r.due_at)}", False))
    tasks += [ReferralTask(r, cases[r.case_id], "High risk: refer to MARAC", False) for r in marac]
    return sorted(tasks, key=lambda t: (not t.breach, not t.urgent))[:limit]


def _due_soon(query, limit: int):
    """The due-soon branch of referral_tasks' union. On PostgreSQL it is limited like the
    others: its planner then knows the union holds a few rows and reads those referrals by
    key (unlimited, it estimated thousands and hashed the whole referral and person tables
    against them: 28 ms of a dashboard at 10,000 cases). SQLite, told to order it, would walk
    ix_referral_status_due_at through every referral not yet due instead of the warning
    window's index, so there it stays whole. The outer query orders and limits either way."""
    if db.session.get_bind().dialect.name == "postgresql":
        return query.order_by(Referral.due_at, Referral.id).limit(limit)
    return query


def cases_by_id(case_ids, *, officer: bool = False) -> dict[int, Case]:
    """The cases behind a list of referrals or concerns, with their perpetrator (and their
    officer, for lists that show one) in one query, whatever the number, for lists that
    name the case."""
    ids = set(case_ids)
    if not ids:
        return {}
    loads = (joinedload(Case.perpetrator), *((joinedload(Case.officer_in_case),) if officer else ()))
    return {c.id: c for c in db.session.scalars(select(Case).where(Case.id.in_(ids)).options(*loads))}


def open_concern_on(case: Case, concern_id) -> ReferralConcern | None:
    """An open concern reported on `case` (a case the caller may read), or None: a breach
    recorded from it is pre-filled from what the caseworker reported."""
    if not str(concern_id or "").isdigit():
        return None
    return db.session.scalar(select(ReferralConcern).where(
        ReferralConcern.id == int(concern_id), ReferralConcern.case_id == case.id,
        ReferralConcern.status == ConcernStatus.OPEN))


def open_concerns(case_query, limit: int = 50) -> list[ReferralConcern]:
    """Possible breaches reported by caseworkers and not yet acted on (one query, plus one for cases)."""
    # The open concerns are few: read by status and each case tested by a correlated EXISTS,
    # rather than probing the index once per case the user may read.
    concerns = db.session.scalars(
        select(ReferralConcern).where(ReferralConcern.status == ConcernStatus.OPEN,
                                      case_is(case_query, ReferralConcern.case_id))
        .options(joinedload(ReferralConcern.referral).joinedload(Referral.service))
        .order_by(ReferralConcern.reported_at).limit(limit)
    ).all()
    return list(concerns)


def code_breaches(case_query, *, page: int, page_size: int = 50) -> tuple[list[Referral], int]:
    """Every referral that breached the Code, newest first, sent or not: they stay counted."""
    visible = case_query.with_only_columns(Case.id).scalar_subquery()
    where = (Referral.code_breach_at.is_not(None), Referral.case_id.in_(visible))
    total = db.session.scalar(select(func.count()).select_from(Referral).where(*where)) or 0
    rows = db.session.scalars(
        select(Referral).where(*where).options(selectinload(Referral.victim), selectinload(Referral.service))
        .order_by(Referral.code_breach_at.desc(), Referral.id.desc())
        .limit(page_size).offset((max(page, 1) - 1) * page_size)
    ).all()
    return list(rows), total

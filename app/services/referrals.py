"""Victim referrals, police side, the commands: created at service of the notice (or at the
authorising officer's refusal of it), completed
with V, sent to a support service, kept in step with the order; MARAC, returns and concerns.
Swept against the Victims' Code by referral_sweep; read by referral_queries.

Code of Practice for Victims of Crime in England and Wales (2020), Right 4: victims of
domestic abuse (entitled to enhanced rights) are referred to support services within two
working days, subject to their consent. Research with forces (seed 003) recommends the
referral at the notice, not waiting for the order, and even when the order is refused.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from app.domain import deadlines
from app.domain.calendar import Calendar
from app.domain.phones import InvalidMobile, uk_phone_e164
from app.domain.referral_snapshot import referral_content
from app.domain.referrals import Consent, ContactMethod, DayPart, needs_marac
from app.extensions import db
from app.models import (
    Case,
    CaseState,
    ConcernStatus,
    HearingOutcome,
    OrderStatus,
    Referral,
    ReferralConcern,
    ReferralStatus,
    SupportService,
    User,
)
from app.services import ValidationFailed, audit, change_once
from app.services.referral_queries import missing_for_sending
from app.services.referral_sweep import audit_code_breach
from app.services.transaction import commits, in_callers_transaction
from app.timeutil import utcnow

MAX_TEXT = 4000


@dataclass(frozen=True)
class ReferralSettings:
    """REFERRAL_WORKING_DAYS (the Code: 2 for enhanced rights) and REFERRAL_WARN_HOURS."""

    working_days: int = 2
    warn_hours: int = 4

    @classmethod
    def from_config(cls, config) -> ReferralSettings:
        return cls(working_days=int(config["REFERRAL_WORKING_DAYS"]), warn_hours=int(config["REFERRAL_WARN_HOURS"]))


# -- Creation and keeping in step with the order ----------------------------------------------


@in_callers_transaction
def create_for_served(actor: User, case: Case, calendar: Calendar, settings: ReferralSettings) -> list[Referral]:
    """One referral per victim, due `working_days` working days after service of the notice
    (Right 4; the day of service does not count). In the caller's transaction.

    A victim who already has one (made when an earlier application for the notice was
    refused) keeps it and its clock; its protection stage moves on to the served notice."""
    made = _create(actor, case, case.served_at, calendar, settings, stage="notice")
    sync_with_order(case, calendar, actor)
    return made


@in_callers_transaction
def create_for_refused(actor: User, case: Case, refused_at: datetime, calendar: Calendar,
                       settings: ReferralSettings) -> list[Referral]:
    """The authorising officer refused the notice: V is referred all the same (seed 003:
    "victims and survivors must be referred to support services even if a DVPN or DVPO is not
    granted"), one referral per victim, in the caller's transaction.

    The Code's clock starts at the refusal decision (`refused_at`), with the same rule as at
    service: due `working_days` working days after it, that day not counting. The refusal
    stands where service would have stood: it is the moment the notice stage ends and police
    know no notice will protect V, when a perpetrator told of the refusal may escalate, so
    support is needed then; it is a recorded, final fact that never moves. The incident would
    make the referral overdue for time spent deciding, and a later moment (a resubmission, a
    service that may never come) would leave V without the referral the research asks for.
    A victim who already has a referral (an earlier refusal) keeps it and its clock.
    """
    return _create(actor, case, refused_at, calendar, settings, stage="notice_refused")


@in_callers_transaction
def create_for_order_made_elsewhere(actor: User, case: Case, calendar: Calendar,
                                    settings: ReferralSettings) -> list[Referral]:
    """An order made elsewhere (DAA 2021 s.28, s.31; services.orders_elsewhere) was recorded:
    one referral per victim, awaiting V's consent exactly as at service of a notice (a
    declined referral is recorded, not sent). There is no notice, so the Code's clock starts
    when police recorded the order, the moment they know of it; the day does not count."""
    return _create(actor, case, utcnow(), calendar, settings, stage="order", trigger="order_made_elsewhere")


@in_callers_transaction
def create_for_added_victim(actor: User, case: Case, calendar: Calendar, settings: ReferralSettings) -> list[Referral]:
    """A victim added to the case by a correction (services.corrections) once its referrals
    exist: referred like the others, the Code's clock starting now, when police record them
    (the day not counting), at the stage the case's protection has reached."""
    made = _create(actor, case, utcnow(), calendar, settings, stage=protection_stage(case)[0], trigger="victim_added")
    sync_with_order(case, calendar, actor)
    return made


@in_callers_transaction
def follow_corrected_service(case: Case, wrong_served_at: datetime, calendar: Calendar,
                             settings: ReferralSettings) -> list[int]:
    """The time of service was corrected (services.service_correction): referrals made at
    service and still with police start from the corrected time; their due and warning
    instants are recomputed. Sent or declined referrals keep theirs, and a flagged breach of
    the Code is history and stays. Returns the ids moved."""
    moved = []
    for referral in db.session.scalars(
        select(Referral).where(Referral.case_id == case.id, Referral.status == ReferralStatus.AWAITING,
                               Referral.trigger_at == wrong_served_at)
    ):
        referral.trigger_at = case.served_at
        referral.due_at = deadlines.referral_due(case.served_at, referral.working_days, calendar)
        referral.warn_at = deadlines.referral_warning(referral.due_at, settings.warn_hours, calendar)
        moved.append(referral.id)
    return moved


def _create(actor: User, case: Case, start: datetime, calendar: Calendar, settings: ReferralSettings,
            *, stage: str, trigger: str | None = None) -> list[Referral]:
    made = []
    existing = {r.victim_id for r in db.session.scalars(select(Referral).where(Referral.case_id == case.id))}
    for victim in case.victims:
        if victim.id in existing:
            continue
        due = deadlines.referral_due(start, settings.working_days, calendar)
        referral = Referral(
            case_id=case.id, victim_id=victim.id, status=ReferralStatus.AWAITING, created_at=utcnow(),
            trigger_at=start, due_at=due, working_days=settings.working_days,
            warn_at=deadlines.referral_warning(due, settings.warn_hours, calendar),
            high_risk=needs_marac(case.risk_level.value), protection_stage=stage, safe_times=[], agreed_methods=[],
        )
        db.session.add(referral)
        made.append(referral)
    db.session.flush()
    for referral in made:
        audit.record(actor, "referral.created", case, referral=referral.id, due_at=referral.due_at.isoformat(),
                     trigger=trigger or ("notice_refused" if stage == "notice_refused" else "notice_served"))
    return made


def protection_stage(case: Case) -> tuple[str, datetime | None]:
    """Where the case's protection stands, for the referral: (stage, the order's end)."""
    order = case.order
    if order is not None:
        if order.in_force:
            return "order", order.ends_at
        ends = [t for t in (order.ended_at, order.ends_at) if t is not None]
        return ("discharged" if order.status is OrderStatus.DISCHARGED else "ended"), min(ends, default=None)
    outcomes = {h.outcome for h in case.hearings}
    if HearingOutcome.REFUSED in outcomes or case.state is CaseState.ORDER_REFUSED:
        return "refused", None
    if HearingOutcome.WITHDRAWN in outcomes or case.state is CaseState.WITHDRAWN:
        return "withdrawn", None
    if case.served_at is None:
        # A referral before service exists only because the authorising officer refused the notice.
        return "notice_refused", None
    return "notice", None


@in_callers_transaction
def sync_with_order(case: Case, calendar: Calendar, actor: User | None = None) -> None:
    """Keep the case's referrals' order end and stage current (order granted, varied,
    discharged, expired, or refused). In the caller's transaction; a refused order does not
    cancel a referral. `actor` is who recorded the court's decision (None: the expiry sweep)."""
    stage, ends_at = protection_stage(case)
    for referral in db.session.scalars(
        select(Referral).where(Referral.case_id == case.id).options(selectinload(Referral.attempts))
    ):
        if referral.protection_stage == stage and referral.order_ends_at == ends_at:
            continue
        referral.protection_stage, referral.order_ends_at = stage, ends_at
        referral.high_risk = referral.high_risk or needs_marac(case.risk_level.value)
        refresh_follow_up(referral, calendar)
        audit.record(actor, "referral.order_updated", case, referral=referral.id, stage=stage,
                     order_ends_at=ends_at.isoformat() if ends_at else None)


@in_callers_transaction
def refresh_follow_up(referral: Referral, calendar: Calendar) -> None:
    """A V who declined but agreed to a call near the end: the call is due two working days
    before the order ends (moves with a variation)."""
    agreed = any(a.call_near_end_agreed for a in referral.attempts)
    if agreed and referral.order_ends_at is not None and referral.protection_stage == "order":
        referral.follow_up_due_at = deadlines.follow_up_call_due(referral.order_ends_at, 2, calendar)
    elif not agreed:
        referral.follow_up_due_at = None


@in_callers_transaction
def refresh_due_dates(calendar: Calendar, settings: ReferralSettings) -> int:
    """Recompute the due and warning instants of referrals still with police and not yet
    overdue, when an admin changes the bank-holiday list (a new holiday is not a working
    day). Flagged breaches are history and stay. Returns how many moved."""
    now = utcnow()
    moved = 0
    for referral in db.session.scalars(
        select(Referral).where(Referral.status == ReferralStatus.AWAITING, Referral.due_at > now)
    ):
        due = deadlines.referral_due(referral.trigger_at, referral.working_days, calendar)
        warn = deadlines.referral_warning(due, settings.warn_hours, calendar)
        if (due, warn) != (referral.due_at, referral.warn_at):
            referral.due_at, referral.warn_at = due, warn
            moved += 1
    return moved


# -- What police complete with V ---------------------------------------------------------------


@dataclass
class ReferralDetails:
    consent: Consent | None = None
    consent_asked_at: datetime | None = None
    safe_number: str = ""
    safe_to_call: bool | None = None
    safe_times: list[DayPart] = field(default_factory=list)
    safe_times_notes: str = ""
    agreed_methods: list[ContactMethod] = field(default_factory=list)
    language: str = ""
    interpreter: bool | None = None
    other_needs: str = ""
    police_summary: str = ""


def _check_details(case: Case, details: ReferralDetails, now: datetime) -> tuple[dict[str, str], str | None]:
    errors: dict[str, str] = {}
    number = None
    if details.consent is None:
        errors["consent"] = "Say whether the victim consents to the referral"
    if details.consent in (Consent.CONSENTS, Consent.DECLINES):
        if details.consent_asked_at is None:
            errors["consent_asked_date"] = "Enter when the victim was asked"
        elif details.consent_asked_at > now:
            errors["consent_asked_date"] = "When the victim was asked cannot be in the future"
        elif details.consent_asked_at < case.incident_at:
            errors["consent_asked_date"] = "When the victim was asked cannot be before the incident"
    if details.safe_number.strip():
        try:
            number = uk_phone_e164(details.safe_number)
        except InvalidMobile as exc:
            errors["safe_number"] = str(exc)
    if details.consent is Consent.CONSENTS:
        if not details.safe_number.strip():
            errors["safe_number"] = "Enter a safe number to contact the victim on"
        if details.safe_to_call is None:
            errors["safe_to_call"] = "Say whether it is safe to call that number"
    # The columns' own sizes: a longer value would be refused by PostgreSQL (an error page, not a message).
    for name, value, limit in (("safe_times_notes", details.safe_times_notes, 200), ("language", details.language, 80),
                               ("other_needs", details.other_needs, MAX_TEXT),
                               ("police_summary", details.police_summary, MAX_TEXT)):
        if len((value or "").strip()) > limit:
            errors[name] = f"Keep this to {limit} characters"
    return errors, number


@commits
def save_details(actor: User, referral: Referral, case: Case, details: ReferralDetails) -> Referral:
    """Record what V said. "Declines" settles the referral at once, recorded and not sent;
    "could not be asked yet" keeps the Code's clock running."""
    if referral.status is not ReferralStatus.AWAITING:
        raise ValidationFailed({"": f"This referral is already {referral.status.label.lower()}: it cannot be changed"})
    now = utcnow()
    errors, number = _check_details(case, details, now)
    if errors:
        raise ValidationFailed(errors)
    referral.consent = details.consent
    referral.consent_asked_at = details.consent_asked_at if details.consent is not Consent.NOT_ASKED else None
    referral.safe_number = number
    referral.safe_to_call = details.safe_to_call
    referral.safe_times = [DayPart(p).value for p in details.safe_times]
    referral.safe_times_notes = details.safe_times_notes.strip() or None
    referral.agreed_methods = [ContactMethod(m).value for m in details.agreed_methods if ContactMethod(m).leaves_a_trace]
    referral.language = details.language.strip() or None
    referral.interpreter = details.interpreter
    referral.other_needs = details.other_needs.strip() or None
    referral.police_summary = details.police_summary.strip() or None
    referral.updated_by_id, referral.updated_at = actor.id, now
    audit.record(actor, "referral.details_saved", case, referral=referral.id, consent=details.consent.value)
    if details.consent is Consent.DECLINES:
        _settle(actor, referral, ReferralStatus.DECLINED, now)
        audit.record(actor, "referral.declined", case, referral=referral.id,
                     asked_at=details.consent_asked_at.isoformat())
    db.session.commit()
    return referral


@in_callers_transaction
def _settle(actor: User, referral: Referral, status: ReferralStatus, now: datetime,
            service_id: int | None = None) -> None:
    """Sent or declined, once: a second tab or a double-click cannot settle it twice."""
    values = {"status": status, "settled_at": now, "settled_by_id": actor.id}
    if service_id is not None:
        values["service_id"] = service_id
    change_once(
        update(Referral).where(Referral.id == referral.id, Referral.status == ReferralStatus.AWAITING).values(**values),
        "This referral has already been sent or declined",
    )
    db.session.refresh(referral)
    if now >= referral.due_at and referral.code_breach_at is None:
        _flag_breach(referral, now, settled=True)


@commits
def send(actor: User, referral: Referral, case: Case, service_id: int | None, calendar: Calendar) -> Referral:  # noqa: ARG001
    """Send the referral: what the service sees is fixed now (the content snapshot)."""
    if referral.status is not ReferralStatus.AWAITING:
        raise ValidationFailed({"": "This referral has already been sent or declined"})
    missing = missing_for_sending(referral)
    if missing:
        raise ValidationFailed({"": "Before sending, record " + ", ".join(missing)})
    service = db.session.get(SupportService, service_id) if service_id else None
    if service is None or not service.active:
        raise ValidationFailed({"service_id": "Choose the support service to send the referral to"})
    now = utcnow()
    content = referral_content(referral, case, now)
    _settle(actor, referral, ReferralStatus.SENT, now, service_id=service.id)
    referral.content = content
    audit.record(actor, "referral.sent", case, referral=referral.id, service=service.name,
                 late=referral.code_breach_at is not None)
    db.session.commit()
    return referral


# -- Police tasks on a referral ----------------------------------------------------------------


@commits
def record_marac(actor: User, referral: Referral, case: Case) -> None:
    """The high-risk case has been referred to MARAC (recorded once)."""
    if not referral.high_risk:
        raise ValidationFailed({"": "Only a high-risk case is referred to MARAC from here"})
    change_once(
        update(Referral).where(Referral.id == referral.id, Referral.marac_done_at.is_(None))
        .values(marac_done_at=utcnow(), marac_done_by_id=actor.id),
        "The MARAC referral is already recorded",
    )
    audit.record(actor, "referral.marac_recorded", case, referral=referral.id)
    db.session.commit()


@commits
def acknowledge_return(actor: User, referral: Referral, case: Case) -> None:
    if referral.status is not ReferralStatus.RETURNED:
        raise ValidationFailed({"": "This referral has not been returned to police"})
    change_once(
        update(Referral).where(Referral.id == referral.id, Referral.return_seen_at.is_(None))
        .values(return_seen_at=utcnow(), return_seen_by_id=actor.id),
        "The return has already been acknowledged",
    )
    audit.record(actor, "referral.return_acknowledged", case, referral=referral.id)
    db.session.commit()


@commits
def action_concern(actor: User, concern: ReferralConcern, case: Case, note: str) -> None:
    """An officer records what was done about a caseworker's concern (once)."""
    if not note.strip():
        raise ValidationFailed({"note": "Say what was done about the concern"})
    if len(note) > MAX_TEXT:
        raise ValidationFailed({"note": f"Keep this to {MAX_TEXT} characters"})
    change_once(
        update(ReferralConcern).where(ReferralConcern.id == concern.id, ReferralConcern.status == ConcernStatus.OPEN)
        .values(status=ConcernStatus.ACTIONED, actioned_by_id=actor.id, actioned_at=utcnow(), action_note=note.strip()),
        "This concern has already been dealt with",
    )
    audit.record(actor, "referral.concern_actioned", case, concern=concern.id)
    db.session.commit()


@in_callers_transaction
def _flag_breach(referral: Referral, now: datetime, *, settled: bool = False) -> None:
    """Record the breach of the Code on a referral being settled late (its row is ours)."""
    referral.code_breach_at = now
    late = (referral.settled_at if settled and referral.settled_at else now) - referral.due_at
    audit_code_breach(referral.id, referral.case_id, referral.due_at, late)



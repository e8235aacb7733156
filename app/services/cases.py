"""Opening a case and recording service of the DVPN."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from app.domain.calendar import LONDON, Calendar
from app.domain.clocks import HEARING_CLOCK
from app.domain.order_records import HearingAddressAnswer, address_answer, service_address_errors
from app.domain.people import age_on
from app.domain.regimes import RegimeCode, regime
from app.extensions import db
from app.models import AuditEntry, Case, CaseState, Person, PersonKind, RiskLevel, Role, User
from app.services import ValidationFailed, audit, referrals
from app.services.clock_cache import hearing_deadline_for, refresh_urgency
from app.services.referrals import ReferralSettings
from app.services.transaction import commits, in_callers_transaction
from app.timeutil import utcnow

DESCRIPTION_MAX = 1000  # P's physical description


@dataclass
class PersonDetails:
    full_name: str
    date_of_birth: date | None = None
    relationship: str | None = None
    description: str | None = None  # P's physical description (the visit page; never in a push or log)


@dataclass
class CaseDetails:
    perpetrator: PersonDetails
    victims: list[PersonDetails]
    children: list[PersonDetails] = field(default_factory=list)
    address_line_1: str = ""
    address_line_2: str = ""
    town: str = ""
    postcode: str = ""
    incident_at: datetime | None = None
    risk_level: RiskLevel = RiskLevel.STANDARD
    officer_in_case_id: int | None = None
    area: str = ""
    regime: RegimeCode = RegimeCode.DVPN


@commits
def open_case(actor: User, details: CaseDetails, *, force_code: str) -> Case:
    """Open a draft case. P's age is tested when the notice is authorised, not here: a notice may
    be issued only to a person 18 or over at that moment (CSA 2010 s.24(2); DAA 2021 s.22(6)),
    whatever P's age at the incident (see authorisation.decide)."""
    _check_case_details(details)
    now = utcnow()
    case = Case(
        state=CaseState.DRAFT,
        regime=details.regime,
        area=details.area,
        risk_level=details.risk_level,
        incident_at=details.incident_at,
        address_line_1=details.address_line_1.strip(),
        address_line_2=details.address_line_2.strip() or None,
        town=details.town.strip(),
        postcode=details.postcode.strip().upper(),
        officer_in_case_id=details.officer_in_case_id,
        created_by_id=actor.id,
        created_at=now,
    )
    case.people = [_person(PersonKind.PERPETRATOR, details.perpetrator, 0)]
    case.people += [_person(PersonKind.VICTIM, v, i) for i, v in enumerate(details.victims)]
    case.people += [_person(PersonKind.CHILD, c, i) for i, c in enumerate(details.children)]
    db.session.add(case)
    db.session.flush()
    case.reference = f"{force_code}-{now.astimezone(LONDON).year}-{case.id:05d}"
    audit.record(actor, "case.opened", case, reference=case.reference)
    db.session.commit()
    return case


def _person(kind: PersonKind, details: PersonDetails, position: int) -> Person:
    return Person(
        kind=kind,
        position=position,
        full_name=details.full_name.strip(),
        date_of_birth=details.date_of_birth,
        relationship_to_perpetrator=(details.relationship or None),
        description=((details.description or "").strip() or None) if kind is PersonKind.PERPETRATOR else None,
    )


def _check_case_details(details: CaseDetails) -> None:
    errors: dict[str, str] = {}
    now = utcnow()
    today = now.astimezone(LONDON).date()
    if details.incident_at is None:
        errors["incident_date"] = "Enter the date and time of the incident"
    elif details.incident_at > now:
        errors["incident_date"] = "The incident cannot be in the future"
    dob = details.perpetrator.date_of_birth
    if dob is None:
        errors["perpetrator_dob"] = "Enter the perpetrator's date of birth"
    elif dob > today:
        errors["perpetrator_dob"] = "The date of birth must be in the past"
    if len((details.perpetrator.description or "").strip()) > DESCRIPTION_MAX:
        errors["perpetrator_description"] = f"Keep the description under {DESCRIPTION_MAX:,} characters"
    # P's age is not tested here: what matters is P's age when the notice is issued (CSA 2010
    # s.24(2); DAA 2021 s.22(6)), so a P who turns 18 after the incident may be given one.
    # The application warns while P is under 18 and the decision refuses (authorisation.decide).
    if not details.victims:
        errors["victims"] = "Add the victim (the person the notice would protect)"
    min_victim_age = regime(details.regime).min_victim_age
    if min_victim_age and details.incident_at is not None:
        on = details.incident_at.astimezone(LONDON).date()
        for victim in details.victims:
            if victim.date_of_birth and age_on(victim.date_of_birth, on) < min_victim_age:
                errors["victims"] = (
                    f"Under the {regime(details.regime).notice} regime the person protected must be aged "
                    f"{min_victim_age} or over: {victim.full_name.strip()} was not"
                )
    officer = db.session.get(User, details.officer_in_case_id) if details.officer_in_case_id else None
    if officer is None or officer.role is not Role.OFFICER or not officer.active:
        errors["officer_in_case_id"] = "Choose the officer in the case"
    if errors:
        raise ValidationFailed(errors)


# A notice can only be served once an authorising officer has authorised it (CSA 2010 s.24(1)).
SERVABLE_STATES = (CaseState.AUTHORISED,)


@commits
def record_dvpn_served(
    actor: User,
    case: Case,
    *,
    served_at: datetime,
    window_hours: int,
    calendar: Calendar,
    address_for_hearing_notice: str = "",
    hearing_address_answer: HearingAddressAnswer | None = None,
    referral_settings: ReferralSettings,
) -> Case:
    """Record personal service of the DVPN on P (CSA 2010 s.25), which starts the s.27 clock.

    Service cannot be in the future or before the incident.  The hearing window (48, or 72
    where the force pilots it) is fixed on the case at service, so a later change of setting
    never moves a running deadline.

    On service P is asked for an address for the notice of the hearing (DAA 2021 s.25(4);
    CSA 2010 s.25): `hearing_address_answer` records what P said (given, refused, none);
    left out, an address written down counts as given and none as not recorded.
    """
    if case.state not in SERVABLE_STATES:
        raise ValidationFailed({"served_date": f"A case that is {case.state.label.lower()} cannot be served: "
                                               "the notice must be authorised first"})
    if served_at > utcnow():
        raise ValidationFailed({"served_date": "The time of service cannot be in the future"})
    if served_at < case.incident_at:
        raise ValidationFailed({"served_date": "The time of service cannot be before the incident"})
    errors = service_address_errors(hearing_address_answer, address_for_hearing_notice)
    if errors:
        raise ValidationFailed(errors)
    case.served_at = served_at
    case.served_by_id = actor.id
    case.hearing_window_hours = window_hours
    case.address_for_hearing_notice = address_for_hearing_notice.strip() or None
    case.hearing_address_answer = address_answer(hearing_address_answer, case.address_for_hearing_notice)
    case.hearing_deadline_at = hearing_deadline_for(case, calendar)
    case.state = CaseState.SERVED
    refresh_urgency(case, calendar)
    # The Victims' Code referral starts here, not at the order (seed 003).
    referrals.create_for_served(actor, case, calendar, referral_settings)
    audit.record(
        actor,
        "case.dvpn_served",
        case,
        served_at=served_at.isoformat(),
        hearing_deadline=case.hearing_deadline_at.isoformat(),
        window_hours=window_hours,
        # That an address was given, never the address itself.
        hearing_address=case.hearing_address_answer.value if case.hearing_address_answer else None,
    )
    db.session.commit()
    return case


@in_callers_transaction
def refresh_hearing_deadlines(calendar: Calendar) -> int:
    """Recompute the cached deadlines of every live case with a running clock.

    Called when an admin changes the bank-holiday list, because a new holiday moves
    hearing and breach deadlines that span it (`refresh_urgency` stores the open breaches'
    court deadlines).  Returns how many hearing deadlines changed.
    """
    changed = 0
    running = db.session.scalars(
        select(Case).where(Case.state.in_(CaseState.live()), Case.urgency_rank < 2)
    )
    for case in running:
        clocks = refresh_urgency(case, calendar)
        if case.served_at is not None:
            # The hearing clock already has the deadline while the hearing has not begun.
            deadline = next((c.deadline for c in clocks if c.name == HEARING_CLOCK), None) or hearing_deadline_for(case, calendar)
            if deadline != case.hearing_deadline_at:
                case.hearing_deadline_at = deadline
                changed += 1
    return changed


@commits
def record_case_viewed(actor: User, case: Case) -> None:
    """Every view of a case file is audited: who looked, and when."""
    audit.record(actor, "case.viewed", case)
    db.session.commit()


def case_timeline(case: Case) -> list[AuditEntry]:
    """What happened on the case, oldest first, from the audit log (views left out)."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.case_id == case.id, AuditEntry.action.not_like("%.viewed"))
            .order_by(AuditEntry.at, AuditEntry.id)
        )
    )

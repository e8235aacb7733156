"""Recording a DAPO made elsewhere: an order that did not start with a police notice.

A court may make a DAPO on application by V, the police, a person specified in regulations
or anyone with its leave (DAA 2021 s.28(2)(a)-(d)), or of its own motion in family,
criminal (on conviction or acquittal, or allowing an appeal) or civil proceedings
(s.31(2)-(7)). The police enforce and manage those orders as they do their own, so the
case starts with the order in force (`CaseState.ORDER_IN_FORCE`): no notice, application,
hearing window or bundle. What follows the grant of a police application follows here
too: the order's service on P (order_records.start_order_service), the text trial's
assessment, the dashboard's urgency and V's referral (order_change.after_order_change),
the referral created awaiting V's consent as at service of a notice
(referrals.create_for_order_made_elsewhere). See app/domain/order_origin.py.

The court's making of the order is kept as a `Hearing` with the outcome "granted" on the
day it was made, in the court that made it (the order belongs to a hearing), and the copy
of the order as a `Document` with the item key `order_copy`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.domain import deadlines
from app.domain.application import validate_section
from app.domain.calendar import LONDON, Calendar, london_midnight
from app.domain.dapo_requirements import Requirement as RequirementRecord
from app.domain.dapo_requirements import RequirementKind
from app.domain.order_origin import (
    OTHER_REQUIREMENT,
    CaseOrigin,
    OrderRoute,
    Requirement,
    requirement_errors,
    route_errors,
    victim_age_errors,
)
from app.domain.regimes import RegimeCode
from app.extensions import db
from app.models import (
    Case,
    CaseState,
    Document,
    Hearing,
    HearingOutcome,
    OrderStatus,
    PersonKind,
    ProtectionOrder,
    User,
)
from app.services import ValidationFailed, audit, order_requirements, referrals
from app.services.cases import CaseDetails, _check_case_details, _person
from app.services.order_change import after_order_change
from app.services.order_records import OrderSettings, start_order_service
from app.services.referrals import ReferralSettings
from app.services.reminders import TextSettings
from app.services.transaction import commits
from app.timeutil import utcnow

ORDER_COPY = "order_copy"  # the Document item key of the uploaded copy of the order
MAX_REVIEW_DATES = 10


@dataclass
class ElsewhereOrder:
    """What the officer records: the people and place as for a new case (`case`; its
    incident is the day the order was made, its regime the DAA 2021's), and the order."""

    case: CaseDetails
    court_name: str = ""
    made_on: date | None = None
    route: OrderRoute | None = None
    route_details: str = ""
    days: int | None = None
    until_further_order: bool = False
    review_dates: list[date] = field(default_factory=list)
    # The order's prohibitions and requirements (order_origin.Requirement), in the court's order.
    requirements: list[Requirement] = field(default_factory=list)
    victim_16_confirmed: bool = False
    # P's mobile or why there is none, in the application's phone-section shape
    # ({"has_mobile": True, "mobile_e164": ...} or {"has_mobile": False, "no_phone_reason": ...}).
    phone: dict = field(default_factory=dict)


def check(details: ElsewhereOrder, *, has_copy: bool) -> None:
    """ValidationFailed with every error, by field, or nothing. Called before the copy of
    the order is stored, and again by `record`."""
    now = utcnow()
    today = now.astimezone(LONDON).date()
    errors: dict[str, str] = {}
    if not details.court_name.strip():
        errors["court_name"] = "Enter the court that made the order"
    elif len(details.court_name.strip()) > 120:
        errors["court_name"] = "Keep this to 120 characters"
    if details.made_on is None:
        errors["made_on"] = "Enter the date the order was made"
    elif details.made_on > today:
        errors["made_on"] = "The date the order was made cannot be in the future"
    errors |= route_errors(details.route, details.route_details)
    errors |= _duration_errors(details, now)
    errors |= requirement_errors(details.requirements)
    details.case.regime = RegimeCode.DAPN
    details.case.incident_at = london_midnight(details.made_on) if details.made_on and details.made_on <= today else now
    try:
        _check_case_details(details.case)
    except ValidationFailed as exc:
        errors |= {k: v for k, v in exc.errors.items() if k not in ("incident_date", "victims")}
        if "victims" in exc.errors and not details.case.victims:
            errors["victims"] = exc.errors["victims"]
    errors |= victim_age_errors([(v.full_name, v.date_of_birth) for v in details.case.victims], details.made_on,
                                details.victim_16_confirmed)
    errors |= validate_section("phone", details.phone, None)
    if not has_copy:
        errors["order_copy"] = "Upload a copy of the order (PDF, JPEG or PNG)"
    if errors:
        raise ValidationFailed(errors)


def _duration_errors(details: ElsewhereOrder, now) -> dict[str, str]:
    """A DAPO has effect for a period or until further order (DAA 2021 s.38: see
    deadlines.dapo_end); an order whose period has already run out is not recorded."""
    if details.until_further_order:
        if details.days is not None:
            return {"days": "Give a number of days or until further order, not both"}
    elif details.days is None or details.days < 1:
        return {"days": "Enter how many days the order lasts, or choose until further order"}
    elif details.days > 36600:
        return {"days": "Enter a number of days up to 36,600, or choose until further order"}
    elif details.made_on is not None and deadlines.dapo_end(details.made_on, details.days) <= now:
        return {"days": "This order has already ended: there is nothing in force to record"}
    if len(details.review_dates) > MAX_REVIEW_DATES:
        return {"review_dates": f"Record up to {MAX_REVIEW_DATES} review dates"}
    if details.made_on is not None and any(d < details.made_on for d in details.review_dates):
        return {"review_dates": "A review date cannot be before the order was made"}
    return {}


@commits
def record(actor: User, details: ElsewhereOrder, order_copy, *, force_code: str, calendar: Calendar,
           texts: TextSettings, orders: OrderSettings, referral_settings: ReferralSettings) -> Case:
    """Open a case with the order made elsewhere in force. `order_copy` is the stored copy of
    the order (app.uploads.StoredFile, checked by content); the caller stores it after
    `check` and deletes it if this raises."""
    check(details, has_copy=order_copy is not None)
    now = utcnow()
    made_at = london_midnight(details.made_on)
    info = details.case
    case = Case(
        state=CaseState.ORDER_IN_FORCE, regime=RegimeCode.DAPN, origin=CaseOrigin.MADE_ELSEWHERE,
        order_route=details.route, order_route_details=details.route_details.strip() or None,
        origin_phone=details.phone, area=info.area, risk_level=info.risk_level, incident_at=made_at,
        address_line_1=info.address_line_1.strip(), address_line_2=info.address_line_2.strip() or None,
        town=info.town.strip(), postcode=info.postcode.strip().upper(), officer_in_case_id=info.officer_in_case_id,
        created_by_id=actor.id, created_at=now,
    )
    case.people = [_person(kind, person, i) for kind, group in ((PersonKind.PERPETRATOR, [info.perpetrator]),
                                                               (PersonKind.VICTIM, info.victims),
                                                               (PersonKind.CHILD, info.children))
                   for i, person in enumerate(group)]
    db.session.add(case)
    db.session.flush()
    case.reference = f"{force_code}-{now.astimezone(LONDON).year}-{case.id:05d}"
    # The court's making of the order, kept as its hearing: the order belongs to one.
    hearing = Hearing(court_name=details.court_name.strip(), starts_at=made_at, listed_by_id=actor.id, listed_at=now,
                      outcome=HearingOutcome.GRANTED, outcome_by_id=actor.id, outcome_at=now)
    case.hearings.append(hearing)
    db.session.flush()
    case.order = ProtectionOrder(
        hearing_id=hearing.id, made_on=details.made_on, days=None if details.until_further_order else details.days,
        ends_at=deadlines.dapo_end(details.made_on, None if details.until_further_order else details.days),
        review_dates=[d.isoformat() for d in sorted(details.review_dates)],
        conditions=[r.as_condition() for r in details.requirements], removal_not_granted=False,
        status=OrderStatus.IN_FORCE,
    )
    copy = Document(case_id=case.id, item_key=ORDER_COPY, original_name=order_copy.original_name,
                    stored_name=order_copy.stored_name, content_type=order_copy.content_type, size=order_copy.size,
                    sha256=order_copy.sha256, uploaded_by_id=actor.id, uploaded_at=now)
    db.session.add(copy)
    db.session.flush()
    # The same requirement records a DAPO granted on a police application has (the court
    # page, the hearing papers, variation and reports read them): the provisions as their
    # requirements, free text as a requirement in the court's words.
    order_requirements.add_at_grant(actor, case, case.order, _as_requirement_records(case, details.requirements),
                                    sorted(details.review_dates), now)
    start_order_service(case, case.order, hearing, orders)
    db.session.flush()
    # V's referral, awaiting her consent, as at service of a notice; then the order's end on it.
    referrals.create_for_order_made_elsewhere(actor, case, calendar, referral_settings)
    after_order_change(case, calendar=calendar, texts=texts, now=now, actor=actor, order_made=True, orders=orders)
    # Who applied is not copied into the audit: it may name a person.
    audit.record(actor, "case.order_made_elsewhere_recorded", case, reference=case.reference,
                 route=details.route.value, made_on=details.made_on.isoformat(),
                 days=case.order.days, until_further_order=case.order.days is None,
                 requirements=len(details.requirements), document=copy.id, sha256=order_copy.sha256)
    db.session.commit()
    return case


def _as_requirement_records(case: Case, requirements: list[Requirement]) -> list[RequirementRecord]:
    known = [r.as_condition() for r in requirements if r.kind != OTHER_REQUIREMENT]
    return order_requirements.from_conditions(case, known) + [
        RequirementRecord(kind=RequirementKind.OTHER_PROHIBITION, wording=r.text.strip())
        for r in requirements if r.kind == OTHER_REQUIREMENT]


def order_copy(case: Case) -> Document | None:
    """The uploaded copy of an order made elsewhere (the latest not removed)."""
    copies = [d for d in case.documents if d.item_key == ORDER_COPY and d.removed_at is None]
    return copies[-1] if copies else None

"""Recording the notice of the hearing to P, the order served on P, and V told of the order
(issue 12). The rules and the provisions they come from: app/domain/order_records.

Each command is one transaction with its audit entry. The audit says that an address was
given or how notice was given, never the address, and names no one beyond the user.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, select, update
from sqlalchemy.orm import joinedload

from app.domain.calendar import Calendar, london_midnight
from app.domain.geofence_rules import DEFAULT_RADIUS_METRES, DEFAULT_START_HOURS
from app.domain.order_records import (
    DEFAULT_ORDER_SERVICE_HOURS,
    EXPLAINED,
    HearingNoticeKind,
    HearingNoticeMethod,
    OrderServiceMethod,
    VictimToldMethod,
    address_answer,
    hearing_notice_errors,
    order_service_due,
    order_service_errors,
    victim_told_errors,
)
from app.extensions import db
from app.models import (
    Case,
    CaseState,
    Hearing,
    HearingNotice,
    OrderService,
    OrderStatus,
    Person,
    PersonKind,
    ProtectionOrder,
    User,
    VictimToldOfOrder,
)
from app.services import ValidationFailed, audit, change_once
from app.services.access import case_is
from app.services.clock_cache import refresh_urgency
from app.services.transaction import commits, in_callers_transaction
from app.timeutil import utcnow


@dataclass(frozen=True)
class OrderSettings:
    """The practice settings fixed on an order when it is made (seed 002, Greater Manchester):
    ORDER_SERVICE_HOURS, the target for serving it on P; GEOFENCE_RADIUS_METRES and
    GEOFENCE_START_HOURS, the geofence around V's address (services/geofences)."""

    service_hours: int = DEFAULT_ORDER_SERVICE_HOURS
    geofence_radius_metres: int = DEFAULT_RADIUS_METRES
    geofence_start_hours: int = DEFAULT_START_HOURS

    @classmethod
    def from_config(cls, config) -> OrderSettings:
        return cls(service_hours=int(config["ORDER_SERVICE_HOURS"]),
                   geofence_radius_metres=int(config["GEOFENCE_RADIUS_METRES"]),
                   geofence_start_hours=int(config["GEOFENCE_START_HOURS"]))


# -- 1. Notice of the hearing to P --------------------------------------------------------


# Until the application is decided P is to be given notice of the hearing; a record made
# after the decision is still history worth keeping, so any stage after service is allowed.
NOTICE_STATES = (CaseState.SERVED, CaseState.ORDER_IN_FORCE, CaseState.ORDER_REFUSED, CaseState.WITHDRAWN,
                 CaseState.ORDER_ENDED, CaseState.CLOSED)


@commits
def record_hearing_notice(
    actor: User, case: Case, *, kind: HearingNoticeKind | None, at: datetime | None,
    method: HearingNoticeMethod | None, details: str, by: str, efforts: str,
) -> HearingNotice:
    """Record a step in giving P notice of the hearing (DAA 2021 s.29(4)-(6); CSA 2010
    s.27): given (when, how, by whom), or not given with the reasonable efforts made where
    P gave no address on service. Steps are kept, never changed: a later one adds to them."""
    if case.state not in NOTICE_STATES or case.served_at is None:
        raise ValidationFailed({"": "Notice of the hearing follows service of the notice on P"})
    answer = address_answer(case.hearing_address_answer, case.address_for_hearing_notice)
    errors = hearing_notice_errors(kind=kind, answer=answer, at=at, method=method, details=details, by=by,
                                   efforts=efforts, served_at=case.served_at, now=utcnow())
    if errors:
        raise ValidationFailed(errors)
    given = kind is HearingNoticeKind.GIVEN
    step = HearingNotice(
        case_id=case.id, kind=kind, at=at, method=method if given else None,
        method_details=(details.strip() or None) if given else None, by_name=by.strip(),
        efforts=None if given else efforts.strip(), recorded_by_id=actor.id, recorded_at=utcnow(),
    )
    db.session.add(step)
    db.session.flush()
    detail = {"step": step.id, "kind": kind.value, "at": at.isoformat()}
    if given:
        detail["method"] = method.value
    audit.record(actor, "hearing_notice.recorded", case, **detail)
    db.session.commit()
    return step


def hearing_notice_status(case: Case) -> HearingNotice | None:
    """The step that stands: the latest notice given, else the latest efforts, else None."""
    steps = list(case.hearing_notices)
    given = [s for s in steps if s.kind is HearingNoticeKind.GIVEN]
    return (given or steps or [None])[-1]


# -- 2. The order served on P -------------------------------------------------------------


@in_callers_transaction
def start_order_service(case: Case, order: ProtectionOrder, hearing: Hearing, settings: OrderSettings) -> OrderService:
    """At the grant, in the caller's transaction: the order is to be served on P within the
    practice target, fixed now so that changing the setting never moves a running target.
    It counts from the start of the hearing at which the order was made (a grant is never
    recorded before it: court.decision_timing_errors)."""
    service = OrderService(case_id=case.id, order=order, granted_at=hearing.starts_at,
                           target_hours=settings.service_hours)
    db.session.add(service)
    return service


@commits
def record_order_served(
    actor: User, case: Case, *, served_at: datetime | None, served_by: str, method: OrderServiceMethod | None,
    details: str, calendar: Calendar,
) -> OrderService:
    """Record the order served on P (who, when, how), once; the practice clock stops."""
    order = case.order
    if order is None:
        raise ValidationFailed({"": "There is no order to serve"})
    service = order.service
    if service is None:
        # An order granted before targets were fixed: no target, the service is still recorded.
        service = OrderService(case_id=case.id, order=order, granted_at=_granted_at(case, order), target_hours=None)
        db.session.add(service)
        db.session.flush()
    errors = order_service_errors(at=served_at, by=served_by, method=method, details=details,
                                  made_at=london_midnight(order.made_on), now=utcnow())
    if errors:
        raise ValidationFailed(errors)
    change_once(
        update(OrderService).where(OrderService.id == service.id, OrderService.served_at.is_(None))
        .values(served_at=served_at, served_by=served_by.strip(), method=method,
                method_details=details.strip() or None, recorded_by_id=actor.id, recorded_at=utcnow()),
        "The order's service on P has already been recorded",
    )
    db.session.refresh(service)
    refresh_urgency(case, calendar)  # the practice clock stops
    due = order_service_due(service.granted_at, service.target_hours) if service.target_hours else None
    audit.record(actor, "order.served_on_p", case, served_at=served_at.isoformat(), method=method.value,
                 after_target=served_at > due if due else None)
    db.session.commit()
    return service


def _granted_at(case: Case, order: ProtectionOrder) -> datetime:
    """For an order granted before targets were fixed: the start of its hearing, or of the
    day it was made."""
    hearing = next((h for h in case.hearings if h.id == order.hearing_id), None)
    return hearing.starts_at if hearing is not None else london_midnight(order.made_on)


# -- 3. V told of the order ---------------------------------------------------------------


@commits
def record_victim_told(
    actor: User, case: Case, victim: Person, *, told_at: datetime | None, told_by: str,
    method: VictimToldMethod | None, details: str, explained: set[str], copy_given: bool | None,
) -> VictimToldOfOrder:
    """Record V told of the order (its conditions, its end, what to do on a breach), with
    whether a copy was given: once per victim per order (seeds 002 and 003)."""
    order = case.order
    if order is None:
        raise ValidationFailed({"": "There is no order to tell the victim about"})
    if victim.case_id != case.id or victim.kind is not PersonKind.VICTIM:
        raise ValidationFailed({"": "That person is not a victim in this case"})
    if any(t.victim_id == victim.id for t in order.victims_told):
        raise ValidationFailed({"": f"{victim.full_name} has already been recorded as told of the order"})
    errors = victim_told_errors(at=told_at, by=told_by, method=method, details=details, explained=explained,
                                copy_given=copy_given, made_at=london_midnight(order.made_on), now=utcnow())
    if errors:
        raise ValidationFailed(errors)
    told = VictimToldOfOrder(
        case_id=case.id, order=order, victim_id=victim.id, told_at=told_at, told_by=told_by.strip(),
        method=method, method_details=details.strip() or None, copy_given=copy_given,
        recorded_by_id=actor.id, recorded_at=utcnow(),
    )
    db.session.add(told)
    db.session.flush()
    audit.record(actor, "order.victim_told", case, victim=victim.id, told_at=told_at.isoformat(), method=method.value,
                 copy_given=copy_given, explained=[e.key for e in EXPLAINED])
    db.session.commit()
    return told


def victims_not_told(case: Case) -> list[Person]:
    """The victims not yet told of the case's order in force."""
    order = case.order_in_force
    if order is None:
        return []
    told = {t.victim_id for t in order.victims_told}
    return [v for v in case.victims if v.id not in told]


@dataclass(frozen=True)
class VictimTask:
    case: Case
    victim: Person


def victim_told_tasks(case_query, limit: int = 50) -> list[VictimTask]:
    """The dashboard's task, from the grant until recorded: victims of the cases in
    `case_query` (already scoped by access) with an order in force they have not been
    recorded as told of. Two queries whatever the number of cases."""
    not_told = ~exists().where(and_(VictimToldOfOrder.order_id == ProtectionOrder.id,
                                    VictimToldOfOrder.victim_id == Person.id))
    # The orders in force read oldest first from ix_protection_order_status_made_on, stopping after
    # `limit` victims; the case is joined by its key and tested by a correlated EXISTS, so the
    # planner does not start from every case with an order in force and sort them all.
    rows = db.session.execute(
        select(Case, Person).select_from(ProtectionOrder)
        .join(Case, Case.id == ProtectionOrder.case_id)
        .join(Person, and_(Person.case_id == ProtectionOrder.case_id, Person.kind == PersonKind.VICTIM))
        .where(ProtectionOrder.status == OrderStatus.IN_FORCE, not_told,
               case_is(case_query, ProtectionOrder.case_id, Case.state == CaseState.ORDER_IN_FORCE))
        .options(joinedload(Case.perpetrator))
        .order_by(ProtectionOrder.made_on, ProtectionOrder.case_id, Person.position)
        .limit(limit)
    ).all()
    return [VictimTask(case, victim) for case, victim in rows]


def case_victim(case: Case, victim_id: int) -> Person | None:
    """The case's victim with this id, or None."""
    return next((v for v in case.victims if v.id == victim_id), None)

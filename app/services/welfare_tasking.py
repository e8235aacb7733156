"""The supervisors' and inspectors' tasking view (issue 16): the live geofences of the orders
they oversee, each with its recurrence after a visit (the supervisor's for the order, or the
force's setting), the one proposed from the case's risk, and when a snoozed one re-arms; the
alerts waiting; the visits done lately. A fixed number of statements however many orders."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import selectinload

from app.domain.geofence_rules import GeofenceState
from app.domain.welfare_rules import armed_at, proposed_recurrence_days, visits_since
from app.extensions import db
from app.models import Case, Geofence, GeofenceAlert, Role, User, WelfareVisit
from app.services import welfare_recurrence
from app.services.access import visible_cases

TASKING_ROLES = (Role.SUPERVISOR, Role.INSPECTOR)


def tasking_cases(user: User) -> Select:
    """The cases whose orders the user oversees: those they may read, and for a supervisor
    or inspector of an area, that area's."""
    cases = visible_cases(user)
    return cases.where(Case.area == user.area) if user.area else cases


@dataclass(frozen=True)
class LiveGeofence:
    fence: Geofence
    case: Case
    recurrence_days: int  # how many days a visit snoozes it
    set_for_order: bool  # a supervisor chose it (else the force's setting)
    proposed_days: int  # what the case's risk level proposes
    rearms_at: datetime | None  # snoozed by a visit until then (None: armed)


@dataclass
class Tasking:
    live: list[LiveGeofence]
    waiting: list[GeofenceAlert]
    visits: list[WelfareVisit]


def tasking(case_query: Select, now: datetime, days: int, setting: timedelta) -> Tasking:
    """The live geofences of the cases in `case_query` (with their recurrence and when each
    re-arms after a visit), the alerts waiting, and the visits done in the last `days` days."""
    cases = case_query.with_only_columns(Case.id).scalar_subquery()
    open_fences = db.session.execute(
        select(Geofence, Case).join(Case, Case.id == Geofence.case_id)
        .where(Geofence.case_id.in_(cases), Geofence.ended_at.is_(None)).order_by(Case.reference)).tuples().all()
    live_fences = [(fence, case) for fence, case in open_fences if fence.state_at(now) is GeofenceState.LIVE]
    snoozes = welfare_recurrence.snoozes((fence.order_id for fence, _ in live_fences), setting)
    setting_days = setting.days
    live = []
    for fence, case in live_fences:
        snooze = snoozes[fence.order_id]
        live.append(LiveGeofence(fence, case, recurrence_days=snooze.recurrence.days,
                                 set_for_order=snooze.order_days is not None,
                                 proposed_days=proposed_recurrence_days(case.risk_level, setting_days),
                                 rearms_at=armed_at(snooze.last_visit_done_at, snooze.recurrence, now)))
    waiting = list(db.session.scalars(
        select(GeofenceAlert).where(GeofenceAlert.case_id.in_(cases), GeofenceAlert.closed_at.is_(None))
        .options(selectinload(GeofenceAlert.officer), selectinload(GeofenceAlert.case))
        .order_by(GeofenceAlert.raised_at)))
    visits = list(db.session.scalars(
        select(WelfareVisit).where(WelfareVisit.case_id.in_(cases),
                                   and_(WelfareVisit.checked_out_at.is_not(None),
                                        WelfareVisit.checked_out_at >= visits_since(now, days)))
        .options(selectinload(WelfareVisit.officer), selectinload(WelfareVisit.case))
        .order_by(WelfareVisit.checked_out_at.desc())))
    return Tasking(live=live, waiting=waiting, visits=visits)

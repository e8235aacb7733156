"""Geofence alerts and welfare visits (issue 16, "Alerts, visits and the audit trail"; seed 002).

- `raise_alerts(position, settings)`, registered as a locations.after_record hook by
  create_app: a position inside a live geofence raises an alert for the device's officer,
  in the position's transaction, unless a visit done there (V seen and spoken to) is less
  than WELFARE_VISIT_SNOOZE_DAYS old. One open alert per (geofence, officer): an open one
  is kept, and the partial unique index refuses a second from a concurrent request.
- the officer's steps on their own alert: `acknowledge`, `check_in` (time, and the position
  typed or the device's latest), `check_out` with the report. A visit done (V seen and
  spoken to) closes the alert for every officer who got it: the others are told they are not
  needed. P present: a possible breach, for the breach flow at once.
- `visit_page_viewed`: the visit page (the order's conditions, V, the address, P) is the one
  view of a case an officer of another area gets, for their alert only: every view audited.
- reading: an officer's alerts, the per-order trail of check-ins and check-outs, tasking.

Nothing here logs a position, a coordinate or a name.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.domain import geo
from app.domain.geofence_rules import GeofenceState
from app.domain.welfare_rules import BadVisitReport, VisitReport, alerts_at, snoozed_until, visit_report
from app.extensions import db
from app.models import (
    AlertClosedReason,
    Case,
    DevicePosition,
    Geofence,
    GeofenceAlert,
    Role,
    User,
    VisitEventKind,
    WelfareVisit,
    WelfareVisitEvent,
)
from app.services import ValidationFailed, audit, geofences, locations
from app.services.transaction import commits, in_callers_transaction
from app.timeutil import utcnow

PATROL_ROLES = (Role.OFFICER,)
TASKING_ROLES = (Role.SUPERVISOR, Role.INSPECTOR)
CLOSED_SHOWN_FOR = timedelta(hours=24)  # closed alerts stay on the patrol page this long


class AlertClosed(Exception):
    """The alert was closed (a visit done by someone, or the order ended) before this step."""


# -- Raising ---------------------------------------------------------------------------------


def listen() -> None:
    """Match every new position to the live geofences (create_app calls this)."""
    locations.after_record(raise_alerts)


def last_visit_done_at(order_id: int) -> datetime | None:
    return db.session.scalar(select(func.max(WelfareVisit.checked_out_at)).where(
        WelfareVisit.order_id == order_id, WelfareVisit.victim_spoken_to.is_(True)))


@in_callers_transaction
def raise_alerts(position: DevicePosition, settings: locations.LocationSettings) -> list[GeofenceAlert]:
    """The alerts a new position raises (in the position's transaction). A mock location
    (the device says a mock-location app made it) raises none: it is no evidence of where
    the officer is."""
    if position.mock:
        return []
    raised = []
    for fence in geofences.live_containing(position.latitude, position.longitude, position.recorded_at):
        if not alerts_at(last_visit_done_at(fence.order_id), position.recorded_at, settings.welfare_snooze):
            continue
        if _open_alert(fence.id, position.user_id) is not None:
            continue
        alert = GeofenceAlert(geofence_id=fence.id, case_id=fence.case_id, officer_id=position.user_id,
                              device_id=position.device_id, raised_at=position.recorded_at,
                              latitude=position.latitude, longitude=position.longitude)
        try:
            with db.session.begin_nested():
                db.session.add(alert)
        except IntegrityError:  # raised a moment ago by a concurrent report of the same officer
            continue
        audit.record(None, "welfare.alert_raised", db.session.get(Case, fence.case_id), alert=alert.id,
                     geofence=fence.id, officer=position.user_id)
        raised.append(alert)
    return raised


def _open_alert(geofence_id: int, officer_id: int) -> GeofenceAlert | None:
    return db.session.scalar(select(GeofenceAlert).where(GeofenceAlert.geofence_id == geofence_id,
                                                         GeofenceAlert.officer_id == officer_id,
                                                         GeofenceAlert.closed_at.is_(None)))


# -- The officer's own alerts ------------------------------------------------------------------


def alert_for(officer: User, alert_id: int) -> GeofenceAlert | None:
    """The officer's own alert with this id (None for anyone else's)."""
    if officer.role not in PATROL_ROLES:
        return None
    return db.session.scalar(select(GeofenceAlert).where(GeofenceAlert.id == alert_id,
                                                         GeofenceAlert.officer_id == officer.id))


def open_alerts(officer: User) -> list[GeofenceAlert]:
    return list(db.session.scalars(
        select(GeofenceAlert).where(GeofenceAlert.officer_id == officer.id, GeofenceAlert.closed_at.is_(None))
        .options(selectinload(GeofenceAlert.geofence)).order_by(GeofenceAlert.raised_at.desc())))


def recently_closed(officer: User, now: datetime) -> list[GeofenceAlert]:
    return list(db.session.scalars(
        select(GeofenceAlert).where(GeofenceAlert.officer_id == officer.id,
                                    GeofenceAlert.closed_at >= now - CLOSED_SHOWN_FOR)
        .order_by(GeofenceAlert.closed_at.desc())))


def open_visit(alert: GeofenceAlert) -> WelfareVisit | None:
    return db.session.scalar(select(WelfareVisit).where(WelfareVisit.alert_id == alert.id,
                                                        WelfareVisit.checked_out_at.is_(None)))


def _still_open(alert: GeofenceAlert) -> None:
    db.session.refresh(alert)
    if alert.closed_at is not None:
        raise AlertClosed(alert.closed_reason.label if alert.closed_reason else "closed")


@commits
def acknowledge(officer: User, alert: GeofenceAlert) -> None:
    _own(officer, alert)
    _still_open(alert)
    if alert.acknowledged_at is None:
        alert.acknowledged_at = utcnow()
        audit.record(officer, "welfare.alert_acknowledged", _case(alert), alert=alert.id)
    db.session.commit()


@commits
def check_in(officer: User, alert: GeofenceAlert, *, latitude: str = "", longitude: str = "",
             from_device: bool = False) -> WelfareVisit:
    """The officer is at the address: the time, and where they are (typed in decimal degrees,
    the work device's latest position, or not given). Acknowledges the alert too."""
    _own(officer, alert)
    _still_open(alert)
    if open_visit(alert) is not None:
        raise ValidationFailed({"": "You have already checked in for this alert: check out when you leave"})
    point, source = _where(alert, latitude, longitude, from_device)
    now = utcnow()
    fence = alert.geofence
    visit = WelfareVisit(geofence_id=fence.id, case_id=fence.case_id, order_id=fence.order_id, alert_id=alert.id,
                         officer_id=officer.id, checked_in_at=now, check_in_source=source,
                         check_in_latitude=point.latitude if point else None,
                         check_in_longitude=point.longitude if point else None)
    db.session.add(visit)
    db.session.flush()
    alert.acknowledged_at = alert.acknowledged_at or now
    db.session.add(WelfareVisitEvent(visit_id=visit.id, case_id=fence.case_id, kind=VisitEventKind.CHECKED_IN,
                                     officer_id=officer.id, at=now, latitude=visit.check_in_latitude,
                                     longitude=visit.check_in_longitude))
    audit.record(officer, "welfare.checked_in", _case(alert), alert=alert.id, visit=visit.id, position=source)
    db.session.commit()
    return visit


def _where(alert: GeofenceAlert, latitude: str, longitude: str, from_device: bool):
    typed = bool((latitude or "").strip() or (longitude or "").strip())
    if typed and from_device:
        raise ValidationFailed({"latitude": "Type the position or take the device's, not both"})
    if typed:
        try:
            return geo.parse_degrees(latitude, longitude), "typed"
        except geo.NotAPlace as exc:
            raise ValidationFailed({"latitude": str(exc)}) from None
    if from_device:
        latest = locations.latest_position(alert.device_id)
        if latest is None:
            raise ValidationFailed({"from_device": "The work device has no position stored: type it, or leave it out"})
        return geo.Point(latest.latitude, latest.longitude), "device"
    return None, None


@commits
def check_out(officer: User, alert: GeofenceAlert, *, spoken_to: str | None, wellbeing: str | None,
              p_present: str | None, concerns: str | None, follow_up: str | None) -> WelfareVisit:
    """The officer leaves, with the report. V seen and spoken to: the visit is done, and the
    alert closes for every officer who got it (the geofence is snoozed). P present: a
    possible breach (audited; the breach flow is offered at once)."""
    _own(officer, alert)
    visit = open_visit(alert)
    if visit is None:
        raise ValidationFailed({"": "Check in before you check out"})
    try:
        report = visit_report(spoken_to=spoken_to, wellbeing=wellbeing, p_present=p_present, concerns=concerns,
                              follow_up=follow_up)
    except BadVisitReport as exc:
        raise ValidationFailed(exc.errors) from None
    now = utcnow()
    _record_report(visit, report, now)
    case = _case(alert)
    db.session.add(WelfareVisitEvent(visit_id=visit.id, case_id=visit.case_id, kind=VisitEventKind.CHECKED_OUT,
                                     officer_id=officer.id, at=now, report=report.as_record()))
    audit.record(officer, "welfare.checked_out", case, alert=alert.id, visit=visit.id,
                 victim_spoken_to=report.victim_spoken_to, p_present=report.p_present)
    if report.victim_spoken_to:
        closed = _close_for_everyone(alert, now)
        audit.record(officer, "welfare.alerts_closed", case, visit=visit.id, alerts=closed)
    if report.p_present:
        audit.record(officer, "welfare.possible_breach", case, visit=visit.id)
    db.session.commit()
    return visit


def _record_report(visit: WelfareVisit, report: VisitReport, now: datetime) -> None:
    visit.checked_out_at = now
    visit.victim_spoken_to, visit.wellbeing, visit.p_present = report.victim_spoken_to, report.wellbeing, report.p_present
    visit.concerns, visit.follow_up = report.concerns, report.follow_up


def _close_for_everyone(alert: GeofenceAlert, now: datetime) -> list[int]:
    """Compare-and-set: only alerts still open are closed, so two visits finishing at once
    close each alert once."""
    others = db.session.execute(
        update(GeofenceAlert).where(GeofenceAlert.geofence_id == alert.geofence_id, GeofenceAlert.closed_at.is_(None),
                                    GeofenceAlert.id != alert.id)
        .values(closed_at=now, closed_reason=AlertClosedReason.DONE_BY_ANOTHER)
        .returning(GeofenceAlert.id)).scalars().all()
    db.session.execute(update(GeofenceAlert).where(GeofenceAlert.id == alert.id, GeofenceAlert.closed_at.is_(None))
                       .values(closed_at=now, closed_reason=AlertClosedReason.VISIT_DONE))
    db.session.expire(alert)
    return sorted([alert.id, *others])


def _own(officer: User, alert: GeofenceAlert) -> None:
    if officer.role not in PATROL_ROLES or alert.officer_id != officer.id:
        raise PermissionError("an officer acts only on their own alerts")


def _case(alert: GeofenceAlert) -> Case:
    return db.session.get(Case, alert.case_id)


@commits
def visit_page_viewed(officer: User, alert: GeofenceAlert, *, across_districts: bool) -> None:
    """Every view of an alert's visit page is audited (for an officer of another area, the
    one view of the case they get)."""
    _own(officer, alert)
    audit.record(officer, "welfare.visit_page_viewed", _case(alert), alert=alert.id,
                 across_districts=across_districts)
    db.session.commit()


def across_districts(officer: User, case: Case) -> bool:
    """The case is outside the officer's area (and not theirs): the visit page only."""
    return bool(officer.area) and case.area != officer.area and case.officer_in_case_id != officer.id


def snoozed_until_for(fence: Geofence, snooze: timedelta) -> datetime | None:
    return snoozed_until(last_visit_done_at(fence.order_id), snooze)


# -- The per-order trail, and tasking -------------------------------------------------------


def trail(case: Case) -> list[tuple[WelfareVisitEvent, WelfareVisit]]:
    """Every check-in and check-out on the case, oldest first, each with its visit."""
    return list(db.session.execute(
        select(WelfareVisitEvent, WelfareVisit).join(WelfareVisit, WelfareVisit.id == WelfareVisitEvent.visit_id)
        .where(WelfareVisitEvent.case_id == case.id)
        .options(selectinload(WelfareVisitEvent.officer)).order_by(WelfareVisitEvent.at, WelfareVisitEvent.id)
    ).tuples())


def visit_of(case: Case, visit_id) -> WelfareVisit | None:
    """A visit of this case at which P was present (for the breach form's pre-fill)."""
    try:
        visit_id = int(visit_id)
    except (TypeError, ValueError):
        return None
    return db.session.scalar(select(WelfareVisit).where(WelfareVisit.id == visit_id, WelfareVisit.case_id == case.id,
                                                        WelfareVisit.p_present.is_(True)))


@dataclass
class Tasking:
    live: list[tuple[Geofence, Case, datetime | None]]  # the geofence, its case, snoozed until
    waiting: list[GeofenceAlert]
    visits: list[WelfareVisit]


def tasking(case_query, now: datetime, days: int, snooze: timedelta) -> Tasking:
    """For supervisors and inspectors: the live geofences of the cases they may read (with
    when each re-arms after a visit), the alerts waiting, and the visits done in the last
    `days` days."""
    cases = case_query.with_only_columns(Case.id).scalar_subquery()
    open_fences = db.session.execute(
        select(Geofence, Case).join(Case, Case.id == Geofence.case_id)
        .where(Geofence.case_id.in_(cases), Geofence.ended_at.is_(None)).order_by(Case.reference)).tuples().all()
    live = [(fence, case, snoozed_until_for(fence, snooze)) for fence, case in open_fences
            if fence.state_at(now) is GeofenceState.LIVE]
    waiting = list(db.session.scalars(
        select(GeofenceAlert).where(GeofenceAlert.case_id.in_(cases), GeofenceAlert.closed_at.is_(None))
        .options(selectinload(GeofenceAlert.officer), selectinload(GeofenceAlert.case))
        .order_by(GeofenceAlert.raised_at)))
    visits = list(db.session.scalars(
        select(WelfareVisit).where(WelfareVisit.case_id.in_(cases),
                                   and_(WelfareVisit.checked_out_at.is_not(None),
                                        WelfareVisit.checked_out_at >= now - timedelta(days=days)))
        .options(selectinload(WelfareVisit.officer), selectinload(WelfareVisit.case))
        .order_by(WelfareVisit.checked_out_at.desc())))
    return Tasking(live=live, waiting=waiting, visits=visits)

"""The welfare visit an alert prompts (issue 16; seed 002): the officer's steps on their own
alert, and the audited view of its visit page.

- `acknowledge`, `check_in` (time, and the position typed or the device's latest),
  `check_out` with the report. A visit done (V seen and spoken to) closes the alert for
  every officer who got it: the others are told they are not needed. P present: a possible
  breach, for the breach flow at once.
- `visit_page_viewed`: the visit page (the order's conditions, V, the address, P and P's
  description) is the one view of a case an officer of another area gets, for their alert
  only: every view audited.

Nothing here logs a position, a coordinate or a name.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from app.domain import geo
from app.domain.welfare_rules import BadVisitReport, VisitReport, visit_report
from app.extensions import db
from app.models import AlertClosedReason, Case, GeofenceAlert, User, VisitEventKind, WelfareVisit, WelfareVisitEvent
from app.services import ValidationFailed, audit, locations
from app.services.patrol_alerts import PATROL_ROLES
from app.services.transaction import commits
from app.timeutil import utcnow


class AlertClosed(Exception):
    """The alert was closed (a visit done by someone, or the order ended) before this step."""


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

"""Raising geofence alerts (issue 16, "Alerts, visits and the audit trail"; seed 002).

`raise_alerts(position, settings)`, registered as a locations.after_record hook by
create_app: a position inside a live geofence raises an alert for the device's officer, in
the position's transaction, unless a visit done there (V seen and spoken to) is more recent
than the order's recurrence (services/welfare_recurrence: the supervisor's days for the
order, else WELFARE_VISIT_SNOOZE_DAYS). One open alert per (geofence, officer): an open one
is kept, and the partial unique index refuses a second from a concurrent request.

The rest of the welfare code, one job a module: the officer's own alerts (`patrol_alerts`),
the visit's steps (`welfare_visits`), the per-order trail (`welfare_trail`), the
supervisor's recurrence per order (`welfare_recurrence`) and tasking (`welfare_tasking`).
Nothing here logs a position, a coordinate or a name.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.domain.welfare_rules import alerts_at
from app.extensions import db
from app.models import Case, DevicePosition, GeofenceAlert
from app.services import audit, geofences, locations, welfare_recurrence
from app.services.transaction import in_callers_transaction


def listen() -> None:
    """Match every new position to the live geofences (create_app calls this)."""
    locations.after_record(raise_alerts)


@in_callers_transaction
def raise_alerts(position: DevicePosition, settings: locations.LocationSettings) -> list[GeofenceAlert]:
    """The alerts a new position raises (in the position's transaction). A mock location
    (the device says a mock-location app made it) raises none: it is no evidence of where
    the officer is."""
    if position.mock:
        return []
    fences = geofences.live_containing(position.latitude, position.longitude, position.recorded_at)
    if not fences:
        return []
    snoozes = welfare_recurrence.snoozes({f.order_id for f in fences}, settings.welfare_snooze)
    raised = []
    for fence in fences:
        snooze = snoozes[fence.order_id]
        if not alerts_at(snooze.last_visit_done_at, position.recorded_at, snooze.recurrence):
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

"""An officer's own geofence alerts, for the patrol page (issue 16): the open ones, those
closed lately (with why), and one alert by id, only ever the officer's own."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.domain.welfare_rules import closed_shown_since
from app.extensions import db
from app.models import GeofenceAlert, Role, User

PATROL_ROLES = (Role.OFFICER,)


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
    """The officer's alerts closed in the last 24 hours (welfare_rules.CLOSED_SHOWN_FOR)."""
    return list(db.session.scalars(
        select(GeofenceAlert).where(GeofenceAlert.officer_id == officer.id,
                                    GeofenceAlert.closed_at >= closed_shown_since(now))
        .order_by(GeofenceAlert.closed_at.desc())))

"""Geofence alerts and the welfare visits they prompt (issue 16, "Alerts, visits and the
audit trail"; seed 002).

- `GeofenceAlert`: a work device reported a position inside a live geofence, so its officer
  is asked to make a welfare visit. At most one open alert per (geofence, officer): a
  partial unique index (`closed_at IS NULL`) on both databases, so repeated reports and
  concurrent requests raise no second one. Closed when a visit is done (for every officer
  who got it), or when the geofence ends.
- `WelfareVisit`: one officer's visit at the order's address: checked in (time, and the
  position typed or taken from the device), checked out with the report.
- `WelfareVisitEvent`: the check-in and the check-out as append-only rows (the database
  refuses UPDATE and DELETE): the per-order trail shown on the case page and the printout.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.audit import append_only
from app.models.device import WorkDevice
from app.models.geofence import Geofence
from app.models.types import UTCDateTime
from app.models.user import User, enum_column


class AlertClosedReason(enum.StrEnum):
    VISIT_DONE = "visit_done"  # this officer did the visit, V seen and spoken to
    DONE_BY_ANOTHER = "done_by_another"  # another officer did: this one is not needed
    GEOFENCE_ENDED = "geofence_ended"  # the order ended, was varied or discharged, or the address changed

    @property
    def label(self) -> str:
        return {"visit_done": "Visit done", "done_by_another": "Visit done by another officer: you are not needed",
                "geofence_ended": "The order's geofence ended"}[self.value]


class GeofenceAlert(db.Model):
    __tablename__ = "geofence_alert"
    __table_args__ = (
        # One open alert per geofence and officer, whatever the number of reports.
        Index("uq_geofence_alert_open", "geofence_id", "officer_id", unique=True,
              sqlite_where=text("closed_at IS NULL"), postgresql_where=text("closed_at IS NULL")),
        # An officer's patrol page: their open alerts, and those closed lately.
        Index("ix_geofence_alert_officer_closed", "officer_id", "closed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    geofence_id: Mapped[int] = mapped_column(ForeignKey("geofence.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    device_id: Mapped[int] = mapped_column(ForeignKey("work_device.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Where the device was (positions are deleted after LOCATION_RETENTION_HOURS: the alert
    # keeps the point that raised it, not a reference to the position).
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_reason: Mapped[AlertClosedReason | None] = mapped_column(enum_column(AlertClosedReason, length=24))
    # Web Push (services/push.py, from the scheduler, after the alert's commit): when the
    # alert's push was claimed, and the "not needed" push for one closed by another's visit.
    pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    stood_down_pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    geofence: Mapped[Geofence] = relationship()
    officer: Mapped[User] = relationship()
    device: Mapped[WorkDevice] = relationship()
    case: Mapped[Case] = relationship(viewonly=True)  # noqa: F821

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class PushSubscription(db.Model):
    """A work device's browser subscribed to Web Push (the patrol page, on a registered
    device: its identifier proves it). One per endpoint; pushes go to the subscriptions of the
    alerted officer's devices that are not revoked."""

    __tablename__ = "push_subscription"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("work_device.id"), index=True)
    endpoint: Mapped[str] = mapped_column(Text, unique=True)
    p256dh: Mapped[str] = mapped_column(String(128))
    auth: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The push service answered 404 or 410: the subscription is gone, never used again.
    gone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    device: Mapped[WorkDevice] = relationship()


class WelfareVisit(db.Model):
    __tablename__ = "welfare_visit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    geofence_id: Mapped[int] = mapped_column(ForeignKey("geofence.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("protection_order.id", ondelete="CASCADE"), index=True)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("geofence_alert.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime)
    check_in_latitude: Mapped[float | None] = mapped_column(Float)
    check_in_longitude: Mapped[float | None] = mapped_column(Float)
    check_in_source: Mapped[str | None] = mapped_column(String(16))  # typed, device, or None (not given)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    victim_spoken_to: Mapped[bool | None] = mapped_column(Boolean)
    wellbeing: Mapped[str | None] = mapped_column(Text)
    p_present: Mapped[bool | None] = mapped_column(Boolean)
    concerns: Mapped[str | None] = mapped_column(Text)
    follow_up: Mapped[str | None] = mapped_column(Text)

    officer: Mapped[User] = relationship()
    alert: Mapped[GeofenceAlert | None] = relationship(foreign_keys=[alert_id])
    case: Mapped[Case] = relationship(viewonly=True)  # noqa: F821

    @property
    def done(self) -> bool:
        """Checked out with V seen and spoken to: the visit that closes alerts and snoozes the geofence."""
        return self.checked_out_at is not None and bool(self.victim_spoken_to)


class VisitEventKind(enum.StrEnum):
    CHECKED_IN = "checked_in"
    CHECKED_OUT = "checked_out"

    @property
    def label(self) -> str:
        return {"checked_in": "Checked in", "checked_out": "Checked out"}[self.value]


class WelfareVisitEvent(db.Model):
    """A check-in or check-out, as it was recorded: never changed, never deleted."""

    __tablename__ = "welfare_visit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("welfare_visit.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    kind: Mapped[VisitEventKind] = mapped_column(enum_column(VisitEventKind, length=16))
    officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    # The check-out's report as recorded (spoken to, wellbeing, P present, concerns, follow-up).
    report: Mapped[dict | None] = mapped_column(JSON)

    officer: Mapped[User] = relationship()


append_only(WelfareVisitEvent, "check-ins and check-outs of welfare visits")

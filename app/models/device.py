"""Officers' work devices and the positions they report (issue 16, "Work devices and where they are").

A device's identifier is its credential: long and random, shown once when it is registered,
stored only as its SHA-256 (app/services/devices.py), so a copy of the database gives no one
a device's credential. Positions are personal data about an officer: kept for
LOCATION_RETENTION_HOURS, then deleted in batches by the scheduler
(services/locations.purge_expired).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime
from app.models.user import User


class WorkDevice(db.Model):
    __tablename__ = "work_device"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    # SHA-256 of the identifier, in hex: what a report's identifier is looked up by.
    identifier_hash: Mapped[str] = mapped_column(String(64), unique=True)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    registered_by: Mapped[User | None] = relationship(foreign_keys=[registered_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


# SQLite's rowid must be INTEGER; PostgreSQL's ids need 64 bits (a thousand devices reporting
# every 10 seconds use up 2^31 ids in under a year, deletions or not).
POSITION_ID = BigInteger().with_variant(Integer(), "sqlite")


class DevicePosition(db.Model):
    __tablename__ = "device_position"
    __table_args__ = (
        # The latest position of a device is the last entry of its range in this index, and a
        # report sent twice (the client retries when an answer is lost) is stored once.
        UniqueConstraint("device_id", "recorded_at", name="uq_device_position_device_id_recorded_at"),
        # The retention purge deletes from the oldest end of this index.
        Index("ix_device_position_recorded_at", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(POSITION_ID, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("work_device.id"))
    # The officer the device was registered to, so a position says whose it is on its own.
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the device's time of the fix
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    speed_mps: Mapped[float | None] = mapped_column(Float)
    heading_deg: Mapped[float | None] = mapped_column(Float)
    altitude_m: Mapped[float | None] = mapped_column(Float)
    battery_percent: Mapped[float | None] = mapped_column(Float)
    charging: Mapped[bool | None] = mapped_column(Boolean)
    moving: Mapped[bool | None] = mapped_column(Boolean)
    # Made by a mock-location app, as the device says: never evidence of where the officer was.
    mock: Mapped[bool] = mapped_column(Boolean, default=False)

    device: Mapped[WorkDevice] = relationship()

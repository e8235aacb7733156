"""Geofences around the victim's address while an order is in force (issue 16; seed 002).

One geofence per order per protected address: made when the order is made, re-made when
the address to be protected changes, ended when the order ends (services/geofences). Its
coordinates come from the force's geocoder or an officer; `geofence_cell` is the spatial
index (domain/geo.cover): the H3 cells that could hold a point inside the circle, kept only
while the geofence is open and located, so a lookup by cell never reads history.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.geofence_rules import EndReason, GeofenceFacts, GeofenceState, state_at
from app.extensions import db
from app.models.types import UTCDateTime
from app.models.user import User, enum_column

# Open geofences with no place yet (the index's predicate, as migration 18c0geounloc0 wrote it).
UNLOCATED = text("ended_at IS NULL AND latitude IS NULL")


class Geofence(db.Model):
    __tablename__ = "geofence"
    __table_args__ = (
        # Open geofences (flask geofences list, the case page): ended_at IS NULL.
        Index("ix_geofence_ended_at_live_from", "ended_at", "live_from"),
        # The geocoding job: open, unlocated geofences whose next try is due.
        Index("ix_geofence_geocode_after", "geocode_after"),
        # The dashboard's "needs a location": open, unlocated geofences, oldest first, read in
        # this order and stopped after the lines shown: SQLite reads the first (migration
        # 18b0taskidx00), PostgreSQL the partial one (18c0geounloc0).
        Index("ix_geofence_ended_at_latitude", "ended_at", "latitude", "created_at", "id"),
        Index("ix_geofence_unlocated", "created_at", "id", sqlite_where=UNLOCATED, postgresql_where=UNLOCATED),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("protection_order.id", ondelete="CASCADE"), index=True)
    # The address (the case's lines, joined) this geofence protects: a corrected address is
    # another geofence.
    address: Mapped[str] = mapped_column(Text)
    radius_metres: Mapped[int] = mapped_column(Integer)
    # Fixed when made: the order's making plus GEOFENCE_START_HOURS (changing the setting
    # never moves a running geofence); until the order's end (None: until further order).
    live_from: Mapped[datetime] = mapped_column(UTCDateTime)
    live_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # V does not want extra visits (Case.welfare_visits_wanted is False): never live.
    visits_declined: Mapped[bool] = mapped_column(Boolean, default=False)

    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    # geocoder, officer (latitude and longitude typed), grid_reference, or demo.
    location_source: Mapped[str | None] = mapped_column(String(16))
    grid_reference: Mapped[str | None] = mapped_column(String(32))
    located_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    located_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The geocoder: when to try next (None: nothing to try), tries, and the last outcome
    # ("not_found": the officer must enter it; "unavailable": tried again later).
    geocode_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    geocode_attempts: Mapped[int] = mapped_column(Integer, default=0)
    geocode_outcome: Mapped[str | None] = mapped_column(String(16))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[EndReason | None] = mapped_column(enum_column(EndReason, length=24))

    located_by: Mapped[User | None] = relationship()
    case: Mapped[Case] = relationship(viewonly=True)  # noqa: F821

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def state_at(self, at: datetime) -> GeofenceState:
        return state_at(GeofenceFacts(located=self.located, visits_declined=self.visits_declined,
                                      live_from=self.live_from, live_until=self.live_until, ended_at=self.ended_at), at)


class GeofenceCell(db.Model):
    """One H3 cell (domain/geo.CELL_RESOLUTION) of an open, located geofence's cover. The
    primary key leads with the cell, so a point's lookup is one index range."""

    __tablename__ = "geofence_cell"

    cell: Mapped[str] = mapped_column(String(16), primary_key=True)
    geofence_id: Mapped[int] = mapped_column(ForeignKey("geofence.id", ondelete="CASCADE"), primary_key=True,
                                             index=True)

"""When a geofence around V's address is live, and what it is waiting for.

Practice, not law (seed 002, Greater Manchester): every order gets a geofence around the
victim's address; it goes live 72 hours after the order is made, so the district can make
the first visit and give V a copy of the order before officers nearby are prompted, and it
stays live until the order ends. Victims who do not want extra visits get none.

Pure: times are arguments.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_RADIUS_METRES = 200
DEFAULT_START_HOURS = 72
MAX_START_HOURS = 24 * 14


class GeofenceState(enum.StrEnum):
    NEEDS_LOCATION = "needs_location"  # no coordinates yet: the geocoder or an officer must give them
    VISITS_DECLINED = "visits_declined"  # V does not want extra visits: never live
    PENDING = "pending"  # located, waiting for its start
    LIVE = "live"
    ENDED = "ended"

    @property
    def label(self) -> str:
        return {
            "needs_location": "Needs a location", "visits_declined": "Not live: the victim does not want extra visits",
            "pending": "Waiting to go live", "live": "Live", "ended": "Ended",
        }[self.value]


class EndReason(enum.StrEnum):
    ORDER_EXPIRED = "order_expired"
    ORDER_DISCHARGED = "order_discharged"
    ORDER_ENDED = "order_ended"  # no order in force for another reason
    ADDRESS_CHANGED = "address_changed"

    @property
    def label(self) -> str:
        return {
            "order_expired": "the order expired", "order_discharged": "the order was discharged",
            "order_ended": "the order is no longer in force", "address_changed": "the address to be protected changed",
        }[self.value]


def live_from(order_made_at: datetime, start_hours: int) -> datetime:
    """The geofence goes live this many elapsed hours after the order was made."""
    if order_made_at.tzinfo is None:
        raise ValueError("order_made_at must be timezone-aware")
    if not 0 <= start_hours <= MAX_START_HOURS:
        raise ValueError(f"start_hours must be 0 to {MAX_START_HOURS}")
    return order_made_at + timedelta(hours=start_hours)


@dataclass(frozen=True)
class GeofenceFacts:
    located: bool
    visits_declined: bool
    live_from: datetime
    live_until: datetime | None  # the order's end; None: until further order
    ended_at: datetime | None


def state_at(facts: GeofenceFacts, at: datetime) -> GeofenceState:
    """What the geofence is at `at` (an ended geofence stays ended)."""
    if facts.ended_at is not None and facts.ended_at <= at:
        return GeofenceState.ENDED
    if facts.live_until is not None and at >= facts.live_until:
        return GeofenceState.ENDED
    if not facts.located:
        return GeofenceState.NEEDS_LOCATION
    if facts.visits_declined:
        return GeofenceState.VISITS_DECLINED
    if at < facts.live_from:
        return GeofenceState.PENDING
    return GeofenceState.LIVE


def geocode_retry_after(attempts: int) -> timedelta:
    """After a geocoder that did not answer: 1, 2, 4 ... minutes, at most 6 hours apart."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))

"""When a geofence is live (app/domain/geofence_rules)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.geofence_rules import GeofenceFacts, GeofenceState, geocode_retry_after, live_from, state_at

MADE = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
START = live_from(MADE, 72)
END = MADE + timedelta(days=14)


def facts(**overrides) -> GeofenceFacts:
    values = {"located": True, "visits_declined": False, "live_from": START, "live_until": END, "ended_at": None}
    return GeofenceFacts(**(values | overrides))


def test_live_72_hours_after_the_order_until_its_end():
    assert START == datetime(2026, 11, 19, 10, 0, tzinfo=UTC)
    assert state_at(facts(), START - timedelta(seconds=1)) is GeofenceState.PENDING
    assert state_at(facts(), START) is GeofenceState.LIVE
    assert state_at(facts(), END - timedelta(seconds=1)) is GeofenceState.LIVE
    assert state_at(facts(), END) is GeofenceState.ENDED
    assert state_at(facts(live_until=None), END + timedelta(days=400)) is GeofenceState.LIVE


def test_never_live_without_a_place_or_against_the_victims_wishes():
    assert state_at(facts(located=False), START) is GeofenceState.NEEDS_LOCATION
    assert state_at(facts(visits_declined=True), START) is GeofenceState.VISITS_DECLINED


def test_ended_early():
    ended = START + timedelta(hours=1)
    assert state_at(facts(ended_at=ended), ended) is GeofenceState.ENDED
    assert state_at(facts(ended_at=ended), ended - timedelta(seconds=1)) is GeofenceState.LIVE


def test_live_from_needs_an_aware_time_and_a_sensible_delay():
    with pytest.raises(ValueError):
        live_from(MADE.replace(tzinfo=None), 72)
    with pytest.raises(ValueError):
        live_from(MADE, -1)


def test_geocoder_retries_back_off_to_six_hours():
    assert [geocode_retry_after(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert geocode_retry_after(30) == timedelta(hours=6)

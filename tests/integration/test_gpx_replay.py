"""Replaying made-up patrol routes (GPX, read with gpxpy) through /locations/osmand over
real HTTP, against the app served by a werkzeug server in a thread, as Traccar Client
would send them (issue 16, "Proof"): alerts only for live geofences, at the right distance,
not before 72 hours, not within 7 days of a visit done, closed for every officer when one
completes the visit."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

import gpxpy
import gpxpy.gpx
import pytest
import requests
from sqlalchemy import select
from werkzeug.serving import make_server

from app.domain import geo
from app.extensions import db
from app.models import AlertClosedReason, GeofenceAlert, Role
from app.services import geofences, welfare_visits
from app.timeutil import set_frozen, utcnow
from tests.integration.alerts_support import HOME, build_scene, east_of, make_patrol
from tests.integration.factories import granted_case

STEP_METRES = 40
STEP_SECONDS = 10


def patrol_route(start: datetime, centre: geo.Point = HOME) -> str:
    """A GPX track driven west to east along the latitude of `centre`, from 1 km before it
    to 1 km after, a fix every 40 metres and 10 seconds (about 9 mph)."""
    gpx = gpxpy.gpx.GPX()
    track = gpxpy.gpx.GPXTrack(name="Made-up patrol")
    segment = gpxpy.gpx.GPXTrackSegment()
    for n, offset in enumerate(range(-1000, 1001, STEP_METRES)):
        point = east_of(centre, offset)
        segment.points.append(gpxpy.gpx.GPXTrackPoint(point.latitude, point.longitude, elevation=40,
                                                      time=start + timedelta(seconds=n * STEP_SECONDS)))
    track.segments.append(segment)
    gpx.tracks.append(track)
    return gpx.to_xml()


@pytest.fixture
def server(app):
    served = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{served.server_port}"
    served.shutdown()
    thread.join(timeout=10)
    served.server_close()


def replay(server: str, patrol, xml: str) -> list[geo.Point]:
    """Send every fix of the track, as Traccar Client for Android does (a POST with the
    query string, timestamp in seconds); the clock stands just after the track's end."""
    points = [p for track in gpxpy.parse(xml).tracks for seg in track.segments for p in seg.points]
    set_frozen(points[-1].time + timedelta(seconds=30))
    db.session.commit()
    with requests.Session() as http:
        for p in points:
            params = {"id": patrol.identifier, "lat": f"{p.latitude:.7f}", "lon": f"{p.longitude:.7f}",
                      "timestamp": str(int(p.time.timestamp())), "speed": "8.7", "accuracy": "6"}
            response = http.post(f"{server}/locations/osmand", params=params, timeout=10)
            assert response.status_code == 200, response.text
    db.session.commit()
    return [geo.Point(p.latitude, p.longitude) for p in points]


def alerts_of(officer) -> list[GeofenceAlert]:
    db.session.commit()
    return list(db.session.scalars(select(GeofenceAlert).where(GeofenceAlert.officer_id == officer.id)
                                   .order_by(GeofenceAlert.id)))


def first_inside(points: list[geo.Point], start: datetime, centre: geo.Point, radius: int) -> datetime:
    n = next(i for i, p in enumerate(points) if geo.within(centre, radius, p))
    return start + timedelta(seconds=n * STEP_SECONDS)


def test_replayed_patrols_raise_alerts_as_greater_manchester_learned(app, server, make_user):
    scene = build_scene(make_user)
    fence = scene.fence
    # A second order nearby (700 m east, on the route) whose geofence is not live: V declined visits.
    other_owner = make_user(Role.OFFICER, area="North")
    declined = granted_case(other_owner, area="North")
    far_point = east_of(HOME, 700)
    geofences.set_location(other_owner, declined, latitude=f"{far_point.latitude}", longitude=f"{far_point.longitude}")
    geofences.record_wishes(other_owner, declined, wants="no")

    # Before the geofence is live (within 72 hours of the order): nothing.
    early = fence.live_from - timedelta(hours=2)
    replay(server, scene.north, patrol_route(early))
    assert alerts_of(scene.north.officer) == []

    # Live: one alert, raised at the first fix within 200 metres, and none for the declined order.
    start = fence.live_from + timedelta(hours=3)
    points = replay(server, scene.north, patrol_route(start))
    [alert] = alerts_of(scene.north.officer)
    assert alert.geofence_id == fence.id
    assert alert.raised_at == first_inside(points, start, HOME, fence.radius_metres)
    # The first fix inside the circle: less than one step (40 m) inside its edge.
    assert fence.radius_metres - STEP_METRES - 1 < geo.distance_metres(HOME, geo.Point(alert.latitude, alert.longitude)) <= 200
    second = start + timedelta(minutes=20)
    replay(server, scene.south, patrol_route(second))
    [south_alert] = alerts_of(scene.south.officer)

    # One officer's visit closes the alert for both.
    welfare_visits.check_in(scene.north.officer, alert, from_device=True)
    welfare_visits.check_out(scene.north.officer, alert, spoken_to="yes", wellbeing="Well; reassured.", p_present="no",
                     concerns="", follow_up="")
    done_at = utcnow()
    db.session.refresh(south_alert)
    assert south_alert.closed_reason is AlertClosedReason.DONE_BY_ANOTHER

    # Within 7 days of the visit: no alert for anyone, even a third officer.
    third = make_patrol(make_user(Role.ADMIN), make_user(Role.OFFICER, area="North"))
    replay(server, third, patrol_route(done_at + timedelta(days=6, hours=23)))
    replay(server, scene.south, patrol_route(done_at + timedelta(days=6, hours=23, minutes=30)))
    assert alerts_of(third.officer) == [] and len(alerts_of(scene.south.officer)) == 1

    # Re-armed 7 days after the visit.
    replay(server, third, patrol_route(done_at + timedelta(days=7, minutes=5)))
    [rearmed] = alerts_of(third.officer)
    assert rearmed.geofence_id == fence.id and rearmed.closed_at is None

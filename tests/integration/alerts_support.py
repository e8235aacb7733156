"""A live geofence, officers with work devices, and reports sent through /locations/osmand
as Traccar Client sends them (query parameters), for the alert and patrol tests."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pyproj import Geod
from sqlalchemy import select

from app.domain import geo
from app.extensions import db
from app.models import Case, Geofence, GeofenceAlert, Role, User
from app.services import devices, geofences
from app.timeutil import set_frozen, utcnow
from tests.integration.conftest import ClientRequest, keep_session_alive, login
from tests.integration.factories import granted_case

HOME = geo.Point(53.480950, -2.236850)
P_DESCRIPTION = "Tall, shaved head, tattoo of a swallow on the left hand; drives a red Ford Transit"


def east_of(point: geo.Point, metres: float) -> geo.Point:
    lon, lat, _ = Geod(ellps="WGS84").fwd(point.longitude, point.latitude, 90, metres)
    return geo.Point(lat, lon)


@dataclass
class Patrol:
    officer: User
    identifier: str
    device_id: int


@dataclass
class Scene:
    case: Case
    fence: Geofence
    owner: User
    north: Patrol  # an officer of the case's area
    south: Patrol  # an officer of another area


def make_patrol(admin: User, officer: User) -> Patrol:
    registered = devices.register(admin, officer, "Work phone")
    return Patrol(officer, registered.identifier, registered.device.id)


def build_scene(make_user) -> Scene:
    admin = make_user(Role.ADMIN)
    owner = make_user(Role.OFFICER, area="North")
    case = granted_case(owner, area="North")
    case.perpetrator.description = P_DESCRIPTION  # for the visit page; never in a push or a log
    db.session.commit()
    geofences.set_location(owner, case, latitude=f"{HOME.latitude}", longitude=f"{HOME.longitude}")
    fence = geofences.open_geofence(case)
    north = make_patrol(admin, make_user(Role.OFFICER, area="North"))
    south = make_patrol(admin, make_user(Role.OFFICER, area="South"))
    return Scene(case, fence, owner, north, south)


def report(client, patrol: Patrol, point: geo.Point, at: datetime | None = None, **extra):
    """One report, as Traccar Client for Android sends it (a POST with the query string)."""
    at = at or utcnow() - timedelta(seconds=5)
    params = {"id": patrol.identifier, "lat": f"{point.latitude:.7f}", "lon": f"{point.longitude:.7f}",
              "timestamp": str(int(at.timestamp())), "accuracy": "8.0", **extra}
    db.session.commit()  # the test's own reads start afresh after the request (SQLite's snapshot)
    response = client.post("/locations/osmand", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    db.session.commit()
    return response


def all_alerts() -> list[GeofenceAlert]:
    return list(db.session.scalars(select(GeofenceAlert).order_by(GeofenceAlert.id)))


def go_live(scene: Scene, after: timedelta = timedelta(hours=1)) -> None:
    set_frozen(scene.fence.live_from + after)


def signed_in(app, user) -> ClientRequest:
    """`user` logged in on a client of their own, their session kept alive across clock jumps."""
    client = app.test_client()
    assert login(client, user).status_code == 302
    keep_session_alive(client, utcnow())
    return ClientRequest(client)

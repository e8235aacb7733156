"""Positions from officers' work devices at /locations/osmand, in the shapes Traccar Client
and the OsmAnd protocol really send (app/domain/osmand.py says where each was read):

- GET with query parameters (the OsmAnd protocol; the Traccar server's decoder tests);
- POST with everything in the query string and no body (Traccar Client for Android before 9,
  ProtocolFormatter.kt and RequestManager.kt: HttpURLConnection, method POST);
- a form POST (curl -d; the server reads the body as parameters when the URL has none);
- POST application/json, `{"location": {...}, "device_id": "..."}` (Traccar Client 9, the
  flutter_background_geolocation plugin and its locationTemplate, "_" field included).

Unknown, revoked and deactivated devices, and garbage, get a 4xx and store nothing; no
answer is ever a 500 (a hypothesis fuzz); the retention job deletes old positions on the
controlled clock.
"""
from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app import timeutil
from app.extensions import db
from app.jobs import purge_positions
from app.models import AuditEntry, DevicePosition, Role
from app.services import accounts, devices, locations, users
from tests.integration.conftest import DEFAULT_NOW

URL = "/locations/osmand"
NOW_SECONDS = int(DEFAULT_NOW.timestamp())
# What Traccar Client for Android (before 9) sends with its POST: HttpURLConnection's headers.
ANDROID_HEADERS = {"User-Agent": "Dalvik/2.1.0 (Linux; U; Android 13; SM-A546B Build/TP1A.220624.014)",
                   "Accept": "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2", "Connection": "keep-alive"}
# Traccar Client 9 on Android: the plugin's OkHttp client posting JSON.
CLIENT_9_HEADERS = {"User-Agent": "okhttp/4.12.0", "Accept-Encoding": "gzip"}


@pytest.fixture
def phone(app, make_user):
    """An officer's registered work device: (identifier, device, officer)."""
    officer = make_user(Role.OFFICER)
    registered = devices.register(make_user(Role.ADMIN), officer, "Work phone")
    return registered.identifier, registered.device, officer


def positions() -> list[DevicePosition]:
    return list(db.session.scalars(select(DevicePosition).order_by(DevicePosition.id)))


def client_9_body(identifier: str, *, at: datetime = DEFAULT_NOW - timedelta(seconds=30), latitude=53.4794892,
                  longitude=-2.2451148, **location) -> dict:
    """A body exactly as Traccar Client 9's locationTemplate renders it, "_" field and all."""
    stamp = at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    body = {
        "location": {
            "timestamp": stamp,
            "coords": {"latitude": latitude, "longitude": longitude, "accuracy": 5, "speed": 2.5, "heading": -1,
                       "altitude": 38},
            "is_moving": True, "odometer": 1532, "event": "", "battery": {"level": 0.79, "is_charging": False},
            "activity": {"type": "in_vehicle"}, "extras": {},
            "_": f"&id={identifier}&lat={latitude}&lon={longitude}&timestamp={stamp}&",
        },
        "device_id": identifier,
    }
    body["location"].update(location)
    return body


def post_json(client, body, *, content_type="application/json"):
    return client.post(URL, data=json.dumps(body, separators=(",", ":")), content_type=content_type,
                       headers=CLIENT_9_HEADERS)


# ------------------------------------------------------------------ the shapes clients send


def test_a_get_with_query_parameters_is_stored_and_answered_as_traccar_does(client, phone):
    identifier, device, officer = phone
    response = client.get(f"{URL}?id={identifier}&lat=53.4794892&lon=-2.2451148&timestamp={NOW_SECONDS - 60}"
                          "&hdop=6.0&altitude=224.0&speed=10.0&bearing=90.5&accuracy=12&batt=87&charge=true")
    assert response.status_code == 200 and response.get_data() == b""
    assert "Set-Cookie" not in response.headers  # a device API: no session
    [position] = positions()
    assert (position.device_id, position.user_id) == (device.id, officer.id)
    assert position.recorded_at == DEFAULT_NOW - timedelta(seconds=60) and position.received_at == DEFAULT_NOW
    assert (position.latitude, position.longitude) == (53.4794892, -2.2451148)
    assert math.isclose(position.speed_mps, 10 * 1852 / 3600)  # the protocol's speed is in knots
    assert (position.heading_deg, position.altitude_m, position.accuracy_m) == (90.5, 224.0, 12.0)
    assert (position.battery_percent, position.charging, position.mock) == (87.0, True, False)


def test_traccar_client_for_android_posts_the_query_with_no_body(client, phone):
    identifier, _device, _officer = phone
    # ProtocolFormatter.kt's parameters in its order, the timestamp in seconds.
    query = (f"id={identifier}&timestamp={NOW_SECONDS - 5}&lat=51.5007292&lon=-0.1246254&speed=0.0&bearing=0.0"
             "&altitude=31.100000381469727&accuracy=0.0&batt=64.0&mock=true")
    response = client.post(f"{URL}?{query}", headers=ANDROID_HEADERS)
    assert response.status_code == 200 and response.get_data() == b""
    [position] = positions()
    assert (position.latitude, position.longitude, position.battery_percent) == (51.5007292, -0.1246254, 64.0)
    assert position.mock is True and position.recorded_at == DEFAULT_NOW - timedelta(seconds=5)


def test_a_form_post_and_other_timestamps(client, phone):
    identifier, _device, _officer = phone
    base = {"deviceid": identifier, "location": "53.48,-2.24"}
    for stamp in (str((NOW_SECONDS - 10) * 1000), "2026-11-16T09:59:40Z", "2026-11-16T09:59:30.250+00:00"):
        response = client.post(URL, data=base | {"timestamp": stamp})  # application/x-www-form-urlencoded
        assert response.status_code == 200, response.get_data(as_text=True)
    assert [p.recorded_at for p in positions()] == [
        DEFAULT_NOW - timedelta(seconds=10), DEFAULT_NOW - timedelta(seconds=20),
        DEFAULT_NOW - timedelta(seconds=29, microseconds=750_000)]
    assert {(p.latitude, p.longitude) for p in positions()} == {(53.48, -2.24)}


def test_without_a_timestamp_the_position_is_taken_as_made_when_it_arrived(client, phone):
    identifier, _device, _officer = phone
    assert client.post(URL, data={"id": identifier, "lat": "53.4", "lon": "-2.2"}).status_code == 200
    assert [p.recorded_at for p in positions()] == [DEFAULT_NOW]


def test_traccar_client_9_posts_json(client, phone):
    identifier, device, _officer = phone
    response = post_json(client, client_9_body(identifier))
    assert response.status_code == 200 and response.get_data() == b""
    assert "Set-Cookie" not in response.headers
    [position] = positions()
    assert position.device_id == device.id and position.recorded_at == DEFAULT_NOW - timedelta(seconds=30)
    assert (position.latitude, position.longitude, position.accuracy_m, position.altitude_m) == (
        53.4794892, -2.2451148, 5.0, 38.0)
    assert position.speed_mps == 2.5  # JSON speed is in m/s
    assert position.heading_deg is None  # -1: not known
    assert (position.battery_percent, position.charging, position.moving, position.mock) == (79.0, False, True, False)


def test_traccar_client_9_json_as_the_server_s_tests_have_it(client, phone):
    """Two bodies from the Traccar server's OsmAndProtocolDecoderTest (iOS, mock location, with
    uuid, age, floor: null, unknown battery; and an Android one), with this device's id and
    times within the retention period, and a charset on the content type."""
    identifier, _device, _officer = phone
    ios = {"location": {"extras": {}, "mock": True, "coords": {
        "speed_accuracy": -1, "speed": -1, "longitude": -122.406417, "ellipsoidal_altitude": 0, "floor": None,
        "heading_accuracy": -1, "latitude": 37.785834000000001, "accuracy": 5, "altitude_accuracy": -1, "altitude": 0,
        "heading": -1}, "is_moving": False, "age": 188, "odometer": 0, "uuid": "2FB04C65-99CF-42AB-8DD3-EBCB4B108BF8",
        "event": "motionchange", "battery": {"level": -1, "is_charging": False},
        "activity": {"type": "unknown", "confidence": 100}, "timestamp": "2026-11-16T09:11:30.579Z"},
        "device_id": identifier}
    android = {"location": {"event": "motionchange", "is_moving": False, "uuid": "0e9a2473-a9a7-4c00-997b-fb97d2154e75",
                            "timestamp": "2026-11-16T08:06:34.444Z", "odometer": 0, "coords": {
                                "latitude": -6.1148096, "longitude": 106.6837015, "accuracy": 3.8, "speed": 18.67,
                                "speed_accuracy": 0.26, "heading": 63, "heading_accuracy": 0.28, "altitude": 35.7,
                                "altitude_accuracy": 3.8},
                            "activity": {"type": "still", "confidence": 100},
                            "battery": {"is_charging": False, "level": 0.79}, "extras": {}}, "device_id": identifier}
    assert post_json(client, ios, content_type="application/json; charset=utf-8").status_code == 200
    assert post_json(client, android).status_code == 200
    first, second = positions()
    assert (first.mock, first.speed_mps, first.battery_percent, first.altitude_m) == (True, None, None, 0.0)
    assert (second.heading_deg, second.speed_mps, second.battery_percent) == (63.0, 18.67, 79.0)


def test_a_report_sent_again_is_stored_once(client, phone):
    identifier, _device, _officer = phone
    body = client_9_body(identifier)
    assert post_json(client, body).status_code == 200
    assert post_json(client, body).status_code == 200  # the answer was lost; the client retries
    assert len(positions()) == 1


def test_a_report_stored_by_a_concurrent_request_is_not_stored_again(app, phone, monkeypatch):
    """Two requests with the same report at once: both find nothing stored, the second's
    insert breaks the unique index, and it answers with the first's position."""
    identifier, device, _officer = phone
    settings_ = app.extensions["dvpo_settings"].locations
    first = locations.record(device, _report(identifier), settings_)
    real = locations._stored
    calls = []

    def not_yet_seen(device_id, recorded_at):  # the check ran before the other request committed
        calls.append(recorded_at)
        return None if len(calls) == 1 else real(device_id, recorded_at)

    monkeypatch.setattr(locations, "_stored", not_yet_seen)
    second = locations.record(device, _report(identifier), settings_)
    assert second.id == first.id and len(calls) == 2
    assert len(positions()) == 1


# ------------------------------------------------------------------ devices refused


def test_unknown_revoked_and_deactivated_devices_are_refused_and_nothing_is_stored(app, client, phone, make_user):
    identifier, device, officer = phone
    assert client.get(f"{URL}?id=not-a-registered-device&lat=53.4&lon=-2.2").status_code == 403
    assert post_json(client, client_9_body(identifier[:-1])).status_code == 403  # one character short
    # Its hash is not its identifier: a copy of the table gives no credential.
    assert post_json(client, client_9_body(device.identifier_hash)).status_code == 403
    assert positions() == []

    admin = make_user(Role.ADMIN)
    users.deactivate(admin, officer)
    response = post_json(client, client_9_body(identifier))
    assert response.status_code == 403 and response.get_data(as_text=True) == "unknown or revoked device"
    accounts.reactivate(admin, officer)
    assert post_json(client, client_9_body(identifier, at=DEFAULT_NOW - timedelta(seconds=40))).status_code == 200

    devices.revoke(admin, device)
    refused = client.get(f"{URL}?id={identifier}&lat=53.4&lon=-2.2")
    assert refused.status_code == 403 and refused.get_data(as_text=True) == "unknown or revoked device"
    assert len(positions()) == 1  # only the one sent while the device was in use


def test_no_csrf_token_no_session_and_only_this_route_is_exempt(app, client, phone, login_as):
    identifier, _device, _officer = phone
    login_as(Role.OFFICER)  # a browser's session cookie changes nothing: the identifier decides
    assert client.post(URL, data={"id": identifier, "lat": "53.4", "lon": "-2.2"}).status_code == 200
    # Every other POST still needs its token.
    assert client.post("/account/password", data={}).status_code == 400
    exempt = {rule.endpoint for rule in app.url_map.iter_rules()
              if f"{app.view_functions[rule.endpoint].__module__}.{app.view_functions[rule.endpoint].__name__}"
              in app.extensions["csrf"]._exempt_views}
    assert exempt == {"locations.osmand", "texts.delivery_receipt"}


# ------------------------------------------------------------------ garbage


def _garbage(identifier: str) -> list[tuple[str, dict]]:
    """(what, request keyword arguments) for requests that must be refused with a 4xx."""
    at = NOW_SECONDS - 30
    query = lambda **p: {"query_string": {"id": identifier, "lat": "53.4", "lon": "-2.2", "timestamp": str(at)} | p}  # noqa: E731
    body = client_9_body(identifier)
    coords = body["location"]["coords"]
    return [
        ("no identifier", {"query_string": {"lat": "53.4", "lon": "-2.2"}}),
        ("no coordinates", {"query_string": {"id": identifier}}),
        ("latitude not a number", query(lat="fifty-three")),
        ("latitude NaN", query(lat="NaN")),
        ("longitude infinite", query(lon="inf")),
        ("latitude out of range", query(lat="90.0001")),
        ("longitude out of range", query(lon="-180.5")),
        ("no longitude", query(lon="")),
        ("no fix", query(lat="0", lon="0")),
        ("a comma for the decimal point", query(lat="53,4")),
        ("speed not a number", query(speed="fast")),
        ("heading over 360", query(bearing="361")),
        ("battery over 100", query(batt="101")),
        ("charge neither true nor false", query(charge="maybe")),
        ("timestamp in the future", query(timestamp=str(NOW_SECONDS + 3600))),
        ("timestamp in 1970", query(timestamp="1")),
        ("timestamp absurdly old", query(timestamp=str(NOW_SECONDS - 40 * 86400))),
        ("timestamp with no zone", query(timestamp="2026-11-16 09:59:00")),
        ("timestamp not a date", query(timestamp="yesterday")),
        ("timestamp beyond any calendar", query(timestamp="99999999999999999")),
        ("too many parameters", {"query_string": {"id": identifier, "lat": "53.4", "lon": "-2.2"}
                                 | {f"x{n}": "1" for n in range(100)}}),
        ("JSON that does not parse", {"data": "{\"location\": ", "content_type": "application/json"}),
        ("JSON not an object", {"data": "[1, 2]", "content_type": "application/json"}),
        ("JSON with a list of locations", {"data": json.dumps(body | {"location": [body["location"]]}),
                                           "content_type": "application/json"}),
        ("JSON without coords", {"data": json.dumps(body | {"location": {"timestamp": "2026-11-16T09:59:00Z"}}),
                                 "content_type": "application/json"}),
        ("JSON latitude a string", {"data": json.dumps(body | {"location": body["location"] | {
            "coords": coords | {"latitude": "53.4"}}}), "content_type": "application/json"}),
        ("JSON latitude NaN", {"data": json.dumps(body | {"location": body["location"] | {
            "coords": coords | {"latitude": float("nan")}}}), "content_type": "application/json"}),
        ("JSON accuracy NaN", {"data": json.dumps(body | {"location": body["location"] | {
            "coords": coords | {"accuracy": float("nan")}}}), "content_type": "application/json"}),
        ("JSON altitude infinite", {"data": json.dumps(body | {"location": body["location"] | {
            "coords": coords | {"altitude": float("inf")}}}), "content_type": "application/json"}),
        ("JSON latitude a huge integer", {"data": json.dumps(body | {"location": body["location"] | {
            "coords": coords | {"latitude": 10**400}}}), "content_type": "application/json"}),
        ("JSON without timestamp", {"data": json.dumps(body | {"location": {
            k: v for k, v in body["location"].items() if k != "timestamp"}}), "content_type": "application/json"}),
        ("JSON device_id not text", {"data": json.dumps(body | {"device_id": ["x"]}), "content_type": "application/json"}),
        ("JSON nested too deep", {"data": "[" * 8000 + "]" * 8000, "content_type": "application/json"}),
        ("a body that is not UTF-8", {"data": b"id=\xff\xfe&lat=1&lon=1", "content_type": "text/plain"}),
        ("a huge body", {"data": "id=" + "x" * 100_000, "content_type": "application/x-www-form-urlencoded"}),
        ("a huge JSON body", {"data": json.dumps(body | {"pad": "x" * 100_000}), "content_type": "application/json"}),
    ]


def test_garbage_gets_a_4xx_and_stores_nothing(client, phone):
    identifier, _device, _officer = phone
    for what, request in _garbage(identifier):
        method = "POST" if "data" in request else "GET"
        response = client.open(URL, method=method, **request)
        assert 400 <= response.status_code < 500, (what, response.status_code)
        # The reason never repeats what was sent (identifiers and coordinates stay out of answers).
        assert identifier not in response.get_data(as_text=True), what
        assert positions() == [], what
    assert post_json(client, client_9_body(identifier)).status_code == 200  # and the device still works


def test_a_position_older_than_the_retention_period_is_taken_but_not_kept(client, phone):
    """Refusing it would make the client resend it for ever, ahead of every newer position."""
    identifier, _device, _officer = phone
    stale = DEFAULT_NOW - timedelta(hours=72, minutes=1)
    response = post_json(client, client_9_body(identifier, at=stale))
    assert response.status_code == 200 and positions() == []
    assert post_json(client, client_9_body(identifier, at=DEFAULT_NOW - timedelta(hours=71))).status_code == 200
    assert len(positions()) == 1


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)
_numberish = st.one_of(st.text(max_size=12), st.floats().map(repr), st.integers().map(str),
                       st.sampled_from(["", "NaN", "-inf", "1e309", "53.4", "-2.2", "0", "1_0", " 1", "0x10"]))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(["lat", "lon", "timestamp", "speed", "bearing", "heading", "altitude",
                                               "accuracy", "batt", "charge", "mock", "location", "hdop", "x"]),
                              _numberish, max_size=8),
       coords=st.dictionaries(st.sampled_from(["latitude", "longitude", "accuracy", "speed", "heading", "altitude"]),
                              _json_values, max_size=6),
       location=st.dictionaries(st.sampled_from(["timestamp", "is_moving", "battery", "mock", "extras", "coords"]),
                                _json_values, max_size=4))
def test_any_report_gets_200_or_a_4xx_never_an_error(client, phone, params, coords, location):
    identifier, _device, _officer = phone
    before = len(positions())
    response = client.get(URL, query_string={"id": identifier} | params)
    assert response.status_code == 200 or 400 <= response.status_code < 500, (params, response.status_code)
    body = {"device_id": identifier, "location": {"coords": coords} | location}
    response_json = post_json(client, body)
    assert response_json.status_code == 200 or 400 <= response_json.status_code < 500, (body, response_json.status_code)
    stored = len(positions()) - before
    assert stored <= (response.status_code == 200) + (response_json.status_code == 200)
    db.session.rollback()


# ------------------------------------------------------------------ retention, hooks


def test_positions_past_the_retention_period_are_deleted_by_the_job(app, client, phone):
    identifier, _device, _officer = phone
    for minutes in (0, 30, 60, 90):  # four positions, 30 minutes apart
        at = DEFAULT_NOW - timedelta(minutes=90 - minutes)
        assert post_json(client, client_9_body(identifier, at=at)).status_code == 200
    purge_positions(app)
    assert len(positions()) == 4
    # 72 hours after the second: the first two are past the retention period.
    timeutil.set_frozen(DEFAULT_NOW - timedelta(minutes=60) + timedelta(hours=72, seconds=1))
    purge_positions(app)
    assert [p.recorded_at for p in positions()] == [DEFAULT_NOW - timedelta(minutes=30), DEFAULT_NOW]
    timeutil.set_frozen(DEFAULT_NOW + timedelta(hours=73))
    purge_positions(app)
    assert positions() == []


def test_the_purge_deletes_in_batches_until_none_is_left(app, phone):
    _identifier, device, _officer = phone
    old = DEFAULT_NOW - timedelta(hours=80)
    db.session.add_all([DevicePosition(device_id=device.id, user_id=device.user_id, recorded_at=old + timedelta(seconds=n),
                                       received_at=old, latitude=53.4, longitude=-2.2) for n in range(25)]
                       + [DevicePosition(device_id=device.id, user_id=device.user_id, recorded_at=DEFAULT_NOW,
                                         received_at=DEFAULT_NOW, latitude=53.4, longitude=-2.2)])
    db.session.commit()
    settings_ = locations.LocationSettings(retention=timedelta(hours=72))
    assert locations.purge_expired(settings_, batch_size=10, max_batches=2) == 20  # two batches this run
    assert locations.purge_expired(settings_, batch_size=10) == 5  # the next run carries on
    assert [p.recorded_at for p in positions()] == [DEFAULT_NOW]


def test_a_hook_sees_each_new_position_in_the_same_transaction(app, client, phone):
    identifier, device, _officer = phone
    seen = []

    def hook(position, _settings):
        seen.append((position.device_id, position.recorded_at, position.id is not None))

    def failing(_position, _settings):
        raise RuntimeError("a hook that fails")

    locations.after_record(hook)
    try:
        body = client_9_body(identifier)
        assert post_json(client, body).status_code == 200
        assert post_json(client, body).status_code == 200  # the same report: no second call
        assert seen == [(device.id, DEFAULT_NOW - timedelta(seconds=30), True)]

        locations.after_record(failing)
        with pytest.raises(RuntimeError):
            locations.record(device, _report(identifier), app.extensions["dvpo_settings"].locations)
        db.session.rollback()
        assert len(positions()) == 1  # rolled back with the hook
    finally:
        locations.remove_hook(hook)
        locations.remove_hook(failing)


def _report(identifier):
    from app.domain.osmand import parse_params

    return parse_params({"id": [identifier], "lat": ["53.5"], "lon": ["-2.3"], "timestamp": [str(NOW_SECONDS - 1)]})


def test_nothing_about_a_position_reaches_the_log(client, phone, caplog):
    identifier, _device, _officer = phone
    caplog.set_level("DEBUG")
    post_json(client, client_9_body(identifier, latitude=53.4794892))
    client.get(f"{URL}?id={identifier}&lat=91&lon=-2.2451148")
    client.get(f"{URL}?id=unknown-device-123&lat=53.4&lon=-2.2")
    text = caplog.text
    assert identifier not in text and "53.479" not in text and "2.2451" not in text and "unknown-device-123" not in text
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action.like("location%"))) == 0

"""Web Push (issue 16): a work phone subscribes on the patrol page with its device
identifier; new alerts and "not needed" are pushed by the scheduler's job after the alert
is committed, through a loopback push service that decrypts each push with the
subscription's keys made here and finds no personal data in it."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AlertClosedReason, GeofenceAlert, PushSubscription, Role, WorkDevice
from app.services import court, devices, patrol_alerts, push, welfare_visits
from app.services.calendar import load_calendar
from app.services.reminders import TextSettings
from app.settings import settings_for
from app.timeutil import set_frozen, utcnow
from tests.fake_push_service import FakePushService
from tests.integration.alerts_support import HOME, all_alerts, build_scene, go_live, report
from tests.integration.conftest import csrf_token, keep_session_alive, login


@pytest.fixture
def scene(app, make_user):
    return build_scene(make_user)


@pytest.fixture
def service():
    with FakePushService() as fake:
        yield fake


def subscribe(app, patrol, browser, identifier=None):
    client = app.test_client()
    assert login(client, patrol.officer).status_code == 302
    keep_session_alive(client, utcnow())
    body = {"device_identifier": identifier or patrol.identifier, "subscription": browser.subscription()}
    return client.post("/patrol/push/subscribe", data=json.dumps(body), content_type="application/json",
                       headers={"X-CSRFToken": csrf_token(client)})


def personal_data(scene) -> list[str]:
    case = scene.case
    words = [case.reference, case.postcode, case.address_line_1, case.town, case.perpetrator.full_name,
             case.perpetrator.description, "swallow",
             *(v.full_name for v in case.victims), scene.north.officer.full_name, scene.south.officer.full_name]
    return [w for w in words if w]


def test_pushes_reach_the_work_phones_and_carry_no_personal_data(app, client, scene, service):
    north_phone, south_phone = service.browser("north"), service.browser("south")
    assert subscribe(app, scene.north, north_phone).status_code == 200
    assert subscribe(app, scene.south, south_phone).status_code == 200
    go_live(scene)
    report(client, scene.north, HOME)
    report(client, scene.south, HOME)
    assert service.received == []  # nothing is pushed inside the alert's transaction

    settings = settings_for(app).push
    sent = push.send_due(settings)
    assert (sent.alerts, sent.sent, sent.failed) == (2, 2, 0)
    assert sorted(r.path for r in service.received) == ["/push/north", "/push/south"]
    for received in service.received:
        assert received.headers["authorization"].startswith("vapid t=")
        phone = north_phone if received.path.endswith("north") else south_phone
        payload = phone.decrypt(received)
        assert payload == push.ALERT_PAYLOAD
        text = json.dumps(payload) + received.body.decode("latin-1")
        assert not [w for w in personal_data(scene) if w in text]
    assert push.send_due(settings).sent == 0  # claimed: never sent twice
    # Another scheduler that read the same alerts before the claim gets none of them.
    ids = list(db.session.scalars(select(GeofenceAlert.id)))
    assert push._claim(GeofenceAlert.pushed_at, ids) == []

    north_alert = db.session.scalar(select(GeofenceAlert).where(GeofenceAlert.officer_id == scene.north.officer.id))
    welfare_visits.check_in(scene.north.officer, north_alert)
    welfare_visits.check_out(scene.north.officer, north_alert, spoken_to="yes", wellbeing="Well.", p_present="no",
                     concerns="", follow_up="")
    sent = push.send_due(settings)
    assert (sent.stood_down, sent.sent) == (1, 1)
    last = service.received[-1]
    assert last.path == "/push/south" and south_phone.decrypt(last) == push.STOOD_DOWN_PAYLOAD


def test_a_push_service_failure_loses_no_alert(app, client, scene, service):
    subscribe(app, scene.north, service.browser("north"))
    go_live(scene)
    service.status = 500
    report(client, scene.north, HOME)
    sent = push.send_due(settings_for(app).push)
    assert (sent.alerts, sent.failed) == (1, 1)
    [alert] = patrol_alerts.open_alerts(scene.north.officer)  # still on the patrol page
    assert alert.closed_at is None

    service.status = 410  # the browser unsubscribed: the subscription is never used again
    db.session.execute(GeofenceAlert.__table__.update().values(pushed_at=None))
    db.session.commit()
    assert push.send_due(settings_for(app).push).gone == 1
    assert db.session.scalar(select(PushSubscription)).gone_at is not None


def test_an_alert_closed_at_the_orders_end_is_never_pushed(app, client, scene, service):
    """The pass reads the alerts due, then claims them: an alert the expiry closed in between
    (a scheduler's other job, or another scheduler) is not claimed, nor pushed at a later pass.
    Side by side on PostgreSQL, the expiry's close not yet committed when the claim comes:
    tests/integration/test_job_lock_order.py."""
    subscribe(app, scene.north, service.browser("north"))
    go_live(scene)
    report(client, scene.north, HOME)
    [alert] = all_alerts()
    read_by_the_pass = [alert.id]  # open when the pass read it
    set_frozen(scene.case.order.ends_at + timedelta(minutes=1))
    court.expire_orders(load_calendar(), TextSettings())
    [alert] = all_alerts()
    assert alert.closed_reason is AlertClosedReason.GEOFENCE_ENDED

    assert push._claim(GeofenceAlert.pushed_at, read_by_the_pass) == []
    assert push.send_due(settings_for(app).push).alerts == 0
    assert service.received == [] and db.session.get(GeofenceAlert, alert.id).pushed_at is None


def test_only_a_registered_device_of_the_officer_may_subscribe(app, client, scene, service, make_user):
    browser = service.browser("x")
    refused = subscribe(app, scene.north, browser, identifier=scene.south.identifier)
    assert refused.status_code == 400 and "registered to you" in refused.get_json()["error"]
    assert subscribe(app, scene.north, browser, identifier="not-a-device").status_code == 400
    devices.revoke(make_user(Role.ADMIN), db.session.get(WorkDevice, scene.north.device_id))
    assert subscribe(app, scene.north, browser).status_code == 400  # revoked
    assert db.session.scalar(select(PushSubscription)) is None


@pytest.mark.parametrize("subscription", [
    None, "text", {"endpoint": "ftp://x/y", "keys": {"p256dh": "a", "auth": "b"}},
    {"endpoint": "https://push.example.com/x", "keys": {"p256dh": "AAAA", "auth": "AAAA"}},
    {"endpoint": "https://push.example.com/x", "keys": []}, {"endpoint": 5, "keys": {}},
])
def test_garbage_subscriptions_are_refused_with_a_4xx(app, scene, subscription):
    client = app.test_client()
    login(client, scene.north.officer)
    body = {"device_identifier": scene.north.identifier, "subscription": subscription}
    response = client.post("/patrol/push/subscribe", data=json.dumps(body), content_type="application/json",
                           headers={"X-CSRFToken": csrf_token(client)})
    assert response.status_code == 400
    assert client.post("/patrol/push/subscribe", data="{not json", content_type="application/json",
                       headers={"X-CSRFToken": csrf_token(client)}).status_code == 400
    assert client.post("/patrol/push/subscribe", data=json.dumps(body),
                       content_type="application/json").status_code == 400  # no CSRF token


def test_the_patrol_page_offers_push_with_the_servers_key(app, scene):
    client = app.test_client()
    login(client, scene.north.officer)
    html = client.get("/patrol").get_data(as_text=True)
    assert 'id="push-enable"' in html and settings_for(app).push.public_key in html
    assert client.get("/static/sw.js").status_code == 200


def test_webpush_settings_are_checked(tmp_path):
    from app.config import ConfigError, load_settings

    base = {"DVPO_ENV": "testing", "SECRET_KEY": "k" * 43 + "abcdefgh"}
    with pytest.raises(ConfigError, match="WEBPUSH_VAPID_PRIVATE_KEY is not a P-256"):
        load_settings(str(tmp_path), {**base, "WEBPUSH_VAPID_PRIVATE_KEY": "not-a-key"})
    with pytest.raises(ConfigError, match="must start with mailto:"):
        load_settings(str(tmp_path), {**base, "WEBPUSH_VAPID_SUBJECT": "dvpo@example.police.uk"})
    key = load_settings(str(tmp_path), base)["WEBPUSH_VAPID_PRIVATE_KEY"]
    production = {"DVPO_ENV": "production", "SECRET_KEY": "k" * 43 + "abcdefgh", "TRIAL_SEED": "ab" * 16,
                  "DATABASE_URL": "postgresql://app@db/dvpo"}
    with pytest.raises(ConfigError, match="needs WEBPUSH_VAPID_SUBJECT"):
        load_settings(str(tmp_path), {**production, "WEBPUSH_VAPID_PRIVATE_KEY": key})
    assert load_settings(str(tmp_path), production)["WEBPUSH_VAPID_PRIVATE_KEY"] == ""  # no key: no pushes


def test_development_generates_the_vapid_key_into_instance_once(tmp_path, monkeypatch):
    from app.config import load_settings

    dev = {"DVPO_ENV": "development"}
    first = load_settings(str(tmp_path), dev)["WEBPUSH_VAPID_PRIVATE_KEY"]
    assert (tmp_path / "webpush_vapid_private_key").read_text() == first
    assert load_settings(str(tmp_path), dev)["WEBPUSH_VAPID_PRIVATE_KEY"] == first
    assert push.PushSettings(private_key=first, subject="mailto:x@y").public_key

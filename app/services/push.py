"""Web Push to officers' work phones (issue 16): "A live order near you needs a welfare
check", and "not needed" once another officer has done the visit.

- `subscribe(officer, identifier, subscription)`: the patrol page, on a work phone, asks
  for the device's identifier once; only a registered, unrevoked device of this officer may
  subscribe, and the browser's push subscription is stored against the device.
- `send_due(settings)`, from the scheduler every minute: open alerts not yet pushed, and
  alerts closed by another officer's visit whose officer has not been told. Each is claimed
  (compare-and-set on `pushed_at` / `stood_down_pushed_at`, committed) before it is sent,
  so two schedulers never push it twice, and the claim checks again that it is still due:
  an alert closed since the pass read it (its order ended) is never pushed. The claim never
  waits for a row lock (`_claim`). A push that fails is logged (its status only) and the
  alert is still on the patrol page: nothing is lost with it. The alert's own transaction
  never waits for a push service.

The payload carries no personal data: a fixed sentence and a link to /patrol, which opens
only for the logged-in officer. Nothing logged names an officer, a device or an endpoint.
"""
from __future__ import annotations

import base64
import binascii
import json
import logging
from dataclasses import dataclass, field

# pywebpush, py-vapid and requests (with aiohttp, which pywebpush brings) are imported where a
# push is sent or a key shown: the scheduler sends the pushes, and web workers stay small.
from sqlalchemy import select, update

from app.extensions import db
from app.models import AlertClosedReason, GeofenceAlert, PushSubscription, User, WorkDevice
from app.services import ValidationFailed, audit, devices
from app.services.transaction import commits
from app.timeutil import utcnow

log = logging.getLogger(__name__)

ALERT_PAYLOAD = {"title": "Welfare check", "body": "A live order near you needs a welfare check", "url": "/patrol"}
STOOD_DOWN_PAYLOAD = {"title": "Welfare check done",
                      "body": "Another officer has done the welfare check: you are not needed", "url": "/patrol"}
TTL_SECONDS = 3600  # a push not delivered within an hour is no use to a patrol
BATCH = 50


@dataclass(frozen=True)
class PushSettings:
    private_key: str = ""
    subject: str = ""
    timeout: int = 10
    # Push services are HTTPS; plain HTTP on this machine only for the tests' loopback service.
    allow_loopback_http: bool = False

    @classmethod
    def from_config(cls, config) -> PushSettings:
        return cls(private_key=config.get("WEBPUSH_VAPID_PRIVATE_KEY", ""),
                   subject=config.get("WEBPUSH_VAPID_SUBJECT", ""),
                   timeout=int(config.get("WEBPUSH_TIMEOUT_SECONDS", 10)),
                   allow_loopback_http=bool(config.get("TESTING")))

    @property
    def enabled(self) -> bool:
        return bool(self.private_key and self.subject)

    @property
    def public_key(self) -> str:
        """The applicationServerKey the browser subscribes with (uncompressed point, base64url)."""
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
        from py_vapid import Vapid
        from py_vapid.utils import b64urlencode

        point = Vapid.from_string(self.private_key).public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return b64urlencode(point)


# -- Subscribing ------------------------------------------------------------------------------


def _b64url(value, length: int, name: str) -> str:
    if not isinstance(value, str) or len(value) > 200:
        raise ValidationFailed({"subscription": f"The browser's subscription has no valid {name}"})
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise ValidationFailed({"subscription": f"The browser's subscription has no valid {name}"}) from None
    if len(raw) != length or (name == "p256dh" and raw[0] != 4):
        raise ValidationFailed({"subscription": f"The browser's subscription has no valid {name}"})
    return value


def _endpoint(value, settings: PushSettings) -> str:
    from urllib.parse import urlsplit

    if not isinstance(value, str) or not 10 <= len(value) <= 2000:
        raise ValidationFailed({"subscription": "The browser's subscription has no push address"})
    parts = urlsplit(value)
    loopback = settings.allow_loopback_http and parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost")
    if not (parts.scheme == "https" or loopback) or not parts.hostname:
        raise ValidationFailed({"subscription": "The browser's push address must be https"})
    return value


@commits
def subscribe(officer: User, identifier, subscription, settings: PushSettings) -> PushSubscription:
    device = devices.reporting_device(identifier) if isinstance(identifier, str) and identifier.strip() else None
    if device is None or device.user_id != officer.id:
        raise ValidationFailed({"device_identifier": "That is not the identifier of a work device registered to you"})
    if not isinstance(subscription, dict) or not isinstance(subscription.get("keys"), dict):
        raise ValidationFailed({"subscription": "The browser sent no push subscription"})
    endpoint = _endpoint(subscription.get("endpoint"), settings)
    keys = subscription["keys"]
    p256dh, auth = _b64url(keys.get("p256dh"), 65, "p256dh"), _b64url(keys.get("auth"), 16, "auth")
    stored = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if stored is None:
        stored = PushSubscription(endpoint=endpoint, device_id=device.id, p256dh=p256dh, auth=auth, created_at=utcnow())
        db.session.add(stored)
    else:
        stored.device_id, stored.p256dh, stored.auth, stored.gone_at = device.id, p256dh, auth, None
    db.session.flush()
    audit.record(officer, "push.subscribed", device=device.id, subscription=stored.id)
    db.session.commit()
    return stored


# -- Sending, from the scheduler ---------------------------------------------------------------


@dataclass
class PushReport:
    alerts: int = 0
    stood_down: int = 0
    sent: int = 0
    failed: int = 0
    gone: int = 0
    errors: list[str] = field(default_factory=list)


# What makes an alert due for each push: read by the pass, and checked again by the claim.
DUE = {
    # A new alert, while it is open: once closed (its geofence ended with the order, or a
    # visit was done) no officer is to be sent to the address for it.
    GeofenceAlert.pushed_at.key: (GeofenceAlert.pushed_at.is_(None), GeofenceAlert.closed_at.is_(None)),
    # "Not needed", to an officer who was pushed an alert another officer's visit closed.
    GeofenceAlert.stood_down_pushed_at.key: (
        GeofenceAlert.closed_reason == AlertClosedReason.DONE_BY_ANOTHER, GeofenceAlert.pushed_at.is_not(None),
        GeofenceAlert.stood_down_pushed_at.is_(None)),
}


@commits
def _claim(column, ids: list[int]) -> list[tuple[int, int]]:
    """Claim those of these alerts still due for the push `column` records: (id, officer id).

    Two steps in one transaction, as the text dispatcher claims (services/dispatch.claim):
    lock the rows still due, skipping any another transaction holds (PostgreSQL's
    `FOR NO KEY UPDATE SKIP LOCKED`; SQLite, one writer at a time, leaves the clause out),
    then stamp them, checking again that they are due (on SQLite this is the whole guard).

    Why skip, not wait: the expiry (court.expire_orders) closes each ending geofence's open
    alerts case after case, holding each until it commits. A claim that waited could hold
    case B's alert while it waited for case A's, which the expiry held while it waited for
    B's: a deadlock. A claim that never waits for a row lock is in none (stamping the rows
    it has locked takes no other row's lock: the table has no trigger, and the stamp changes
    no foreign key). A row skipped is one another transaction is changing: the expiry or a
    visit closing the alert (then it is never due again, as it should be), an officer
    acknowledging it on the patrol page, or another scheduler's claim; an alert still due
    is claimed at the next pass, a minute later. Waiting would have pushed an alert the
    expiry closed, too, had the WHERE not asked for open alerts (it asked only for no push).

    A row the claim does lock is re-read at its newest committed version (READ COMMITTED
    re-checks a locking clause's WHERE on a row changed since the statement began), so an
    alert closed and committed meanwhile is not returned either.

    An alert claimed open may still close before its push reaches the phone (the push is
    sent after this commits): the patrol page, which the push links to, shows it closed."""
    if not ids:
        return []
    due = DUE[column.key]
    locked = db.session.scalars(select(GeofenceAlert.id).where(GeofenceAlert.id.in_(ids), *due)
                                .order_by(GeofenceAlert.id).with_for_update(key_share=True, skip_locked=True)).all()
    if not locked:
        db.session.commit()
        return []
    claimed = db.session.execute(update(GeofenceAlert).where(GeofenceAlert.id.in_(locked), *due)
                                 .values({column.key: utcnow()}).returning(GeofenceAlert.id, GeofenceAlert.officer_id)
                                 .execution_options(synchronize_session=False))
    rows = [tuple(row) for row in claimed]
    db.session.commit()
    return sorted(rows)


def send_due(settings: PushSettings, *, limit: int = BATCH) -> PushReport:
    report = PushReport()
    if not settings.enabled:
        return report
    fresh = db.session.scalars(select(GeofenceAlert.id).where(*DUE[GeofenceAlert.pushed_at.key])
                               .order_by(GeofenceAlert.id).limit(limit)).all()
    for _alert_id, officer_id in _claim(GeofenceAlert.pushed_at, list(fresh)):
        report.alerts += 1
        _push_to_officer(officer_id, ALERT_PAYLOAD, settings, report)
    stood_down = db.session.scalars(select(GeofenceAlert.id).where(*DUE[GeofenceAlert.stood_down_pushed_at.key])
                                    .order_by(GeofenceAlert.id).limit(limit)).all()
    for _alert_id, officer_id in _claim(GeofenceAlert.stood_down_pushed_at, list(stood_down)):
        report.stood_down += 1
        _push_to_officer(officer_id, STOOD_DOWN_PAYLOAD, settings, report)
    return report


@commits
def _push_to_officer(officer_id: int, payload: dict, settings: PushSettings, report: PushReport) -> None:
    subscriptions = db.session.scalars(
        select(PushSubscription).join(WorkDevice, WorkDevice.id == PushSubscription.device_id)
        .where(WorkDevice.user_id == officer_id, WorkDevice.revoked_at.is_(None), PushSubscription.gone_at.is_(None))
    ).all()
    db.session.commit()  # no transaction is held while a push service answers
    for subscription in subscriptions:
        _send(subscription, payload, settings, report)


def _send(subscription: PushSubscription, payload: dict, settings: PushSettings, report: PushReport) -> None:
    import requests
    from pywebpush import WebPushException, webpush

    info = {"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}}
    try:
        webpush(info, data=json.dumps(payload), vapid_private_key=settings.private_key,
                vapid_claims={"sub": settings.subject}, timeout=settings.timeout, ttl=TTL_SECONDS)
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        if status in (404, 410):  # the browser unsubscribed: never again
            _gone(subscription.id)
            report.gone += 1
        else:
            report.failed += 1
        log.warning("web push refused by the push service: status %s", status)
        report.errors.append(str(status))
    except requests.RequestException as exc:
        report.failed += 1
        log.warning("web push service unreachable: %s", type(exc).__name__)
        report.errors.append(type(exc).__name__)
    else:
        report.sent += 1


@commits
def _gone(subscription_id: int) -> None:
    db.session.execute(update(PushSubscription).where(PushSubscription.id == subscription_id)
                       .values(gone_at=utcnow()))
    db.session.commit()

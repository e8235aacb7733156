"""Officers' work devices: registering one, revoking it, and knowing one from its identifier.

The identifier (`secrets.token_urlsafe(32)`: 43 characters, 256 random bits) is the device's
credential: Traccar Client sends it as `id` with every position. It is returned once, by
`register`, to be shown to the admin or printed by the CLI, and stored only as its SHA-256.
A hash without a salt or a slow function is enough for a random 256-bit secret (nobody can
guess one, whether or not they hold the hash) and lets a report find its device with one
indexed lookup; a password hash such as Argon2 would cost every report tens of
milliseconds and make the location endpoint a way to load the server.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.extensions import db
from app.models import DevicePosition, Role, User, WorkDevice
from app.services import ValidationFailed, audit
from app.services.transaction import commits
from app.timeutil import utcnow

IDENTIFIER_BYTES = 32
MIN_IDENTIFIER_LENGTH = 32  # a given identifier (the demo's) must be at least this long
MAX_NAME = 80
# The address Traccar Client is pointed at, after BASE_URL.
OSMAND_PATH = "/locations/osmand"


def identifier_hash(identifier: str) -> str:
    return hashlib.sha256(identifier.encode("utf-8", "surrogatepass")).hexdigest()


def new_identifier() -> str:
    return secrets.token_urlsafe(IDENTIFIER_BYTES)


@dataclass(frozen=True)
class Registered:
    device: WorkDevice
    identifier: str  # shown once; never stored


@commits
def register(actor: User | None, officer: User, name: str, *, identifier: str | None = None) -> Registered:
    """Register a work device for an active officer, audited (`device.registered`, with the
    device's name, never its identifier). `identifier` is for the demo data only, which
    prints a fixed one at every `make run`; everything else gets a new random one."""
    name = " ".join((name or "").split())
    errors = {}
    if not name:
        errors["name"] = "Enter a name for the device, for example: Work phone, Samsung A54"
    elif len(name) > MAX_NAME:
        errors["name"] = f"The device's name must be {MAX_NAME} characters or fewer"
    if officer.role is not Role.OFFICER:
        errors["user_id"] = "Work devices are for officers: choose an officer's account"
    elif not officer.active:
        errors["user_id"] = "That account is deactivated: reactivate it before registering a device"
    if identifier is not None and len(identifier) < MIN_IDENTIFIER_LENGTH:
        raise ValueError("a device identifier must be long and random")
    if errors:
        raise ValidationFailed(errors)
    identifier = identifier or new_identifier()
    device = WorkDevice(user_id=officer.id, name=name, identifier_hash=identifier_hash(identifier),
                        registered_at=utcnow(), registered_by_id=actor.id if actor is not None else None)
    db.session.add(device)
    db.session.flush()
    audit.record(actor, "device.registered", device_id=device.id, target_user_id=officer.id, name=name)
    db.session.commit()
    return Registered(device, identifier)


@commits
def revoke(actor: User | None, device: WorkDevice) -> bool:
    """Refuse the device's reports from now on, audited (`device.revoked`); False if it was
    already revoked. Its stored positions stay until their retention ends."""
    if device.revoked:
        return False
    device.revoked_at = utcnow()
    device.revoked_by_id = actor.id if actor is not None else None
    audit.record(actor, "device.revoked", device_id=device.id, target_user_id=device.user_id, name=device.name)
    db.session.commit()
    return True


def reporting_device(identifier: str) -> WorkDevice | None:
    """The device a report's identifier belongs to, if its reports are accepted: registered,
    not revoked, and its officer's account active and still an officer's. Two lookups by
    unique index (the identifier's hash, then the officer's id), whatever the numbers of
    devices and accounts: a join could let the planner scan the accounts first."""
    device = db.session.scalar(select(WorkDevice).where(WorkDevice.identifier_hash == identifier_hash(identifier),
                                                        WorkDevice.revoked_at.is_(None)))
    if device is None:
        return None
    officer = db.session.get(User, device.user_id)
    return device if officer is not None and officer.active and officer.role is Role.OFFICER else None


@dataclass(frozen=True)
class DeviceRow:
    device: WorkDevice
    officer: User
    last_report_at: datetime | None  # the device's time of its latest stored position


def device_rows() -> list[DeviceRow]:
    """Every device, active ones first, each with its officer and latest stored position's
    time (the last entry of the device's range in the (device_id, recorded_at) index)."""
    latest = (select(func.max(DevicePosition.recorded_at)).where(DevicePosition.device_id == WorkDevice.id)
              .correlate(WorkDevice).scalar_subquery())
    rows = db.session.execute(
        select(WorkDevice, User, latest).join(User, User.id == WorkDevice.user_id)
        .order_by(WorkDevice.revoked_at.is_not(None), User.full_name, WorkDevice.registered_at)
    ).all()
    return [DeviceRow(device, officer, last) for device, officer, last in rows]


def officers_for_devices() -> list[User]:
    """The accounts a device may be registered to: active officers."""
    return list(db.session.scalars(
        select(User).where(User.role == Role.OFFICER, User.active.is_(True)).order_by(User.full_name, User.id)))


def server_url(base_url: str) -> str:
    """The server URL Traccar Client is set up with."""
    return base_url.rstrip("/") + OSMAND_PATH


def setup_link(base_url: str, identifier: str) -> str:
    """A link that sets Traccar Client up in one step: opened on the phone (or scanned as a QR
    code from the app's settings), the app asks to apply it (traccar/traccar-client,
    lib/configuration_service.dart, `applyUri`: `url` and `id` from the query; its Android
    manifest registers the `org.traccar.client` scheme)."""
    from urllib.parse import urlencode

    return "org.traccar.client://?" + urlencode({"url": server_url(base_url), "id": identifier})

"""Positions reported by officers' work devices: storing one, and deleting them when their
retention ends.

`record(device, report, settings)` is the one way a position is stored. After it is stored,
in the same transaction, every function registered with `after_record` is called with the
new position and the settings: services/alerts.raise_alerts, registered by create_app,
matches it to live geofences. A hook's changes commit with the position; a hook that raises rolls the position
back too, and the device, answered with an error, sends it again. A report sent twice (the
client retries when an answer is lost) is stored once and calls no hook the second time.

Positions are personal data about officers: no position, coordinate or identifier is ever
logged, and none is kept longer than `LOCATION_RETENTION_HOURS` (`purge_expired`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.domain.osmand import LocationReport, TimeVerdict, judge_time
from app.extensions import db
from app.models import DevicePosition, WorkDevice
from app.services.transaction import commits
from app.timeutil import utcnow

PURGE_BATCH = 5000  # rows deleted per statement, each batch its own transaction
PURGE_MAX_BATCHES = 200  # per run: the next run carries on


@dataclass(frozen=True)
class LocationSettings:
    retention: timedelta
    # No geofence alert within this long of a welfare visit done there (services/alerts.py).
    welfare_snooze: timedelta = timedelta(days=7)

    @classmethod
    def from_config(cls, config) -> LocationSettings:
        return cls(retention=timedelta(hours=int(config["LOCATION_RETENTION_HOURS"])),
                   welfare_snooze=timedelta(days=int(config.get("WELFARE_VISIT_SNOOZE_DAYS", 7))))


class ReportRefused(Exception):
    """The report's time shows a device clock that is wrong: refused (4xx), nothing stored."""


class PastRetention(Exception):
    """The report is real but older than the retention period: acknowledged, nothing stored
    (it would be deleted by the next purge). Refusing it instead would make Traccar Client
    send it again for ever, holding up every newer position behind it in its buffer."""


RecordHook = Callable[[DevicePosition, LocationSettings], None]
_hooks: list[RecordHook] = []


def after_record(hook: RecordHook) -> RecordHook:
    """Call `hook(position, settings)` after each new position is stored, in the recording transaction
    (usable as a decorator). Hooks run in the order they were registered."""
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def remove_hook(hook: RecordHook) -> None:
    if hook in _hooks:
        _hooks.remove(hook)


@commits
def record(device: WorkDevice, report: LocationReport, settings: LocationSettings) -> DevicePosition:
    """Store the position `device` reported and run the `after_record` hooks; returns it, or
    the one already stored for the same device and time. A report without a time is taken as
    made when it arrived (as the Traccar server does). Raises ReportRefused for a time in the
    future or absurdly old, PastRetention for one older than the retention period."""
    received_at = utcnow()
    recorded_at = report.recorded_at or received_at
    verdict = judge_time(recorded_at, received_at, settings.retention)
    if verdict is TimeVerdict.PAST_RETENTION:
        raise PastRetention()
    if verdict is not TimeVerdict.KEEP:
        raise ReportRefused("the time of the fix is in the future" if verdict is TimeVerdict.AHEAD
                            else "the time of the fix is not a real time: check the device's clock")
    existing = _stored(device.id, recorded_at)
    if existing is not None:
        return existing
    position = DevicePosition(
        device_id=device.id, user_id=device.user_id, recorded_at=recorded_at, received_at=received_at,
        latitude=report.latitude, longitude=report.longitude, accuracy_m=report.accuracy_m,
        speed_mps=report.speed_mps, heading_deg=report.heading_deg, altitude_m=report.altitude_m,
        battery_percent=report.battery_percent, charging=report.charging, moving=report.moving, mock=report.mock,
    )
    db.session.add(position)
    try:
        db.session.flush()
    except IntegrityError:  # the same report, stored a moment ago by a concurrent request
        db.session.rollback()
        stored = _stored(device.id, recorded_at)
        if stored is None:
            raise
        return stored
    for hook in list(_hooks):
        hook(position, settings)
    db.session.commit()
    return position


def _stored(device_id: int, recorded_at) -> DevicePosition | None:
    return db.session.scalar(select(DevicePosition).where(DevicePosition.device_id == device_id,
                                                          DevicePosition.recorded_at == recorded_at))


def latest_position(device_id: int) -> DevicePosition | None:
    """The device's latest stored position by the device's time: the last entry of its range
    in the (device_id, recorded_at) index, whatever the number of positions stored."""
    return db.session.scalar(select(DevicePosition).where(DevicePosition.device_id == device_id)
                             .order_by(DevicePosition.recorded_at.desc()).limit(1))


@commits
def purge_expired(settings: LocationSettings, *, batch_size: int = PURGE_BATCH,
                  max_batches: int = PURGE_MAX_BATCHES) -> int:
    """Delete positions recorded more than the retention period ago (the scheduler, every 15
    minutes). Each batch deletes at most `batch_size` rows found from the oldest end of the
    recorded_at index and commits, so a batch costs the same whatever the table's size, and
    no transaction holds many locks or a long write on SQLite. Returns how many were deleted."""
    cutoff = utcnow() - settings.retention
    removed = 0
    for _ in range(max_batches):
        oldest = (select(DevicePosition.id).where(DevicePosition.recorded_at < cutoff)
                  .order_by(DevicePosition.recorded_at).limit(batch_size))
        statement = delete(DevicePosition).where(DevicePosition.id.in_(oldest))
        count = db.session.execute(statement, execution_options={"synchronize_session": False}).rowcount
        db.session.commit()
        removed += count
        if count < batch_size:
            break
    return removed

"""Scheduler heartbeat and database health."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, text

from app.extensions import db
from app.models import SchedulerHeartbeat
from app.services.transaction import commits
from app.timeutil import utcnow


@commits
def record_heartbeat(name: str = "scheduler") -> datetime:
    """Called by the scheduler every minute, so /healthz can tell a stalled scheduler."""
    now = utcnow()
    beat = db.session.scalar(select(SchedulerHeartbeat).where(SchedulerHeartbeat.name == name))
    if beat is None:
        db.session.add(SchedulerHeartbeat(name=name, beat_at=now))
    else:
        beat.beat_at = now
    db.session.commit()
    return now


def health() -> dict:
    """Database status and the last scheduler heartbeat, for GET /healthz."""
    try:
        db.session.execute(text("SELECT 1"))
        beats = db.session.scalars(select(SchedulerHeartbeat)).all()
    except Exception as exc:  # noqa: BLE001 - health must report, not raise
        db.session.rollback()
        return {"status": "error", "database": "error", "error": type(exc).__name__}
    return {
        "status": "ok",
        "database": "ok",
        "database_backend": db.engine.dialect.name,
        "scheduler": {b.name: b.beat_at.isoformat() for b in beats},
    }

"""State of the background scheduler, for /healthz and the admin page."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime


class SchedulerHeartbeat(db.Model):
    """One row per scheduler process name; the heartbeat job overwrites its own row."""

    __tablename__ = "scheduler_heartbeat"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)

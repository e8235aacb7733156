"""Log-in throttling counters: the storage behind Flask-Limiter (app/services/login_throttle.py).

One row per throttle key and fixed window: how many failed log-ins it has counted and when
the window ends. The key is a SHA-256 of the limiter's key, whose parts are themselves keyed
hashes of the client's address and the e-mail typed: no address or e-mail is stored.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime


class LoginThrottle(db.Model):
    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    # The end of the window; a row past it counts nothing and is purged by the scheduler.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

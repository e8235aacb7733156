"""Users, their roles and their log-in state."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime


class Role(enum.StrEnum):
    OFFICER = "officer"
    # Authorises DAPNs only (Domestic Abuse Act 2021 s.22: inspector or above).
    INSPECTOR = "inspector"
    SUPERINTENDENT = "superintendent"
    CASEWORKER = "caseworker"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return self.value.capitalize()


def enum_column(enum_cls: type[enum.Enum], length: int = 32) -> Enum:
    """Store an enum by value as a plain string: adding a member needs no DDL."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def display_name(rank: str | None, full_name: str, collar_number: str | None) -> str:
    """How a user is named on pages: "PC Alex Smith (1234)" (User.display_name, and from
    bare columns where no User is loaded, as on the dashboard)."""
    name = " ".join(p for p in (rank, full_name) if p)
    return f"{name} ({collar_number})" if collar_number else name


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    rank: Mapped[str | None] = mapped_column(String(60))
    collar_number: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    # Officers with an area see that area's cases; no area means force-wide.
    area: Mapped[str | None] = mapped_column(String(60))
    # Caseworkers: the support service they work for; they see only its referrals.
    service_id: Mapped[int | None] = mapped_column(ForeignKey("support_service.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Failed log-ins since the last successful one, and the last of them: told to the user
    # at their next log-in. Nothing is locked: guessing is throttled by address instead
    # (app/web/auth/throttle.py).
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Stamped into each session at log-in; log-out, deactivation and a password change add
    # one, so every session stamped before then is refused (app/web/security.py).
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A password an administrator reset: a temporary one, shown to them once. Until the user
    # sets their own, every page sends them to the change-password page; after
    # `temporary_password_expires_at` it no longer logs in (TEMPORARY_PASSWORD_HOURS).
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    temporary_password_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive users cannot log in
        return self.active

    @property
    def display_name(self) -> str:
        return display_name(self.rank, self.full_name, self.collar_number)

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

"""Administering accounts: an admin edits a user's details and access, deactivates and
reactivates them and resets their password; and everyone changes their own password.

Creating accounts, logging in and deactivating are in `users.py`; this module uses its
hasher and its ending of sessions. Every change is audited with the values before and
after (never a password), and none leaves the force without an active admin.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from app.extensions import db
from app.models import Role, User
from app.services import ValidationFailed, audit
from app.services.transaction import commits
from app.services.users import (
    MIN_PASSWORD_LENGTH,
    LoginRefused,
    _end_sessions,
    _service_errors,
    _verify,
    keep_an_admin,
    password_hasher,
)
from app.timeutil import utcnow

# Lower-case letters and digits that cannot be misread for one another (no i, l, o, 0, 1):
# easy to read out over a phone. Four groups of four: 16 characters from 31, about 79 bits.
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TEMPORARY_GROUPS = 4


def new_temporary_password() -> str:
    """A random password like "k7qm-3hxp-wd9r-fa2n" (19 characters, over the minimum)."""
    groups = ("".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(4)) for _ in range(TEMPORARY_GROUPS))
    return "-".join(groups)


@dataclass(frozen=True)
class AccountDetails:
    full_name: str
    email: str
    rank: str | None = None
    collar_number: str | None = None


@dataclass(frozen=True)
class AccountAccess:
    role: Role
    area: str | None = None
    service_id: int | None = None  # caseworkers only


def _changes(user: User, wanted: dict[str, object]) -> dict[str, dict[str, object]]:
    """{column: {"before": ..., "after": ...}} for the values that differ (enums by value)."""
    def plain(value):
        return value.value if isinstance(value, Role) else value

    return {name: {"before": plain(getattr(user, name)), "after": plain(value)}
            for name, value in wanted.items() if getattr(user, name) != value}


@commits
def update_details(actor: User, user: User, details: AccountDetails) -> dict:
    """Correct a user's name, rank, collar number or email; returns what changed."""
    errors: dict[str, str] = {}
    full_name = details.full_name.strip()
    if not full_name:
        errors["full_name"] = "Enter the person's full name"
    try:
        email = validate_email(details.email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        email = ""
        errors["email"] = "Enter an email address in the correct format, like name@force.police.uk"
    if email and db.session.scalar(select(User.id).where(func.lower(User.email) == email, User.id != user.id)):
        errors["email"] = "Another account has this email address"
    if errors:
        raise ValidationFailed(errors)
    changes = _changes(user, {
        "full_name": full_name, "email": email,
        "rank": (details.rank or "").strip() or None,
        "collar_number": (details.collar_number or "").strip() or None,
    })
    if changes:
        for name, change in changes.items():
            setattr(user, name, change["after"])
        audit.record(actor, "user.updated", target_user_id=user.id, changes=changes)
        db.session.commit()
    return changes


@commits
def change_access(actor: User, user: User, access: AccountAccess, *, areas: list[str]) -> dict:
    """Change a user's role, area or support service; returns what changed.

    A caseworker belongs to an active support service (as at creation) and nobody else to
    any; the last active admin cannot stop being one. The change applies from the user's
    next request: their role is read afresh every time.
    """
    area = (access.area or "").strip() or None
    errors = _service_errors(access.role, access.service_id)
    if area is not None and area not in areas:
        errors["area"] = "Choose one of the force's areas, or force-wide"
    if errors:
        raise ValidationFailed(errors)
    if access.role is not Role.ADMIN:
        keep_an_admin(user)
    service_id = access.service_id if access.role is Role.CASEWORKER else None
    changes = _changes(user, {"role": access.role, "area": area, "service_id": service_id})
    if changes:
        user.role, user.area, user.service_id = access.role, area, service_id
        audit.record(actor, "user.access_changed", target_user_id=user.id, changes=changes)
        db.session.commit()
    return changes


@commits
def reactivate(actor: User | None, user: User) -> bool:
    """Let a deactivated account log in again (its old sessions stay ended); False if it was
    already active."""
    if user.active:
        return False
    user.active = True
    audit.record(actor, "user.reactivated", target_user_id=user.id,
                 changes={"active": {"before": False, "after": True}})
    db.session.commit()
    return True


@commits
def reset_password(actor: User, user: User, *, lifetime_hours: int) -> str:
    """Give the user a random temporary password and return it, to be shown once to the
    admin (only its hash is stored; it is never logged or audited). It logs in until
    `lifetime_hours` from now, and then only to the change-password page. Every session
    the user has ends."""
    if actor.id == user.id:
        raise ValidationFailed({"": "Change your own password from your account page, not by resetting it"})
    password = new_temporary_password()
    expires_at = utcnow() + timedelta(hours=lifetime_hours)
    user.password_hash = password_hasher().hash(password)
    user.must_change_password = True
    user.temporary_password_expires_at = expires_at
    _end_sessions(user)
    audit.record(actor, "user.password_reset", target_user_id=user.id, temporary=True,
                 expires_at=expires_at.isoformat())
    db.session.commit()
    return password


def temporary_password_expired(user: User, now: datetime) -> bool:
    """The user still has a temporary password, and its lifetime is over."""
    expires_at = user.temporary_password_expires_at
    return bool(user.must_change_password) and expires_at is not None and now >= expires_at


@commits
def check_temporary_password(user: User) -> None:
    """After a correct password: refuse a temporary one whose lifetime is over
    (raises LoginRefused, audited)."""
    if temporary_password_expired(user, utcnow()):
        audit.record(user, "user.login_refused_temporary_expired")
        db.session.commit()
        raise LoginRefused("This temporary password has expired. Ask an administrator to reset your password again.")


@commits
def change_own_password(user: User, *, current_password: str, new_password: str, confirm_password: str) -> None:
    """The user's own change: the current password, then a new one typed twice under the
    password policy. Every other session ends; the caller restarts the current one
    (web/security.start_session). A temporary password is then no longer needed."""
    errors: dict[str, str] = {}
    if not _verify(user.password_hash, current_password):
        audit.record(user, "user.password_change_refused")
        db.session.commit()
        raise ValidationFailed({"current_password": "Your current password is not correct"})
    if len(new_password) < MIN_PASSWORD_LENGTH:
        errors["new_password"] = f"Your new password must be at least {MIN_PASSWORD_LENGTH} characters"
    elif new_password == current_password:
        errors["new_password"] = "Your new password must be different from your current one"  # noqa: S105 - a message
    if new_password != confirm_password:
        errors["confirm_password"] = "The new passwords do not match"  # noqa: S105 - a message
    if errors:
        raise ValidationFailed(errors)
    user.password_hash = password_hasher().hash(new_password)
    user.must_change_password = False
    user.temporary_password_expires_at = None
    _end_sessions(user)
    audit.record(user, "user.password_changed", target_user_id=user.id)
    db.session.commit()

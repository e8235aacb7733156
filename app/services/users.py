"""Accounts: creating them, logging in and out, deactivating them and their passwords."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app
from sqlalchemy import func, select

from app.extensions import db
from app.models import Role, User
from app.services import ValidationFailed, audit
from app.services.transaction import commits, in_callers_transaction
from app.timeutil import utcnow

# Argon2id with the library's current recommended parameters (what PasswordHasher() uses):
# development and production.
STRONG_HASH_PARAMETERS = profiles.RFC_9106_LOW_MEMORY
# The testing configuration only: the cheapest Argon2id the library allows, so the suites do
# not spend most of their time hashing. Salt and hash keep their full length.
TESTING_HASH_PARAMETERS = replace(
    profiles.CHEAPEST, salt_len=STRONG_HASH_PARAMETERS.salt_len, hash_len=STRONG_HASH_PARAMETERS.hash_len
)

MIN_PASSWORD_LENGTH = 12


class _Passwords:
    """The app's password hasher, and a hash to verify against when the e-mail is unknown,
    so a wrong e-mail takes as long as a wrong password and the response time does not
    reveal which accounts exist."""

    def __init__(self, hasher: PasswordHasher):
        self.hasher = hasher
        self.dummy_hash = hasher.hash("not a real password")


def init_app(app: Flask) -> None:
    """Choose the Argon2 parameters from the app's settings (create_app calls this)."""
    testing = app.config["DVPO_ENV"] == "testing"
    parameters = TESTING_HASH_PARAMETERS if testing else STRONG_HASH_PARAMETERS
    app.extensions["dvpo_passwords"] = _Passwords(PasswordHasher.from_parameters(parameters))


def password_hasher() -> PasswordHasher:
    """The current app's hasher."""
    return _passwords().hasher


def _passwords() -> _Passwords:
    return current_app.extensions["dvpo_passwords"]


class LoginRefused(Exception):
    """The log-in failed; str(exc) is safe to show to the user."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


@commits
def create_user(
    *,
    email: str,
    full_name: str,
    role: Role,
    password: str,
    actor: User | None = None,
    area: str | None = None,
    rank: str | None = None,
    collar_number: str | None = None,
    service_id: int | None = None,
) -> User:
    errors: dict[str, str] = {}
    errors |= _service_errors(role, service_id)
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        errors["email"] = "Enter an email address in the correct format, like name@force.police.uk"
    if not full_name.strip():
        errors["full_name"] = "Enter the person's full name"
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = f"The password must be at least {MIN_PASSWORD_LENGTH} characters"
    if "email" not in errors and db.session.scalar(
        select(User.id).where(func.lower(User.email) == email)
    ):
        errors["email"] = "An account with this email address already exists"
    if errors:
        raise ValidationFailed(errors)
    user = User(
        email=email,
        full_name=full_name.strip(),
        role=role,
        area=(area or None),
        rank=(rank or None),
        collar_number=(collar_number or None),
        service_id=service_id if role is Role.CASEWORKER else None,
        password_hash=password_hasher().hash(password),
        active=True,
        failed_logins=0,
        created_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.created", target_user_id=user.id, role=role.value)
    db.session.commit()
    return user


def _service_errors(role: Role, service_id: int | None) -> dict[str, str]:
    """A caseworker works for one support service and sees only its referrals."""
    from app.models import SupportService

    if role is not Role.CASEWORKER:
        return {"service_id": "Only caseworkers belong to a support service"} if service_id else {}
    service = db.session.get(SupportService, service_id) if service_id else None
    if service is None or not service.active:
        return {"service_id": "Choose the support service the caseworker works for"}
    return {}


REFUSED = "Enter a correct email address and password"


@dataclass(frozen=True)
class LoggedIn:
    """A successful log-in, and the failed ones on the account since the last (for a notice)."""

    user: User
    failures_since_last_login: int
    last_failure_at: datetime | None


@commits
def authenticate(email: str, password: str) -> LoggedIn:
    """Check a log-in; raise LoginRefused with a message for the user when it fails.

    Whether the account exists, is disabled or has another password, the answer is the same
    and so is the work: exactly one Argon2 verification (against a dummy hash when there is
    no account), then the same refusal. Nothing is locked: repeated guessing is throttled by
    client address before this is called (app/web/auth/throttle.py). A failure on a real
    account is audited (never the password) and counted on it, for a notice at its next
    log-in; a failure on an unknown e-mail leaves no record.
    """
    now = utcnow()
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    verified = _verify(user.password_hash if user is not None else _passwords().dummy_hash, password)
    if user is None:
        raise LoginRefused(REFUSED)
    if not verified or not user.active:
        _record_failure(user, now, "account disabled" if verified else "wrong password")
        db.session.commit()
        raise LoginRefused(REFUSED)
    # A hash made with other parameters (older defaults, another configuration) still
    # verifies, since Argon2 records them in the hash; it is then re-made with the app's.
    if password_hasher().check_needs_rehash(user.password_hash):
        user.password_hash = password_hasher().hash(password)
    logged_in = LoggedIn(user, user.failed_logins, user.last_failed_login_at if user.failed_logins else None)
    user.failed_logins = 0
    user.last_failed_login_at = None
    user.last_login_at = now
    told = {"failed_logins_since_last": logged_in.failures_since_last_login,
            "last_failed_at": logged_in.last_failure_at.isoformat()} if logged_in.failures_since_last_login else {}
    audit.record(user, "user.login", **told)
    db.session.commit()
    return logged_in


@in_callers_transaction
def _record_failure(user: User, now: datetime, reason: str) -> None:
    """Counted in SQL, so failures at the same moment all count. The actor is unknown: the
    entry names the account tried, never the password or where the attempt came from."""
    user.failed_logins = User.failed_logins + 1
    user.last_failed_login_at = now
    audit.record(None, "user.login_failed", target_user_id=user.id, reason=reason)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return password_hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@commits
def record_logout(actor: User) -> None:
    """The user logs out: audited, and every session of theirs ends on the server.

    A signed cookie cannot be taken back, so one copied before the log-out would otherwise
    still work: the generation it was stamped with is now stale (app/web/security.py). This
    ends the user's sessions on their other devices too.
    """
    _end_sessions(actor)
    audit.record(actor, "user.logout")
    db.session.commit()


@commits
def deactivate(actor: User | None, user: User) -> None:
    """Disable an account: it can no longer log in, and its live sessions end now. The last
    active admin cannot be deactivated."""
    keep_an_admin(user)
    was_active = bool(user.active)
    user.active = False
    _end_sessions(user)
    audit.record(actor, "user.deactivated", target_user_id=user.id,
                 changes={"active": {"before": was_active, "after": False}})
    db.session.commit()


def keep_an_admin(user: User) -> None:
    """Refuse (ValidationFailed) a change that would leave no active admin; call it before
    `user` stops being one. It locks the active admins' rows (PostgreSQL; SQLite writes one
    at a time), so two admins demoting each other at once cannot both succeed: the second
    waits, then sees the first's change."""
    admins = db.session.scalars(
        select(User).where(User.role == Role.ADMIN, User.active.is_(True)).order_by(User.id)
        .with_for_update().execution_options(populate_existing=True)
    ).all()
    if admins == [user]:
        raise ValidationFailed({"": "This is the only active admin account: make another account an admin first"})


@commits
def set_password(actor: User | None, user: User, password: str) -> None:
    """A new password (the user's own change, or a reset): every existing session ends.

    A view for the user's own change would stamp its own session afresh afterwards
    (security.start_session), so only the other sessions end.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed({"password": f"The password must be at least {MIN_PASSWORD_LENGTH} characters"})
    user.password_hash = password_hasher().hash(password)
    user.must_change_password = False  # a password chosen for the account, not a temporary one
    user.temporary_password_expires_at = None
    _end_sessions(user)
    action = "user.password_changed" if actor is not None and actor.id == user.id else "user.password_reset"
    audit.record(actor, action, target_user_id=user.id)
    db.session.commit()


@in_callers_transaction
def _end_sessions(user: User) -> None:
    """Make every session stamped with the user's current generation stale.

    Added in SQL, so two at once both count; any change from the stamped value ends a session.
    """
    user.session_generation = User.session_generation + 1
    db.session.flush()
    db.session.refresh(user, ["session_generation"])

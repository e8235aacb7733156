"""Role checks for views, and session rules shared by every blueprint.

Every view declares who may use it with @roles_required(...) or @public; the role-matrix
test fails for any route that declares neither.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from functools import wraps

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

from app.models import Role
from app.services.accounts import temporary_password_expired
from app.timeutil import utcnow

ALL_ROLES = tuple(Role)
SESSION_SEEN_KEY = "last_seen"
SESSION_LOGIN_KEY = "logged_in_at"
SESSION_GENERATION_KEY = "session_generation"


def roles_required(*roles: Role):
    """Require a logged-in user with one of `roles`; others get 403 (or the log-in page)."""
    if not roles:
        raise ValueError("roles_required needs at least one role")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)
        return wrapped

    return decorator


def public(view):
    """Mark a view as open to anyone (log-in page, health check)."""
    view.allowed_roles = None
    view.is_public = True
    return view


def polling(view):
    """Mark a view that htmx polls: it must not keep an idle session alive."""
    view.is_polling = True
    return view


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def unauthorized_response():
    """Where to send someone who is not logged in.

    htmx requests get HX-Redirect, so the whole page goes to the log-in form instead of the
    form being swapped into a fragment.
    """
    login_url = url_for("auth.login", next=request.full_path if request.method == "GET" else None)
    if is_htmx():
        response = current_app.response_class(status=401)
        response.headers["HX-Redirect"] = url_for("auth.login")
        return response
    return redirect(login_url)


def start_session(user) -> None:
    """Call right after login_user: stamp the session with the user's generation and the
    log-in time, which the checks below compare against on every request."""
    now = utcnow().isoformat()
    session[SESSION_GENERATION_KEY] = user.session_generation
    session[SESSION_LOGIN_KEY] = now
    session[SESSION_SEEN_KEY] = now


def session_is_current(user) -> bool:
    """The user loader's check: the account is active and the session was stamped with its
    current generation (log-out, deactivation and a password change move it on)."""
    stamped = session.get(SESSION_GENERATION_KEY)
    return bool(user.active) and type(stamped) is int and stamped == user.session_generation


def enforce_session_limits():
    """before_request: end a session the server has ended, or one too old or too idle.

    - A session the user loader refused (stale generation, disabled account) is cleared.
    - One idle for longer than SESSION_IDLE_MINUTES is logged out. Polling requests are
      checked but do not count as activity, so a dashboard left open does not keep a
      session alive for ever.
    - One logged in more than SESSION_ABSOLUTE_HOURS ago is logged out, however active.

    Each leaves a message for the log-in page; the view's own check then sends the request
    there (htmx requests get HX-Redirect, as for anyone not logged in).
    """
    if not current_user.is_authenticated:
        if session.get("_user_id") is not None:  # a user id the loader refused
            _end_session("Your session has ended. Log in again.")
        return None
    now = utcnow()
    idle_minutes = current_app.config["SESSION_IDLE_MINUTES"]
    last_seen = _parse(session.get(SESSION_SEEN_KEY))
    if last_seen is None or now - last_seen > timedelta(minutes=idle_minutes):
        _end_session(f"You were logged out after {idle_minutes} minutes without activity. Log in again.")
        return None
    absolute_hours = current_app.config["SESSION_ABSOLUTE_HOURS"]
    logged_in_at = _parse(session.get(SESSION_LOGIN_KEY))
    if logged_in_at is None or now - logged_in_at > timedelta(hours=absolute_hours):
        _end_session(f"You were logged out because a session lasts at most {absolute_hours} hours. Log in again.")
        return None
    view = current_app.view_functions.get(request.endpoint or "")
    if not getattr(view, "is_polling", False):
        session[SESSION_SEEN_KEY] = now.isoformat()
    return None


# What a user who must change their password may still reach.
PASSWORD_CHANGE_ENDPOINTS = frozenset({"auth.change_password", "auth.logout", "static"})


def require_password_change():
    """before_request, after enforce_session_limits: a user logged in with a temporary
    password (an administrator reset it) is sent to the change-password page from every
    other page until they choose their own. Once the temporary password's lifetime is over
    the session ends, as the password no longer logs in."""
    if not current_user.is_authenticated or not current_user.must_change_password:
        return None
    if temporary_password_expired(current_user, utcnow()):
        _end_session("Your temporary password has expired. Ask an administrator to reset your password again.")
        return None
    view = current_app.view_functions.get(request.endpoint or "")
    if request.endpoint in PASSWORD_CHANGE_ENDPOINTS or getattr(view, "is_public", False):
        return None
    if is_htmx():
        response = current_app.response_class(status=204)
        response.headers["HX-Redirect"] = url_for("auth.change_password")
        return response
    return redirect(url_for("auth.change_password"))


def _end_session(message: str) -> None:
    logout_user()
    session.clear()
    flash(message, "info")


def _parse(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def redirect_to(url: str):
    """A redirect that also works for htmx: htmx would follow a 302 and swap the whole
    target page into the fragment, so it gets HX-Redirect and changes page instead."""
    if is_htmx():
        response = current_app.response_class(status=204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url)

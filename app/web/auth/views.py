"""Logging in and out."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from app.domain.timefmt import format_instant
from app.services import accounts, users
from app.web.auth import throttle
from app.web.auth.forms import LoginForm
from app.web.navigation import home_url
from app.web.security import ALL_ROLES, public, roles_required, start_session

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
@throttle.login_throttled
def login():
    if current_user.is_authenticated:
        throttle.not_a_failure(logged_in=False)
        return redirect(home_url(current_user.role))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            result = users.authenticate(form.email.data, form.password.data)
            accounts.check_temporary_password(result.user)  # an expired temporary password: LoginRefused
        except users.LoginRefused as exc:
            error = str(exc)  # the attempt stays counted against the throttle
        else:
            throttle.not_a_failure(logged_in=True)
            session.clear()  # a fresh session on log-in: no fixation
            login_user(result.user)
            start_session(result.user)
            if result.failures_since_last_login:
                flash(failed_logins_notice(result.failures_since_last_login, result.last_failure_at), "info")
            return redirect(_safe_next(request.args.get("next")) or home_url(result.user.role))
    elif request.method == "POST":
        throttle.not_a_failure(logged_in=False)  # nothing was checked: a form error costs no attempt
    return render_template("auth/login.html", form=form, error=error)


def failed_logins_notice(failures: int, last_at) -> str:
    attempts = "1 failed log-in attempt" if failures == 1 else f"{failures} failed log-in attempts"
    return (f"{attempts} on your account since you last logged in, the last on {format_instant(last_at)}. "
            "If that was not you, tell your administrator.")


@bp.route("/logout", methods=["POST"])
@roles_required(*ALL_ROLES)
def logout():
    users.record_logout(current_user._get_current_object())
    logout_user()
    session.clear()
    flash("You have logged out.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/")
@roles_required(*ALL_ROLES)
def home():
    return redirect(home_url(current_user.role))


@bp.route("/account")
@roles_required(*ALL_ROLES)
def account():
    return render_template("auth/account.html")


def _safe_next(target: str | None) -> str | None:
    """Only follow a `next` that stays on this site (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target

"""Logging in and out."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from app.services import accounts, users
from app.web.auth.forms import LoginForm
from app.web.navigation import home_url
from app.web.security import ALL_ROLES, public, roles_required, start_session

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(home_url(current_user.role))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = users.authenticate(
                form.email.data,
                form.password.data,
                max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"],
            )
            accounts.check_temporary_password(user)  # an expired temporary password: LoginRefused
        except users.LoginRefused as exc:
            error = str(exc)
        else:
            session.clear()  # a fresh session on log-in: no fixation
            login_user(user)
            start_session(user)
            return redirect(_safe_next(request.args.get("next")) or home_url(user.role))
    return render_template("auth/login.html", form=form, error=error)


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

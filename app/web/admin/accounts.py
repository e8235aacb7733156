"""Administration of one account: its page, correcting its details, its role, area and
service, deactivating and reactivating it, and resetting its password.

Routes on the admin blueprint (admin.views.bp); the list of accounts and creating one are in
views.py.
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, logout_user

from app.extensions import db
from app.models import Role, User
from app.services import ValidationFailed, accounts, referral_queries, support_services
from app.services import users as user_service
from app.timeutil import utcnow
from app.web.admin.forms import ConfirmForm, UserAccessForm, UserDetailsForm
from app.web.admin.views import bp
from app.web.forms_support import apply_errors
from app.web.security import roles_required

USER_URL = "/users/<int(max=2147483647):user_id>"


def _account(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _form_page(template: str, account: User, **context):
    """A form about one account, laid out by _form_page.html: back to and cancel to its page."""
    url = url_for("admin.user", user_id=account.id)
    return render_template(template, account=account, back_url=url, back_text=f"Back to {account.full_name}",
                           caption=account.display_name, cancel_url=url, **context)


@bp.route(USER_URL)
@roles_required(Role.ADMIN)
def user(user_id: int):
    account = _account(user_id)
    return render_template("admin/user.html", account=account, now=utcnow(),
                           service_names=support_services.service_names())


@bp.route(f"{USER_URL}/details", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_details(user_id: int):
    account = _account(user_id)
    form = UserDetailsForm(obj=account)
    if form.validate_on_submit():
        details = accounts.AccountDetails(full_name=form.full_name.data or "", email=form.email.data or "",
                                          rank=form.rank.data, collar_number=form.collar_number.data)
        try:
            changes = accounts.update_details(current_user, account, details)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash(f"{account.full_name}'s details are saved." if changes else "Nothing was changed.", "success")
            return redirect(url_for("admin.user", user_id=account.id))
    return _form_page("admin/user_details.html", account, form=form)


@bp.route(f"{USER_URL}/access", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_access(user_id: int):
    account = _account(user_id)
    form = UserAccessForm(data={"role": account.role.value, "area": account.area or "",
                                "service_id": str(account.service_id or "")})
    areas = current_app.config["AREAS"]
    form.area.choices = [("", "Force-wide")] + [(a, a) for a in areas]
    services = referral_queries.active_services()
    form.service_id.choices = [("", "None")] + [(str(s.id), s.name) for s in services]
    if form.validate_on_submit():
        role = Role(form.role.data)
        service_id = {str(s.id): s.id for s in services}.get((form.service_id.data or "").strip())
        access = accounts.AccountAccess(role=role, area=form.area.data or None,
                                        service_id=service_id if role is Role.CASEWORKER else None)
        try:
            changes = accounts.change_access(current_user, account, access, areas=areas)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash(f"{account.full_name}'s role and access are saved." if changes else "Nothing was changed.", "success")
            if account.id == current_user.id and role is not Role.ADMIN:
                return redirect(url_for("auth.home"))  # no longer an admin: this page is not theirs
            return redirect(url_for("admin.user", user_id=account.id))
    return _form_page("admin/user_access.html", account, form=form)


@bp.route(f"{USER_URL}/deactivate", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def deactivate_user(user_id: int):
    account = _account(user_id)
    if not account.active:
        flash(f"{account.full_name}'s account is already deactivated.", "success")
        return redirect(url_for("admin.user", user_id=account.id))
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            user_service.deactivate(current_user, account)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            if account.id == current_user.id:  # their own session has just ended with the others
                logout_user()
                session.clear()
                flash("Your account is deactivated and you have been logged out.", "info")
                return redirect(url_for("auth.login"))
            flash(f"{account.full_name}'s account is deactivated and their sessions have ended.", "success")
            return redirect(url_for("admin.user", user_id=account.id))
    return _form_page("admin/user_active.html", account, form=form, deactivating=True)


@bp.route(f"{USER_URL}/reactivate", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def reactivate_user(user_id: int):
    account = _account(user_id)
    form = ConfirmForm()
    if account.active or form.validate_on_submit():
        changed = accounts.reactivate(current_user, account)
        flash(f"{account.full_name}'s account is active again: they can log in." if changed
              else f"{account.full_name}'s account is already active.", "success")
        return redirect(url_for("admin.user", user_id=account.id))
    return _form_page("admin/user_active.html", account, form=form, deactivating=False)


@bp.route(f"{USER_URL}/reset-password", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def reset_password(user_id: int):
    account = _account(user_id)
    form = ConfirmForm()
    hours = current_app.config["TEMPORARY_PASSWORD_HOURS"]
    if form.validate_on_submit():
        try:
            password = accounts.reset_password(current_user, account, lifetime_hours=hours)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            # Shown on this response only: never flashed (the session cookie is readable by
            # whoever holds it), never stored in clear, never logged. The page is not cached.
            return render_template("admin/temporary_password.html", account=account, password=password)
    return _form_page("admin/reset_password.html", account, form=form, hours=hours)

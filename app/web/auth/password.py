"""Changing one's own password: open to everyone logged in, and the one page a user with a
temporary password may use until they have chosen their own."""
from __future__ import annotations

from flask import flash, redirect, render_template, session
from flask_login import current_user, login_user

from app.services import ValidationFailed, accounts
from app.services.users import MIN_PASSWORD_LENGTH
from app.web.auth import throttle
from app.web.auth.forms import ChangePasswordForm
from app.web.auth.views import bp
from app.web.forms_support import apply_errors
from app.web.navigation import home_url
from app.web.security import ALL_ROLES, roles_required, start_session


@bp.route("/account/password", methods=["GET", "POST"])
@roles_required(*ALL_ROLES)
@throttle.password_change_throttled
def change_password():
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    if not form.validate_on_submit():
        throttle.not_a_failure(logged_in=False)  # no password was checked: it costs no attempt
    else:
        try:
            accounts.change_own_password(user, current_password=form.current_password.data,
                                         new_password=form.new_password.data,
                                         confirm_password=form.confirm_password.data)
        except ValidationFailed as exc:
            if "current_password" not in exc.errors:
                throttle.not_a_failure(logged_in=False)  # the right current password: not a guess
            apply_errors(form, exc.errors)
        else:
            throttle.not_a_failure(logged_in=False)
            # Every session of the user's ended with the change; this one starts afresh.
            session.clear()
            login_user(user)
            start_session(user)
            flash("Your password has been changed. You have been logged out on any other device.", "success")
            return redirect(home_url(user.role))
    return render_template("auth/change_password.html", form=form, min_length=MIN_PASSWORD_LENGTH,
                           forced=user.must_change_password)

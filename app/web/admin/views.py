"""Administration: accounts and the bank-holiday calendar."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models import ExtraBankHoliday, Role, User
from app.services import ValidationFailed
from app.services import calendar as calendar_service
from app.services import users as user_service
from app.timeutil import utcnow
from app.web.admin.forms import ConfirmForm, ExtraBankHolidayForm, NewUserForm
from app.web.forms_support import apply_errors
from app.web.security import roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@roles_required(Role.ADMIN)
def index():
    return render_template("admin/index.html")


@bp.route("/calendar", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def calendar():
    form = ExtraBankHolidayForm()
    if form.validate_on_submit():
        try:
            calendar_service.add_extra_bank_holiday(current_user, form.day.data, form.name.data)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash(f"{form.name.data.strip()} added. Deadlines that span it have been recalculated.", "success")
            return redirect(url_for("admin.calendar"))
    days = db.session.scalars(select(ExtraBankHoliday).order_by(ExtraBankHoliday.day.desc())).all()
    return render_template("admin/calendar.html", form=form, days=days)


@bp.route("/calendar/<int:holiday_id>/remove", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def remove_holiday(holiday_id: int):
    holiday = db.session.get(ExtraBankHoliday, holiday_id) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = holiday.name
        calendar_service.remove_extra_bank_holiday(current_user, holiday)
        flash(f"{name} removed. Deadlines that spanned it have been recalculated.", "success")
        return redirect(url_for("admin.calendar"))
    return render_template("admin/remove_holiday.html", holiday=holiday, form=form)


@bp.route("/users")
@roles_required(Role.ADMIN)
def users():
    accounts = db.session.scalars(select(User).order_by(User.role, User.full_name)).all()
    return render_template("admin/users.html", accounts=accounts, now=utcnow(), unlock_form=ConfirmForm())


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_user():
    form = NewUserForm()
    form.area.choices = [("", "Force-wide")] + [(a, a) for a in current_app.config["AREAS"]]
    if form.validate_on_submit():
        try:
            user = user_service.create_user(
                email=form.email.data, full_name=form.full_name.data, role=Role(form.role.data),
                password=form.password.data, actor=current_user, area=form.area.data or None,
                rank=form.rank.data, collar_number=form.collar_number.data,
            )
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash(f"Account created for {user.full_name}.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/new_user.html", form=form)


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@roles_required(Role.ADMIN)
def unlock_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        user_service.unlock(current_user, user)
        flash(f"{user.full_name}'s account is unlocked.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/services")
@roles_required(Role.ADMIN)
def services():
    # PLACEHOLDER: replaced by the support services pages.
    return "Support services", 200

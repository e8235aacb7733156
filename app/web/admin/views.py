"""Administration: accounts, support services and the bank-holiday calendar."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models import ExtraBankHoliday, Role, SupportService, User
from app.services import ValidationFailed, referral_queries, support_services
from app.services import calendar as calendar_service
from app.services import users as user_service
from app.settings import current_settings
from app.web.admin.forms import ConfirmForm, ExtraBankHolidayForm, NewUserForm, ServiceActiveForm, SupportServiceForm
from app.web.fields import yes_no_text, yes_no_value
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
            calendar_service.add_extra_bank_holiday(current_user, form.day.data, form.name.data,
                                                     current_settings().referrals)
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
        calendar_service.remove_extra_bank_holiday(current_user, holiday, current_settings().referrals)
        flash(f"{name} removed. Deadlines that spanned it have been recalculated.", "success")
        return redirect(url_for("admin.calendar"))
    return render_template("admin/remove_holiday.html", holiday=holiday, form=form)


@bp.route("/users")
@roles_required(Role.ADMIN)
def users():
    accounts = db.session.scalars(select(User).order_by(User.role, User.full_name)).all()
    return render_template("admin/users.html", accounts=accounts, service_names=support_services.service_names())


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_user():
    form = NewUserForm()
    form.area.choices = [("", "Force-wide")] + [(a, a) for a in current_app.config["AREAS"]]
    services = referral_queries.active_services()
    form.service_id.choices = [("", "None")] + [(str(s.id), s.name) for s in services]
    if form.validate_on_submit():
        role = Role(form.role.data)
        service_id = _chosen_service(form, services) if role is Role.CASEWORKER else None
        try:
            user = user_service.create_user(
                email=form.email.data, full_name=form.full_name.data, role=role,
                password=form.password.data, actor=current_user, area=form.area.data or None,
                rank=form.rank.data, collar_number=form.collar_number.data, service_id=service_id,
            )
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash(f"Account created for {user.full_name}.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/new_user.html", form=form)


def _chosen_service(form: NewUserForm, services) -> int | None:
    """The active service picked, or None (create_user then asks for one)."""
    by_value = {str(s.id): s.id for s in services}
    return by_value.get((form.service_id.data or "").strip())


@bp.route("/services", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def services():
    form = SupportServiceForm()
    areas = current_app.config["AREAS"]
    form.area.choices = [("", "Force-wide")] + [(a, a) for a in areas]
    if form.validate_on_submit():
        try:
            service = support_services.add_service(current_user, form.name.data, form.area.data, areas=areas)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash(f"{service.name} added. Officers can now send referrals to it.", "success")
            return redirect(url_for("admin.services"))
    return render_template("admin/services.html", form=form, rows=support_services.services_with_counts())


@bp.route("/services/<int(max=2147483647):service_id>/active", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def service_active(service_id: int):
    service = db.session.get(SupportService, service_id) or abort(404)
    form = ServiceActiveForm()
    if form.validate_on_submit():
        wanted = yes_no_value(form.active.data)
        if wanted is None:
            form.form_errors.append("Use the button on this page to confirm the change")
        else:
            changed = support_services.set_active(current_user, service, wanted)
            state = "active again: officers can refer to it" if wanted else "deactivated: it is no longer offered for new referrals"
            flash(f"{service.name} is {state}." if changed else f"{service.name} was already {'active' if wanted else 'inactive'}.",
                  "success")
            return redirect(url_for("admin.services"))
    form.active.data = yes_no_text(not service.active)
    return render_template("admin/service_active.html", form=form, service=service,
                           row=support_services.service_row(service.id))

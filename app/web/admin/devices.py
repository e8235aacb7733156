"""Administration of officers' work devices: the list, registering one (its identifier shown
once, with how to set up Traccar Client), and revoking one after a confirmation.

Routes on the admin blueprint (admin.views.bp).
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from app.extensions import db
from app.models import Role, User, WorkDevice
from app.services import ValidationFailed, devices
from app.web.admin.forms import ConfirmForm, DeviceForm
from app.web.admin.views import bp
from app.web.forms_support import apply_errors
from app.web.security import roles_required


@bp.route("/devices")
@roles_required(Role.ADMIN)
def devices_list():
    return render_template("admin/devices.html", rows=devices.device_rows(),
                           retention_hours=current_app.config["LOCATION_RETENTION_HOURS"])


@bp.route("/devices/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_device():
    form = DeviceForm()
    officers = devices.officers_for_devices()
    form.user_id.choices = [("", "Choose an officer")] + [(str(o.id), o.display_name) for o in officers]
    if form.validate_on_submit():
        officer = {str(o.id): o for o in officers}.get((form.user_id.data or "").strip())
        try:
            if officer is None:
                raise ValidationFailed({"user_id": "Choose the officer whose work device this is"})
            registered = devices.register(current_user, officer, form.name.data or "")
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            # Shown on this response only: never flashed (the session cookie is readable by
            # whoever holds it), never stored in clear, never logged. The page is not cached.
            base_url = current_app.config["BASE_URL"]
            return render_template("admin/device_registered.html", device=registered.device, officer=officer,
                                   identifier=registered.identifier, server_url=devices.server_url(base_url),
                                   setup_link=devices.setup_link(base_url, registered.identifier))
    return render_template("admin/new_device.html", form=form)


@bp.route("/devices/<int(max=2147483647):device_id>/revoke", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def revoke_device(device_id: int):
    device = db.session.get(WorkDevice, device_id) or abort(404)
    officer = db.session.get(User, device.user_id)
    if device.revoked:
        flash(f"{device.name} ({officer.full_name}) is already revoked.", "success")
        return redirect(url_for("admin.devices_list"))
    form = ConfirmForm()
    if form.validate_on_submit():
        devices.revoke(current_user, device)
        flash(f"{device.name} ({officer.full_name}) is revoked: its positions are refused from now on.", "success")
        return redirect(url_for("admin.devices_list"))
    return render_template("admin/revoke_device.html", device=device, officer=officer, form=form)

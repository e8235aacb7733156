"""The patrol page (issue 16): an officer's live geofence alerts on a phone-sized page that
htmx refreshes every 30 seconds; acknowledging, checking in and checking out with the visit
report; the visit page of an alert (the one view of a case an officer of another area gets,
for their alert only, every view audited); and the supervisors' and inspectors' tasking
view. The rules are in app/services/alerts.py."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, render_template, request, url_for
from flask_login import current_user

from app.extensions import db
from app.models import Case
from app.services import ValidationFailed, alerts, push
from app.services.access import visible_cases
from app.settings import current_settings
from app.timeutil import utcnow
from app.web.forms_support import apply_errors
from app.web.patrol.forms import CheckInForm, CheckOutForm, StepForm, TaskingForm
from app.web.presentation.visit_page import visit_facts
from app.web.security import polling, redirect_to, roles_required

bp = Blueprint("patrol", __name__)
DEFAULT_TASKING_DAYS = 28


@bp.app_template_global()
def welfare_trail(case) -> list:
    """For the case page and the breach printout: the case's check-ins and check-outs."""
    return alerts.trail(case)


def _alert_or_404(alert_id: int):
    alert = alerts.alert_for(current_user, alert_id)
    return alert if alert is not None else abort(404)


def _page_lists() -> dict:
    now = utcnow()
    return {"open_alerts": alerts.open_alerts(current_user), "closed": alerts.recently_closed(current_user, now),
            "now": now}


@bp.route("/patrol")
@roles_required(*alerts.PATROL_ROLES)
def index():
    settings = current_settings().push
    return render_template("patrol/index.html", push_key=settings.public_key if settings.enabled else None,
                           **_page_lists())


@bp.route("/patrol/push/subscribe", methods=["POST"])
@roles_required(*alerts.PATROL_ROLES)
def push_subscribe():
    """The patrol page's "Enable alerts on this work phone": JSON with the device's identifier
    and the browser's push subscription (CSRF token in the X-CSRFToken header)."""
    settings = current_settings().push
    if not settings.enabled:
        return jsonify(error="Web Push is not set up on this server"), 409
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(error="Send the device identifier and the subscription as JSON"), 400
    try:
        push.subscribe(current_user, body.get("device_identifier"), body.get("subscription"), settings)
    except ValidationFailed as exc:
        return jsonify(error=next(iter(exc.errors.values()))), 400
    return jsonify(ok=True, message="Alerts are on for this work phone.")


@bp.route("/patrol/alerts")
@roles_required(*alerts.PATROL_ROLES)
@polling
def alert_rows():
    """The patrol page's list, polled by htmx every 30 seconds."""
    return render_template("patrol/partials/alerts.html", **_page_lists())


@bp.route("/patrol/alerts/<int:alert_id>")
@roles_required(*alerts.PATROL_ROLES)
def alert(alert_id: int):
    found = _alert_or_404(alert_id)
    case = db.session.get(Case, found.case_id)
    elsewhere = alerts.across_districts(current_user, case)
    alerts.visit_page_viewed(current_user, found, across_districts=elsewhere)
    may_read_case = db.session.scalar(visible_cases(current_user).where(Case.id == case.id)) is not None
    return render_template("patrol/alert.html", alert=found, facts=visit_facts(case), visit=alerts.open_visit(found),
                           across_districts=elsewhere, may_read_case=may_read_case, form=StepForm(), now=utcnow())


@bp.route("/patrol/alerts/<int:alert_id>/acknowledge", methods=["POST"])
@roles_required(*alerts.PATROL_ROLES)
def acknowledge(alert_id: int):
    found = _alert_or_404(alert_id)
    if not StepForm().validate_on_submit():
        abort(400)
    try:
        alerts.acknowledge(current_user, found)
    except alerts.AlertClosed as exc:
        flash(f"This alert is closed: {exc}.", "success")
        return redirect_to(url_for("patrol.index"))
    flash("Alert acknowledged.", "success")
    return redirect_to(url_for("patrol.alert", alert_id=found.id))


@bp.route("/patrol/alerts/<int:alert_id>/check-in", methods=["GET", "POST"])
@roles_required(*alerts.PATROL_ROLES)
def check_in(alert_id: int):
    found = _alert_or_404(alert_id)
    form = CheckInForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            alerts.check_in(current_user, found, latitude=form.latitude.data or "", longitude=form.longitude.data or "",
                            from_device=bool(form.from_device.data))
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        except alerts.AlertClosed as exc:
            flash(f"This alert is closed: {exc}.", "success")
            return redirect_to(url_for("patrol.index"))
        else:
            flash("Checked in. Check out when you leave, with your report.", "success")
            return redirect_to(url_for("patrol.alert", alert_id=found.id))
    return render_template("patrol/check_in.html", form=form, alert=found)


@bp.route("/patrol/alerts/<int:alert_id>/check-out", methods=["GET", "POST"])
@roles_required(*alerts.PATROL_ROLES)
def check_out(alert_id: int):
    found = _alert_or_404(alert_id)
    form = CheckOutForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            visit = alerts.check_out(current_user, found, spoken_to=form.spoken_to.data, wellbeing=form.wellbeing.data,
                                     p_present=form.p_present.data, concerns=form.concerns.data,
                                     follow_up=form.follow_up.data)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            return _after_check_out(visit)
    return render_template("patrol/check_out.html", form=form, alert=found)


def _after_check_out(visit):
    """P present: the breach form at once, pre-filled from the visit, for an officer who may
    record it; for an officer of another area, the case's officers see it on the case page."""
    message = "Checked out. " + ("The visit is done: the alert is closed for every officer who got it."
                                 if visit.done else "The alert stays open: the victim was not spoken to.")
    if visit.p_present:
        if db.session.scalar(visible_cases(current_user).where(Case.id == visit.case_id)) is not None:
            flash(message + " The perpetrator was present: record the possible breach now.", "success")
            return redirect_to(url_for("court.new_breach", case_id=visit.case_id, visit=visit.id))
        message += (" The perpetrator was present: the possible breach is shown to the case's officers on the case "
                    "page; call the force control room now if anyone is at risk.")
    flash(message, "success")
    return redirect_to(url_for("patrol.index"))


@bp.route("/patrol/tasking")
@roles_required(*alerts.TASKING_ROLES)
def tasking():
    form = TaskingForm(request.args)
    days = form.days.data if form.validate() and form.days.data else DEFAULT_TASKING_DAYS
    now = utcnow()
    cases = visible_cases(current_user)
    if current_user.area:  # a supervisor or inspector of an area: that area's orders
        cases = cases.where(Case.area == current_user.area)
    board = alerts.tasking(cases, now, days, current_settings().locations.welfare_snooze)
    return render_template("patrol/tasking.html", board=board, form=form, days=days, now=now)

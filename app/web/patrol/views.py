"""The patrol page (issue 16): an officer's live geofence alerts on a phone-sized page that
htmx refreshes every 30 seconds; acknowledging, checking in and checking out with the visit
report; the visit page of an alert (the one view of a case an officer of another area gets,
for their alert only, every view audited); the supervisors' and inspectors' tasking view,
and a supervisor's recurrence per order. The rules are in app/services (patrol_alerts,
welfare_visits, welfare_trail, welfare_tasking, welfare_recurrence) and
app/domain/welfare_rules.py."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, render_template, request, url_for
from flask_login import current_user

from app.domain.welfare_rules import proposed_recurrence_days
from app.extensions import db
from app.models import Case
from app.services import ValidationFailed, patrol_alerts, push, welfare_recurrence, welfare_tasking
from app.services import welfare_visits as visits
from app.services.access import visible_cases
from app.services.patrol_alerts import PATROL_ROLES
from app.services.welfare_trail import trail
from app.settings import current_settings
from app.timeutil import utcnow
from app.web.forms_support import apply_errors
from app.web.loaders import load_case
from app.web.patrol.forms import CheckInForm, CheckOutForm, RecurrenceForm, StepForm, TaskingForm
from app.web.presentation.visit_page import visit_facts
from app.web.security import polling, redirect_to, roles_required

bp = Blueprint("patrol", __name__)
DEFAULT_TASKING_DAYS = 28


@bp.app_template_global()
def welfare_trail(case) -> list:
    """For the case page and the breach printout: the case's check-ins and check-outs."""
    return trail(case)


def _alert_or_404(alert_id: int):
    alert = patrol_alerts.alert_for(current_user, alert_id)
    return alert if alert is not None else abort(404)


def _page_lists() -> dict:
    now = utcnow()
    return {"open_alerts": patrol_alerts.open_alerts(current_user),
            "closed": patrol_alerts.recently_closed(current_user, now),
            "now": now}


@bp.route("/patrol")
@roles_required(*PATROL_ROLES)
def index():
    settings = current_settings().push
    return render_template("patrol/index.html", push_key=settings.public_key if settings.enabled else None,
                           **_page_lists())


@bp.route("/patrol/push/subscribe", methods=["POST"])
@roles_required(*PATROL_ROLES)
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
@roles_required(*PATROL_ROLES)
@polling
def alert_rows():
    """The patrol page's list, polled by htmx every 30 seconds."""
    return render_template("patrol/partials/alerts.html", **_page_lists())


@bp.route("/patrol/alerts/<int:alert_id>")
@roles_required(*PATROL_ROLES)
def alert(alert_id: int):
    found = _alert_or_404(alert_id)
    case = db.session.get(Case, found.case_id)
    elsewhere = visits.across_districts(current_user, case)
    visits.visit_page_viewed(current_user, found, across_districts=elsewhere)
    may_read_case = db.session.scalar(visible_cases(current_user).where(Case.id == case.id)) is not None
    return render_template("patrol/alert.html", alert=found, facts=visit_facts(case), visit=visits.open_visit(found),
                           across_districts=elsewhere, may_read_case=may_read_case, form=StepForm(), now=utcnow())


@bp.route("/patrol/alerts/<int:alert_id>/acknowledge", methods=["POST"])
@roles_required(*PATROL_ROLES)
def acknowledge(alert_id: int):
    found = _alert_or_404(alert_id)
    if not StepForm().validate_on_submit():
        abort(400)
    try:
        visits.acknowledge(current_user, found)
    except visits.AlertClosed as exc:
        flash(f"This alert is closed: {exc}.", "success")
        return redirect_to(url_for("patrol.index"))
    flash("Alert acknowledged.", "success")
    return redirect_to(url_for("patrol.alert", alert_id=found.id))


@bp.route("/patrol/alerts/<int:alert_id>/check-in", methods=["GET", "POST"])
@roles_required(*PATROL_ROLES)
def check_in(alert_id: int):
    found = _alert_or_404(alert_id)
    form = CheckInForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            visits.check_in(current_user, found, latitude=form.latitude.data or "", longitude=form.longitude.data or "",
                            from_device=bool(form.from_device.data))
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        except visits.AlertClosed as exc:
            flash(f"This alert is closed: {exc}.", "success")
            return redirect_to(url_for("patrol.index"))
        else:
            flash("Checked in. Check out when you leave, with your report.", "success")
            return redirect_to(url_for("patrol.alert", alert_id=found.id))
    return render_template("patrol/check_in.html", form=form, alert=found)


@bp.route("/patrol/alerts/<int:alert_id>/check-out", methods=["GET", "POST"])
@roles_required(*PATROL_ROLES)
def check_out(alert_id: int):
    found = _alert_or_404(alert_id)
    form = CheckOutForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            visit = visits.check_out(current_user, found, spoken_to=form.spoken_to.data, wellbeing=form.wellbeing.data,
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
@roles_required(*welfare_tasking.TASKING_ROLES)
def tasking():
    form = TaskingForm(request.args)
    days = form.days.data if form.validate() and form.days.data else DEFAULT_TASKING_DAYS
    now = utcnow()
    board = welfare_tasking.tasking(welfare_tasking.tasking_cases(current_user), now, days,
                                    current_settings().locations.welfare_snooze)
    return render_template("patrol/tasking.html", board=board, form=form, days=days,
                           may_set_recurrence=welfare_recurrence.may_set(current_user))


@bp.route("/cases/<int:case_id>/welfare-recurrence", methods=["GET", "POST"])
@roles_required(*welfare_recurrence.RECURRENCE_ROLES)
def recurrence():
    """A supervisor sets how many days after a visit the order's geofence re-arms, with a
    reason; the form proposes a default from the case's risk level."""
    case = load_case()  # a case the supervisor may not read is a 404
    if case.order is None or not case.order.in_force:
        abort(404)
    setting_days = current_settings().locations.welfare_snooze.days
    proposed = proposed_recurrence_days(case.risk_level, setting_days)
    form = RecurrenceForm()
    if not form.is_submitted():
        form.days.data = str(case.order.welfare_recurrence_days or proposed)
    if form.validate_on_submit():
        try:
            order = welfare_recurrence.set_recurrence(current_user, case, days=form.days.data, reason=form.reason.data)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash(f"{case.reference}'s geofence now re-arms {order.welfare_recurrence_days} days after a visit.",
                  "success")
            return redirect_to(url_for("patrol.tasking"))
    return render_template("patrol/recurrence.html", form=form, case=case, proposed=proposed,
                           setting_days=setting_days)

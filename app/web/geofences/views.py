"""A case's geofence: its place (latitude and longitude, or an OS grid reference) and the
victim's wishes about extra welfare visits (app/services/geofences.py). Officers and
supervisors, on the cases they may read; everyone who reads the case sees the section."""
from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from app.domain.welfare_rules import effective_recurrence
from app.services import geofences, welfare_recurrence
from app.settings import current_settings
from app.timeutil import utcnow
from app.web.forms_support import FormPlace, form_page
from app.web.geofences.forms import LocationForm, WishesForm
from app.web.loaders import load_case
from app.web.security import roles_required

bp = Blueprint("geofences", __name__)


def _caption(case, _referral) -> str:
    return f"{case.reference}, {case.perpetrator.full_name if case.perpetrator else ''}"


CASE_PAGES = FormPlace("cases.show", "Back to the case", _caption)


@bp.app_template_global()
def case_geofences(case) -> dict:
    """For the case and court pages: the case's geofences (newest first), the open one and
    its state now, and whether this user may change them."""
    fences = geofences.for_case(case)
    current = next((f for f in fences if f.ended_at is None), None)
    now = utcnow()
    order = case.order
    recurrence = (effective_recurrence(order.welfare_recurrence_days, current_settings().locations.welfare_snooze).days
                  if order is not None else None)
    return {"all": fences, "current": current, "state": current.state_at(now) if current else None,
            "latest": fences[0] if fences else None, "now": now,
            "can_edit": current_user.role in geofences.EDITOR_ROLES,
            "order": order, "recurrence_days": recurrence,
            "can_set_recurrence": welfare_recurrence.may_set(current_user) and order is not None and order.in_force}


@bp.route("/cases/<int:case_id>/geofence/location", methods=["GET", "POST"])
@roles_required(*geofences.EDITOR_ROLES)
def location():
    case = load_case()
    fence = geofences.open_geofence(case)
    if fence is None:
        abort(404)
    form = LocationForm()

    def save():
        located = geofences.set_location(current_user, case, latitude=form.latitude.data or "",
                                         longitude=form.longitude.data or "",
                                         grid_reference=form.grid_reference.data or "")
        return f"Geofence located at {located.latitude:.6f}, {located.longitude:.6f}."

    return form_page(CASE_PAGES, "geofences/location.html", form, save, fence=fence)


@bp.route("/cases/<int:case_id>/geofence/wishes", methods=["GET", "POST"])
@roles_required(*geofences.EDITOR_ROLES)
def wishes():
    case = load_case()
    form = WishesForm()
    if not form.is_submitted() and case.welfare_wishes_at is not None:
        form.wants.data = {True: "yes", False: "no", None: "not_asked"}[case.welfare_visits_wanted]

    def save():
        geofences.record_wishes(current_user, case, wants=form.wants.data)
        return "The victim's wishes about welfare visits are recorded."

    return form_page(CASE_PAGES, "geofences/wishes.html", form, save)

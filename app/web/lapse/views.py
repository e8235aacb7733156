"""A notice shown as lapsed (its hearing not begun in time): the officer records that the
hearing did begin in time, or closes the notice as lapsed (app/services/lapse.py)."""
from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_login import current_user

from app.domain.timefmt import format_instant
from app.models import Role
from app.services import ValidationFailed
from app.services import lapse as lapse_service
from app.services.clock_cache import hearing_deadline_for
from app.web.fields import combine_london
from app.web.forms_support import FormPlace, form_page
from app.web.lapse.forms import CloseLapsedForm, HearingBeganForm
from app.web.loaders import load_case
from app.web.request_cache import request_calendar
from app.web.security import roles_required

bp = Blueprint("lapse", __name__)


def _caption(case, _referral) -> str:
    return f"{case.reference}, {case.perpetrator.full_name if case.perpetrator else ''}"


CASE_PAGES = FormPlace("cases.show", "Back to the case", _caption)


def _not_lapsed(case):
    """Shown instead of the form when there is nothing to decide (decided in another tab, or
    the deadline has not come)."""
    message = ("The notice has already been closed as lapsed." if case.state.value == "notice_lapsed"
               else "This notice is not shown as lapsed.")
    return render_template("lapse/nothing_to_decide.html", case=case, message=message)


@bp.route("/cases/<int:case_id>/lapse/hearing-began", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def hearing_began():
    """The hearing did begin by the deadline: when and where. Its outcome is then recorded on the court page."""
    case = load_case()
    calendar = request_calendar()
    if not lapse_service.notice_lapsed(case, calendar):
        return _not_lapsed(case)
    form = HearingBeganForm()
    pending = next((h for h in case.hearings if h.outcome is None), None)
    if not form.is_submitted() and pending is not None:
        form.court_name.data = pending.court_name

    def save():
        began_at = combine_london(form.began_date, form.began_time)
        if began_at is None:  # missing, or a time skipped in spring (the error is on the date)
            errors = form.began_date.errors
            raise ValidationFailed({"began_date": errors[-1] if errors else "Enter the date and time the hearing began"})
        lapse_service.record_hearing_began(current_user, case, began_at=began_at, court_name=form.court_name.data or "",
                                           calendar=calendar)
        return ("The hearing's start is recorded. Now record its outcome.", url_for("court.outcome", case_id=case.id))

    return form_page(CASE_PAGES, "lapse/hearing_began.html", form, save,
                     deadline=format_instant(hearing_deadline_for(case, calendar)), pending=pending)


@bp.route("/cases/<int:case_id>/lapse/close", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def close():
    """Close the notice as lapsed, with the reason, after the officer confirms it."""
    case = load_case()
    calendar = request_calendar()
    if not lapse_service.notice_lapsed(case, calendar):
        return _not_lapsed(case)
    form = CloseLapsedForm()

    def save():
        lapse_service.close_as_lapsed(current_user, case, reason=form.reason.data or "", confirmed=form.confirmed,
                                      calendar=calendar)
        return "The notice is closed as lapsed. The victim's referral to support carries on."

    return form_page(CASE_PAGES, "lapse/close.html", form, save,
                     deadline=format_instant(hearing_deadline_for(case, calendar)))

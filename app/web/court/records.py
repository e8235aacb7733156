"""The court page's records of the notice of the hearing to P, the order served on P, and
V told of the order (issue 12): three form pages on the court blueprint."""
from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from app.domain.order_records import (
    HearingNoticeKind,
    HearingNoticeMethod,
    OrderServiceMethod,
    VictimToldMethod,
    address_answer,
)
from app.models import Role
from app.services import order_records
from app.web.court.record_forms import HearingNoticeForm, OrderServedForm, VictimToldForm
from app.web.court.views import bp
from app.web.fields import chosen, combine_london, yes_no_value
from app.web.forms_support import COURT_PAGES, form_page
from app.web.loaders import load_case
from app.web.request_cache import request_calendar
from app.web.security import roles_required


@bp.route("/cases/<int:case_id>/court/hearing-notice", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def hearing_notice():
    """Notice of the hearing given to P, or the reasonable efforts made (DAA 2021 s.29(4)-(6))."""
    case = load_case()
    form = HearingNoticeForm()

    def save():
        order_records.record_hearing_notice(
            current_user, case, kind=chosen(HearingNoticeKind, form.kind.data),
            at=combine_london(form.at_date, form.at_time), method=chosen(HearingNoticeMethod, form.method.data),
            details=form.details.data or "", by=form.by.data or "", efforts=form.efforts.data or "",
        )
        return "Notice of the hearing recorded."

    return form_page(COURT_PAGES, "court/hearing_notice.html", form, save,
                     answer=address_answer(case.hearing_address_answer, case.address_for_hearing_notice),
                     steps=case.hearing_notices)


@bp.route("/cases/<int:case_id>/court/order-served", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def order_served():
    """The order served on P: who, when, how (a practice target, seed 002)."""
    case = load_case()
    if case.order is None:
        return render_template("court/nothing_pending.html", case=case, message="There is no order to serve.")
    if case.order.service is not None and case.order.service.served_at is not None:
        return render_template("court/nothing_pending.html", case=case,
                               message="The order's service on the perpetrator has already been recorded.")
    form = OrderServedForm()

    def save():
        order_records.record_order_served(
            current_user, case, served_at=combine_london(form.served_date, form.served_time),
            served_by=form.served_by.data or "", method=chosen(OrderServiceMethod, form.method.data),
            details=form.details.data or "", calendar=request_calendar(),
        )
        return "The order's service on the perpetrator is recorded."

    return form_page(COURT_PAGES, "court/order_served.html", form, save)


@bp.route("/cases/<int:case_id>/court/victims/<int:victim_id>/told", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def victim_told(victim_id: int):
    """V told of the order: its conditions, its end, what to do on a breach, and a copy."""
    case = load_case()
    victim = order_records.case_victim(case, victim_id) or abort(404)
    if case.order is None:
        return render_template("court/nothing_pending.html", case=case, message="There is no order to tell the victim about.")
    if any(t.victim_id == victim.id for t in case.order.victims_told):
        return render_template("court/nothing_pending.html", case=case,
                               message=f"{victim.full_name} has already been recorded as told of the order.")
    form = VictimToldForm()

    def save():
        order_records.record_victim_told(
            current_user, case, victim, told_at=combine_london(form.told_date, form.told_time),
            told_by=form.told_by.data or "", method=chosen(VictimToldMethod, form.method.data),
            details=form.details.data or "", explained=set(form.explained.data or []),
            copy_given=yes_no_value(form.copy_given.data),
        )
        return f"Recorded: {victim.full_name} told of the order."

    return form_page(COURT_PAGES, "court/victim_told.html", form, save, victim=victim)

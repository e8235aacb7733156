"""Recording a DAPO made elsewhere (DAA 2021 s.28, s.31), and a DAPN's service person (s.25(5)-(6))."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.domain.calendar import LONDON
from app.domain.order_origin import OTHER_REQUIREMENT, OrderRoute, Requirement
from app.domain.prohibitions import ProhibitionKind
from app.domain.prohibitions import label as prohibition_label
from app.domain.regimes import DAPN, regime
from app.models import Role
from app.services import ValidationFailed, orders_elsewhere, service_persons
from app.settings import current_settings
from app.timeutil import utcnow
from app.uploads import UploadRejected, UploadStore
from app.web.cases.views import _officer_choices
from app.web.elsewhere.forms import ElsewhereOrderForm, ServicePersonForm, parse_review_dates, phone_data
from app.web.fields import chosen, combine_london, yes_no_text, yes_no_value
from app.web.forms_support import FormPlace, apply_errors, details_from_form, form_page
from app.web.loaders import load_case
from app.web.request_cache import request_calendar
from app.web.security import roles_required

bp = Blueprint("elsewhere", __name__)
# A copy of an order is a PDF or a picture of one (not a Word file).
ORDER_COPY_TYPES = {"application/pdf", "image/jpeg", "image/png"}


def _store() -> UploadStore:
    return UploadStore.from_config(current_app.config)


def _details(form: ElsewhereOrderForm) -> orders_elsewhere.ElsewhereOrder:
    requirements = [Requirement(k, form.distance_metres.data if k == ProhibitionKind.NO_COME_WITHIN.value else None)
                    for k in form.conditions.data or []]
    if (form.other_requirements.data or "").strip():
        requirements.append(Requirement(OTHER_REQUIREMENT, text=form.other_requirements.data))
    try:
        review_dates = parse_review_dates(form.review_dates.data)
    except ValueError as exc:
        raise ValidationFailed({"review_dates": str(exc)}) from None
    return orders_elsewhere.ElsewhereOrder(
        case=details_from_form(form, utcnow(), DAPN.code), court_name=form.court_name.data or "",
        made_on=form.made_on.data, route=chosen(OrderRoute, form.route.data), route_details=form.route_details.data or "",
        days=form.days.data, until_further_order=bool(form.until_further_order.data), review_dates=review_dates,
        requirements=requirements, victim_16_confirmed=bool(form.victim_16.data), phone=phone_data(form),
    )


def _stored_copy(file):
    """The uploaded copy of the order, checked by content and stored; ValidationFailed if refused."""
    try:
        stored = _store().save(file.stream, file.filename)
    except UploadRejected as exc:
        raise ValidationFailed({"order_copy": f"{file.filename}: {exc}"}) from None
    if stored.content_type not in ORDER_COPY_TYPES:
        _store().delete(stored.stored_name)
        raise ValidationFailed({"order_copy": "The copy of the order must be a PDF, JPEG or PNG"})
    return stored


@bp.route("/orders/elsewhere/new", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def new_order():
    """Record an order made elsewhere: the case starts with the order in force."""
    form = ElsewhereOrderForm()
    form.officer_in_case_id.choices = _officer_choices()
    form.area.choices = [("", "Choose the area")] + [(a, a) for a in current_app.config["AREAS"]]
    form.conditions.choices = [(k.value, prohibition_label(k, DAPN)) for k in ProhibitionKind]
    if request.method == "GET":
        form.officer_in_case_id.data = current_user.id
        form.area.data = current_user.area or ""
    elif form.add_victim.data or form.add_child.data:
        target = form.victims if form.add_victim.data else form.children
        if len(target.entries) < target.max_entries:
            target.append_entry()
    elif form.validate_on_submit():
        file = form.order_copy.data
        has_file = file is not None and bool(getattr(file, "filename", ""))
        try:
            details = _details(form)
            orders_elsewhere.check(details, has_copy=has_file)
            stored = _stored_copy(file)
            try:
                settings = current_settings()
                case = orders_elsewhere.record(
                    current_user, details, stored, force_code=current_app.config["FORCE_CODE"],
                    calendar=request_calendar(), texts=settings.texts, orders=settings.orders,
                    referral_settings=settings.referrals)
            except Exception:
                _store().delete(stored.stored_name)
                raise
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash(f"Case {case.reference} opened with the order made elsewhere in force.", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("elsewhere/new.html", form=form, routes=list(OrderRoute))


SERVICE_PERSON_PAGES = FormPlace("cases.show", "Back to the case",
                                 lambda case, _referral: f"{case.reference}, {case.perpetrator.full_name if case.perpetrator else ''}")


@bp.route("/cases/<int:case_id>/service-person", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def service_person():
    """A DAPN's perpetrator subject to service law: the commanding officer told (s.25(5)-(6))."""
    case = load_case()
    form = ServicePersonForm()
    if request.method == "GET" and case.p_service_person is not None:
        form.service_person.data = yes_no_text(case.p_service_person)
        form.service_accommodation.data = yes_no_text(case.p_in_service_accommodation)
        if case.commanding_officer_informed_at:
            at = case.commanding_officer_informed_at.astimezone(LONDON)
            form.informed_date.data, form.informed_time.data = at.date(), at.time().replace(second=0, microsecond=0)
        form.informed_how.data = case.commanding_officer_informed_how

    def save():
        informed_at = combine_london(form.informed_date, form.informed_time)
        if informed_at is None and (form.informed_date.data or form.informed_time.data):
            raise ValidationFailed({"informed_date": "Enter the date and the time"})
        service_persons.record_service_person(
            current_user, case, service_person=yes_no_value(form.service_person.data),
            service_accommodation=yes_no_value(form.service_accommodation.data), informed_at=informed_at,
            how=form.informed_how.data or "")
        return "The perpetrator's service status is recorded."

    return form_page(SERVICE_PERSON_PAGES, "elsewhere/service_person.html", form, save, regime=regime(case.regime),
                     provisions=service_persons.notice_provisions(case))

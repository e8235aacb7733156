"""A DAPO's requirements on the court blueprint: variation and discharge with who applied,
adding and removing a requirement, electronic monitoring, supervisors' and providers'
reports, and the officer's review of a reported failure (DAA 2021 ss.35-37, s.44)."""
from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from app.domain.dapo_requirements import (
    Applicant,
    Monitoring,
    MonitoringKind,
    ReportKind,
    RequirementKind,
    Variation,
    VariationOutcome,
)
from app.models import Role
from app.services import ValidationFailed, dapo_variation, order_requirements
from app.settings import current_settings
from app.web.court.requirement_forms import (
    AddRequirementForm,
    DapoVariationForm,
    MonitoringForm,
    RemoveRequirementForm,
    ReportForm,
    ReviewForm,
    report_id_value,
)
from app.web.court.views import bp
from app.web.fields import chosen, yes_no_value
from app.web.forms_support import COURT_PAGES, form_page
from app.web.loaders import load_case
from app.web.request_cache import request_calendar
from app.web.security import roles_required


def raise_row_errors(exc: ValidationFailed, rows: list, indices: list[int], prefix: str = "requirements") -> None:
    """Put "<prefix>-<i>-<field>" errors on the rows of a FieldList (`indices`: the entry of
    each requirement passed to the service), and raise what is left for the form."""
    rest = {}
    for key, message in exc.errors.items():
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == prefix and parts[1].isdigit() and int(parts[1]) < len(indices):
            field = getattr(rows[indices[int(parts[1])]].form, parts[2], None)
            if field is not None:
                field.errors = [*field.errors, message]
                continue
        rest["" if key == prefix else key] = message
    raise ValidationFailed(rest)


def _variation(form, outcome: VariationOutcome | None, **extra) -> Variation:
    return Variation(applicant=chosen(Applicant, form.applicant.data), outcome=outcome, court_date=form.court_date.data,
                     details=form.details.data or "", victim_heard=bool(form.victim_heard.data) or None, **extra)


def dapo_change_order(case):
    """The DAPO's variation page (court.change_order for a DAPO): who applied (s.44(3)), the
    decision, the end, review dates, and a confirmation before a discharge."""
    form = DapoVariationForm()
    order = case.order_in_force
    if request.method == "GET" and order is not None:
        from datetime import date

        form.review_dates.data = [date.fromisoformat(d) for d in order.review_dates or []]

    def save():
        outcome = chosen(VariationOutcome, form.outcome.data)
        dapo_variation.vary(
            current_user, case, _variation(form, outcome, confirmed=bool(form.confirm.data),
                                           review_dates=form.review_dates.data or []),
            end=form.end.data or "keep", new_days=form.new_days.data, set_review_dates=bool(form.set_review_dates.data),
            calendar=request_calendar(), texts=current_settings().texts)
        return f"The court's decision is recorded: {outcome.label.lower()}."

    return form_page(COURT_PAGES, "court/dapo_variation.html", form, save, order=order)


@bp.route("/cases/<int:case_id>/court/order/requirements/new", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def add_requirement():
    case = load_case()
    form = AddRequirementForm()

    def save():
        req = form.requirement()
        if req is None:
            raise ValidationFailed({"kind": "Choose the requirement the court added"})
        dapo_variation.add_requirement(current_user, case, _variation(form, VariationOutcome.VARIED), req,
                                       calendar=request_calendar(), texts=current_settings().texts)
        return "The requirement the court added is recorded."

    return form_page(COURT_PAGES, "court/requirement_add.html", form, save)


@bp.route("/cases/<int:case_id>/court/order/requirements/remove", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def remove_requirement():
    """Confirm, then record the variation that removed a requirement (?requirement=<id>)."""
    case = load_case()
    form = RemoveRequirementForm()
    wanted = report_id_value(request.args.get("requirement") or form.requirement_id.data)
    order = case.order_in_force
    row = next((r for r in order_requirements.current_requirements(order) if r.id == wanted), None) if order else None
    if request.method == "GET":
        if row is None or row.kind is RequirementKind.NO_ABUSE:
            abort(404)  # not on the order, or the prohibition of abuse every order keeps
        form.requirement_id.data = str(row.id)

    def save():
        dapo_variation.remove_requirement(
            current_user, case, _variation(form, VariationOutcome.VARIED, confirmed=bool(form.confirm.data)),
            wanted, calendar=request_calendar(), texts=current_settings().texts)
        return "The requirement's removal is recorded."

    return form_page(COURT_PAGES, "court/requirement_remove.html", form, save, requirement=row)


@bp.route("/cases/<int:case_id>/court/order/monitoring", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def monitoring():
    """Electronic monitoring the court imposed, once DAA 2021 s.37(2)-(4) were met."""
    case = load_case()
    form = MonitoringForm()

    def save():
        order_requirements.record_monitoring(current_user, case, Monitoring(
            provider=form.provider.data or "", kind=chosen(MonitoringKind, form.kind.data),
            zone_or_address=form.zone_or_address.data or "", starts_on=form.starts_on.data, ends_on=form.ends_on.data,
            p_present=yes_no_value(form.p_present.data), third_party_needed=yes_no_value(form.third_party_needed.data),
            third_party=form.third_party.data or "", third_party_consented=yes_no_value(form.third_party_consented.data),
            area_notified=yes_no_value(form.area_notified.data),
            provision_available=yes_no_value(form.provision_available.data),
        ), court_date=form.court_date.data)
        return "Electronic monitoring recorded."

    return form_page(COURT_PAGES, "court/monitoring.html", form, save)


@bp.route("/cases/<int:case_id>/court/order/reports/new", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def compliance_report():
    """A supervisor's report of compliance or failure, or the monitoring provider's."""
    case = load_case()
    form = ReportForm()
    form.target.choices = order_requirements.report_targets(case)
    if request.method == "GET" and request.args.get("about"):
        form.target.data = request.args["about"]

    def save():
        report = order_requirements.record_report(
            current_user, case, target=form.target.data or "", outcome=chosen(ReportKind, form.outcome.data),
            reported_on=form.reported_on.data, reported_by=form.reported_by.data or "", summary=form.summary.data or "")
        if report.outcome is ReportKind.FAILED:
            return "Failure recorded: it is on the dashboard until you record what was done."
        return "Report recorded."

    return form_page(COURT_PAGES, "court/compliance_report.html", form, save)


@bp.route("/cases/<int:case_id>/court/order/reports/review", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def review_failure():
    """What was done about a reported failure (?report=<id>): the dashboard task closes."""
    case = load_case()
    form = ReviewForm()
    wanted = report_id_value(request.args.get("report") or form.report_id.data)
    report = next((r for r in order_requirements.case_reports(case) if r.id == wanted), None)
    if request.method == "GET":
        if report is None or report.outcome is not ReportKind.FAILED:
            abort(404)
        form.report_id.data = str(report.id)

    def save():
        order_requirements.review_failure(current_user, case, wanted, form.action.data or "")
        return "What was done about the failure is recorded."

    return form_page(COURT_PAGES, "court/review_failure.html", form, save, report=report)

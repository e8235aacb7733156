"""Glue between WTForms and the services."""
from __future__ import annotations

from datetime import datetime

from flask_wtf import FlaskForm

from app.domain.regimes import RegimeCode
from app.models import RiskLevel
from app.services.cases import CaseDetails, PersonDetails


def apply_errors(form: FlaskForm, errors: dict[str, str]) -> None:
    """Put a service's validation errors on the form's fields (or the form if no field matches)."""
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            if message not in field.errors:
                field.errors = list(field.errors) + [message]
        else:
            form.form_errors.append(message)


def details_from_form(form, incident_at: datetime, regime: str) -> CaseDetails:
    def named(entries):
        for entry in entries:
            sub = entry.form
            if (sub.full_name.data or "").strip():
                yield PersonDetails(sub.full_name.data, sub.date_of_birth.data, sub.relationship.data or None)

    return CaseDetails(
        perpetrator=PersonDetails(form.perpetrator_name.data, form.perpetrator_dob.data),
        victims=list(named(form.victims.entries)),
        children=list(named(form.children.entries)),
        address_line_1=form.address_line_1.data or "",
        address_line_2=form.address_line_2.data or "",
        town=form.town.data or "",
        postcode=form.postcode.data or "",
        incident_at=incident_at,
        risk_level=RiskLevel(form.risk_level.data),
        officer_in_case_id=form.officer_in_case_id.data,
        area=form.area.data,
        regime=RegimeCode(regime),
    )


def form_page(template: str, form: FlaskForm, save, done_url: str, **context):
    """A case form page: GET shows the form; a valid POST calls `save`, which returns the
    success message (or the message and where to go next) or raises ValidationFailed, whose
    errors come back on the form with what was typed. On success: flash, then back to
    `done_url` (POST/redirect/GET)."""
    from flask import flash, render_template, request

    from app.services import ValidationFailed
    from app.web.security import redirect_to

    if request.method == "POST" and form.validate_on_submit():
        try:
            outcome = save()
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            message, url = outcome if isinstance(outcome, tuple) else (outcome, done_url)
            flash(message, "success")
            return redirect_to(url)
    return render_template(template, form=form, **context)

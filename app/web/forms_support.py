"""Glue between WTForms and the services."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_wtf import FlaskForm

from app.domain import regimes
from app.domain.regimes import RegimeCode
from app.models import RiskLevel
from app.services.cases import CaseDetails, PersonDetails


def _nested_field(form: FlaskForm, name: str):
    """A field inside a list of sub-forms, named as WTForms names it ("positive-0-supervisor"),
    so a service's error for one row lands beside that row's field."""
    base, _, rest = name.partition("-")
    index, _, sub = rest.partition("-")
    entries = getattr(getattr(form, base, None), "entries", None)
    if not (entries and index.isdigit() and sub) or int(index) >= len(entries):
        return None
    return getattr(getattr(entries[int(index)], "form", None), sub, None)


def apply_errors(form: FlaskForm, errors: dict[str, str]) -> None:
    """Put a service's validation errors on the form's fields (or the form if no field matches)."""
    for name, message in errors.items():
        field = _nested_field(form, name) or getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            if message not in field.errors:
                field.errors = list(field.errors) + [message]
        else:
            form.form_errors.append(message)


def _data(field) -> str | None:
    return field.data if field is not None else None


def details_from_form(form, incident_at: datetime, regime: str) -> CaseDetails:
    def named(entries):
        for entry in entries:
            sub = entry.form
            if (sub.full_name.data or "").strip():
                yield PersonDetails(sub.full_name.data, sub.date_of_birth.data, sub.relationship.data or None)

    return CaseDetails(
        perpetrator=PersonDetails(form.perpetrator_name.data, form.perpetrator_dob.data,
                                  description=_data(getattr(form, "perpetrator_description", None))),
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


@dataclass(frozen=True)
class FormPlace:
    """Where a group of form pages belongs: the page they go back to (and return to once saved),
    the back link's words, and how the page is headed."""

    endpoint: str  # takes case_id if the URL names a case, else referral_id
    back_text: str
    caption: Callable  # (case, referral) -> the caption over the heading
    cancel: bool = True  # a Cancel link beside the button
    post_to_path: bool = False  # the form posts to the page's path, without its query string
    context: Callable = lambda _case, _referral: {}  # more for every page of the place


def _perpetrator_caption(case, _referral) -> str:
    return f"{case.reference}, {case.perpetrator.full_name if case.perpetrator else ''}"


def _content_caption(_case, referral) -> str:
    content = referral.content or {}  # the caseworker reads the snapshot the service received
    return f"{content.get('reference', '')}, {content.get('victim_name', '')}"


def _court_context(case, _referral) -> dict:
    return {"regime": regimes.regime(case.regime)}


COURT_PAGES = FormPlace("court.show", "Back to court", _perpetrator_caption, cancel=False, context=_court_context)
TEXTS_PAGES = FormPlace("texts.case_texts", "Back to reminder texts", _perpetrator_caption)
REFERRAL_PAGES = FormPlace("referrals.case_referrals", "Back to the victim referral",
                           lambda case, referral: f"{case.reference}, referral for {referral.victim.full_name}")
CASEWORK_PAGES = FormPlace("casework.show", "Back to the referral", _content_caption, post_to_path=True,
                           context=lambda _case, referral: {"content": referral.content or {}})


def form_page(place: FormPlace, template: str, form: FlaskForm, save, **context):
    """A form page about the case or referral the URL names (see loaders), laid out by
    _form_page.html. GET shows the form; a valid POST calls `save`, which returns the
    success message (or the message and where to go next) or raises ValidationFailed, whose
    errors come back on the form with what was typed. On success: flash, then back to the
    place's page (POST/redirect/GET)."""
    from flask import flash, render_template, request, url_for

    from app.services import ValidationFailed
    from app.web.loaders import url_case, url_referral
    from app.web.security import redirect_to

    case, referral = url_case(), url_referral()
    done_url = url_for(place.endpoint, case_id=case.id) if case is not None else url_for(place.endpoint, referral_id=referral.id)
    if request.method == "POST" and form.validate_on_submit():
        try:
            outcome = save()
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            message, url = outcome if isinstance(outcome, tuple) else (outcome, done_url)
            flash(message, "success")
            return redirect_to(url)
    page = {
        "case": case, "referral": referral, "back_url": done_url, "back_text": place.back_text,
        "caption": place.caption(case, referral), "cancel_url": done_url if place.cancel else None,
        "form_action": request.path if place.post_to_path else None,
    }
    return render_template(template, form=form, **{**page, **place.context(case, referral), **context})


FIELD_ERROR = "field:"  # a flashed message's category prefix: an error for the field it names


def flash_field_errors(errors: dict[str, str]) -> str | None:
    """Carry a refused POST's errors across its redirect, each to be shown beside the field
    it names (by the field's id) rather than as a banner; returns the first field's id."""
    from flask import flash

    for field, message in errors.items():
        flash(message, FIELD_ERROR + field)
    return next(iter(errors), None)


def field_errors_flashed() -> dict[str, str]:
    """The field errors flash_field_errors carried to this page (base.html leaves them out of
    its banners)."""
    from flask import get_flashed_messages

    return {category.removeprefix(FIELD_ERROR): message
            for category, message in get_flashed_messages(with_categories=True) if category.startswith(FIELD_ERROR)}

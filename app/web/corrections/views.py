"""The "Change" links of the case page: correcting people, the address, the area and the time
of service, adding a victim or a child and removing one added in error. Each form asks why,
and comes back with what was typed when something is refused."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_login import current_user

from app.domain.calendar import LONDON
from app.domain.timefmt import format_instant
from app.extensions import db
from app.models import Case, PersonKind
from app.services import ValidationFailed, corrections, service_correction
from app.services.access import visible_cases
from app.services.clock_cache import hearing_deadline_for
from app.services.corrections import CORRECTOR_ROLES, PersonFacts
from app.settings import current_settings
from app.web.corrections import forms
from app.web.fields import combine_london
from app.web.forms_support import FormPlace, form_page
from app.web.loaders import load_case
from app.web.request_cache import request_calendar
from app.web.security import roles_required

bp = Blueprint("corrections", __name__)


def _caption(case, _referral) -> str:
    return f"{case.reference}, {case.perpetrator.full_name if case.perpetrator else ''}"


CASE_PAGES = FormPlace("cases.show", "Back to the case", _caption,
                       context=lambda _case, _referral: {"reason_hint": forms.REASON_HINT})
KIND_WORDS = {PersonKind.PERPETRATOR: "the perpetrator", PersonKind.VICTIM: "a victim", PersonKind.CHILD: "a child"}
FORMS = {PersonKind.PERPETRATOR: forms.PerpetratorForm, PersonKind.VICTIM: forms.VictimForm,
         PersonKind.CHILD: forms.ChildForm}


def _person(case: Case, person_id: int):
    person = corrections.person_of(case, person_id)
    if person is None:
        abort(404)
    return person


def _facts(form) -> PersonFacts:
    relationship = getattr(form, "relationship", None)
    description = getattr(form, "description", None)
    return PersonFacts(form.full_name.data or "", form.date_of_birth.data, relationship.data if relationship else None,
                       description.data if description else None)


def _saved(message: str, case: Case):
    """The message, with what the corrected dates of birth now say against the law's ages."""
    return " ".join([message, *corrections.age_warnings(case)])


@bp.route("/cases/<int:case_id>/people/<int:person_id>/change", methods=["GET", "POST"])
@roles_required(*CORRECTOR_ROLES)
def change_person(person_id: int):
    case = load_case()
    person = _person(case, person_id)
    form = FORMS[person.kind]()
    if not form.is_submitted():
        form.full_name.data, form.date_of_birth.data = person.full_name, person.date_of_birth
        if hasattr(form, "relationship"):
            form.relationship.data = person.relationship_to_perpetrator or ""
        if getattr(form, "description", None) is not None:
            form.description.data = person.description or ""

    def save():
        corrections.correct_person(current_user, case, person, _facts(form), reason=form.reason.data)
        return _saved(f"{person.full_name}'s details are corrected.", case)

    return form_page(CASE_PAGES, "corrections/person.html", form, save, person=person,
                     heading=f"Change the details of {KIND_WORDS[person.kind]}")


def _add(kind: PersonKind):
    case = load_case()
    form = FORMS[kind]()

    def save():
        person = corrections.add_person(current_user, case, kind, _facts(form), reason=form.reason.data,
                                        calendar=request_calendar(), referral_settings=current_settings().referrals)
        return _saved(f"{person.full_name} is added to the case.", case)

    return form_page(CASE_PAGES, "corrections/person.html", form, save, person=None,
                     heading="Add a victim" if kind is PersonKind.VICTIM else "Add a child")


@bp.route("/cases/<int:case_id>/people/add-victim", methods=["GET", "POST"])
@roles_required(*CORRECTOR_ROLES)
def add_victim():
    return _add(PersonKind.VICTIM)


@bp.route("/cases/<int:case_id>/people/add-child", methods=["GET", "POST"])
@roles_required(*CORRECTOR_ROLES)
def add_child():
    return _add(PersonKind.CHILD)


@bp.route("/cases/<int:case_id>/people/<int:person_id>/remove", methods=["GET", "POST"])
@roles_required(*CORRECTOR_ROLES)
def remove_person(person_id: int):
    """Confirm, with the reason, before removing; or explain why this person cannot be removed."""
    case = load_case()
    person = _person(case, person_id)
    form = forms.RemovePersonForm()
    name = person.full_name

    def save():
        corrections.remove_person(current_user, case, person, reason=form.reason.data, confirmed=form.confirmed)
        return f"{name} is removed from the case."

    return form_page(CASE_PAGES, "corrections/remove.html", form, save, person=person,
                     blockers=corrections.removal_blockers(case, person),
                     children_section=corrections.application_sections_naming_children(case))


@bp.route("/cases/<int:case_id>/address/change", methods=["GET", "POST"])
@roles_required(*CORRECTOR_ROLES)
def change_address():
    case = load_case()
    form = forms.AddressForm()
    if not form.is_submitted():
        for name in corrections.ADDRESS_FIELDS:
            getattr(form, name).data = getattr(case, name) or ""

    def save():
        corrections.correct_address(current_user, case, address_line_1=form.address_line_1.data,
                                    address_line_2=form.address_line_2.data, town=form.town.data,
                                    postcode=form.postcode.data, reason=form.reason.data)
        return "The address is corrected."

    return form_page(CASE_PAGES, "corrections/address.html", form, save)


@bp.route("/cases/<int:case_id>/area/change", methods=["GET", "POST"])
@roles_required(*CORRECTOR_ROLES)
def change_area():
    case = load_case()
    areas = list(current_app.config["AREAS"])
    form = forms.AreaForm()
    form.area.choices = [("", "Choose the area")] + [(a, a) for a in areas]
    if not form.is_submitted():
        form.area.data = case.area

    def save():
        corrections.correct_area(current_user, case, area=form.area.data or "", areas=areas, reason=form.reason.data)
        message = f"The case is now in {case.area}."
        if db.session.scalar(visible_cases(current_user).where(Case.id == case.id)) is None:
            return (f"{message} You no longer see it: it is not in your area and you are not its officer in the case.",
                    url_for("cases.dashboard"))
        return message

    return form_page(CASE_PAGES, "corrections/area.html", form, save)


@bp.route("/cases/<int:case_id>/served-at/change", methods=["GET", "POST"])
@roles_required(*CORRECTOR_ROLES)
def change_served_at():
    """Correct the time of service: the hearing deadline and the referral's clock follow."""
    case = load_case()
    if not service_correction.may_correct_service(case):
        flash("No service of a notice is recorded on this case, so there is no time of service to correct.", "error")
        return redirect(url_for("cases.show", case_id=case.id))
    calendar = request_calendar()
    form = forms.ServedAtForm()
    if not form.is_submitted():
        local = case.served_at.astimezone(LONDON)
        form.served_date.data, form.served_time.data = local.date(), local.time().replace(second=0, microsecond=0)

    def save():
        served_at = combine_london(form.served_date, form.served_time)
        if served_at is None:
            errors = form.served_date.errors
            missing = {"served_date": errors[-1] if errors else "Enter the date and time the notice was served"}
            try:
                corrections.clean_reason(form.reason.data)
            except ValidationFailed as exc:
                missing |= exc.errors
            raise ValidationFailed(missing)
        service_correction.correct_served_at(current_user, case, served_at=served_at, reason=form.reason.data,
                                             calendar=calendar, referral_settings=current_settings().referrals)
        return f"The time of service is corrected. The hearing must now begin by {format_instant(hearing_deadline_for(case, calendar))}."

    return form_page(CASE_PAGES, "corrections/served_at.html", form, save,
                     deadline=format_instant(hearing_deadline_for(case, calendar)))

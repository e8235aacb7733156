"""The same person on several cases: confirming or rejecting a suggested match, and unlinking
(app/services/person_link_decisions.py), and the links on the case page (person_links.py).
Police roles that read case files only; a user decides about people on cases they may read."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from app.services import ValidationFailed, person_link_decisions, person_links
from app.services.access import CASE_READER_ROLES
from app.web.forms_support import FormPlace, form_page
from app.web.loaders import load_case
from app.web.people.forms import UnlinkForm
from app.web.security import roles_required

bp = Blueprint("people", __name__)

_LARGEST_ID = 2**31 - 1  # an integer column's largest value: anything bigger names nobody


def _an_id(raw: str | None) -> int | None:
    text = (raw or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10 or not 1 <= int(text) <= _LARGEST_ID:
        return None
    return int(text)


def _back_to_case(case):
    return redirect(url_for("cases.show", case_id=case.id, _anchor="linked-people"))


@bp.app_template_global()
def linked_people(case) -> person_links.CaseLinks:
    """For the case page: the people linked to other cases and the suggested matches."""
    return person_links.for_case_page(current_user, case)


@bp.route("/cases/<int:case_id>/people/match", methods=["POST"])
@roles_required(*CASE_READER_ROLES)
def decide_match():
    """Confirm that a suggested pair is the same person, or that it is not."""
    case = load_case()
    person, other = _an_id(request.form.get("person")), _an_id(request.form.get("other"))
    decision = request.form.get("decision")
    if person is None or other is None or decision not in ("same", "not_same"):
        flash("Choose a suggested match and whether it is the same person.", "error")
        return _back_to_case(case)
    decide = person_link_decisions.confirm if decision == "same" else person_link_decisions.reject
    try:
        decide(current_user, case, person, other)
    except ValidationFailed as exc:
        flash(" ".join(exc.errors.values()), "error")
    else:
        flash("Linked: they are recorded as the same person on both cases." if decision == "same"
              else "Recorded as not the same person: this match will not be suggested again.", "success")
    return _back_to_case(case)


def _caption(case, _referral) -> str:
    return f"{case.reference}, {case.perpetrator.full_name if case.perpetrator else ''}"


CASE_PAGES = FormPlace("cases.show", "Back to the case", _caption)


@bp.route("/cases/<int:case_id>/people/unlink", methods=["GET", "POST"])
@roles_required(*CASE_READER_ROLES)
def unlink():
    """Take a person out of the people they were linked to, with a reason, after confirming."""
    case = load_case()
    form = UnlinkForm()
    person_id = _an_id(form.person.data if request.method == "POST" else request.args.get("person"))
    links = person_links.appearances(current_user, case)
    person = next((p for p in case.people if p.id == person_id), None)
    if person is None or person.id not in links:
        abort(404)
    form.person.data = str(person.id)

    def save():
        person_link_decisions.unlink(current_user, case, person.id, form.reason.data, confirmed=form.confirmed)
        return f"{person.full_name} is no longer linked to the other cases."

    return form_page(CASE_PAGES, "people/unlink.html", form, save, person=person, appearances=links[person.id])

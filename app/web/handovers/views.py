"""Handing a case to another officer, handing over all of a leaver's live cases at once, and
"My cases": the cases where the user is the officer in the case."""
from __future__ import annotations

from flask import Blueprint, flash, render_template, request, url_for
from flask_login import current_user

from app.models import Role
from app.services import ValidationFailed, case_list, handovers
from app.services.case_list import CaseFilters
from app.web.forms_support import FormPlace, apply_errors, form_page
from app.web.handovers.forms import NOTE_HINT, HandoverForm, LeaverForm, chosen_id
from app.web.loaders import load_case
from app.web.security import redirect_to, roles_required

bp = Blueprint("handovers", __name__)


def _caption(case, _referral) -> str:
    return f"{case.reference}, {case.perpetrator.full_name if case.perpetrator else ''}"


CASE_PAGES = FormPlace("cases.show", "Back to the case", _caption,
                       context=lambda _case, _referral: {"note_hint": NOTE_HINT})


@bp.route("/cases/<int:case_id>/handover", methods=["GET", "POST"])
@roles_required(*handovers.ONE_CASE_ROLES)
def hand_over():
    case = load_case()
    form = HandoverForm()
    form.officer_id.choices = [("", "Choose the officer")] + [
        (str(o.id), o.display_name) for o in handovers.active_officers() if o.id != case.officer_in_case_id]

    def save():
        handover = handovers.hand_over(current_user, case, officer_id=chosen_id(form.officer_id), note=form.note.data)
        return f"The case is handed over to {handover.to_officer.display_name}, who has been emailed a link to it."

    return form_page(CASE_PAGES, "handovers/case.html", form, save)


def _leaver_choices(form: LeaverForm) -> None:
    form.leaver_id.choices = [("", "Choose the officer")] + [
        (str(u.id), f"{u.display_name}{'' if u.active else ' (deactivated)'}: {n} live case{'' if n == 1 else 's'}")
        for u, n in handovers.officers_with_live_cases()]
    form.officer_id.choices = [("", "Choose the officer")] + [(str(o.id), o.display_name) for o in handovers.active_officers()]


@bp.route("/handovers/leaver", methods=["GET", "POST"])
@roles_required(*handovers.LEAVER_ROLES)
def leaver():
    """Choose the leaver and the new officer, see how many cases move, confirm."""
    form = LeaverForm()
    _leaver_choices(form)
    if request.method == "POST" and form.validate_on_submit():
        ids = {"leaver_id": chosen_id(form.leaver_id), "officer_id": chosen_id(form.officer_id), "note": form.note.data}
        confirmed = (form.confirmed_count.data or "").strip()
        try:
            if not confirmed.isdigit():
                leaving, to, count = handovers.check_leaver_handover(**ids)
                form.confirmed_count.data = str(count)
                return render_template("handovers/leaver_confirm.html", form=form, leaving=leaving, to=to, count=count)
            moved = handovers.hand_over_all(current_user, **ids, expected=int(confirmed[:9]))
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash(f"{moved} case{'' if moved == 1 else 's'} handed over. The new officer has been emailed a link to each.",
                  "success")
            return redirect_to(url_for("handovers.leaver"))
    form.confirmed_count.data = ""
    return render_template("handovers/leaver.html", form=form, note_hint=NOTE_HINT)


@bp.route("/my-cases")
@roles_required(Role.OFFICER)
def my_cases():
    """The live cases where the user is the officer in the case; closed ones through the case list."""
    page = case_list.case_list(current_user, CaseFilters(state=case_list.LIVE, officer_id=current_user.id),
                               page=request.args.get("page", 1, type=int) or 1)
    return render_template("handovers/my_cases.html", page=page)

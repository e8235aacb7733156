"""The officer's application (task list and sections), the authorisation queue and decision,
and the printed notice."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.domain.application import SECTION_KEYS, SECTIONS
from app.domain.calendar import LONDON
from app.domain.prohibitions import ProhibitionKind, prohibitions_from_data
from app.domain.prohibitions import available as available_provisions
from app.domain.prohibitions import label as prohibition_label
from app.domain.regimes import regime
from app.models import ApplicationStatus, DecisionOutcome, Role
from app.printing import pdf_response, render_printout
from app.services import ValidationFailed
from app.services import authorisation as service
from app.services.access import CASE_READER_ROLES
from app.settings import current_settings
from app.timeutil import utcnow
from app.web.authorisation.decision_forms import decision_form_for
from app.web.authorisation.forms import SECTION_FORMS, GroundsForm, ProhibitionsForm
from app.web.fields import chosen
from app.web.forms_support import apply_errors
from app.web.loaders import load_case
from app.web.presentation.application_summary import people_to_confirm
from app.web.request_cache import request_calendar
from app.web.security import is_htmx, polling, redirect_to, roles_required

bp = Blueprint("authorisation", __name__)
TITLES = {s.key: s.title for s in SECTIONS}


def _section_form(case, key, **kwargs):
    form = SECTION_FORMS[key](**kwargs)
    if isinstance(form, ProhibitionsForm):
        # The distance provision differs by regime (CSA 2010 s.24(8)(d); DAA 2021 s.23(1)(b)).
        # Only the regime's provisions: no contact is a DAPN's alone (DAA 2021 s.23(1)(a)).
        offered = {k.value for k in available_provisions(regime(case.regime))}
        form.kinds.choices = [(value, prohibition_label(ProhibitionKind(value), regime(case.regime)))
                              for value, _label in form.kinds.choices if value in offered]
    if isinstance(form, GroundsForm):
        the_regime = regime(case.regime)
        form.conduct.choices = [(c.value, c.label) for c in the_regime.conduct]
        form.victim_id.choices = [(v.id, v.full_name) for v in case.victims]
    return form


@bp.route("/cases/<int:case_id>/application")
@roles_required(*CASE_READER_ROLES)
def task_list():
    case = load_case()
    application = service.current_application(case)
    missing = service.incomplete(application, case)
    return render_template(
        "authorisation/task_list.html", case=case, application=application, sections=SECTIONS,
        missing=missing, regime=regime(case.regime), can_edit=_can_edit(case, application),
        previous=[a for a in case.applications if a is not application],
        turns_18=service.perpetrator_turns_18_on(case),
    )


def _can_edit(case, application) -> bool:
    if current_user.role is not Role.OFFICER:
        return False
    if application is None:
        return case.state in service.EDITABLE_CASE_STATES
    return application.status is ApplicationStatus.DRAFT


@bp.route("/cases/<int:case_id>/application/<section>", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def section(section: str):
    case = load_case()
    if section not in SECTION_KEYS:
        abort(404)
    application = service.current_application(case)
    if not _can_edit(case, application):
        flash("The application cannot be changed now: it is awaiting a decision or has been decided.", "error")
        return redirect_to(url_for("authorisation.task_list", case_id=case.id))
    form = _section_form(case, section)
    saved = False
    if request.method == "GET":
        if application and section in application.section_data:
            form.load(application.section_data[section])
    elif form.validate_on_submit():
        data = form.to_data()
        if not any(form.errors.values()):
            try:
                service.save_section(current_user, case, section, data)
            except ValidationFailed as exc:
                apply_errors(form, exc.errors)
            else:
                saved = True
                if not is_htmx():
                    flash(f"{TITLES[section]}: saved and complete.", "success")
                    return redirect(url_for("authorisation.task_list", case_id=case.id))
    template = "authorisation/partials/section_form.html" if is_htmx() else "authorisation/section.html"
    return render_template(
        template, case=case, form=form, key=section, title=TITLES[section], saved=saved,
        regime=regime(case.regime), next_key=_next_key(section),
        missing=service.incomplete(service.current_application(case), case),
    )


def _next_key(key: str) -> str | None:
    index = SECTION_KEYS.index(key)
    return SECTION_KEYS[index + 1] if index + 1 < len(SECTION_KEYS) else None


@bp.route("/cases/<int:case_id>/application/check", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def check():
    """Check your answers, then submit for authorisation."""
    case = load_case()
    application = service.current_application(case)
    if application is None or application.status is not ApplicationStatus.DRAFT:
        return redirect(url_for("authorisation.task_list", case_id=case.id))
    form = _confirm_form()
    if form.validate_on_submit():
        try:
            service.submit(current_user, case)
        except ValidationFailed as exc:
            flash(next(iter(exc.errors.values())), "error")
        else:
            flash("Application submitted. An authorising officer will decide it.", "success")
        return redirect(url_for("authorisation.task_list", case_id=case.id))
    return render_template(
        "authorisation/check.html", case=case, application=application, form=form,
        missing=service.incomplete(application, case), regime=regime(case.regime),
        turns_18=service.perpetrator_turns_18_on(case),
    )


@bp.route("/cases/<int:case_id>/application/withdraw", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def withdraw():
    case = load_case()
    application = service.current_application(case)
    if application is None or application.status is not ApplicationStatus.SUBMITTED:
        return redirect(url_for("authorisation.task_list", case_id=case.id))
    form = _confirm_form()
    if form.validate_on_submit():
        try:
            service.withdraw(current_user, case)
        except ValidationFailed as exc:  # decided meanwhile
            flash(next(iter(exc.errors.values())), "error")
        else:
            flash("Application withdrawn. It is a draft again.", "success")
        return redirect(url_for("authorisation.task_list", case_id=case.id))
    return render_template("authorisation/withdraw.html", case=case, form=form)


@bp.route("/cases/<int:case_id>/application/restart", methods=["POST"])
@roles_required(Role.OFFICER)
def restart():
    case = load_case()
    if _confirm_form().validate_on_submit():
        try:
            service.resubmit_after_refusal(current_user, case)
        except ValidationFailed as exc:
            flash(next(iter(exc.errors.values())), "error")
        else:
            flash("A new application has been started from the refused one. Update it and submit again.", "success")
    return redirect(url_for("authorisation.task_list", case_id=case.id))


def _confirm_form():
    from app.web.admin.forms import ConfirmForm

    return ConfirmForm()


# ---- The authorising officer ------------------------------------------------------------

@bp.route("/authorisations")
@roles_required(*service.AUTHORISER_ROLES)
def queue():
    return render_template("authorisation/queue.html", queue=service.queue(current_user))


@bp.route("/authorisations/rows")
@roles_required(*service.AUTHORISER_ROLES)
@polling
def queue_rows():
    return render_template("authorisation/partials/queue_rows.html", queue=service.queue(current_user))


@bp.route("/authorisations/<int:application_id>", methods=["GET", "POST"])
@roles_required(*service.AUTHORISER_ROLES)
def decide(application_id: int):
    application = service.application_for_decision(current_user, application_id) or abort(404)
    case = application.case
    the_regime = regime(case.regime)
    if not service.can_authorise(current_user, case):
        abort(403)
    form = decision_form_for(the_regime)
    if request.method == "POST" and application.decision is None and form.validate_on_submit():
        try:
            service.decide(
                current_user, case, application,
                outcome=chosen(DecisionOutcome, form.outcome.data),
                answers=form.answers(the_regime), rationale=form.rationale.data or "",
                calendar=request_calendar(), referral_settings=current_settings().referrals,
            )
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            refused = (" The victim is still referred to support under the Victims' Code: the officer in the case "
                       "completes the referral.") if application.status is ApplicationStatus.REFUSED else ""
            flash(f"Decision recorded: {application.status.label.lower()}.{refused}", "success")
            return redirect(url_for("authorisation.decide", application_id=application.id))
    decided_at = application.decision.decided_at if application.decision else utcnow()
    return render_template(
        "authorisation/decide.html", application=application, case=case, form=form, regime=the_regime,
        people=people_to_confirm(case, application, decided_at.astimezone(LONDON).date(), the_regime),
        made_by_me=service.made_by(current_user, application), now=utcnow(),
        turns_18=service.perpetrator_turns_18_on(case) if application.decision is None else None,
    )


# ---- The notice -------------------------------------------------------------------------

def _authorised_application(case):
    for application in reversed(case.applications):
        if application.status is ApplicationStatus.AUTHORISED:
            return application
    return None


def _notice_context() -> dict:
    case = load_case()
    application = _authorised_application(case) or abort(404)
    sections = application.section_data
    victim = next((v for v in case.victims if v.id == sections["grounds"]["victim_id"]), None)
    victim_name = victim.full_name if victim else "the person protected"
    premises = ", ".join(case.address_lines)
    return {
        "case": case, "application": application, "decision": application.decision, "regime": regime(case.regime),
        "victim_name": victim_name, "grounds": sections["grounds"],
        "prohibitions": [
            p.legal_wording(victim_name, premises, regime(case.regime).mandatory_prohibition,
                            regime(case.regime).distance_wording)
            for p in prohibitions_from_data(sections["prohibitions"])
        ],
        "hearing_hours": case.hearing_window_hours or current_app.config["HEARING_WINDOW_HOURS"],
    }


@bp.route("/cases/<int:case_id>/notice")
@roles_required(*CASE_READER_ROLES)
def notice():
    context = _notice_context()
    return render_printout(
        "authorisation/notice.html", **context,
        pdf_url=url_for("authorisation.notice_pdf", case_id=context["case"].id),
        back_url=url_for("cases.show", case_id=context["case"].id),
    )


@bp.route("/cases/<int:case_id>/notice.pdf")
@roles_required(*CASE_READER_ROLES)
def notice_pdf():
    context = _notice_context()
    filename = f"{context['regime'].notice}-{context['case'].reference}.pdf"
    return pdf_response("authorisation/notice.html", filename, **context)

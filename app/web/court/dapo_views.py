"""The court page's DAPO records (issue 13): P's notifications to the police (DAA 2021 s.41)
and the criminal path of a breach of the order (s.39)."""
from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from app.domain.criminal_breach import SENTENCES_OFFERED, Route, Step, StepInput, TermUnit
from app.domain.deadlines import notification_due
from app.domain.notification import OFFENCE, Exemption, NotificationKind, NotificationMethod
from app.models import Role
from app.services import criminal_breach, notifications
from app.web.court.dapo_forms import CriminalStepForm, NotificationForm
from app.web.court.views import bp
from app.web.fields import chosen, combine_london
from app.web.forms_support import COURT_PAGES, form_page
from app.web.loaders import load_case
from app.web.request_cache import request_calendar
from app.web.security import roles_required


@bp.route("/cases/<int:case_id>/court/notifications/new", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def new_notification():
    """P's notification to the police under the DAPO, or the s.41(8) exemption."""
    case = load_case()
    if not notifications.notifications_apply(case):
        return render_template("court/nothing_pending.html", case=case,
                               message="Notification requirements apply while a domestic abuse protection order is in force.")
    form = NotificationForm()

    def save():
        kind = chosen(NotificationKind, form.kind.data)
        notifications.record_notification(
            current_user, case, kind=kind, exemption=chosen(Exemption, form.exemption.data),
            names=form.names.data or "", address=form.address.data or "", changed_on=form.changed_on.data,
            notified_at=combine_london(form.notified_date, form.notified_time),
            method=chosen(NotificationMethod, form.method.data), where=form.where.data or "",
            taken_by=form.taken_by.data or "", calendar=request_calendar(),
        )
        return "Exemption recorded." if kind is NotificationKind.EXEMPT else "Notification recorded."

    order = case.order_in_force
    return form_page(COURT_PAGES, "court/notification.html", form, save, order=order, offence=OFFENCE,
                     due_at=notification_due(order.made_on),
                     initial=notifications.initial_of(order), exempt=notifications.exemption_of(order))


@bp.route("/cases/<int:case_id>/breaches/<int:breach_id>/criminal", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def breach_criminal(breach_id: int):
    """A breach of a DAPO, an offence (s.39): custody, charge, remand, plea, verdict,
    sentence, or contempt instead."""
    case = load_case()
    breach = next((b for b in case.breaches if b.id == breach_id), None) or abort(404)
    if not criminal_breach.is_dapo_breach(case, breach):
        return render_template("court/nothing_pending.html", case=case,
                               message="Only a breach of a domestic abuse protection order is an offence with a criminal path.")
    form = CriminalStepForm()

    def save():
        step = chosen(Step, form.step.data)
        value = {Step.CHARGE: form.charge.data, Step.REMAND: form.remand.data, Step.PLEA: form.plea.data,
                 Step.VERDICT: form.verdict.data, Step.SENTENCE: form.sentence.data}.get(step) or None
        criminal_breach.record_step(current_user, case, breach, StepInput(
            step=step, at=combine_london(form.at_date, form.at_time), value=value, route=chosen(Route, form.route.data),
            until=combine_london(form.until_date, form.until_time), term=form.term.data,
            term_unit=chosen(TermUnit, form.term_unit.data), fine_pence=form.fine.data, details=form.details.data or "",
        ), calendar=request_calendar())
        return f"{step.label} recorded."

    return form_page(COURT_PAGES, "court/breach_criminal.html", form, save, breach=breach,
                     steps=breach.criminal_steps, sentences=SENTENCES_OFFERED)

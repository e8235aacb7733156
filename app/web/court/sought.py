"""The court page's "order sought" form for a DAPO: requirements to do something (with their
supervisor and evidence) and electronic monitoring, for the hearing papers."""
from __future__ import annotations

from flask import abort
from flask_login import current_user
from wtforms import FieldList, FormField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.domain.dapo_requirements import KINDS, MonitoringKind, Requirement
from app.domain.order_sought import MAX_SOUGHT, POSITIVE_KINDS, Known, MonitoringSought, positive_kind
from app.models import Role
from app.services import ValidationFailed, order_sought
from app.web.court.forms import TEXT
from app.web.court.views import bp
from app.web.fields import YES_NO, CleanForm, chosen, yes_no_value
from app.web.forms_support import COURT_PAGES, form_page
from app.web.loaders import load_case
from app.web.security import roles_required

KNOWN = [(k.value, k.label) for k in Known]


class PositiveRow(CleanForm):
    class Meta:
        csrf = False  # the outer form carries the token

    kind = SelectField("Requirement", validators=[Optional()],
                       choices=[("", "None")] + [(k.value, KINDS[k].label) for k in POSITIVE_KINDS])
    wording = StringField("In the court's words, if another requirement", validators=[Optional(), Length(max=300)])
    supervisor = StringField("Who would supervise compliance (person or organisation)", validators=[Optional(), Length(max=160)])
    suitability_evidence = TextAreaField("The supervisor's evidence on suitability and enforceability", validators=TEXT)


class OrderSoughtForm(CleanForm):
    positive = FieldList(FormField(PositiveRow), min_entries=MAX_SOUGHT, max_entries=MAX_SOUGHT)
    monitoring = RadioField("Is electronic monitoring sought?", validators=[Optional()], choices=YES_NO)
    monitoring_kind = RadioField("What would be monitored?", validators=[Optional()],
                                 choices=[(m.value, m.label) for m in MonitoringKind])
    monitoring_detail = StringField("The exclusion zone or curfew address", validators=[Optional(), Length(max=300)])
    p_expected_present = RadioField("Is P expected to be present at the hearing? (s.37(2))", validators=[Optional()],
                                    choices=KNOWN)
    third_party_consent = RadioField("Has anyone whose co-operation is needed consented, or is none needed? (s.37(3))",
                                     validators=[Optional()], choices=KNOWN)
    available_in_area = RadioField("Is monitoring available in the area? (s.37(4))", validators=[Optional()],
                                   choices=KNOWN)


@bp.route("/cases/<int:case_id>/court/order-sought", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def order_sought_page():
    case = load_case()
    if case.order_kind != "dapo":
        abort(404)
    form = OrderSoughtForm()
    existing = order_sought.sought_for(case)
    if existing is not None and not form.is_submitted():
        for row, saved in zip(form.positive, existing.positive, strict=False):
            row.form.kind.data, row.form.wording.data = saved["kind"], saved["wording"]
            row.form.supervisor.data, row.form.suitability_evidence.data = saved["supervisor"], saved["suitability_evidence"]
        if existing.monitoring:
            m = existing.monitoring
            form.monitoring.data, form.monitoring_kind.data, form.monitoring_detail.data = "yes", m["kind"], m["detail"]
            form.p_expected_present.data = m["p_expected_present"]
            form.third_party_consent.data, form.available_in_area.data = m["third_party_consent"], m["available_in_area"]
        else:
            form.monitoring.data = "no"

    def save():
        positive, unchosen = [], {}
        for i, row in enumerate(form.positive):
            data = row.form
            if not (data.kind.data or data.supervisor.data or data.suitability_evidence.data or data.wording.data):
                continue
            kind = positive_kind(data.kind.data)
            if kind is None:  # a row filled in without saying what it requires
                unchosen[f"positive-{i}-kind"] = "Choose what P would be required to do"
                continue
            positive.append(Requirement(kind=kind, wording=data.wording.data or "", supervisor=data.supervisor.data or "",
                                        suitability_evidence=data.suitability_evidence.data or ""))
        if unchosen:
            raise ValidationFailed(unchosen)
        monitoring = None
        if yes_no_value(form.monitoring.data):
            monitoring = MonitoringSought(
                kind=chosen(MonitoringKind, form.monitoring_kind.data), detail=form.monitoring_detail.data or "",
                p_expected_present=chosen(Known, form.p_expected_present.data),
                third_party_consent=chosen(Known, form.third_party_consent.data),
                available_in_area=chosen(Known, form.available_in_area.data))
        order_sought.save(current_user, case, positive=positive, monitoring=monitoring)
        return "What the order should include is saved for the hearing papers."

    return form_page(COURT_PAGES, "court/order_sought.html", form, save)

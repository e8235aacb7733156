"""Forms for a DAPO's requirements, electronic monitoring, reports and variation. They parse;
domain/dapo_requirements and services/order_requirements, dapo_variation hold the rules."""
from __future__ import annotations

from datetime import datetime

from wtforms import BooleanField, Form, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.domain.dapo_requirements import (
    KINDS,
    Applicant,
    MonitoringKind,
    ReportKind,
    Requirement,
    RequirementKind,
    VariationOutcome,
)
from app.web.fields import YES_NO, CleanForm, DateInputField, WholeNumberField, chosen

TEXT = [Optional(), Length(max=5000, message="Keep this under 5,000 characters")]
NAME = [Optional(), Length(max=160, message="Keep this under 160 characters")]
KIND_CHOICES = [("", "Not granted (leave this row empty)")] + [(k.value, f.label) for k, f in KINDS.items()]


class ReviewDatesField(TextAreaField):
    """Review dates, one a line or separated by commas, like 2027-02-15 or 15/02/2027."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = []
        for part in self.raw.replace(",", "\n").split():
            for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
                try:
                    self.data.append(datetime.strptime(part, fmt).date())
                    break
                except ValueError:
                    continue
            else:
                self.data = []
                raise ValueError(f"'{part[:20]}' is not a date: write dates like 15/02/2027, one a line")

    def _value(self):
        if getattr(self, "raw", None) is not None:
            return self.raw
        return "\n".join(f"{d:%d/%m/%Y}" for d in self.data or [])


class RequirementFields:
    """One requirement's fields (a row of the grant form, or the page adding one by variation)."""

    kind = SelectField("Requirement", choices=KIND_CHOICES, validators=[Optional()], validate_choice=False)
    wording = TextAreaField("Wording (the court's words)", validators=TEXT)
    distance_metres = WholeNumberField("Distance in metres, if any", validators=[Optional()])
    premises = StringField("Premises specified, if any", validators=[Optional(), Length(max=500)])
    starts_on = DateInputField("Starts (leave empty: the day the order is made)", validators=[Optional()])
    ends_on = DateInputField("Last day (leave empty: as long as the order)", validators=[Optional()])
    supervisor = StringField("Responsible for supervising compliance (a requirement to do something)", validators=NAME)
    suitability_evidence = TextAreaField("Evidence the court received from the supervisor about suitability and "
                                         "enforceability", validators=TEXT)

    def requirement(self) -> Requirement | None:
        kind = chosen(RequirementKind, self.kind.data)
        if kind is None:
            return None
        return Requirement(kind=kind, wording=self.wording.data or "", distance_metres=self.distance_metres.data,
                           premises=self.premises.data or "", starts_on=self.starts_on.data, ends_on=self.ends_on.data,
                           supervisor=self.supervisor.data or "", suitability_evidence=self.suitability_evidence.data or "")

    def fill(self, req: Requirement) -> None:
        self.kind.data, self.wording.data, self.distance_metres.data = req.kind.value, req.wording, req.distance_metres
        self.premises.data, self.starts_on.data, self.ends_on.data = req.premises, req.starts_on, req.ends_on
        self.supervisor.data, self.suitability_evidence.data = req.supervisor, req.suitability_evidence


class RequirementRow(Form, RequirementFields):
    """A row of the grant form's FieldList."""


class VariationFields(CleanForm):
    applicant = RadioField("Who applied?", validators=[Optional()], choices=[(a.value, a.label) for a in Applicant])
    court_date = DateInputField("The court's date", validators=[Optional()])
    details = TextAreaField("What the court ordered", validators=TEXT)
    victim_heard = BooleanField("The court heard from the person protected (needed where they sought to discharge the "
                                "order or lessen a requirement: s.44(4)(b))")


class DapoVariationForm(VariationFields):
    outcome = RadioField("What did the court decide?", validators=[Optional()],
                         choices=[(o.value, o.label) for o in VariationOutcome])
    end = RadioField("The order's end, if varied", validators=[Optional()], default="keep",
                     choices=[("keep", "Unchanged"), ("days", "A number of days from the day the order was made"),
                              ("until_further_order", "Until further order (no end date)")])
    new_days = WholeNumberField("Number of days, counting the day the order was made", validators=[Optional()])
    review_dates = ReviewDatesField("Review dates after the variation (replaces those set; one a line, like 15/02/2027)")
    set_review_dates = BooleanField("Change the review dates to those above (leave them empty to remove them)")
    confirm = BooleanField("I confirm the court discharged the order: it no longer protects the victim")


class AddRequirementForm(VariationFields, RequirementFields):
    """A variation adding a requirement: who applied, the court's date, and the requirement."""


class RemoveRequirementForm(VariationFields):
    requirement_id = HiddenField()
    confirm = BooleanField("I confirm the court removed this requirement from the order")


class MonitoringForm(CleanForm):
    court_date = DateInputField("The court's date", validators=[Optional()])
    p_present = RadioField("Was P present at the hearing? (s.37(2))", validators=[Optional()], choices=YES_NO)
    third_party_needed = RadioField("Does monitoring need the co-operation of anyone other than P, such as the "
                                    "occupier of the curfew address? (s.37(3))", validators=[Optional()], choices=YES_NO)
    third_party = StringField("Whose co-operation (their role, for example 'occupier of the curfew address')",
                              validators=NAME)
    third_party_consented = RadioField("Did that person consent?", validators=[Optional()], choices=YES_NO)
    area_notified = RadioField("Had the Secretary of State notified the court that monitoring is available in the "
                               "area? (s.37(4)(a))", validators=[Optional()], choices=YES_NO)
    provision_available = RadioField("Was the court satisfied the necessary provision can be made under the "
                                     "arrangements currently available? (s.37(4)(b))", validators=[Optional()],
                                     choices=YES_NO)
    provider = StringField("The person responsible for the monitoring (the provider)", validators=NAME)
    kind = RadioField("What is monitored?", validators=[Optional()], choices=[(k.value, k.label) for k in MonitoringKind])
    zone_or_address = TextAreaField("The exclusion zone, or the curfew address and hours", validators=TEXT)
    starts_on = DateInputField("Monitoring starts", validators=[Optional()])
    ends_on = DateInputField("Last day of monitoring (leave empty: as long as the order)", validators=[Optional()])


class ReportForm(CleanForm):
    target = RadioField("What is the report about?", validators=[Optional()], choices=[], validate_choice=False)
    outcome = RadioField("What was reported?", validators=[Optional()], choices=[(k.value, k.label) for k in ReportKind])
    reported_on = DateInputField("Date of the report", validators=[Optional()])
    reported_by = StringField("Reported by (the supervisor or provider, and their role)", validators=NAME)
    summary = TextAreaField("What was reported (briefly; needed for a failure)", validators=TEXT)


class ReviewForm(CleanForm):
    report_id = HiddenField()
    action = TextAreaField("What was done about the failure", validators=TEXT)


def report_id_value(raw: str | None) -> int | None:
    text = (raw or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else None

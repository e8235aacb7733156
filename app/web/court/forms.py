"""Forms for the court page. They parse; app.services.court and .breaches hold the rules."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_wtf.file import FileField
from wtforms import BooleanField, FieldList, FormField, RadioField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.domain.prohibitions import LABELS, ProhibitionKind
from app.models import BreachSource, HearingOutcome, OrderEventKind, RemandKind
from app.web.court.requirement_forms import RequirementRow, ReviewDatesField
from app.web.fields import YES_NO, CheckboxesField, CleanForm, DateInputField, TimeInputField, WholeNumberField

TEXT = [Optional(), Length(max=5000, message="Keep this under 5,000 characters")]


MAX_POUNDS = Decimal(1_000_000)


class PoundsField(StringField):
    """An amount in pounds ("500", "£700.00"), held as whole pence."""

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not self.raw:
            return
        message = f"{self.label.text} must be an amount in pounds, like 500.00"
        try:
            amount = Decimal(self.raw.replace("£", "").replace(",", ""))
            if not amount.is_finite() or amount < 0 or amount > MAX_POUNDS or amount != amount.quantize(Decimal("0.01")):
                raise ValueError(message)
        except InvalidOperation:
            raise ValueError(message) from None
        self.data = int(amount * 100)

    def _value(self):
        if getattr(self, "raw", None):
            return self.raw
        return f"{self.data / 100:.2f}" if isinstance(self.data, int) else ""


class UploadForm(CleanForm):
    file = FileField("Choose a file (PDF, JPEG, PNG or Word, up to 20 MB)")


class FeeForm(CleanForm):
    contested = RadioField("Which fee?", validators=[Optional()], choices=[("no", "Uncontested"), ("yes", "Contested")])
    amount = PoundsField("Amount paid (£)")
    reference = StringField("Payment reference", validators=[Optional(), Length(max=60)])
    paid_on = DateInputField("Date paid", validators=[Optional()])
    receipt = FileField("Receipt (PDF, JPEG, PNG or Word)")


class SentForm(CleanForm):
    court_name = StringField("Court", validators=[Optional(), Length(max=120)])
    sent_date = DateInputField("Date", validators=[Optional()])
    sent_time = TimeInputField("Time", validators=[Optional()])
    how = StringField("How it was sent (for example: secure email to the listing office)", validators=[Optional(), Length(max=60)])


class ListingForm(CleanForm):
    court_name = StringField("Court", validators=[Optional(), Length(max=120)])
    starts_date = DateInputField("Date", validators=[Optional()])
    starts_time = TimeInputField("Time", validators=[Optional()])
    late_reason = TextAreaField("If it is after the deadline: why could the court not list it earlier?", validators=TEXT)


CONDITION_CHOICES = [(k.value, LABELS[k]) for k in ProhibitionKind]


class OutcomeForm(CleanForm):
    hearing_id = StringField()  # which hearing this form was for: a second tab cannot record twice
    outcome = RadioField("What did the court decide?", validators=[Optional()],
                         choices=[(o.value, o.label) for o in HearingOutcome])
    contested = RadioField("Was the application contested?", validators=[Optional()], choices=YES_NO)
    made_on = DateInputField("Date the order was made", validators=[Optional()])
    days = WholeNumberField("How many days the order lasts (counting the day it is made)", validators=[Optional()])
    # A DAPO only (DAA 2021 s.38): no number of days, no end.
    until_further_order = BooleanField("Until further order (no end date)")
    conditions = CheckboxesField("Conditions as granted", choices=CONDITION_CHOICES)
    distance_metres = WholeNumberField("Distance in metres, if granted", validators=[Optional()])
    # A DAPO: its requirements (DAA 2021 ss.35-36) in place of the conditions, and review dates.
    requirements = FieldList(FormField(RequirementRow), max_entries=12)
    review_dates = ReviewDatesField("Review dates the court set (optional; one a line, like 15/02/2027)")
    next_date = DateInputField("Date", validators=[Optional()])
    next_time = TimeInputField("Time", validators=[Optional()])
    next_court = StringField("Court (if different)", validators=[Optional(), Length(max=120)])
    # Shown only while P is under arrest for breach of the notice (DAA 2021 s.26(2)(b), s.29(8)).
    p_brought = RadioField("Was P, under arrest for breach of the notice, brought to this hearing?",
                           validators=[Optional()], choices=YES_NO)
    remand = RadioField("If the hearing was adjourned, did the court remand P until it?", validators=[Optional()],
                        choices=[(r.value, r.label) for r in RemandKind])
    bail_requirements = TextAreaField("Bail requirements, if on bail", validators=TEXT)
    notes = TextAreaField("Notes (optional)", validators=TEXT)


class OrderChangeForm(CleanForm):
    kind = RadioField("What did the court do?", validators=[Optional()],
                      choices=[(OrderEventKind.VARIED.value, "Varied the order"),
                               (OrderEventKind.DISCHARGED.value, "Discharged the order early")])
    court_date = DateInputField("The court's date", validators=[Optional()])
    new_days = WholeNumberField("New length in days, if the variation changed it (optional)", validators=[Optional()])
    details = TextAreaField("What the court ordered", validators=TEXT)


class BreachForm(CleanForm):
    occurred_date = DateInputField("Date", validators=[Optional()])
    occurred_time = TimeInputField("Time", validators=[Optional()])
    description = TextAreaField("What happened?", validators=TEXT)
    source = RadioField("How did it come to light?", validators=[Optional()],
                        choices=[(s.value, s.label) for s in BreachSource])
    arrested = RadioField("Was the perpetrator arrested?", validators=[Optional()], choices=YES_NO)
    arrested_date = DateInputField("Date of arrest", validators=[Optional()])
    arrested_time = TimeInputField("Time of arrest", validators=[Optional()])
    arresting_officer = StringField("Arresting officer (name, rank, number)", validators=[Optional(), Length(max=120)])


class BreachAppearanceForm(CleanForm):
    """P before the court for a breach. The decisions offered are set per breach from
    `breach_law.law_for` (a notice breach has no finding; a DAPO breach no contempt sanction)."""

    decision = RadioField("What did the court do?", validators=[Optional()], choices=[])
    appeared_date = DateInputField("Date before the court", validators=[Optional()])
    appeared_time = TimeInputField("Time", validators=[Optional()])
    remand = RadioField("Did the court remand P?", validators=[Optional()],
                        choices=[(r.value, r.label) for r in RemandKind])
    remand_until_date = DateInputField("Remanded until (date of the next listing)", validators=[Optional()])
    remand_until_time = TimeInputField("Time", validators=[Optional()])
    bail_requirements = TextAreaField("Bail requirements, if on bail", validators=TEXT)
    fine = PoundsField("Fine (£), if any")
    custody_days = WholeNumberField("Committal to custody (days), if any", validators=[Optional()])
    notes = TextAreaField("Notes", validators=TEXT)

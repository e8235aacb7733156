"""Forms for the patrol page and tasking. They parse text; app.services (welfare_visits,
welfare_recurrence) and app.domain.welfare_rules hold the rules, so what was typed comes
back with the error."""
from __future__ import annotations

from wtforms import BooleanField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from app.domain.welfare_rules import RECURRENCE_REASON_MAX
from app.web.fields import CleanForm

YES_NO = [("yes", "Yes"), ("no", "No")]


class StepForm(CleanForm):
    """A button (acknowledge): the CSRF token only."""


class CheckInForm(CleanForm):
    from_device = BooleanField("Use my work phone's latest position")
    latitude = StringField("Latitude", validators=[Optional()])
    longitude = StringField("Longitude", validators=[Optional()])


class CheckOutForm(CleanForm):
    spoken_to = RadioField("Was the victim seen and spoken to?", choices=YES_NO, validators=[Optional()])
    wellbeing = TextAreaField("The victim's wellbeing and situation", validators=[Optional()])
    p_present = RadioField("Was the perpetrator present?", choices=YES_NO, validators=[Optional()])
    concerns = TextAreaField("Concerns", validators=[Optional()])
    follow_up = TextAreaField("Follow-up actions for a team or partner", validators=[Optional()])


class TaskingForm(CleanForm):
    class Meta:
        csrf = False

    days = IntegerField("Visits done in the last", validators=[Optional(), NumberRange(min=1, max=365)])


class RecurrenceForm(CleanForm):
    """A supervisor's recurrence for one order: days as typed (the rules check them) and why."""
    days = StringField("Days after a visit before the geofence alerts again", validators=[Optional(), Length(max=20)])
    reason = TextAreaField("Why is this being changed?",
                           validators=[Optional(), Length(max=RECURRENCE_REASON_MAX,
                                                          message=f"Keep the reason under {RECURRENCE_REASON_MAX:,} characters")])

"""Forms for the patrol page. They parse text; app.services.alerts and
app.domain.welfare_rules hold the rules, so what was typed comes back with the error."""
from __future__ import annotations

from wtforms import BooleanField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional

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

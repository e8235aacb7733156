"""Forms for a notice shown as lapsed. They parse; app.services.lapse holds the rules."""
from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.web.fields import CheckboxesField, CleanForm, DateInputField, TimeInputField

CONFIRMED = "confirmed"


class HearingBeganForm(CleanForm):
    began_date = DateInputField("Date", validators=[Optional()])
    began_time = TimeInputField("Time", validators=[Optional()])
    court_name = StringField("Court", validators=[Optional(), Length(max=120)])


class CloseLapsedForm(CleanForm):
    reason = TextAreaField("Why did the hearing not begin in time?",
                           validators=[Optional(), Length(max=5000, message="Keep this under 5,000 characters")])
    confirm = CheckboxesField("Confirm", choices=[(CONFIRMED, "I confirm the hearing did not begin by the deadline, "
                                                              "so the notice has lapsed")])

    @property
    def confirmed(self) -> bool:
        return CONFIRMED in (self.confirm.data or [])

"""Forms for a victim's referral, police side. They parse; app.services.referrals holds the rules."""
from __future__ import annotations

from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.domain.referrals import TRACE_METHODS, Consent, DayPart
from app.services.referrals import MAX_TEXT
from app.web.fields import YES_NO, CheckboxesField, CleanForm, DateInputField, TimeInputField


def _at_most(limit: int):
    return [Optional(), Length(max=limit, message=f"Keep this to {limit} characters")]


class ReferralDetailsForm(CleanForm):
    consent = RadioField("Does the victim consent to the referral?", choices=[(c.value, c.label) for c in Consent],
                         validators=[Optional()])
    consent_asked_date = DateInputField("Date asked", validators=[Optional()])
    consent_asked_time = TimeInputField("Time asked", validators=[Optional()])
    safe_number = StringField("Safe contact number", validators=_at_most(40))
    safe_to_call = RadioField("Is it safe to call this number?", choices=YES_NO, validators=[Optional()])
    safe_times = CheckboxesField("Safe times to call", choices=[(p.value, p.label) for p in DayPart],
                                 validators=[Optional()])
    safe_times_notes = StringField("Notes on safe times", validators=_at_most(200))
    agreed_methods = CheckboxesField("Other ways the victim agreed to be contacted",
                                     choices=[(m.value, m.label) for m in TRACE_METHODS], validators=[Optional()])
    language = StringField("Language", validators=_at_most(80))
    interpreter = RadioField("Is an interpreter needed?", choices=YES_NO, validators=[Optional()])
    other_needs = TextAreaField("Other needs", validators=_at_most(MAX_TEXT))
    police_summary = TextAreaField("What police have done", validators=_at_most(MAX_TEXT))


class SendForm(CleanForm):
    service_id = SelectField("Support service", choices=[], validators=[Optional()], validate_choice=False)


class ConfirmForm(CleanForm):
    pass


class ConcernActionForm(CleanForm):
    note = TextAreaField("What was done", validators=_at_most(MAX_TEXT))

"""Forms for a case's reminder texts. They parse; app.services.trial and .reminders hold the rules."""
from __future__ import annotations

from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.domain.people import AGE_BANDS, AGE_UNKNOWN
from app.domain.phones import NoPhoneReason
from app.domain.risk import RiskLevel
from app.web.fields import YES_NO, CleanForm, WholeNumberField

REASON = [Optional(), Length(max=500, message="Keep this under 500 characters")]


class AllocationForm(CleanForm):
    eligible = RadioField("Is the case eligible for the trial?", choices=YES_NO, validators=[Optional()],
                          description="Eligible: an order in force and a working UK mobile number for P that P uses.")
    not_eligible_reason = TextAreaField("Why is it not eligible?", validators=REASON)
    order_days = WholeNumberField("Length of the order, in days", validators=[Optional()])
    risk_level = RadioField("Risk level", choices=[(r.value, r.label) for r in RiskLevel], validators=[Optional()])
    age_band = SelectField("P's age band", choices=[(b, b) for b in AGE_BANDS] + [(AGE_UNKNOWN, "Not known")],
                           validators=[Optional()], validate_choice=False)


class ReasonForm(CleanForm):
    reason = TextAreaField("Reason", validators=REASON)


class ConfirmForm(CleanForm):
    pass


class MobileForm(CleanForm):
    has_mobile = RadioField("Does P have a mobile number now?", choices=YES_NO, validators=[Optional()])
    number = StringField("P's mobile number", validators=[Optional(), Length(max=40, message="Enter a UK mobile number")],
                         description="For example, 07123 456789")
    no_phone_reason = RadioField("Why is there no number?", choices=[(r.value, r.label) for r in NoPhoneReason],
                                 validators=[Optional()])
    no_phone_other = TextAreaField("Describe the reason", validators=REASON)

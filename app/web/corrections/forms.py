"""Forms for corrections. They parse and ask for the reason; app.services.corrections holds the rules."""
from __future__ import annotations

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.models import AssociatedRelationship
from app.services.cases import DESCRIPTION_MAX
from app.services.corrections import REASON_MAX
from app.web.cases.forms import postcode
from app.web.fields import CheckboxesField, CleanForm, DateInputField, TimeInputField

CONFIRMED = "confirmed"
REASON_LABEL = "Why is this being changed?"
REASON_HINT = "For example: misspelt when the case was opened, as on the PNC record. It is kept in the case's audit log."


def _reason():
    # Required by the services (corrections.clean_reason), which report it with any other problem at once.
    return TextAreaField(REASON_LABEL, validators=[Optional(), Length(max=REASON_MAX,
                                                                      message=f"Keep the reason under {REASON_MAX:,} characters")])


class PerpetratorForm(CleanForm):
    full_name = StringField("Full name", validators=[Optional(), Length(max=120)])
    date_of_birth = DateInputField("Date of birth", validators=[Optional()])
    description = TextAreaField("Description (optional)", validators=[Optional(), Length(
        max=DESCRIPTION_MAX, message=f"Keep the description under {DESCRIPTION_MAX:,} characters")])
    reason = _reason()


class VictimForm(PerpetratorForm):
    date_of_birth = DateInputField("Date of birth (if known)", validators=[Optional()])
    description = None  # P's only
    relationship = SelectField(
        "Relationship to the perpetrator",
        choices=[("", "Choose the relationship")] + [(r.value, r.label) for r in AssociatedRelationship],
        validators=[Optional()],
    )


class ChildForm(PerpetratorForm):
    date_of_birth = DateInputField("Date of birth (if known)", validators=[Optional()])
    description = None  # P's only
    relationship = StringField("Relationship (for example: P's stepdaughter)", validators=[Optional(), Length(max=120)])


class RemovePersonForm(CleanForm):
    reason = _reason()
    confirm = CheckboxesField("Confirm", choices=[(CONFIRMED, "I confirm this person should not be on the case")])

    @property
    def confirmed(self) -> bool:
        return CONFIRMED in (self.confirm.data or [])


class AddressForm(CleanForm):
    address_line_1 = StringField("Address line 1", validators=[Optional(), Length(max=120)])
    address_line_2 = StringField("Address line 2 (optional)", validators=[Optional(), Length(max=120)])
    town = StringField("Town or city", validators=[Optional(), Length(max=80)])
    postcode = StringField("Postcode", validators=[Optional(), Length(max=10), postcode])
    reason = _reason()


class AreaForm(CleanForm):
    area = SelectField("Area", validators=[Optional()], validate_choice=False)
    reason = _reason()


class ServedAtForm(CleanForm):
    served_date = DateInputField("Date served", validators=[Optional()])
    served_time = TimeInputField("Time served", validators=[Optional()])
    reason = _reason()

from __future__ import annotations

import re

from wtforms import FieldList, Form, FormField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.domain.order_records import HearingAddressAnswer
from app.models import AssociatedRelationship, RiskLevel
from app.services.cases import DESCRIPTION_MAX
from app.web.fields import CleanForm, DateInputField, TimeInputField

# The shape of a UK postcode; enough to catch typing slips without rejecting real ones.
POSTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$", re.IGNORECASE)
MAX_VICTIMS = 6
MAX_CHILDREN = 10
DESCRIPTION_TOO_LONG = f"Keep the description under {DESCRIPTION_MAX:,} characters"


def postcode(form, field):  # noqa: ARG001
    if field.data and not POSTCODE_RE.match(field.data.strip()):
        raise ValidationError("Enter a real postcode, like LS1 4AP")


class VictimForm(Form):
    full_name = StringField("Full name", validators=[Optional(), Length(max=120)])
    date_of_birth = DateInputField("Date of birth (if known)", validators=[Optional()])
    relationship = SelectField(
        "Relationship to the perpetrator",
        choices=[("", "Choose the relationship")] + [(r.value, r.label) for r in AssociatedRelationship],
        validators=[Optional()],
    )


class ChildForm(Form):
    full_name = StringField("Full name", validators=[Optional(), Length(max=120)])
    date_of_birth = DateInputField("Date of birth", validators=[Optional()])
    relationship = StringField("Relationship (for example: P's stepdaughter)", validators=[Optional(), Length(max=120)])


class NewCaseForm(CleanForm):
    perpetrator_name = StringField(
        "Full name", validators=[DataRequired("Enter the perpetrator's full name"), Length(max=120)]
    )
    perpetrator_dob = DateInputField(
        "Date of birth", validators=[InputRequired("Enter the perpetrator's date of birth")]
    )
    perpetrator_description = TextAreaField(
        "Description (optional)", validators=[Optional(), Length(max=DESCRIPTION_MAX, message=DESCRIPTION_TOO_LONG)]
    )
    victims = FieldList(FormField(VictimForm), min_entries=1, max_entries=MAX_VICTIMS)
    children = FieldList(FormField(ChildForm), min_entries=0, max_entries=MAX_CHILDREN)
    address_line_1 = StringField(
        "Address line 1", validators=[DataRequired("Enter the first line of the address"), Length(max=120)]
    )
    address_line_2 = StringField("Address line 2 (optional)", validators=[Optional(), Length(max=120)])
    town = StringField("Town or city", validators=[DataRequired("Enter the town or city"), Length(max=80)])
    postcode = StringField(
        "Postcode", validators=[DataRequired("Enter the postcode"), Length(max=10), postcode]
    )
    incident_date = DateInputField("Date of the incident", validators=[InputRequired("Enter the date of the incident")])
    incident_time = TimeInputField("Time of the incident", validators=[InputRequired("Enter the time of the incident")])
    risk_level = RadioField(
        "DASH risk level",
        choices=[(r.value, r.label) for r in RiskLevel],
        validators=[InputRequired("Choose the DASH risk level")],
    )
    officer_in_case_id = SelectField(
        "Officer in the case", coerce=int, validators=[InputRequired("Choose the officer in the case")]
    )
    area = SelectField("Area", validators=[InputRequired("Choose the area")])
    regime = RadioField(
        "Which regime?",
        choices=[("dvpn", "DVPN and DVPO (Crime and Security Act 2010)"), ("dapn", "DAPN and DAPO (Domestic Abuse Act 2021 pilot)")],
        validators=[Optional()],
    )
    add_victim = SubmitField("Add another victim")
    add_child = SubmitField("Add a child")
    save = SubmitField("Open case")

    def validate_victims(self, field):
        named = [e for e in field.entries if (e.form.full_name.data or "").strip()]
        if not named:
            raise ValidationError("Enter the full name of the victim")
        for entry in named:
            if not entry.form.relationship.data:
                entry.form.relationship.errors = list(entry.form.relationship.errors) + [
                    f"Choose how {entry.form.full_name.data.strip()} is associated with the perpetrator"
                ]
                raise ValidationError("Choose the relationship of each victim to the perpetrator")


class ServeForm(CleanForm):
    served_date = DateInputField("Date served", validators=[InputRequired("Enter the date the DVPN was served")])
    served_time = TimeInputField("Time served", validators=[InputRequired("Enter the time the DVPN was served")])
    hearing_address_answer = RadioField(
        "Did the perpetrator give an address for the notice of the hearing?",
        choices=[(a.value, a.label) for a in HearingAddressAnswer],
        validators=[InputRequired("Say whether the perpetrator gave an address for the notice of the hearing")],
    )
    address_for_hearing_notice = TextAreaField(
        "The address the perpetrator gave",
        validators=[Optional(), Length(max=500)],
    )
    save = SubmitField("Record DVPN served")

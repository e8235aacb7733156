"""Forms for an order made elsewhere and a DAPN's service person. They only parse types."""
from __future__ import annotations

import re
from datetime import date, datetime

from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from app.domain.order_origin import OrderRoute
from app.domain.phones import NoPhoneReason
from app.domain.prohibitions import LABELS, ProhibitionKind
from app.web.cases.forms import NewCaseForm
from app.web.fields import YES_NO, CheckboxesField, CleanForm, DateInputField, TimeInputField, WholeNumberField

LONG = [Optional(), Length(max=2000)]


class ElsewhereOrderForm(NewCaseForm):
    """The new-case form's people, address, risk and responsibility, and the order."""

    court_name = StringField("The court that made the order", validators=[Optional(), Length(max=120)])
    made_on = DateInputField("Date the order was made", validators=[Optional()])
    route = RadioField("How was the order made?", validators=[Optional()],
                       choices=[(r.value, f"{r.label} ({r.citation})") for r in OrderRoute])
    route_details = TextAreaField("Who applied, or the proceedings (case number, offence)", validators=[Optional(), Length(max=500)])
    victim_16 = BooleanField("The order says the victim was aged 16 or over (confirm if a date of birth is not known)")
    days = WholeNumberField("How many days the order lasts (counting the day it is made)", validators=[Optional()])
    until_further_order = BooleanField("Until further order (no end date)")
    review_dates = StringField("Review dates set by the court (optional; like 16/02/2027, separated by commas)",
                               validators=[Optional(), Length(max=200)])
    conditions = CheckboxesField("Prohibitions in the order", choices=[(k.value, LABELS[k]) for k in ProhibitionKind])
    distance_metres = WholeNumberField("Distance in metres, if the order has one", validators=[Optional()])
    other_requirements = TextAreaField("Other prohibitions and requirements, in the order's words", validators=LONG)
    has_mobile = RadioField("Does the perpetrator have a mobile phone number?", validators=[Optional()], choices=YES_NO)
    mobile = StringField("UK mobile number", validators=[Optional(), Length(max=30)])
    no_phone_reason = RadioField("Why is there no number?", validators=[Optional()],
                                 choices=[(r.value, r.label) for r in NoPhoneReason])
    no_phone_other = StringField("Describe the reason", validators=[Optional(), Length(max=200)])
    order_copy = FileField("A copy of the order (PDF, JPEG or PNG, up to 20 MB)")
    # Not asked: the case's "incident" is the day the order was made, its regime the DAA 2021's.
    incident_date = None
    incident_time = None
    regime = None
    save = SubmitField("Record the order")


DATE_RE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def parse_review_dates(text: str | None) -> list[date]:
    """'16/02/2027, 16/05/2027' as dates; ValueError with a message for anything else."""
    found = []
    for part in (text or "").split(","):
        if not part.strip():
            continue
        match = DATE_RE.match(part)
        try:
            if not match:
                raise ValueError
            found.append(datetime(int(match[3]), int(match[2]), int(match[1])).date())
        except ValueError:
            raise ValueError(f"'{part.strip()[:20]}' is not a date like 16/02/2027") from None
    return found


class ServicePersonForm(CleanForm):
    service_person = RadioField("Do you believe the perpetrator is a person subject to service law "
                                "(Armed Forces Act 2006 ss.367-369)?", validators=[Optional()], choices=YES_NO)
    service_accommodation = RadioField("Do you believe the premises are service living accommodation "
                                       "(Armed Forces Act 2006 s.96(1)(a))?", validators=[Optional()], choices=YES_NO)
    informed_date = DateInputField("Date", validators=[Optional()])
    informed_time = TimeInputField("Time", validators=[Optional()])
    informed_how = TextAreaField("How the commanding officer was informed, by whom, or the reasonable efforts made",
                                 validators=LONG)


def phone_data(form: ElsewhereOrderForm) -> dict:
    """P's phone answer in the application's phone-section shape (as PhoneForm makes it)."""
    from app.web.authorisation.forms import PhoneForm

    return PhoneForm.to_data(form)

"""Forms for the notice of the hearing to P, the order served on P and V told of the order.
They parse; app.services.order_records and app.domain.order_records hold the rules."""
from __future__ import annotations

from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.domain.order_records import EXPLAINED, HearingNoticeKind, HearingNoticeMethod, OrderServiceMethod, VictimToldMethod
from app.web.court.forms import TEXT
from app.web.fields import YES_NO, CheckboxesField, CleanForm, DateInputField, TimeInputField

WHO = [Optional(), Length(max=120, message="Keep this under 120 characters")]


class HearingNoticeForm(CleanForm):
    kind = RadioField("Was the notice of the hearing given to the perpetrator?", validators=[Optional()],
                      choices=[(k.value, k.label) for k in HearingNoticeKind])
    at_date = DateInputField("Date", validators=[Optional()])
    at_time = TimeInputField("Time", validators=[Optional()])
    method = RadioField("How was it given?", validators=[Optional()],
                        choices=[(m.value, m.label) for m in HearingNoticeMethod])
    details = StringField("If another way: how", validators=TEXT)
    by = StringField("Who gave it, or made the efforts (name, rank, number)", validators=WHO)
    efforts = TextAreaField("If not given: the efforts made to give it (where, when, what happened)", validators=TEXT)


class OrderServedForm(CleanForm):
    served_date = DateInputField("Date", validators=[Optional()])
    served_time = TimeInputField("Time", validators=[Optional()])
    served_by = StringField("Who served it (name, rank, number)", validators=WHO)
    method = RadioField("How was it served?", validators=[Optional()],
                        choices=[(m.value, m.label) for m in OrderServiceMethod])
    details = StringField("If another way: how", validators=TEXT)


class VictimToldForm(CleanForm):
    told_date = DateInputField("Date", validators=[Optional()])
    told_time = TimeInputField("Time", validators=[Optional()])
    told_by = StringField("Who told the victim (name, rank, number)", validators=WHO)
    method = RadioField("How was the victim told?", validators=[Optional()],
                        choices=[(m.value, m.label) for m in VictimToldMethod])
    details = StringField("If another way: how", validators=TEXT)
    explained = CheckboxesField("What was explained", choices=[(e.key, e.label) for e in EXPLAINED])
    copy_given = RadioField("Was the victim given a copy of the order?", validators=[Optional()], choices=YES_NO)

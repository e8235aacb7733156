"""Forms for P's notifications under a DAPO (DAA 2021 s.41) and a DAPO breach's criminal
path (s.39). They parse; app.domain.notification and app.domain.criminal_breach hold the rules."""
from __future__ import annotations

from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.domain.criminal_breach import SENTENCES_OFFERED, ChargeDecision, Plea, Route, Step, TermUnit, Verdict
from app.domain.notification import Exemption, NotificationKind, NotificationMethod
from app.web.court.forms import TEXT, PoundsField
from app.web.fields import CleanForm, DateInputField, TimeInputField, WholeNumberField

WHO = [Optional(), Length(max=120, message="Keep this under 120 characters")]


class NotificationForm(CleanForm):
    kind = RadioField("What did P notify?", validators=[Optional()],
                      choices=[(k.value, k.label) for k in NotificationKind])
    exemption = RadioField("If exempt: which exemption applies?", validators=[Optional()],
                           choices=[(e.value, e.label) for e in Exemption])
    names = TextAreaField("Names P uses (one a line), or the new name", validators=TEXT)
    address = TextAreaField("Home address, or the new home address (write \"none\" if P has none)", validators=TEXT)
    changed_on = DateInputField("If a change: the day it happened", validators=[Optional()])
    notified_date = DateInputField("Date", validators=[Optional()])
    notified_time = TimeInputField("Time", validators=[Optional()])
    method = RadioField("How did P give it?", validators=[Optional()],
                        choices=[(m.value, m.label) for m in NotificationMethod])
    where = StringField("The police station, or how else it was given", validators=TEXT)
    taken_by = StringField("Who took it, or checked the exemption (name, rank, number)", validators=WHO)


REMAND_CHOICES = [("custody", "Remanded in custody"), ("bail", "Remanded on bail")]


class CriminalStepForm(CleanForm):
    step = RadioField("What are you recording?", validators=[Optional()], choices=[(s.value, s.label) for s in Step])
    at_date = DateInputField("Date", validators=[Optional()])
    at_time = TimeInputField("Time", validators=[Optional()])
    charge = RadioField("Charging decision", validators=[Optional()],
                        choices=[(c.value, c.label) for c in ChargeDecision])
    remand = RadioField("Remand", validators=[Optional()], choices=REMAND_CHOICES)
    plea = RadioField("Plea", validators=[Optional()], choices=[(p.value, p.label) for p in Plea])
    verdict = RadioField("Verdict", validators=[Optional()], choices=[(v.value, v.label) for v in Verdict])
    route = RadioField("If convicted: how?", validators=[Optional()], choices=[(r.value, r.label) for r in Route])
    sentence = RadioField("Sentence", validators=[Optional()], choices=[(s.value, s.label) for s in SENTENCES_OFFERED])
    term = WholeNumberField("Term of imprisonment, if any", validators=[Optional()])
    term_unit = RadioField("In", validators=[Optional()], choices=[(u.value, u.value) for u in TermUnit])
    fine = PoundsField("Fine (£), if any")
    until_date = DateInputField("Bail to answer, or remanded until (date)", validators=[Optional()])
    until_time = TimeInputField("Time", validators=[Optional()])
    details = TextAreaField("Details: the police station; bail conditions; the contempt court and what it ordered; "
                            "another sentence", validators=TEXT)

"""Forms for the reminder-text admin pages.

The plan table's fields are plain strings on purpose: what the admin typed goes to
reminders.save_plan as it stands (the service parses and checks it), and comes back into the
form unchanged when it is refused, so nothing typed is lost.
"""
from __future__ import annotations

from wtforms import BooleanField, FieldList, Form, FormField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from app.domain.cadence import LIMITS
from app.domain.reminders import Anchor, ContentKind
from app.models import DapoTexts
from app.web.fields import YES_NO, CheckboxesField, CleanForm

MAX_PLAN_ROWS = 80
CONFIRMED = "confirmed"
BLANK_ROWS = 3


class PlanRowForm(Form):
    anchor = SelectField(
        "Counted from", choices=[("", "Choose")] + [(a.value, a.label) for a in Anchor], validate_choice=False
    )
    day = StringField("Day")
    send_at = StringField("Send time")
    kind = SelectField(
        "What the text is about", choices=[("", "Choose")] + [(k.value, k.label) for k in ContentKind],
        validate_choice=False,
    )
    remove = BooleanField("Remove")

    def row(self) -> dict:
        return {"anchor": self.anchor.data or "", "day": self.day.data or "", "send_at": self.send_at.data or "",
                "kind": self.kind.data or ""}


class PlanForm(CleanForm):
    rows = FieldList(FormField(PlanRowForm), min_entries=0, max_entries=MAX_PLAN_ROWS)
    save = SubmitField("Save the plan")


class TemplateForm(CleanForm):
    body = TextAreaField("Wording")
    save = SubmitField("Save as a new version")


def _yes_or_no(message: str) -> list:
    # Anything but yes or no (a hand-made POST) gets the same message as nothing at all.
    return [InputRequired(message), AnyOf(["yes", "no"], message=message)]


class TrialSwitchForm(CleanForm):
    running = RadioField(
        "Should the trial run?",
        choices=[("yes", "Yes: randomise eligible cases"), ("no", "No: every eligible case gets texts")],
        validate_choice=False, validators=_yes_or_no("Choose whether the trial should run"),
    )
    stratified = RadioField(
        "Randomise separately by order length?", choices=YES_NO, validate_choice=False,
        validators=_yes_or_no("Choose whether to randomise separately by order length"),
    )
    # Left out of a POST (an older form), it stays as it is.
    dapo_texts = RadioField(
        "What do DAPOs get?", choices=[(d.value, d.label) for d in DapoTexts], validate_choice=False,
        validators=[Optional(), AnyOf([d.value for d in DapoTexts], message="Choose what DAPOs get")],
    )
    reason = TextAreaField("Why are you making this change?", validators=[
        DataRequired("Say why the trial is being changed"), Length(max=2000, message="Keep the reason to 2,000 characters or fewer"),
    ])
    save = SubmitField("Save the change")


class CadenceForm(CleanForm):
    """The cadence for orders longer than 28 days or until further order. Plain strings, so
    what was typed comes back unchanged when the service refuses it."""

    early_every_days = StringField("Days between texts in the first weeks")
    early_until_day = StringField("For how many days after the order is made")
    later_every_days = StringField("Days between texts after that")
    send_at = StringField("Send time")
    review_lead_days = StringField("Days before each review date")
    end_lead_days = StringField("Days before the order's last day")
    horizon_days = StringField("How many days ahead to plan texts")
    confirm = CheckboxesField("Confirm", choices=[(CONFIRMED, "I understand this changes the texts planned from now on "
                                                            "for every order longer than 28 days or until further order")])
    save = SubmitField("Save the cadence")

    FIELDS = (*LIMITS, "send_at")

    def confirmed(self) -> bool:
        return CONFIRMED in (self.confirm.data or [])

    def values(self) -> dict:
        return {name: getattr(self, name).data or "" for name in self.FIELDS}


class UnknownDecisionForm(CleanForm):
    """A person's decision on a text whose outcome is unknown (services/text_outcomes.decide)."""

    decision = RadioField(
        "What should happen to this text?",
        choices=[("send_again", "Send it again: P may get it twice if the first one did arrive"),
                 ("not_sent", "Mark it not sent: it will not be sent (if the first one did not arrive, P never gets it)")],
        validate_choice=False, validators=[InputRequired("Choose whether to send the text again or mark it not sent")],
    )
    reason = TextAreaField("Why?", validators=[
        DataRequired("Enter the reason for the decision"), Length(max=200, message="Keep the reason to 200 characters or fewer"),
    ])
    save = SubmitField("Save the decision")

"""Forms for the caseworker's pages. They parse; app.services.casework holds the rules
(which methods V agreed to, no future attempts, a call near the end only after a refusal)."""
from __future__ import annotations

from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.validators import Length, Optional

from app.domain.referrals import ContactMethod, ContactOutcome
from app.services.referrals import MAX_TEXT
from app.web.fields import CleanForm, DateInputField, TimeInputField

TEXT = [Optional(), Length(max=MAX_TEXT, message=f"Keep this to {MAX_TEXT:,} characters")]


class ConfirmForm(CleanForm):
    pass


class AttemptForm(CleanForm):
    attempted_date = DateInputField("Date of the attempt", validators=[Optional()])
    attempted_time = TimeInputField("Time of the attempt", validators=[Optional()])
    # Choices are the methods V agreed to (set per referral); any other value reaches the
    # service, which refuses it with a message, so validate_choice is off.
    method = RadioField("How did you try to make contact?", validators=[Optional()], validate_choice=False,
                        choices=[(m.value, m.label) for m in ContactMethod])
    outcome = RadioField("What happened?", validators=[Optional()], validate_choice=False,
                         choices=[(o.value, o.label) for o in ContactOutcome])
    call_near_end_agreed = BooleanField("The victim declined but agreed to a call near the end of the order")
    notes = TextAreaField("Notes (seen only by your service)", validators=TEXT)

    def offer_methods(self, methods: list[ContactMethod]) -> None:
        self.method.choices = [(m.value, m.label) for m in methods]


class ConcernForm(CleanForm):
    observed_date = DateInputField("Date it happened", validators=[Optional()])
    observed_time = TimeInputField("Time it happened", validators=[Optional()])
    what = TextAreaField("What did you learn?", validators=TEXT)


class ReturnForm(CleanForm):
    reason = TextAreaField("Why is the referral going back to police?", validators=TEXT)


class CloseForm(CleanForm):
    reason = TextAreaField("Why is support ending?", validators=TEXT)


class FollowUpForm(CleanForm):
    follow_up_date = DateInputField("Day of the follow-up call", validators=[Optional()])

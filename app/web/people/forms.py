"""Forms for linking people across cases. They parse; app.services.person_link_decisions holds the rules."""
from __future__ import annotations

from wtforms import HiddenField, TextAreaField
from wtforms.validators import Optional

from app.web.fields import CheckboxesField, CleanForm

CONFIRMED = "confirmed"


class UnlinkForm(CleanForm):
    person = HiddenField()
    reason = TextAreaField("Why is this not the same person?", validators=[Optional()])
    confirm = CheckboxesField("Confirm", choices=[(CONFIRMED, "I confirm this person is not the same as the people "
                                                              "on the other cases, and should be unlinked")])

    @property
    def confirmed(self) -> bool:
        return CONFIRMED in (self.confirm.data or [])

"""Forms for handing cases over. They parse; app.services.handovers holds the rules."""
from __future__ import annotations

from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import Length, Optional

from app.services.handovers import NOTE_MAX
from app.web.fields import CleanForm

NOTE_LABEL = "Handover note for the new officer"
NOTE_HINT = "What they need to know: what is done, what is next and when. It is shown on the case."


def _note():
    # Required by the service (handovers._note), which reports it with any other problem at once.
    return TextAreaField(NOTE_LABEL, validators=[Optional(), Length(max=NOTE_MAX,
                                                                    message=f"Keep the note under {NOTE_MAX:,} characters")])


def chosen_id(field) -> int | None:
    """The id a select sent, or None for nothing or anything that is not a number."""
    value = (field.data or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


class HandoverForm(CleanForm):
    officer_id = SelectField("New officer in the case", validators=[Optional()], validate_choice=False)
    note = _note()


class LeaverForm(CleanForm):
    leaver_id = SelectField("Officer who is leaving (or whose cases move)", validators=[Optional()], validate_choice=False)
    officer_id = SelectField("New officer in the case", validators=[Optional()], validate_choice=False)
    note = _note()
    # The count the user was shown and confirmed; absent on the first submission.
    confirmed_count = HiddenField()

"""The authorising officer's decision form, built from the regime's statutory checklist."""
from __future__ import annotations

from wtforms import RadioField, TextAreaField
from wtforms.validators import Length, Optional

from app.domain.regimes import Regime
from app.models import DecisionOutcome
from app.web.fields import CleanForm

CHECK_CHOICES = [("met", "Confirmed"), ("not_met", "Not met")]
OUTCOME_CHOICES = [
    (DecisionOutcome.AUTHORISE.value, "Authorise"),
    (DecisionOutcome.REFUSE.value, "Refuse"),
    (DecisionOutcome.RETURN.value, "Return for more information"),
]


class DecisionForm(CleanForm):
    outcome = RadioField("Your decision", validators=[Optional()], choices=OUTCOME_CHOICES)
    rationale = TextAreaField(
        "Rationale, reason for refusing, or what more is needed",
        validators=[Optional(), Length(max=5000, message="Keep this under 5,000 characters")],
    )

    def answers(self, regime: Regime) -> dict[str, tuple[bool | None, str]]:
        result = {}
        for item in regime.checklist:
            value = getattr(self, f"check_{item.code}").data
            note = getattr(self, f"note_{item.code}").data or ""
            result[item.code] = ({"met": True, "not_met": False}.get(value or ""), note)
        return result


def decision_form_for(regime: Regime, **kwargs) -> DecisionForm:
    """A DecisionForm with a confirm-or-not-met radio and a note for each checklist item."""
    fields = {}
    for item in regime.checklist:
        fields[f"check_{item.code}"] = RadioField(item.text, validators=[Optional()], choices=CHECK_CHOICES)
        fields[f"note_{item.code}"] = TextAreaField(
            "Note (optional)", validators=[Optional(), Length(max=2000, message="Keep notes under 2,000 characters")]
        )
    form_class = type(f"{regime.notice}DecisionForm", (DecisionForm,), fields)
    return form_class(**kwargs)

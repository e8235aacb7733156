"""One form per application section. Forms parse what was typed; the rules are in
app.domain.application, applied by the service, so each form only knows its fields."""
from __future__ import annotations

from datetime import datetime

from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.domain.application import Evidence, VictimView
from app.domain.calendar import LONDON
from app.domain.local_time import NonexistentLocalTime, london_instant
from app.domain.phones import InvalidMobile, NoPhoneReason, uk_mobile_e164
from app.domain.prohibitions import LABELS, MANDATORY, ProhibitionKind
from app.domain.risk import RiskLevel
from app.web.fields import (
    YES_NO,
    CheckboxesField,
    CleanForm,
    DateInputField,
    TimeInputField,
    WholeNumberField,
    yes_no_text,
    yes_no_value,
)

LONG = [Optional(), Length(max=5000, message="Keep this under 5,000 characters")]


def _text(field) -> str:
    return (field.data or "").strip()


class SectionForm(CleanForm):
    """A section's form: `load` fills it from saved data, `to_data` turns it into section data."""

    def load(self, data: dict) -> None:
        raise NotImplementedError

    def to_data(self) -> dict:
        raise NotImplementedError


class GroundsForm(SectionForm):
    conduct = RadioField("What did the perpetrator do?", validators=[Optional()], choices=[])
    description = TextAreaField("Describe what happened", validators=LONG)
    victim_id = SelectField("Against whom?", validators=[Optional()], coerce=int, choices=[])
    occurred_date = DateInputField("Date", validators=[Optional()])
    occurred_time = TimeInputField("Time", validators=[Optional()])
    evidence = CheckboxesField("Evidence available", choices=[(e.value, e.label) for e in Evidence])
    evidence_notes = TextAreaField("Notes on the evidence (optional)", validators=LONG)

    def load(self, data):
        self.conduct.data = data.get("conduct")
        self.description.data = data.get("description")
        self.victim_id.data = data.get("victim_id")
        if data.get("occurred_at"):
            when = datetime.fromisoformat(data["occurred_at"]).astimezone(LONDON)
            self.occurred_date.data, self.occurred_time.data = when.date(), when.time()
        self.evidence.data = data.get("evidence", [])
        self.evidence_notes.data = data.get("evidence_notes")

    def to_data(self):
        occurred = None
        if self.occurred_date.data and self.occurred_time.data:
            try:
                occurred = london_instant(self.occurred_date.data, self.occurred_time.data).isoformat()
            except NonexistentLocalTime as exc:
                self.occurred_date.errors = [str(exc)]
        return {
            "conduct": self.conduct.data,
            "description": _text(self.description),
            "victim_id": self.victim_id.data,
            "occurred_at": occurred,
            "evidence": list(self.evidence.data or []),
            "evidence_notes": _text(self.evidence_notes),
        }


class NecessityForm(SectionForm):
    why_necessary = TextAreaField("Why is the notice necessary to protect the victim?", validators=LONG)
    why_not_other_means = TextAreaField(
        "Why do other means, such as charge or bail conditions, not protect the victim?", validators=LONG
    )

    def load(self, data):
        self.why_necessary.data = data.get("why_necessary")
        self.why_not_other_means.data = data.get("why_not_other_means")

    def to_data(self):
        return {"why_necessary": _text(self.why_necessary), "why_not_other_means": _text(self.why_not_other_means)}


class DashForm(SectionForm):
    score = WholeNumberField("DASH score (number of ticks)", validators=[Optional()])
    risk_level = RadioField("Risk level", validators=[Optional()], choices=[(r.value, r.label) for r in RiskLevel])
    raise_reason = TextAreaField("If you have raised the level, why?", validators=LONG)

    def load(self, data):
        self.score.data = data.get("score")
        self.risk_level.data = data.get("risk_level")
        self.raise_reason.data = data.get("raise_reason")

    def to_data(self):
        return {"score": self.score.data, "risk_level": self.risk_level.data, "raise_reason": _text(self.raise_reason)}


class VictimOpinionForm(SectionForm):
    view = RadioField("What is the victim's opinion of the notice?", validators=[Optional()],
                      choices=[(v.value, v.label) for v in VictimView])
    steps = TextAreaField("Steps taken to find out the victim's opinion", validators=LONG)

    def load(self, data):
        self.view.data, self.steps.data = data.get("view"), data.get("steps")

    def to_data(self):
        return {"view": self.view.data, "steps": _text(self.steps)}


class RepresentationsForm(SectionForm):
    representations = TextAreaField("What did the perpetrator say about the notice?", validators=LONG)
    steps = TextAreaField("Steps taken to obtain the perpetrator's representations", validators=LONG)

    def load(self, data):
        self.representations.data, self.steps.data = data.get("representations"), data.get("steps")

    def to_data(self):
        return {"representations": _text(self.representations), "steps": _text(self.steps)}


class ChildrenForm(SectionForm):
    any_relevant = RadioField("Are there children under 18 whose welfare is relevant?", validators=[Optional()], choices=YES_NO)
    details = TextAreaField("Which children, and how is their welfare relevant?", validators=LONG)

    def load(self, data):
        self.any_relevant.data, self.details.data = yes_no_text(data.get("any_relevant")), data.get("details")

    def to_data(self):
        return {"any_relevant": yes_no_value(self.any_relevant.data), "details": _text(self.details)}


class OtherOccupantsForm(SectionForm):
    shared_premises = RadioField("Do the perpetrator and the victim live in the same premises?", validators=[Optional()], choices=YES_NO)
    other_person = RadioField("Does another associated person live there?", validators=[Optional()], choices=YES_NO)
    opinion = TextAreaField("Their opinion of the notice", validators=LONG)
    steps = TextAreaField("Steps taken to find out their opinion", validators=LONG)

    def load(self, data):
        self.shared_premises.data = yes_no_text(data.get("shared_premises"))
        self.other_person.data = yes_no_text(data.get("other_person"))
        self.opinion.data, self.steps.data = data.get("opinion"), data.get("steps")

    def to_data(self):
        shared = yes_no_value(self.shared_premises.data)
        other = yes_no_value(self.other_person.data) if shared else None
        return {
            "shared_premises": shared,
            "other_person": other,
            "opinion": _text(self.opinion) if other else "",
            "steps": _text(self.steps) if other else "",
        }


OPTIONAL_PROHIBITIONS = [k for k in ProhibitionKind if k is not MANDATORY]


class ProhibitionsForm(SectionForm):
    kinds = CheckboxesField("Optional prohibitions", choices=[(k.value, LABELS[k]) for k in OPTIONAL_PROHIBITIONS])
    justify_no_contact = TextAreaField("Why is this prohibition needed?", validators=LONG)
    justify_no_evict = TextAreaField("Why is this prohibition needed?", validators=LONG)
    justify_no_enter = TextAreaField("Why is this prohibition needed?", validators=LONG)
    justify_leave = TextAreaField("Why is this requirement needed?", validators=LONG)
    justify_no_come_within = TextAreaField("Why is this prohibition needed?", validators=LONG)
    distance_metres = WholeNumberField("Distance in metres", validators=[Optional()])

    def load(self, data):
        self.kinds.data = [k for k in data.get("kinds", []) if k != MANDATORY.value]
        for kind in OPTIONAL_PROHIBITIONS:
            getattr(self, f"justify_{kind.value}").data = data.get("justifications", {}).get(kind.value)
        self.distance_metres.data = data.get("distance_metres")

    def to_data(self):
        kinds = [MANDATORY.value] + [k.value for k in OPTIONAL_PROHIBITIONS if k.value in (self.kinds.data or [])]
        return {
            "kinds": kinds,
            "justifications": {k: _text(getattr(self, f"justify_{k}")) for k in kinds if k != MANDATORY.value},
            "distance_metres": self.distance_metres.data if ProhibitionKind.NO_COME_WITHIN.value in kinds else None,
        }


class PhoneForm(SectionForm):
    has_mobile = RadioField("Does the perpetrator have a mobile phone number?", validators=[Optional()], choices=YES_NO)
    mobile = StringField("UK mobile number", validators=[Optional(), Length(max=30)])
    no_phone_reason = RadioField("Why is there no number?", validators=[Optional()],
                                 choices=[(r.value, r.label) for r in NoPhoneReason])
    no_phone_other = StringField("Describe the reason", validators=[Optional(), Length(max=200)])

    def load(self, data):
        self.has_mobile.data = yes_no_text(data.get("has_mobile"))
        if data.get("mobile_e164"):
            from app.domain.phones import display_uk

            self.mobile.data = display_uk(data["mobile_e164"])
        self.no_phone_reason.data = data.get("no_phone_reason")
        self.no_phone_other.data = data.get("no_phone_other")

    def to_data(self):
        has_mobile = yes_no_value(self.has_mobile.data)
        if has_mobile:
            try:
                number = uk_mobile_e164(self.mobile.data or "")
            except InvalidMobile:
                number = (self.mobile.data or "").strip()  # the domain rule reports it
            return {"has_mobile": True, "mobile_e164": number}
        return {
            "has_mobile": has_mobile,
            "no_phone_reason": self.no_phone_reason.data,
            "no_phone_other": _text(self.no_phone_other) if self.no_phone_reason.data == NoPhoneReason.OTHER.value else "",
        }


SECTION_FORMS: dict[str, type[SectionForm]] = {
    "grounds": GroundsForm,
    "necessity": NecessityForm,
    "dash": DashForm,
    "victim_opinion": VictimOpinionForm,
    "representations": RepresentationsForm,
    "children": ChildrenForm,
    "other_occupants": OtherOccupantsForm,
    "prohibitions": ProhibitionsForm,
    "phone": PhoneForm,
}

"""An application's sections in words, for "check your answers", the approval page and the notice."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.domain.application import SECTIONS, Evidence, VictimView
from app.domain.people import age_on
from app.domain.phones import NoPhoneReason, display_uk
from app.domain.prohibitions import LABELS, prohibitions_from_data
from app.domain.regimes import Conduct
from app.domain.risk import RiskLevel, risk_from_dash_score
from app.domain.timefmt import format_birth_date, format_date, format_instant
from app.models import AssociatedRelationship


@dataclass(frozen=True)
class SummarySection:
    key: str
    title: str
    rows: list[tuple[str, str]]


def _yes_no(value) -> str:
    return {True: "Yes", False: "No"}.get(value, "Not answered")


def _rows(key: str, data: dict, victims: dict[int, str]) -> list[tuple[str, str]]:
    if key == "grounds":
        when = data.get("occurred_at")
        return [
            ("What the perpetrator did", Conduct(data["conduct"]).label if data.get("conduct") else ""),
            ("Against", victims.get(data.get("victim_id"), "")),
            ("When", format_instant(datetime.fromisoformat(when)) if when else ""),
            ("What happened", data.get("description", "")),
            ("Evidence", ", ".join(Evidence(e).label for e in data.get("evidence", [])) or "None ticked"),
            ("Notes on the evidence", data.get("evidence_notes") or "None"),
        ]
    if key == "necessity":
        return [("Why necessary", data.get("why_necessary", "")),
                ("Why other means do not protect the victim", data.get("why_not_other_means", ""))]
    if key == "dash":
        score = data.get("score")
        level = RiskLevel(data["risk_level"]).label if data.get("risk_level") else ""
        scored = risk_from_dash_score(score).label if isinstance(score, int) else ""
        rows = [("DASH score", f"{score} ticks ({scored} by score)"), ("Risk level", level)]
        if data.get("raise_reason"):
            rows.append(("Why raised", data["raise_reason"]))
        return rows
    if key == "victim_opinion":
        view = VictimView(data["view"]).label if data.get("view") else ""
        return [("Victim's opinion", view), ("Steps taken to find out", data.get("steps", "")),
                ("Consent", "The victim's consent is not required")]
    if key == "representations":
        return [("Perpetrator's representations", data.get("representations", "")),
                ("Steps taken to obtain them", data.get("steps", ""))]
    if key == "children":
        rows = [("Children under 18 whose welfare is relevant", _yes_no(data.get("any_relevant")))]
        if data.get("any_relevant"):
            rows.append(("Which children, and how", data.get("details", "")))
        return rows
    if key == "other_occupants":
        rows = [("Perpetrator and victim live in the same premises", _yes_no(data.get("shared_premises")))]
        if data.get("shared_premises"):
            rows.append(("Another associated person lives there", _yes_no(data.get("other_person"))))
        if data.get("other_person"):
            rows += [("Their opinion", data.get("opinion", "")), ("Steps taken to find out", data.get("steps", ""))]
        return rows
    if key == "prohibitions":
        rows = []
        for p in prohibitions_from_data(data):
            label = LABELS[p.kind]
            if p.distance_metres:
                label += f" ({p.distance_metres} metres)"
            rows.append((label, p.justification or "Required by law in every notice"))
        return rows
    if key == "phone":
        if data.get("has_mobile"):
            return [("Mobile number", display_uk(data["mobile_e164"]))]
        reason = NoPhoneReason(data["no_phone_reason"]).label if data.get("no_phone_reason") else ""
        rows = [("Mobile number", "None"), ("Why not", reason)]
        if data.get("no_phone_other"):
            rows.append(("Reason", data["no_phone_other"]))
        return rows
    return []


def summarise(case, application) -> list[SummarySection]:
    data = application.section_data if application else {}
    victims = {v.id: v.full_name for v in case.victims}
    return [
        SummarySection(s.key, s.title, _rows(s.key, data[s.key], victims) if s.key in data else [])
        for s in SECTIONS
    ]


def _born(person, on: date) -> str:
    if person is None or person.date_of_birth is None:
        return "Not recorded"
    dob = person.date_of_birth
    return f"{format_birth_date(dob)} (aged {age_on(dob, on)} on {format_date(on)})"


def _relationship(value: str | None) -> str:
    if not value:
        return "Not recorded"
    try:
        return AssociatedRelationship(value).label
    except ValueError:
        return value


def people_to_confirm(case, application, on: date, the_regime) -> list[tuple[str, str]]:
    """What the authorising officer's checklist asks them to confirm about the people: P's age
    (18 or over) and V's relationship to P (associated or personally connected), and for a
    DAPN V's age (16 or over), on `on`, the London day of the decision."""
    data = application.section_data if application else {}
    victim_id = data.get("grounds", {}).get("victim_id")
    victim = next((v for v in case.victims if v.id == victim_id), None)
    p = case.perpetrator
    rows = [("Perpetrator (P)", p.full_name if p else "Not recorded"), ("P's date of birth", _born(p, on))]
    if victim is None:
        return rows + [("Person to be protected (V)", "Not chosen yet (grounds)")]
    rows += [("Person to be protected (V)", victim.full_name),
             ("V's relationship to P", _relationship(victim.relationship_to_perpetrator))]
    if the_regime.min_victim_age:
        rows.append(("V's date of birth", _born(victim, on)))
    return rows

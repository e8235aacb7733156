"""The DVPN (or DAPN) application as sections, and the rules each must meet to be complete.

Each section is saved as a small dict. `validate_section` holds every rule about what a
section must say; the forms only parse types, and the services refuse anything this module
refuses, so a rule lives in one place.
"""
from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from datetime import date, datetime

from app.domain.calendar import LONDON
from app.domain.people import age_on, under_age_at
from app.domain.phones import InvalidMobile, NoPhoneReason, uk_mobile_e164
from app.domain.prohibitions import (
    MANDATORY,
    MAX_DISTANCE_METRES,
    ProhibitionKind,
    not_available,
    not_available_message,
    premises_provisions_refused,
    premises_refusal,
)
from app.domain.regimes import Conduct, Regime
from app.domain.risk import DASH_MAX_SCORE, RiskLevel, risk_from_dash_score


class Evidence(enum.StrEnum):
    BODY_WORN_VIDEO = "body_worn_video"
    CALL_999 = "call_999"
    INJURIES = "injuries"
    WITNESSES = "witnesses"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            Evidence.BODY_WORN_VIDEO: "Body-worn video",
            Evidence.CALL_999: "999 call recording",
            Evidence.INJURIES: "Injuries (photographs or medical notes)",
            Evidence.WITNESSES: "Witnesses",
            Evidence.OTHER: "Other evidence",
        }[self]


class VictimView(enum.StrEnum):
    SUPPORTS = "supports"
    OPPOSES = "opposes"
    NOT_KNOWN = "not_known"

    @property
    def label(self) -> str:
        return {
            VictimView.SUPPORTS: "Supports the notice",
            VictimView.OPPOSES: "Opposes the notice",
            VictimView.NOT_KNOWN: "Not known",
        }[self]


@dataclass(frozen=True)
class Section:
    key: str
    title: str


SECTIONS: tuple[Section, ...] = (
    Section("grounds", "Grounds: what the perpetrator did"),
    Section("necessity", "Why the notice is necessary"),
    Section("dash", "DASH risk assessment"),
    Section("victim_opinion", "The victim's opinion"),
    Section("representations", "The perpetrator's representations"),
    Section("children", "Children under 18"),
    Section("other_occupants", "Other people living at the premises"),
    Section("prohibitions", "Proposed prohibitions"),
    Section("phone", "The perpetrator's mobile number"),
)
SECTION_KEYS = tuple(s.key for s in SECTIONS)


@dataclass(frozen=True)
class VictimFacts:
    id: int
    name: str
    date_of_birth: date | None


@dataclass(frozen=True)
class ApplicationContext:
    """What the rules need to know about the case and the moment."""

    regime: Regime
    victims: tuple[VictimFacts, ...]
    now: datetime
    incident_at: datetime | None = None
    extra: dict = field(default_factory=dict)
    # The application's answer to "do P and V live in the same premises?" (the
    # other_occupants section; None until answered): premises provisions need True.
    shared_premises: bool | None = None


def _whole_number(value) -> bool:
    # bool is an int subclass: True must not pass as a score of 1.
    return isinstance(value, int) and not isinstance(value, bool)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _grounds(data: dict, ctx: ApplicationContext) -> dict[str, str]:
    errors = {}
    conduct = data.get("conduct")
    if conduct not in {c.value for c in Conduct}:
        errors["conduct"] = "Choose what the perpetrator did"
    elif Conduct(conduct) not in ctx.regime.conduct:
        errors["conduct"] = f"Under the {ctx.regime.notice} regime the grounds must be violence or a threat of violence"
    if _blank(data.get("description")):
        errors["description"] = "Describe what the perpetrator did"
    victim_ids = {v.id: v for v in ctx.victims}
    victim = victim_ids.get(data.get("victim_id"))
    if victim is None:
        errors["victim_id"] = "Choose the person the notice would protect"
    occurred = data.get("occurred_at")
    if not occurred:
        errors["occurred_date"] = "Enter when it happened"
    else:
        when = datetime.fromisoformat(occurred)
        if when > ctx.now:
            errors["occurred_date"] = "When it happened cannot be in the future"
        elif victim is not None and ctx.regime.min_victim_age and victim.date_of_birth:
            # Age on the day in England, whatever offset the instant was written with.
            if age_on(victim.date_of_birth, when.astimezone(LONDON).date()) < ctx.regime.min_victim_age:
                errors["victim_id"] = (
                    f"Under the {ctx.regime.notice} regime the person protected must be aged "
                    f"{ctx.regime.min_victim_age} or over"
                )
    evidence = data.get("evidence") or []
    if any(e not in {x.value for x in Evidence} for e in evidence):
        errors["evidence"] = "Choose evidence from the list"
    elif not evidence and _blank(data.get("evidence_notes")):
        errors["evidence"] = "Tick the evidence available, or say in the notes why there is none"
    elif Evidence.OTHER.value in evidence and _blank(data.get("evidence_notes")):
        errors["evidence_notes"] = "Describe the other evidence"
    return errors


def _necessity(data: dict, ctx: ApplicationContext) -> dict[str, str]:  # noqa: ARG001
    errors = {}
    if _blank(data.get("why_necessary")):
        errors["why_necessary"] = "Explain why the notice is necessary to protect the victim"
    if _blank(data.get("why_not_other_means")):
        errors["why_not_other_means"] = "Explain why other means, such as charge or bail conditions, do not protect the victim"
    return errors


def _dash(data: dict, ctx: ApplicationContext) -> dict[str, str]:  # noqa: ARG001
    errors = {}
    score = data.get("score")
    if not _whole_number(score) or not 0 <= score <= DASH_MAX_SCORE:
        return {"score": f"Enter the DASH score: the number of ticks, 0 to {DASH_MAX_SCORE}"}
    scored = risk_from_dash_score(score)
    try:
        chosen = RiskLevel(data.get("risk_level"))
    except ValueError:
        return {"risk_level": "Choose the risk level"}
    if chosen.rank < scored.rank:
        errors["risk_level"] = (
            f"A score of {score} is {scored.value} risk: professional judgement can raise the level, never lower it"
        )
    elif chosen is not scored and _blank(data.get("raise_reason")):
        errors["raise_reason"] = f"Explain why the risk is raised above {scored.value}"
    return errors


def _victim_opinion(data: dict, ctx: ApplicationContext) -> dict[str, str]:  # noqa: ARG001
    errors = {}
    if data.get("view") not in {v.value for v in VictimView}:
        errors["view"] = "Choose the victim's opinion, or 'Not known'"
    if _blank(data.get("steps")):
        errors["steps"] = "Describe the steps taken to find out the victim's opinion"
    return errors


def _representations(data: dict, ctx: ApplicationContext) -> dict[str, str]:  # noqa: ARG001
    errors = {}
    if _blank(data.get("representations")):
        errors["representations"] = "Record what the perpetrator said, or that they made no representations"
    if _blank(data.get("steps")):
        errors["steps"] = "Describe the steps taken to obtain the perpetrator's representations"
    return errors


def _children(data: dict, ctx: ApplicationContext) -> dict[str, str]:  # noqa: ARG001
    if not isinstance(data.get("any_relevant"), bool):
        return {"any_relevant": "Say whether there are children under 18 whose welfare is relevant"}
    if data["any_relevant"] and _blank(data.get("details")):
        return {"details": "Name the children and explain how their welfare is relevant"}
    return {}


def _other_occupants(data: dict, ctx: ApplicationContext) -> dict[str, str]:  # noqa: ARG001
    if not isinstance(data.get("shared_premises"), bool):
        return {"shared_premises": "Say whether the perpetrator and the victim live in the same premises"}
    if not data["shared_premises"]:
        return {}
    if not isinstance(data.get("other_person"), bool):
        return {"other_person": "Say whether another associated person lives there"}
    errors = {}
    if data["other_person"]:
        if _blank(data.get("opinion")):
            errors["opinion"] = "Record the other person's opinion, or that it is not known"
        if _blank(data.get("steps")):
            errors["steps"] = "Describe the steps taken to find out the other person's opinion"
    return errors


def _prohibitions(data: dict, ctx: ApplicationContext) -> dict[str, str]:
    """The proposed provisions, from those the regime has (`prohibitions.available`: a DAPN
    may also forbid contact, DAA 2021 s.23(1)(a)). Those about the premises P and V share need the
    other_occupants section to say they live together: CSA 2010 s.24(8); DAA 2021 s.23(2)
    (see prohibitions.premises_provisions_refused)."""
    errors = {}
    try:
        kinds = {ProhibitionKind(k) for k in data.get("kinds", [])}
    except ValueError:
        return {"kinds": "Choose prohibitions from the list"}
    # "May not contact" is a DAPN provision (DAA 2021 s.23(1)(a)); a DVPN has no such one.
    missing = not_available(kinds, ctx.regime)
    refused = premises_provisions_refused(kinds, shared_premises=ctx.shared_premises, regime=ctx.regime)
    if missing:
        errors["kinds"] = not_available_message(missing, ctx.regime)
    elif refused:
        errors["kinds"] = premises_refusal(
            refused, ctx.regime, ctx.regime.notice_premises_basis,
            "Untick them, or answer 'Yes' in 'Other people living at the premises' if they do live together",
        )
    justifications = data.get("justifications") or {}
    for kind in sorted(kinds - {MANDATORY}):
        if _blank(justifications.get(kind.value)):
            errors[f"justify_{kind.value}"] = "Justify this prohibition: why it is needed to protect the victim"
    if ProhibitionKind.NO_COME_WITHIN in kinds:
        distance = data.get("distance_metres")
        if not _whole_number(distance) or not 1 <= distance <= MAX_DISTANCE_METRES:
            errors["distance_metres"] = f"Enter the distance in metres, from 1 to {MAX_DISTANCE_METRES}"
    return errors


def _phone(data: dict, ctx: ApplicationContext) -> dict[str, str]:  # noqa: ARG001
    has_mobile = data.get("has_mobile")
    if not isinstance(has_mobile, bool):
        return {"has_mobile": "Say whether the perpetrator has a mobile number"}
    if has_mobile:
        try:
            if uk_mobile_e164(data.get("mobile_e164") or "") != data.get("mobile_e164"):
                return {"mobile": "Enter a UK mobile number, like 07123 456789"}
        except InvalidMobile as exc:
            return {"mobile": str(exc)}
        return {}
    try:
        reason = NoPhoneReason(data.get("no_phone_reason"))
    except ValueError:
        return {"no_phone_reason": "Choose why there is no number"}
    if reason is NoPhoneReason.OTHER and _blank(data.get("no_phone_other")):
        return {"no_phone_other": "Describe the reason"}
    return {}


_RULES = {
    "grounds": _grounds,
    "necessity": _necessity,
    "dash": _dash,
    "victim_opinion": _victim_opinion,
    "representations": _representations,
    "children": _children,
    "other_occupants": _other_occupants,
    "prohibitions": _prohibitions,
    "phone": _phone,
}


def validate_section(key: str, data: dict, ctx: ApplicationContext) -> dict[str, str]:
    """Errors that stop the section being complete, by field; empty when it is complete.

    The tests are those the authorising officer must be satisfied of: CSA 2010 s.24(1)-(6)
    (DAA 2021 ss.22-24 under a DAPN).
    """
    if key not in _RULES:
        raise KeyError(key)
    return _RULES[key](data or {}, ctx)


def shared_premises_answer(sections: dict[str, dict]) -> bool | None:
    """The other_occupants section's answer to "do P and V live in the same premises?"."""
    answer = (sections.get("other_occupants") or {}).get("shared_premises")
    return answer if isinstance(answer, bool) else None


def incomplete_sections(sections: dict[str, dict], ctx: ApplicationContext) -> list[str]:
    """The keys of sections not yet complete, in task-list order. The sections' own answer
    about shared premises is the one the prohibitions are checked against, so changing it to
    "no" makes proposed premises provisions incomplete again."""
    ctx = dataclasses.replace(ctx, shared_premises=shared_premises_answer(sections))
    return [key for key in SECTION_KEYS if key not in sections or validate_section(key, sections[key], ctx)]


def perpetrator_age_warning(regime: Regime, date_of_birth: date | None, now: datetime) -> date | None:
    """The day P turns 18 if P is still under 18 `now` (else None): the notice cannot be
    authorised before then (CSA 2010 s.24(2); DAA 2021 s.22(6)). A warning while the
    application is prepared; the authorising officer's decision is refused
    (services.authorisation.decide)."""
    if date_of_birth is None:
        return None
    return under_age_at(date_of_birth, now, regime.min_perpetrator_age)

"""What the police ask the court to include in a DAPO, for the hearing papers. Pure.

The notice's provisions become the prohibitions sought (`dapo_requirements.from_notice`);
this module holds what the notice cannot: requirements to do something and electronic
monitoring. A requirement to do something needs "the person who is to be responsible for
supervising compliance" (DAA 2021 s.36(2)) and, before the court includes it, evidence from
that person about its suitability and enforceability (s.36(3)): the application names both,
so the bench sees them. Electronic monitoring may not be imposed in P's absence (s.37(2)),
without the consent of anyone whose co-operation it needs (s.37(3)), or unless the Secretary
of State has notified that arrangements are available in the area and the court is satisfied
provision can be made (s.37(4)): the application says what the police know of each, and the
court decides. Checked on legislation.gov.uk: s.36(1)-(4), s.37(1)-(4).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from app.domain.dapo_requirements import KINDS, MonitoringKind, Requirement, RequirementKind

POSITIVE_KINDS = tuple(k for k, facts in KINDS.items() if facts.positive)
MAX_SOUGHT = 3


class Known(enum.StrEnum):
    YES = "yes"
    NO = "no"
    NOT_KNOWN = "not_known"

    @property
    def label(self) -> str:
        return {"yes": "Yes", "no": "No", "not_known": "Not known yet"}[self.value]


@dataclass(frozen=True)
class MonitoringSought:
    kind: MonitoringKind | None
    detail: str = ""
    # What the police know of the s.37 conditions, for the bench (the court decides them).
    p_expected_present: Known | None = None
    third_party_consent: Known | None = None  # YES also where no one else's co-operation is needed
    available_in_area: Known | None = None


def sought_errors(positive: list[Requirement], monitoring: MonitoringSought | None) -> dict[str, str]:
    """Why what the officer typed cannot be saved (field to message, keyed "positive-<i>-<field>"):
    each requirement to do something names its supervisor and the evidence (s.36(2)-(3)) and,
    where the court must word it, its wording; monitoring sought says what is monitored and
    answers each s.37 condition (an answer of "not known" is allowed: it tells the bench)."""
    errors: dict[str, str] = {}
    if len(positive) > MAX_SOUGHT:
        errors["positive"] = f"At most {MAX_SOUGHT} requirements to do something"
    for i, req in enumerate(positive):
        if req.kind not in POSITIVE_KINDS:
            errors[f"positive-{i}-kind"] = "Choose what P would be required to do"
            continue
        facts = KINDS[req.kind]
        if facts.own_words and not req.wording.strip():
            errors[f"positive-{i}-wording"] = "Word the requirement as the court would"
        if not req.supervisor.strip():
            errors[f"positive-{i}-supervisor"] = ("Name who would supervise compliance (Domestic Abuse Act 2021 "
                                                  "s.36(2))")
        if not req.suitability_evidence.strip():
            errors[f"positive-{i}-suitability_evidence"] = (
                "Say what evidence the supervisor will give on its suitability and enforceability (s.36(3))")
    if monitoring is not None:
        if monitoring.kind is None:
            errors["monitoring_kind"] = "Say what would be monitored"
        elif monitoring.kind is not MonitoringKind.LOCATION and not monitoring.detail.strip():
            errors["monitoring_detail"] = "Describe the exclusion zone or the curfew address"
        for name, answer in (("p_expected_present", monitoring.p_expected_present),
                             ("third_party_consent", monitoring.third_party_consent),
                             ("available_in_area", monitoring.available_in_area)):
            if answer is None:
                errors[name] = "Answer for the bench (not known is an answer)"
    return errors


def positive_kind(value: str | None) -> RequirementKind | None:
    try:
        kind = RequirementKind(value or "")
    except ValueError:
        return None
    return kind if kind in POSITIVE_KINDS else None

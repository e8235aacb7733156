"""What a DAPO requires of P: its requirements, electronic monitoring, review dates and who
may apply to vary or discharge it (Domestic Abuse Act 2021 ss.35-38, s.44). Pure rules: no
Flask, no database, no clock (today is an argument).

What was read on legislation.gov.uk (and its mirrors) when this was written:

- s.35(1)-(4): the court may impose any requirement it considers necessary to protect V
  from domestic abuse or its risk; "requirement" includes a prohibition or restriction;
  (4) examples: (a) not to contact V, (b) not to come within a specified distance of any
  premises in England or Wales where V lives, (c) not to come within a specified distance
  of other specified premises. s.35(5)-(6) could not be read (the excerpt stops at (4)).
- s.36(1)-(4) and the start of (5): (2) an order imposing a requirement to do something
  must specify the person responsible for supervising compliance; (3) before including it
  the court must receive evidence about its suitability and enforceability from that
  person; (4) (2) and (3) do not apply to electronic monitoring (see s.37(3)-(6)); (5) that
  person must (a) make any necessary arrangements ... The rest of (5) could not be read: it
  is taken to follow the Anti-social Behaviour, Crime and Policing Act 2014 s.24(4), its
  model (promote compliance; inform the police if P has complied with all the requirements
  or has failed to comply with one), so both reports are recorded.
- s.37(1)-(4): electronic monitoring (2) may not be imposed in P's absence; (3) not without
  the consent of anyone else without whose co-operation the monitoring would be
  impracticable; (4) only if (a) the court has been notified by the Secretary of State that
  arrangements are available in the relevant area and (b) it is satisfied the necessary
  provision can be made under the arrangements currently available. s.37(5)-(6) (the person
  responsible for the monitoring) could not be read; the safe side is to require the
  responsible person (the provider) to be named, as s.36(4) points there for the
  equivalent of s.36(2).
- s.38 (duration) could not be read: an order for a specified period or until further
  order, and different requirements for different periods, follow the Home Office
  statutory guidance (November 2024) and the brief; a requirement never outlasts its order.
- s.44(1)-(5): who may apply to vary or discharge (subsection (3)), the court's own
  variation where it could make an order under s.31 (subsection (2)(b)), and (4)(b): where
  V seeks discharge or to remove or make less onerous a requirement, the court must hear V.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

MAX_DISTANCE_METRES = 5000
MAX_REVIEW_DATES = 12
REVIEW_SOON_DAYS = 7


class RequirementKind(enum.StrEnum):
    NO_ABUSE = "no_abuse"
    NO_CONTACT = "no_contact"
    NOT_NEAR_V_HOME = "not_near_v_home"
    NOT_NEAR_PREMISES = "not_near_premises"
    NO_EVICT = "no_evict"
    NO_ENTER = "no_enter"
    LEAVE = "leave"
    OTHER_PROHIBITION = "other_prohibition"
    BEHAVIOUR_PROGRAMME = "behaviour_programme"
    SUBSTANCE_MISUSE = "substance_misuse"
    OTHER_POSITIVE = "other_positive"


@dataclass(frozen=True)
class KindFacts:
    label: str
    citation: str
    # A requirement to do something (s.36(2)): needs a supervisor and the evidence s.36(3).
    positive: bool = False
    distance: bool = False
    premises: bool = False
    # The court's own words are needed (no standard wording).
    own_words: bool = False
    # The prohibition kind in ProtectionOrder.conditions that mirrors it (texts and printouts read those).
    condition: str | None = None


KINDS: dict[RequirementKind, KindFacts] = {
    RequirementKind.NO_ABUSE: KindFacts(
        "Not to be abusive towards the victim (always included)", "DAA 2021 s.27(1), s.35(1)", condition="no_molest"),
    RequirementKind.NO_CONTACT: KindFacts("Not to contact the victim", "DAA 2021 s.35(4)(a)", condition="no_contact"),
    RequirementKind.NOT_NEAR_V_HOME: KindFacts(
        "Not to come within a distance of any premises in England or Wales where the victim lives",
        "DAA 2021 s.35(4)(b)", distance=True, condition="no_come_within"),
    RequirementKind.NOT_NEAR_PREMISES: KindFacts(
        "Not to come within a distance of other specified premises", "DAA 2021 s.35(4)(c)", distance=True, premises=True),
    RequirementKind.NO_EVICT: KindFacts("Not to evict or exclude the victim from the premises", "DAA 2021 s.35(1), (3)",
                                        condition="no_evict"),
    RequirementKind.NO_ENTER: KindFacts("Not to enter the premises", "DAA 2021 s.35(1), (3)", condition="no_enter"),
    RequirementKind.LEAVE: KindFacts("To leave the premises", "DAA 2021 s.35(1), (3)", condition="leave"),
    RequirementKind.OTHER_PROHIBITION: KindFacts(
        "Another prohibition or restriction, in the court's words", "DAA 2021 s.35(1)", own_words=True),
    RequirementKind.BEHAVIOUR_PROGRAMME: KindFacts(
        "To attend a behaviour change programme", "DAA 2021 s.35(1), s.36(2)-(3)", positive=True),
    RequirementKind.SUBSTANCE_MISUSE: KindFacts(
        "To take part in drug or alcohol (substance misuse) work", "DAA 2021 s.35(1), s.36(2)-(3)", positive=True),
    RequirementKind.OTHER_POSITIVE: KindFacts(
        "Another requirement to do something, in the court's words", "DAA 2021 s.35(1), s.36(2)-(3)",
        positive=True, own_words=True),
}
MANDATORY = RequirementKind.NO_ABUSE
# Prohibition kinds of the notice (and of ProtectionOrder.conditions) and the requirement each becomes.
FROM_CONDITION = {facts.condition: kind for kind, facts in KINDS.items() if facts.condition}


def standard_wording(kind: RequirementKind, *, victim: str = "the person protected", distance: int | None = None,
                     premises: str = "") -> str:
    """The requirement as an order would state it, where there is a standard wording."""
    return {
        RequirementKind.NO_ABUSE: f"You must not be abusive towards {victim}.",
        RequirementKind.NO_CONTACT: f"You must not contact {victim}, directly or indirectly.",
        RequirementKind.NOT_NEAR_V_HOME: f"You must not come within {distance} metres of any premises in England or "
                                         f"Wales in which {victim} lives.",
        RequirementKind.NOT_NEAR_PREMISES: f"You must not come within {distance} metres of {premises or 'the premises'}.",
        RequirementKind.NO_EVICT: f"You must not evict or exclude {victim} from the premises.",
        RequirementKind.NO_ENTER: "You must not enter the premises.",
        RequirementKind.LEAVE: "You must leave the premises.",
        RequirementKind.BEHAVIOUR_PROGRAMME: "You must attend a behaviour change programme.",
        RequirementKind.SUBSTANCE_MISUSE: "You must take part in substance misuse work.",
    }.get(kind, "")


@dataclass(frozen=True)
class Requirement:
    """A requirement as the court imposed it. `ends_on` is its last day in force; None: as
    long as the order (until further order, or the order's own end)."""

    kind: RequirementKind
    wording: str = ""
    distance_metres: int | None = None
    premises: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    supervisor: str = ""
    suitability_evidence: str = ""

    @property
    def facts(self) -> KindFacts:
        return KINDS[self.kind]


def order_last_day(made_on: date, days: int | None) -> date | None:
    """The last day a DAPO made on `made_on` for `days` days is in force (day 1 is the day
    made, as deadlines.dapo_end counts); None until further order."""
    if days is None:
        return None
    return date.fromordinal(made_on.toordinal() + days - 1)


def requirement_errors(req: Requirement, *, made_on: date, last_day: date | None) -> dict[str, str]:
    """What is wrong with one requirement, by field: its wording, distance, premises, period
    and, for a requirement to do something, its supervisor and the evidence (s.36(2), (3))."""
    facts = req.facts
    errors: dict[str, str] = {}
    if facts.own_words and not req.wording.strip():
        errors["wording"] = "Enter the requirement in the court's words"
    if facts.distance and (req.distance_metres is None or not 1 <= req.distance_metres <= MAX_DISTANCE_METRES):
        errors["distance_metres"] = f"Enter the distance in metres, from 1 to {MAX_DISTANCE_METRES:,}"
    if facts.premises and not req.premises.strip():
        errors["premises"] = "Say which premises (or what description of premises) the court specified"
    if facts.positive:
        if not req.supervisor.strip():
            errors["supervisor"] = ("Name the person or organisation responsible for supervising compliance "
                                    "(Domestic Abuse Act 2021 s.36(2))")
        if not req.suitability_evidence.strip():
            errors["suitability_evidence"] = ("Record the evidence the court received from the supervisor about the "
                                              "requirement's suitability and enforceability (Domestic Abuse Act 2021 s.36(3))")
    starts = req.starts_on or made_on
    if starts < made_on:
        errors["starts_on"] = "A requirement cannot start before the order was made"
    elif last_day is not None and starts > last_day:
        errors["starts_on"] = "A requirement must start while the order is in force"
    if req.ends_on is not None:
        if req.ends_on < starts:
            errors["ends_on"] = "A requirement cannot end before it starts"
        elif last_day is not None and req.ends_on > last_day:
            errors["ends_on"] = "A requirement cannot last longer than the order: leave the end empty to run with the order"
    return errors


def requirements_errors(reqs: list[Requirement], *, made_on: date, last_day: date | None,
                        prefix: str = "requirements") -> dict[str, str]:
    """The requirements of a DAPO as granted: each one checked (errors keyed
    "<prefix>-<i>-<field>") and the mandatory one present. Premises provisions are checked
    against shared premises by services.court.premises_condition_errors, as for every order
    (the notice's rule, DAA 2021 s.23(2), applied to the order: docs/law.md)."""
    errors: dict[str, str] = {}
    for i, req in enumerate(reqs):
        for name, message in requirement_errors(req, made_on=made_on, last_day=last_day).items():
            errors[f"{prefix}-{i}-{name}"] = message
    if not any(r.kind is MANDATORY for r in reqs):
        errors[prefix] = "Every order prohibits P from being abusive towards the victim: keep that requirement"
    return errors


def conditions_of(reqs: list[Requirement], today: date | None = None) -> list[dict]:
    """ProtectionOrder.conditions mirrored from the requirements (those with a prohibition kind
    readers know: texts, printouts), so existing readers keep working. A requirement already
    ended on `today` is left out."""
    out: list[dict] = []
    for r in reqs:
        kind = r.facts.condition
        if kind is None or kind == "no_contact" or (today and r.ends_on and r.ends_on < today):
            continue
        out.append({"kind": kind, "distance_metres": r.distance_metres if kind == "no_come_within" else None})
    return out


def from_notice(kinds: list[str], distance_metres: int | None, *, victim: str = "the person protected") -> list[Requirement]:
    """The requirements pre-filled from the notice's provisions (the application's
    prohibitions), the mandatory one first."""
    chosen = [MANDATORY] + [FROM_CONDITION[k] for k in kinds if k in FROM_CONDITION and FROM_CONDITION[k] is not MANDATORY]
    return [Requirement(kind=k, distance_metres=distance_metres if KINDS[k].distance else None,
                        wording=standard_wording(k, victim=victim, distance=distance_metres)) for k in chosen]


def in_force_on(req_starts: date, req_ends: date | None, day: date) -> bool:
    return req_starts <= day and (req_ends is None or day <= req_ends)


# Electronic monitoring (s.37).


class MonitoringKind(enum.StrEnum):
    LOCATION = "location"
    EXCLUSION_ZONE = "exclusion_zone"
    CURFEW = "curfew"

    @property
    def label(self) -> str:
        return {"location": "P's location (whereabouts)", "exclusion_zone": "An exclusion zone",
                "curfew": "A curfew at an address"}[self.value]


@dataclass(frozen=True)
class Monitoring:
    provider: str
    kind: MonitoringKind | None
    zone_or_address: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    p_present: bool | None = None
    # Is there a person other than P without whose co-operation monitoring is impracticable?
    third_party_needed: bool | None = None
    third_party: str = ""
    third_party_consented: bool | None = None
    area_notified: bool | None = None
    provision_available: bool | None = None


def monitoring_errors(m: Monitoring, *, made_on: date, last_day: date | None, today: date) -> dict[str, str]:
    """Whether the court could impose this electronic monitoring requirement (DAA 2021
    s.37(2)-(4)) and what must be recorded about it. Every condition must be answered "yes":
    an unanswered one refuses, the safe side."""
    errors: dict[str, str] = {}
    if m.p_present is not True:
        errors["p_present"] = ("Electronic monitoring may not be imposed in P's absence (Domestic Abuse Act 2021 "
                               "s.37(2)): it can be recorded only if P was present at the hearing")
    if m.third_party_needed is None:
        errors["third_party_needed"] = ("Say whether monitoring needs the co-operation of anyone other than P "
                                        "(for example the occupier of the curfew address)")
    elif m.third_party_needed:
        if not m.third_party.strip():
            errors["third_party"] = "Say whose co-operation is needed (their role, not their contact details)"
        if m.third_party_consented is not True:
            errors["third_party_consented"] = ("Monitoring may not be imposed without the consent of the person whose "
                                               "co-operation it needs (Domestic Abuse Act 2021 s.37(3))")
    if m.area_notified is not True:
        errors["area_notified"] = ("The court may impose monitoring only if the Secretary of State has notified it that "
                                   "monitoring arrangements are available in the area (Domestic Abuse Act 2021 s.37(4)(a))")
    if m.provision_available is not True:
        errors["provision_available"] = ("The court must be satisfied the necessary provision can be made under the "
                                         "arrangements currently available (Domestic Abuse Act 2021 s.37(4)(b))")
    if not m.provider.strip():
        errors["provider"] = "Name the person responsible for the monitoring (the monitoring provider)"
    if m.kind is None:
        errors["kind"] = "Choose what is monitored"
    elif m.kind in (MonitoringKind.EXCLUSION_ZONE, MonitoringKind.CURFEW) and not m.zone_or_address.strip():
        errors["zone_or_address"] = "Describe the exclusion zone or the curfew address and hours"
    starts = m.starts_on
    if starts is None:
        errors["starts_on"] = "Enter when monitoring starts"
    elif starts < made_on:
        errors["starts_on"] = "Monitoring cannot start before the order was made"
    elif last_day is not None and starts > last_day:
        errors["starts_on"] = "Monitoring must start while the order is in force"
    if m.ends_on is not None and starts is not None:
        if m.ends_on < starts:
            errors["ends_on"] = "Monitoring cannot end before it starts"
        elif last_day is not None and m.ends_on > last_day:
            errors["ends_on"] = "Monitoring cannot last longer than the order"
    if m.ends_on is not None and m.ends_on < today and "ends_on" not in errors:
        errors["ends_on"] = "This monitoring has already ended: record monitoring that is running or to come"
    return errors


# Reports of compliance and failure (s.36(5); the provider's reports).


class ReportKind(enum.StrEnum):
    COMPLIED = "complied"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"complied": "Complied", "failed": "Failed to comply"}[self.value]


def report_errors(kind: ReportKind | None, reported_on: date | None, reported_by: str, summary: str, *,
                  starts_on: date, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kind is None:
        errors["outcome"] = "Choose what was reported"
    if reported_on is None:
        errors["reported_on"] = "Enter the date of the report"
    elif reported_on > today:
        errors["reported_on"] = "The report's date cannot be in the future"
    elif reported_on < starts_on:
        errors["reported_on"] = "The report cannot be from before the requirement started"
    if not reported_by.strip():
        errors["reported_by"] = "Say who made the report (the supervisor or the monitoring provider)"
    if kind is ReportKind.FAILED and not summary.strip():
        errors["summary"] = "Say briefly what the failure was"
    return errors


# Review dates (s.38; the court's own case management).


def review_date_errors(dates: list[date], *, made_on: date, last_day: date | None) -> str | None:
    """Review dates must fall after the order was made and within the order. None when
    they are fine."""
    if len(dates) > MAX_REVIEW_DATES:
        return f"Enter at most {MAX_REVIEW_DATES} review dates"
    for d in dates:
        if d <= made_on:
            return f"Review date {d:%d/%m/%Y} must be after the order was made"
        if last_day is not None and d > last_day:
            return f"Review date {d:%d/%m/%Y} is after the order ends"
    return None


def reviews_due(review_dates: list[str], today: date, within_days: int = REVIEW_SOON_DAYS) -> list[date]:
    """The review dates from today to `within_days` ahead (a task on the dashboard)."""
    out = []
    for text in review_dates or []:
        d = date.fromisoformat(text)
        if 0 <= (d - today).days <= within_days:
            out.append(d)
    return sorted(out)


# Variation and discharge (s.44).


class Applicant(enum.StrEnum):
    PROTECTED_PERSON = "protected_person"
    PERPETRATOR = "perpetrator"
    ORIGINAL_APPLICANT = "original_applicant"
    CHIEF_OFFICER_RESIDENCE = "chief_officer_residence"
    CHIEF_OFFICER_OTHER_AREA = "chief_officer_other_area"
    COURT_OWN_MOTION = "court_own_motion"

    @property
    def label(self) -> str:
        return {
            "protected_person": "The person protected by the order (s.44(3)(a))",
            "perpetrator": "P, the person the order is against (s.44(3)(b))",
            "original_applicant": "The person who applied for the order under s.28, if not the police (s.44(3)(c))",
            "chief_officer_residence": "The chief officer of police for an area where P lives (s.44(3)(d))",
            "chief_officer_other_area": "The chief officer of police for another area P is in or intends to come to "
                                        "(s.44(3)(e))",
            "court_own_motion": "The court of its own motion, in proceedings where it could make an order under s.31 "
                                "(s.44(2)(b))",
        }[self.value]


class VariationOutcome(enum.StrEnum):
    VARIED = "varied"
    DISCHARGED = "discharged"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        return {"varied": "Varied the order", "discharged": "Discharged the order",
                "refused": "Refused the application (the order is unchanged)"}[self.value]


@dataclass(frozen=True)
class Variation:
    applicant: Applicant | None
    outcome: VariationOutcome | None
    court_date: date | None
    details: str = ""
    # The court heard V, where V sought to discharge or to lessen the order (s.44(4)(b)).
    victim_heard: bool | None = None
    lessens: bool = False
    confirmed: bool = False
    review_dates: list[date] = field(default_factory=list)


def variation_errors(v: Variation, *, made_on: date, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if v.applicant is None:
        errors["applicant"] = "Say who applied (Domestic Abuse Act 2021 s.44(3)), or that the court acted of its own motion"
    if v.outcome is None:
        errors["outcome"] = "Choose what the court decided"
    if v.court_date is None:
        errors["court_date"] = "Enter the court's date"
    elif v.court_date < made_on or v.court_date > today:
        errors["court_date"] = "The court's date must be on or after the order was made, and not in the future"
    if not v.details.strip():
        errors["details"] = "Describe what the court ordered"
    v_seeks_less = v.applicant is Applicant.PROTECTED_PERSON and (
        v.outcome is VariationOutcome.DISCHARGED or v.lessens)
    if v_seeks_less and v.victim_heard is not True:
        errors["victim_heard"] = ("Where the person protected seeks to discharge the order or to lessen a requirement, "
                                  "the court must hear from them (Domestic Abuse Act 2021 s.44(4)(b)): confirm it did")
    if v.outcome is VariationOutcome.DISCHARGED and not v.confirmed:
        errors["confirm"] = "Confirm that the court discharged the order: it stops protecting the victim"
    return errors

"""Where a case's order came from, and the rules for recording a DAPO made elsewhere.

Most cases start with a police notice (DAPN/DVPN) and the police application that must
follow it (DAA 2021 s.28(3)). A DAPO may also be made without any notice: on application
by V, the police, a person specified in regulations or anyone with the court's leave
(s.28(2)(a)-(d)), or by a court of its own motion in family, criminal or civil proceedings
(s.31(2)-(7)). The police still enforce and manage those orders, so DVPO Desk records them
as cases that start with the order in force ("Record an order made elsewhere").

Read on legislation.gov.uk (Part 3, as enacted and as in force in the pilot):
s.27(1) (an order protects "a person aged 16 or over" and "prohibits P from doing things
... or requires P to do things"), s.28(1)-(6), s.31(1)-(6); s.31(7) (civil proceedings in
the county court) only its opening words could be read (docs/law.md).
"""
from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from app.domain.people import age_on
from app.domain.prohibitions import MAX_DISTANCE_METRES, ProhibitionKind

# DAA 2021 s.27(1): an order protects "a person aged 16 or over".
MIN_VICTIM_AGE = 16
# A free-text requirement of the order (positive requirements, other prohibitions) kept in
# ProtectionOrder.conditions beside the five provisions until requirements have their table.
OTHER_REQUIREMENT = "other"
MAX_REQUIREMENT_TEXT = 2000


class CaseOrigin(enum.StrEnum):
    POLICE_NOTICE = "police_notice"
    MADE_ELSEWHERE = "made_elsewhere"

    @property
    def label(self) -> str:
        return {"police_notice": "A police notice and the police application that followed it",
                "made_elsewhere": "An order made elsewhere (no police notice)"}[self.value]


@dataclass(frozen=True)
class RouteFacts:
    label: str
    citation: str
    # Who applied (or the proceedings) must be named: a third party or someone with leave.
    needs_details: bool = False
    details_label: str = "Details (optional)"


class OrderRoute(enum.StrEnum):
    """How an order made elsewhere came to be made: DAA 2021 s.28(2) (on application) and
    s.31(2)-(7) (otherwise than on application)."""

    VICTIM = "victim"
    POLICE = "police"
    THIRD_PARTY = "third_party"
    WITH_LEAVE = "with_leave"
    FAMILY_PROCEEDINGS = "family_proceedings"
    CONVICTION = "conviction"
    ACQUITTAL = "acquittal"
    APPEAL_ALLOWED = "appeal_allowed"
    CIVIL_PROCEEDINGS = "civil_proceedings"

    @property
    def facts(self) -> RouteFacts:
        return _ROUTES[self]

    @property
    def label(self) -> str:
        return self.facts.label

    @property
    def citation(self) -> str:
        return self.facts.citation

    @property
    def on_application(self) -> bool:
        return self in (OrderRoute.VICTIM, OrderRoute.POLICE, OrderRoute.THIRD_PARTY, OrderRoute.WITH_LEAVE)


_DAA = "Domestic Abuse Act 2021"
_ROUTES = {
    OrderRoute.VICTIM: RouteFacts("On the victim's application", f"{_DAA} s.28(2)(a)"),
    OrderRoute.POLICE: RouteFacts("On a police application without a notice", f"{_DAA} s.28(2)(b), (6)"),
    OrderRoute.THIRD_PARTY: RouteFacts("On application by a relevant third party (specified in regulations)",
                                       f"{_DAA} s.28(2)(c)", True, "Who applied"),
    OrderRoute.WITH_LEAVE: RouteFacts("On application by another person with the court's leave",
                                      f"{_DAA} s.28(2)(d)", True, "Who applied"),
    OrderRoute.FAMILY_PROCEEDINGS: RouteFacts("By the court of its own motion in family proceedings",
                                              f"{_DAA} s.31(2)"),
    OrderRoute.CONVICTION: RouteFacts("By a criminal court on P's conviction", f"{_DAA} s.31(3)-(4)"),
    OrderRoute.ACQUITTAL: RouteFacts("By a criminal court on P's acquittal", f"{_DAA} s.31(5)"),
    OrderRoute.APPEAL_ALLOWED: RouteFacts("By the Crown Court allowing P's appeal against conviction",
                                          f"{_DAA} s.31(6)"),
    OrderRoute.CIVIL_PROCEEDINGS: RouteFacts("By the county court of its own motion in civil proceedings",
                                             f"{_DAA} s.31(7)"),
}


def route_errors(route: OrderRoute | None, details: str) -> dict[str, str]:
    """Who applied, or in which proceedings the court made the order (DAA 2021 s.28(2),
    s.31(2)-(7)). A third party (s.28(2)(c)) or a person with the court's leave (s.28(2)(d))
    must be named: who they are decides whether they could apply."""
    if route is None:
        return {"route": "Choose how the order was made"}
    if route.facts.needs_details and not details.strip():
        return {"route_details": "Say who applied for the order"}
    if len(details.strip()) > 500:
        return {"route_details": "Keep this to 500 characters"}
    return {}


def victim_age_errors(victims: Iterable[tuple[str, date | None]], made_on: date | None,
                      confirmed_16: bool) -> dict[str, str]:
    """V is "a person aged 16 or over" (DAA 2021 s.27(1)): tested on the day the order was
    made from V's date of birth where it is known; where it is not, the officer confirms it
    (from the order). Returns errors by field."""
    unknown = False
    for name, born in victims:
        if born is None:
            unknown = True
        elif made_on is not None and age_on(born, made_on) < MIN_VICTIM_AGE:
            return {"victims": f"A DAPO protects a person aged {MIN_VICTIM_AGE} or over: {name.strip()} was not "
                               f"when the order was made (Domestic Abuse Act 2021 s.27(1))"}
    if unknown and not confirmed_16:
        return {"victim_16": f"Confirm from the order that the victim was aged {MIN_VICTIM_AGE} or over, "
                             "or enter their date of birth"}
    return {}


@dataclass(frozen=True)
class Requirement:
    """One prohibition or requirement of the order as recorded today: one of the notice's
    provisions (`kind`, with the distance for no_come_within) or free text (`kind` "other").
    The services take a list of these, so a requirements table can take their place."""

    kind: str
    distance_metres: int | None = None
    text: str = ""

    def as_condition(self) -> dict:
        if self.kind == OTHER_REQUIREMENT:
            return {"kind": OTHER_REQUIREMENT, "text": self.text.strip()}
        return {"kind": self.kind, "distance_metres": self.distance_metres}


def requirement_errors(requirements: list[Requirement]) -> dict[str, str]:
    """The order must prohibit or require something (DAA 2021 s.27(1)); a distance needs its
    metres; free text must say something. No provision is compulsory: a court making a DAPO
    is not bound to the notice's list (s.35(1))."""
    if not requirements:
        return {"conditions": "Record what the order prohibits or requires"}
    known = {k.value for k in ProhibitionKind}
    for r in requirements:
        if r.kind == OTHER_REQUIREMENT:
            if not r.text.strip():
                return {"other_requirements": "Describe the other requirements"}
            if len(r.text.strip()) > MAX_REQUIREMENT_TEXT:
                return {"other_requirements": f"Keep this to {MAX_REQUIREMENT_TEXT} characters"}
        elif r.kind not in known:
            return {"conditions": "Choose the order's provisions from the list"}
        elif r.kind == ProhibitionKind.NO_COME_WITHIN.value:
            d = r.distance_metres
            if isinstance(d, bool) or not isinstance(d, int) or not 1 <= d <= MAX_DISTANCE_METRES:
                return {"distance_metres": f"Enter the distance in metres, from 1 to {MAX_DISTANCE_METRES}"}
    return {}


def other_requirements(conditions: list[dict] | None) -> list[str]:
    """The free-text requirements among an order's stored conditions."""
    return [c.get("text", "") for c in conditions or [] if c.get("kind") == OTHER_REQUIREMENT]

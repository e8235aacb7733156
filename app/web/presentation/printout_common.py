"""What both court printouts share: the statute per regime, the conditions in the notice's
legal wording, the victim named, and free text cut to fit a one-page section.

The research behind the printouts: Victim Support, "Domestic Violence Protection Orders:
London DVPO Caseworker Project" (2019) - officers find presenting DVPO cases hard, bundles
are assembled by hand, and magistrates ask for a one-page prompt sheet.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from app.domain.prohibitions import LABELS, Prohibition, ProhibitionKind, prohibitions_from_data
from app.domain.regimes import Regime, RegimeCode
from app.models import ApplicationStatus

NOT_PROVIDED = "NOT PROVIDED"

# Conditions that take P out of the home (research: courts often leave them out).
REMOVAL_KINDS = frozenset({ProhibitionKind.NO_ENTER, ProhibitionKind.LEAVE, ProhibitionKind.NO_COME_WITHIN})

# The statute, per regime, for the prompt sheet and the points to make.
# CSA 2010: s.24 notice, s.25 service, s.26 breach of a notice, s.27 application (48 hours),
# s.28 the order (s.28(2)-(3) the test, s.28(5) consent, s.28(10) 14-28 days), s.29 breach
# of an order; Magistrates' Courts Act 1980 s.63(3) the penalty for civil contempt.
# DAA 2021: s.22 notice, s.26 breach of a notice, s.27-28 the order on application, s.29
# application after a notice (48 hours), s.32 conditions for making an order, s.39 breach
# of an order is an offence.
LAW = {
    RegimeCode.DVPN: {
        "notice": "s.24", "service": "s.25", "notice_breach": "s.26", "application": "s.27",
        "order": "s.28", "test": "s.28(2)-(3)", "consent": "s.28(5)", "length": "s.28(10)",
        "order_breach": "s.29",
    },
    RegimeCode.DAPN: {
        "notice": "s.22", "service": "s.25", "notice_breach": "s.26", "application": "s.29",
        "order": "ss.27-28", "test": "s.32", "consent": "", "length": "", "order_breach": "s.39",
    },
}

# Page estimates. A4 less the @page margins (18 + 20 mm) and
# the room print.css keeps for the running header and footer (11 + 10 mm) leaves 238 mm
# of content per page; the estimates keep 8 mm spare, and count every row a little taller
# and every column a little narrower than WeasyPrint 70 prints them (measured: a 10pt


@dataclass(frozen=True)
class DocumentLine:
    name: str
    by: str
    at: datetime | None


@dataclass(frozen=True)
class Condition:
    kind: ProhibitionKind
    label: str
    distance_metres: int | None
    wording: str
    justification: str
    removes_from_home: bool


_LONG_RUN = re.compile(r"[^\s\u200b]{30}(?=[^\s\u200b])")


def breakable(text: str) -> str:
    """`text` with a zero-width space after every 30 characters without a space, so a long
    file name or URL wraps in a table cell instead of widening the table off the page."""
    return _LONG_RUN.sub(lambda m: m.group(0) + "\u200b", text)


def excerpt(text: str | None, limit: int) -> str:
    """`text` on one line, cut at a word boundary to at most `limit` characters with "…"."""
    flat = " ".join((text or "").split())
    if len(flat) > limit:
        head = flat[: limit - 1]
        flat = (head.rsplit(" ", 1)[0] if " " in head else head).rstrip(",;:.- ") + "…"
    return breakable(flat)


def authorised_application(case):
    """The application the notice was authorised on (the latest authorised), else None."""
    for application in reversed(case.applications):
        if application.status is ApplicationStatus.AUTHORISED:
            return application
    return None


def named_victim(case, data: dict):
    victim_id = data.get("grounds", {}).get("victim_id")
    return next((v for v in case.victims if v.id == victim_id), None) or (case.victims[0] if case.victims else None)


def conditions_in_words(kinds_data: list[dict] | None, proposed: dict | None, victim_name: str, premises: str,
                        mandatory: str, distance: str = Regime.distance_wording) -> list[Condition]:
    """Conditions in the Act's order, in the notice's legal wording, with their justification.
    From the proposal (an application's "prohibitions" section) or from an order's list."""
    if proposed is not None:
        prohibitions = prohibitions_from_data(proposed)
    else:
        by_kind = {c["kind"]: c for c in kinds_data or []}
        prohibitions = [
            Prohibition(kind=kind, distance_metres=by_kind[kind.value].get("distance_metres"))
            for kind in ProhibitionKind if kind.value in by_kind
        ]
    return [
        Condition(
            kind=p.kind,
            label=LABELS[p.kind].replace(" (always included)", ""),
            distance_metres=p.distance_metres,
            wording=p.legal_wording(victim_name, premises, mandatory, distance),
            justification=p.justification or ("Required by law in every notice and order"
                                              if p.kind is ProhibitionKind.NO_MOLEST else ""),
            removes_from_home=p.kind in REMOVAL_KINDS,
        )
        for p in prohibitions
    ]


def pounds(pence: int | None) -> str:
    return f"£{(pence or 0) / 100:,.2f}"


"""The DAPO the police seek, for the court printout (templates/court/_dapo_sought.html)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from app.domain.calendar import LONDON
from app.domain.dapo_requirements import KINDS, MonitoringKind, RequirementKind
from app.domain.deadlines import notification_due
from app.domain.order_sought import Known
from app.domain.timefmt import format_date
from app.services import order_sought
from app.services.order_requirements import requirements_for_papers
from app.timeutil import utcnow


@dataclass(frozen=True)
class SoughtLine:
    label: str
    wording: str
    supervisor: str
    suitability_evidence: str


@dataclass(frozen=True)
class MonitoringLine:
    what: str
    detail: str
    p_expected_present: str
    third_party_consent: str
    available_in_area: str


@dataclass(frozen=True)
class DapoPapers:
    positive: list[SoughtLine]
    monitoring: MonitoringLine | None
    made: list  # services.order_requirements.RequirementLine, once the order is made
    notification_due: str


def dapo_papers(case) -> DapoPapers | None:
    """None for a DVPN case. Before the grant, what the police seek (order_sought); after it,
    the order's requirements as made (order_requirements.requirements_for_papers)."""
    if case.order_kind != "dapo":
        return None
    sought = order_sought.sought_for(case)
    positive = [SoughtLine(KINDS[RequirementKind(r["kind"])].label, r["wording"], r["supervisor"],
                           r["suitability_evidence"]) for r in (sought.positive if sought else [])]
    m = sought.monitoring if sought else None
    monitoring = MonitoringLine(MonitoringKind(m["kind"]).label, m["detail"], Known(m["p_expected_present"]).label,
                                Known(m["third_party_consent"]).label, Known(m["available_in_area"]).label) if m else None
    # The order's day if made, else today (for an order made at this hearing). The last day of
    # the three (DAA 2021 s.41(2)): the day before notification_due's midnight.
    day = case.order.made_on if case.order else utcnow().astimezone(LONDON).date()
    last_day = (notification_due(day).astimezone(LONDON) - timedelta(minutes=1)).date()
    return DapoPapers(positive, monitoring, requirements_for_papers(case.order) if case.order else [],
                      format_date(last_day))

"""A DAPO's requirements at the grant, electronic monitoring, supervisors' and providers'
reports, and the officer's tasks from them (DAA 2021 ss.35-37; rules in
domain/dapo_requirements). Variation and discharge: services/dapo_variation.

Nothing here imports services.court, so court.record_outcome can call the grant helpers.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import String, cast, or_, select

from app.domain import dapo_requirements as rules
from app.domain.calendar import LONDON
from app.domain.dapo_requirements import Monitoring, ReportKind, Requirement, RequirementKind
from app.extensions import db
from app.models import (
    Case,
    CaseState,
    ComplianceReport,
    ComplianceReview,
    ElectronicMonitoring,
    OrderRequirement,
    OrderSought,
    OrderStatus,
    ProtectionOrder,
    User,
)
from app.services import ValidationFailed, audit
from app.services.access import case_is
from app.services.transaction import commits, in_callers_transaction
from app.timeutil import utcnow


def _today() -> date:
    return utcnow().astimezone(LONDON).date()


def victim_name(case: Case) -> str:
    return case.victims[0].full_name if case.victims else "the person protected"


def prefill(case: Case) -> list[Requirement]:
    """The requirements offered on the grant form: the notice's provisions, as requirements,
    then any requirement to do something the police sought (OrderSought, for the hearing papers)."""
    application = case.current_application
    proposed = application.section_data.get("prohibitions", {}) if application else {}
    notice = rules.from_notice(list(proposed.get("kinds", [])), proposed.get("distance_metres"), victim=victim_name(case))
    sought = db.session.query(OrderSought).filter_by(case_id=case.id).one_or_none()
    return notice + [Requirement(kind=RequirementKind(r["kind"]), wording=r["wording"], supervisor=r["supervisor"],
                                 suitability_evidence=r["suitability_evidence"]) for r in (sought.positive if sought else [])]


def from_conditions(case: Case, conditions: list[dict]) -> list[Requirement]:
    """Requirements for a DAPO granted with the DVPO-style conditions only (services and tests
    that record the five provisions): one requirement for each condition given."""
    distance = next((c.get("distance_metres") for c in conditions if c.get("kind") == "no_come_within"), None)
    kinds = [rules.FROM_CONDITION[c.get("kind")] for c in conditions if c.get("kind") in rules.FROM_CONDITION]
    return [Requirement(kind=k, distance_metres=distance if rules.KINDS[k].distance else None,
                        wording=rules.standard_wording(k, victim=victim_name(case), distance=distance)) for k in kinds]


def grant_errors(reqs: list[Requirement], *, made_on: date | None, days: int | None,
                 review_dates: list[date]) -> dict[str, str]:
    """What refuses a DAPO's requirements and review dates at the grant (domain rules)."""
    if made_on is None:
        return {}
    last_day = rules.order_last_day(made_on, days)
    errors = rules.requirements_errors(reqs, made_on=made_on, last_day=last_day)
    review = rules.review_date_errors(review_dates, made_on=made_on, last_day=last_day)
    if review:
        errors["review_dates"] = review
    return errors


def _row(order: ProtectionOrder, req: Requirement, actor: User, now: datetime, event_id: int | None = None) -> OrderRequirement:
    wording = req.wording.strip() or rules.standard_wording(req.kind, distance=req.distance_metres, premises=req.premises)
    return OrderRequirement(
        order_id=order.id, kind=req.kind, wording=wording, distance_metres=req.distance_metres,
        premises=req.premises.strip() or None, starts_on=req.starts_on or order.made_on, ends_on=req.ends_on,
        supervisor=req.supervisor.strip() or None, suitability_evidence=req.suitability_evidence.strip() or None,
        added_event_id=event_id, recorded_by_id=actor.id, recorded_at=now,
    )


@in_callers_transaction
def add_at_grant(actor: User, case: Case, order: ProtectionOrder, reqs: list[Requirement], review_dates: list[date],
                 now: datetime) -> None:
    """Store the DAPO's requirements and review dates with the order, in the grant's transaction."""
    db.session.flush()
    for req in reqs:
        db.session.add(_row(order, req, actor, now))
    order.review_dates = [d.isoformat() for d in sorted(set(review_dates))]
    audit.record(actor, "order.requirements_recorded", case, order=order.id,
                 kinds=[r.kind.value for r in reqs], positive=sum(1 for r in reqs if r.facts.positive),
                 review_dates=order.review_dates)


def current_requirements(order: ProtectionOrder) -> list[OrderRequirement]:
    return [r for r in order.requirements if not r.removed]


def as_rule(row: OrderRequirement) -> Requirement:
    return Requirement(kind=row.kind, wording=row.wording, distance_metres=row.distance_metres, premises=row.premises or "",
                       starts_on=row.starts_on, ends_on=row.ends_on, supervisor=row.supervisor or "",
                       suitability_evidence=row.suitability_evidence or "")


@in_callers_transaction
def sync_conditions(order: ProtectionOrder) -> None:
    """Keep ProtectionOrder.conditions (read by texts and printouts) in step with the
    requirements still part of the order."""
    order.conditions = rules.conditions_of([as_rule(r) for r in current_requirements(order)])


def _order_of(case: Case) -> ProtectionOrder:
    if case.order is None or case.order_kind != "dapo":
        raise ValidationFailed({"": "Only a DAPO has requirements, electronic monitoring and supervisors' reports"})
    return case.order


@commits
def record_monitoring(actor: User, case: Case, monitoring: Monitoring, *, court_date: date | None) -> ElectronicMonitoring:
    """Record an electronic monitoring requirement the court imposed, refused unless the
    conditions of DAA 2021 s.37(2)-(4) were met (rules.monitoring_errors)."""
    order = _order_of(case)
    if not order.in_force:
        raise ValidationFailed({"": "The order is no longer in force"})
    errors = rules.monitoring_errors(monitoring, made_on=order.made_on, last_day=_last_day(order), today=_today())
    if court_date is None:
        errors["court_date"] = "Enter the date the court imposed it"
    elif court_date < order.made_on or court_date > _today():
        errors["court_date"] = "The court's date must be on or after the order was made, and not in the future"
    if errors:
        raise ValidationFailed(errors)
    row = ElectronicMonitoring(
        order_id=order.id, provider=monitoring.provider.strip(), kind=monitoring.kind,
        zone_or_address=monitoring.zone_or_address.strip() or None, starts_on=monitoring.starts_on,
        ends_on=monitoring.ends_on, court_date=court_date, p_present=True,
        third_party=monitoring.third_party.strip() or None if monitoring.third_party_needed else None,
        third_party_consented=True if monitoring.third_party_needed else None,
        area_notified=True, provision_available=True, recorded_by_id=actor.id, recorded_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "order.monitoring_recorded", case, monitoring=row.id, kind=monitoring.kind.value,
                 starts_on=monitoring.starts_on.isoformat(), ends_on=monitoring.ends_on.isoformat() if monitoring.ends_on else None)
    db.session.commit()
    return row


def _last_day(order: ProtectionOrder) -> date | None:
    return rules.order_last_day(order.made_on, order.days)


def report_target(case: Case, target: str) -> OrderRequirement | ElectronicMonitoring | None:
    """The requirement ("requirement-<id>") or monitoring ("monitoring-<id>") of the case's
    order that a report is about, or None."""
    if case.order is None:
        return None
    kind, _, ident = (target or "").partition("-")
    if not ident.isdigit():
        return None
    pool = {"requirement": [r for r in case.order.requirements if r.positive],
            "monitoring": case.order.monitoring}.get(kind, [])
    return next((x for x in pool if x.id == int(ident)), None)


def report_targets(case: Case) -> list[tuple[str, str]]:
    """(value, label) of what may be reported on: requirements to do something, and monitoring."""
    if case.order is None:
        return []
    out = [(f"requirement-{r.id}", f"{r.label}: supervised by {r.supervisor}")
           for r in case.order.requirements if r.positive and not r.removed]
    out += [(f"monitoring-{m.id}", f"Electronic monitoring ({m.kind.label.lower()}) by {m.provider}") for m in case.order.monitoring]
    return out


@commits
def record_report(actor: User, case: Case, *, target: str, outcome: ReportKind | None, reported_on: date | None,
                  reported_by: str, summary: str) -> ComplianceReport:
    """A supervisor reports that P complied with a requirement or failed to (DAA 2021
    s.36(5): see domain/dapo_requirements), or the monitoring provider reports a failure.
    A failure becomes a task for the officer until reviewed."""
    _order_of(case)
    about = report_target(case, target)
    if about is None:
        raise ValidationFailed({"target": "Choose the requirement or monitoring the report is about"})
    errors = rules.report_errors(outcome, reported_on, reported_by, summary, starts_on=about.starts_on, today=_today())
    if errors:
        raise ValidationFailed(errors)
    is_requirement = isinstance(about, OrderRequirement)
    report = ComplianceReport(
        case_id=case.id, requirement_id=about.id if is_requirement else None,
        monitoring_id=None if is_requirement else about.id, outcome=outcome, reported_on=reported_on,
        reported_by=reported_by.strip(), summary=summary.strip() or None, recorded_by_id=actor.id, recorded_at=utcnow(),
    )
    db.session.add(report)
    db.session.flush()
    audit.record(actor, "order.compliance_reported", case, report=report.id, outcome=outcome.value,
                 about=target.partition("-")[0], reported_on=reported_on.isoformat())
    db.session.commit()
    return report


def case_reports(case: Case) -> list[ComplianceReport]:
    return list(db.session.scalars(
        select(ComplianceReport).where(ComplianceReport.case_id == case.id).order_by(ComplianceReport.id)))


@commits
def review_failure(actor: User, case: Case, report_id: int | None, action: str) -> ComplianceReview:
    """The officer records what was done about a reported failure: the task closes. Once."""
    report = db.session.get(ComplianceReport, report_id) if report_id else None
    if report is None or report.case_id != case.id or report.outcome is not ReportKind.FAILED:
        raise ValidationFailed({"": "That report is not a failure reported on this case"})
    if report.review is not None:
        raise ValidationFailed({"": "What was done about this failure has already been recorded"})
    if not action.strip():
        raise ValidationFailed({"action": "Say what was done (for example: breach investigation opened, P arrested)"})
    review = ComplianceReview(report_id=report.id, action=action.strip(), reviewed_by_id=actor.id, reviewed_at=utcnow())
    db.session.add(review)
    db.session.flush()
    audit.record(actor, "order.failure_reviewed", case, report=report.id)
    db.session.commit()
    return review


@dataclass(frozen=True)
class OrderTask:
    case: Case
    kind: str  # "failure" or "review"
    on: date
    text: str


def officer_tasks(case_query, today: date, limit: int = 50) -> list[OrderTask]:
    """The dashboard's tasks from DAPOs: reported failures not yet reviewed, and review
    dates within the next 7 days. Two queries whatever the number of cases."""
    failures = db.session.execute(
        case_query.add_columns(ComplianceReport)
        .join(ComplianceReport, ComplianceReport.case_id == Case.id)
        .outerjoin(ComplianceReview, ComplianceReview.report_id == ComplianceReport.id)
        .where(ComplianceReport.outcome == ReportKind.FAILED, ComplianceReview.id.is_(None))
        .order_by(ComplianceReport.reported_on, ComplianceReport.id).limit(limit)
    ).all()
    tasks = [OrderTask(case, "failure", report.reported_on,
                       "Failure to comply reported by " + ("the monitoring provider" if report.monitoring_id else "the supervisor")
                       + f" on {report.reported_on:%a %d %b %Y}: review it")
             for case, report in failures]
    # The review dates of the orders in force that name a day of the coming week, read as bare
    # values: the dates are stored as ISO text in a JSON list (add_at_grant), so the week's
    # eight days written as they are stored find them in SQL on SQLite and PostgreSQL alike,
    # and rules.reviews_due still decides. Reading and decoding every order in force with any
    # review was most of the dashboard's time at national scale.
    stored = cast(ProtectionOrder.review_dates, String)
    this_week = or_(*(stored.like(f'%"{(today + timedelta(days=d)).isoformat()}"%')
                      for d in range(rules.REVIEW_SOON_DAYS + 1)))
    # Read oldest first from ix_protection_order_status_made_on (the case tested by a correlated
    # EXISTS) and streamed: the rows stop being read and decoded once `limit` reviews are due.
    with_reviews = db.session.execute(
        select(ProtectionOrder.case_id, ProtectionOrder.review_dates)
        .where(ProtectionOrder.status == OrderStatus.IN_FORCE, this_week,
               case_is(case_query, ProtectionOrder.case_id, Case.state == CaseState.ORDER_IN_FORCE))
        .order_by(ProtectionOrder.made_on, ProtectionOrder.case_id)
        .execution_options(yield_per=limit)
    )
    due = []
    for case_id, dates in with_reviews:
        due += [(case_id, on) for on in rules.reviews_due(dates or [], today)]
        if len(due) >= limit:
            break
    with_reviews.close()
    cases = {case.id: case for case in db.session.scalars(
        select(Case).where(Case.id.in_({case_id for case_id, _ in due[:limit]})))} if due else {}
    tasks += [OrderTask(cases[case_id], "review", on, f"The court reviews the order on {on:%a %d %b %Y}")
              for case_id, on in due[:limit]]
    return tasks[:limit]


@dataclass(frozen=True)
class RequirementLine:
    """One requirement of an order for the hearing papers and pages: its wording, period,
    supervisor and the evidence the court heard, whether in force today, and its reports."""

    kind: RequirementKind
    label: str
    wording: str
    citation: str
    starts_on: date
    ends_on: date | None
    in_force: bool
    positive: bool
    supervisor: str | None
    suitability_evidence: str | None
    removed_on: date | None
    reports: list[ComplianceReport]


def requirements_for_papers(order: ProtectionOrder | None, today: date | None = None) -> list[RequirementLine]:
    """An order's requirements with supervisor and evidence, current ones first, for the
    court printout and prompt sheet (the lead's hearing papers) and the court page."""
    if order is None:
        return []
    today = today or _today()
    lines = []
    for r in order.requirements:
        facts = rules.KINDS[r.kind]
        in_force = order.in_force and not r.removed and rules.in_force_on(r.starts_on, r.ends_on, today)
        lines.append(RequirementLine(r.kind, facts.label, r.wording, facts.citation, r.starts_on, r.ends_on, in_force,
                                     facts.positive, r.supervisor, r.suitability_evidence, r.removed_on, list(r.reports)))
    return sorted(lines, key=lambda line: line.removed_on is not None)

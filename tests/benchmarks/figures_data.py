"""A history of cases for the figures, bulk-inserted with Core inserts (no services: fast at
10,000 cases): served notices, hearings with each outcome, orders, breaches with arrests,
referrals sent, declined and late, and caseworkers' contact attempts. Used by
tests/benchmarks/figures.py and by the statement-count test in tests/integration/test_figures.py.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, insert, select

from app.domain.referrals import ContactMethod, ContactOutcome
from app.extensions import db
from app.models import (
    Breach,
    BreachSource,
    Case,
    CaseState,
    ContactAttempt,
    Hearing,
    HearingOutcome,
    OrderService,
    OrderStatus,
    Person,
    PersonKind,
    ProtectionOrder,
    Referral,
    ReferralStatus,
    RiskLevel,
)

AREAS = ("North", "South", "East", "West")
CHUNK = 2000
OUTCOMES = (HearingOutcome.GRANTED, HearingOutcome.GRANTED, HearingOutcome.GRANTED, HearingOutcome.REFUSED,
            HearingOutcome.ADJOURNED, HearingOutcome.WITHDRAWN, None)


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def insert_history(officer_id: int, count: int, *, now: datetime) -> None:
    """`count` cases served over the last 300 days before `now`, with what followed; committed."""
    now = now.replace(microsecond=0)
    ids = {model: _next_id(model) for model in (Case, Person, Hearing, ProtectionOrder, Referral)}
    rows: dict = {model: [] for model in (Case, Person, Hearing, ProtectionOrder, OrderService, Breach, Referral,
                                          ContactAttempt)}
    risks = list(RiskLevel)
    for i in range(count):
        case_id, victim_id, hearing_id = ids[Case] + i, ids[Person] + 2 * i + 1, ids[Hearing] + i
        order_id, referral_id = ids[ProtectionOrder] + i, ids[Referral] + i
        served_at = now - timedelta(days=1 + (i * 7) % 300, hours=i % 24)
        outcome = OUTCOMES[i % len(OUTCOMES)]
        rows[Case].append({
            "id": case_id, "reference": f"FIG-{case_id:07d}", "area": AREAS[i % len(AREAS)],
            "state": CaseState.ORDER_IN_FORCE if outcome is HearingOutcome.GRANTED else CaseState.SERVED,
            "risk_level": risks[i % len(risks)], "incident_at": served_at - timedelta(hours=2),
            "address_line_1": f"{i % 200 + 1} Figures Street", "town": "Testbury", "postcode": "TB1 2AA",
            "officer_in_case_id": officer_id, "created_by_id": officer_id, "created_at": served_at - timedelta(hours=1),
            "served_at": served_at, "served_by_id": officer_id, "hearing_window_hours": 48,
            "hearing_deadline_at": served_at + timedelta(hours=48)})
        rows[Person].append({"id": victim_id - 1, "case_id": case_id, "kind": PersonKind.PERPETRATOR, "position": 0,
                             "full_name": f"Perpetrator {case_id}", "relationship_to_perpetrator": None})
        rows[Person].append({"id": victim_id, "case_id": case_id, "kind": PersonKind.VICTIM, "position": 0,
                             "full_name": f"Victim {case_id}", "relationship_to_perpetrator": "former_spouse"})
        starts_at = served_at + timedelta(hours=20 + i % 40)
        rows[Hearing].append({"id": hearing_id, "case_id": case_id, "court_name": "Northfield Magistrates",
                              "starts_at": starts_at, "listed_by_id": officer_id, "listed_at": served_at + timedelta(hours=2),
                              "outcome": outcome, "outcome_at": starts_at if outcome else None})
        if outcome is HearingOutcome.GRANTED:
            made_on = starts_at.date()
            rows[ProtectionOrder].append({
                "id": order_id, "case_id": case_id, "hearing_id": hearing_id, "made_on": made_on, "days": 28,
                "ends_at": starts_at + timedelta(days=28), "review_dates": [], "conditions": [{"kind": "no_molest"}],
                "removal_not_granted": False,
                "status": OrderStatus.IN_FORCE if starts_at + timedelta(days=28) > now else OrderStatus.EXPIRED})
            served_on_p = starts_at + timedelta(hours=6 + i % 40)  # some within the 24-hour target, some not
            rows[OrderService].append({
                "case_id": case_id, "order_id": order_id, "granted_at": starts_at, "target_hours": 24,
                "served_at": served_on_p if i % 4 else None, "served_by": "PC Bench" if i % 4 else None})
            if i % 3 == 0:
                rows[Breach].append({
                    "case_id": case_id, "order_id": order_id, "occurred_at": starts_at + timedelta(days=2),
                    "description": "Came to the house.", "source": list(BreachSource)[i % len(BreachSource)],
                    "arrested_at": starts_at + timedelta(days=2, hours=1) if i % 2 else None,
                    "recorded_by_id": officer_id, "recorded_at": starts_at + timedelta(days=2, hours=2)})
        due_at = served_at + timedelta(days=2)
        sent = i % 5 != 0
        settled_at = served_at + timedelta(hours=6 if i % 4 else 60)
        rows[Referral].append({
            "id": referral_id, "case_id": case_id, "victim_id": victim_id,
            "status": ReferralStatus.ACCEPTED if sent else ReferralStatus.DECLINED, "created_at": served_at,
            "trigger_at": served_at, "working_days": 2, "due_at": due_at, "warn_at": due_at - timedelta(hours=4),
            "code_breach_at": due_at if settled_at > due_at else None, "safe_times": [], "agreed_methods": [],
            "service_id": None, "settled_at": settled_at, "protection_stage": "notice", "high_risk": False})
        if sent:
            rows[ContactAttempt].append({
                "referral_id": referral_id, "attempted_at": settled_at + timedelta(hours=3),
                "method": ContactMethod.WITHHELD_CALL,
                "outcome": (ContactOutcome.ENGAGED, ContactOutcome.NO_ANSWER, ContactOutcome.DECLINED)[i % 3],
                "call_near_end_agreed": False, "recorded_by_id": officer_id, "recorded_at": settled_at})
    service_id = _service_id(now)
    for row in rows[Referral]:
        if row["status"] is ReferralStatus.ACCEPTED:
            row["service_id"] = service_id
    for model, table_rows in rows.items():
        for start in range(0, len(table_rows), CHUNK):
            db.session.execute(insert(model.__table__), table_rows[start:start + CHUNK])
    db.session.commit()


def _service_id(now: datetime) -> int:
    from app.models import SupportService

    found = db.session.scalar(select(SupportService.id).order_by(SupportService.id).limit(1))
    if found is not None:
        return found
    service = SupportService(name="Figures Benchmark Service", area=None, active=True,
                             created_at=now)
    db.session.add(service)
    db.session.flush()
    return service.id

"""Variation and discharge of a DAPO (DAA 2021 s.44): who applied, what the court decided,
its end and review dates, and requirements added or removed. Each is an OrderEvent with
the applicant, in one transaction with its audit entry and what follows the order
(after_order_change). A DVPO keeps court.change_order.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from app.domain import dapo_requirements as rules
from app.domain import deadlines
from app.domain.calendar import LONDON, Calendar
from app.domain.dapo_requirements import Requirement, Variation, VariationOutcome
from app.extensions import db
from app.models import Case, OrderEvent, OrderEventKind, OrderStatus, ProtectionOrder, User
from app.services import ValidationFailed, audit, order_requirements
from app.services.court import _state_after_order, order_length_errors, premises_condition_errors
from app.services.order_change import after_order_change
from app.services.reminders import TextSettings
from app.services.transaction import commits
from app.timeutil import utcnow

EVENT_KIND = {VariationOutcome.VARIED: OrderEventKind.VARIED, VariationOutcome.DISCHARGED: OrderEventKind.DISCHARGED,
              VariationOutcome.REFUSED: OrderEventKind.APPLICATION_REFUSED}
KEEP, NEW_DAYS, UNTIL_FURTHER_ORDER = "keep", "days", "until_further_order"


def _today() -> date:
    return utcnow().astimezone(LONDON).date()


def _dapo_in_force(case: Case) -> ProtectionOrder:
    order = case.order_in_force
    if order is None or case.order_kind != "dapo":
        raise ValidationFailed({"": "There is no DAPO in force to vary or discharge"})
    return order


def _event(actor: User, order: ProtectionOrder, v: Variation) -> OrderEvent:
    event = OrderEvent(kind=EVENT_KIND[v.outcome], court_date=v.court_date, details=v.details.strip(),
                       applicant=v.applicant.value, victim_heard=v.victim_heard, recorded_by_id=actor.id,
                       recorded_at=utcnow())
    order.events.append(event)
    db.session.flush()
    return event


@commits
def vary(actor: User, case: Case, v: Variation, *, end: str = KEEP, new_days: int | None = None,
         set_review_dates: bool = False, calendar: Calendar, texts: TextSettings) -> OrderEvent:
    """Record the court's decision on an application to vary or discharge a DAPO (s.44):
    varied (a new end: a number of days from the day made, or until further order; new
    review dates), discharged, or the application refused (the order unchanged). A
    variation that gives an until-further-order order an end lets the expiry job end it."""
    order = _dapo_in_force(case)
    errors = rules.variation_errors(v, made_on=order.made_on, today=_today())
    days = order.days
    if v.outcome is VariationOutcome.VARIED:
        if end == NEW_DAYS:
            errors |= order_length_errors(case, new_days)
            days = new_days
        elif end == UNTIL_FURTHER_ORDER:
            days = None
        elif end != KEEP:
            errors["end"] = "Choose what the court did to the order's end"
        if set_review_dates:
            review = rules.review_date_errors(v.review_dates, made_on=order.made_on,
                                              last_day=rules.order_last_day(order.made_on, days))
            if review:
                errors["review_dates"] = review
        ends_early = [r for r in order_requirements.current_requirements(order)
                      if days is not None and r.ends_on and r.ends_on > rules.order_last_day(order.made_on, days)]
        if ends_early and "new_days" not in errors and "days" not in errors:
            errors["new_days"] = "A requirement runs beyond that end: remove or change it first"
    if errors:
        raise ValidationFailed({("new_days" if k == "days" else k): m for k, m in errors.items()})
    event = _event(actor, order, v)
    detail = {"event": event.id, "outcome": v.outcome.value, "applicant": v.applicant.value,
              "court_date": v.court_date.isoformat()}
    if v.outcome is VariationOutcome.DISCHARGED:
        order.status, order.ended_at = OrderStatus.DISCHARGED, utcnow()
        case.state = _state_after_order(case)
    elif v.outcome is VariationOutcome.VARIED:
        if end != KEEP:
            order.days = days
            order.ends_at = deadlines.protection_order_end("dapo", order.made_on, days)
            detail |= {"days": days, "until_further_order": days is None}
        if set_review_dates:
            order.review_dates = [d.isoformat() for d in sorted(set(v.review_dates))]
            detail["review_dates"] = order.review_dates
    after_order_change(case, calendar=calendar, texts=texts, now=utcnow(), actor=actor)
    audit.record(actor, f"order.{event.kind.value}", case, **detail)
    db.session.commit()
    return event


@commits
def add_requirement(actor: User, case: Case, v: Variation, req: Requirement, *, calendar: Calendar,
                    texts: TextSettings) -> OrderEvent:
    """The court varied the DAPO to add a requirement (s.44; rules of ss.35-36 as at the grant)."""
    order = _dapo_in_force(case)
    errors = rules.variation_errors(v, made_on=order.made_on, today=_today())
    if v.outcome is not VariationOutcome.VARIED:
        errors["outcome"] = "Adding a requirement is a variation"
    errors |= rules.requirement_errors(req, made_on=order.made_on, last_day=rules.order_last_day(order.made_on, order.days))
    if req.kind is rules.MANDATORY and any(r.kind is rules.MANDATORY for r in order_requirements.current_requirements(order)):
        errors["kind"] = "The order already prohibits P from being abusive towards the victim"
    if rules.KINDS[req.kind].condition:
        errors |= {("kind" if k == "conditions" else k): m
                   for k, m in premises_condition_errors(case, [{"kind": rules.KINDS[req.kind].condition}]).items()}
    if errors:
        raise ValidationFailed(errors)
    event = _event(actor, order, v)
    row = order_requirements._row(order, req, actor, utcnow(), event_id=event.id)
    db.session.add(row)
    db.session.flush()
    db.session.refresh(order, ["requirements"])
    order_requirements.sync_conditions(order)
    after_order_change(case, calendar=calendar, texts=texts, now=utcnow(), actor=actor)
    audit.record(actor, "order.requirement_added", case, event=event.id, requirement=row.id, kind=req.kind.value,
                 applicant=v.applicant.value, court_date=v.court_date.isoformat())
    db.session.commit()
    return event


@commits
def remove_requirement(actor: User, case: Case, v: Variation, requirement_id: int | None, *, calendar: Calendar,
                       texts: TextSettings) -> OrderEvent:
    """The court varied the DAPO to remove a requirement (s.44). The mandatory prohibition of
    abuse stays (s.27(1)); the row is kept, marked removed with the event."""
    order = _dapo_in_force(case)
    row = next((r for r in order_requirements.current_requirements(order) if r.id == requirement_id), None)
    errors = rules.variation_errors(replace(v, lessens=True), made_on=order.made_on, today=_today())
    if v.outcome is not VariationOutcome.VARIED:
        errors["outcome"] = "Removing a requirement is a variation"
    if row is None:
        errors[""] = "That requirement is not part of the order"
    elif row.kind is rules.MANDATORY:
        errors[""] = "The prohibition of abuse is part of every order: it cannot be removed"
    if not v.confirmed:
        errors["confirm"] = "Confirm that the court removed this requirement"
    if errors:
        raise ValidationFailed(errors)
    event = _event(actor, order, v)
    row.removed_on, row.removed_event_id = v.court_date, event.id
    order_requirements.sync_conditions(order)
    after_order_change(case, calendar=calendar, texts=texts, now=utcnow(), actor=actor)
    audit.record(actor, "order.requirement_removed", case, event=event.id, requirement=row.id, kind=row.kind.value,
                 applicant=v.applicant.value, court_date=v.court_date.isoformat())
    db.session.commit()
    return event

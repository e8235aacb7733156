"""The court bundle, the hearing and its outcome, the order and its changes, and expiry
(reading the bundle: court_bundle).

Each function is one transaction with its audit entry. Outcomes are recorded with a
conditional UPDATE, so a second tab or a double-click cannot record one twice.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update

from app.domain import deadlines
from app.domain.application import shared_premises_answer
from app.domain.bundle import ITEM_BY_KEY, ItemKind
from app.domain.calendar import LONDON, Calendar
from app.domain.dapo_requirements import Requirement, conditions_of
from app.domain.prohibitions import (
    ProhibitionKind,
    not_available,
    not_available_message,
    premises_provisions_refused,
    premises_refusal,
)
from app.domain.regimes import regime
from app.domain.timefmt import format_instant
from app.extensions import db
from app.models import (
    Breach,
    BreachOutcome,
    BundleTick,
    Case,
    CaseState,
    CourtSubmission,
    Document,
    Hearing,
    HearingOutcome,
    OrderEvent,
    OrderEventKind,
    OrderStatus,
    ProtectionOrder,
    Remand,
    RemandKind,
    User,
)
from app.services import ValidationFailed, audit, change_once, order_requirements
from app.services.case_locks import lock_cases
from app.services.clock_cache import hearing_deadline_for, refresh_urgency
from app.services.order_change import after_order_change
from app.services.order_records import OrderSettings, start_order_service
from app.services.reminders import TextSettings
from app.services.transaction import commits
from app.timeutil import utcnow

# Conditions that remove P from the home: research found courts often leave them out.
REMOVAL = {ProhibitionKind.NO_ENTER.value, ProhibitionKind.LEAVE.value, ProhibitionKind.NO_COME_WITHIN.value}
COURT_STATES = (CaseState.SERVED, CaseState.ORDER_IN_FORCE, CaseState.ORDER_ENDED)


def _require_court_stage(case: Case) -> None:
    if case.state not in COURT_STATES:
        raise ValidationFailed({"": "The court bundle starts once the notice has been served"})


@commits
def tick(actor: User, case: Case, key: str, done: bool) -> None:
    """Tick (or untick) a generated item as checked by the officer."""
    _require_court_stage(case)
    if key not in ITEM_BY_KEY or ITEM_BY_KEY[key].kind is not ItemKind.GENERATED:
        raise ValidationFailed({"": "That item cannot be ticked"})
    existing = next((t for t in case.ticks if t.item_key == key), None)
    if done and existing is None:
        case.ticks.append(BundleTick(item_key=key, ticked_by_id=actor.id, ticked_at=utcnow()))
    elif not done and existing is not None:
        case.ticks.remove(existing)
    audit.record(actor, "bundle.ticked" if done else "bundle.unticked", case, item=key)
    db.session.commit()


@commits
def add_document(actor: User, case: Case, key: str, stored, breach=None) -> Document:
    """Attach an uploaded file (already checked and stored by app.uploads) to the bundle,
    or to a breach's own short bundle."""
    doc = Document(
        case_id=case.id, item_key=key, breach_id=breach.id if breach is not None else None,
        original_name=stored.original_name, stored_name=stored.stored_name,
        content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
        uploaded_by_id=actor.id, uploaded_at=utcnow(),
    )
    db.session.add(doc)
    db.session.flush()
    audit.record(actor, "bundle.document_added", case, item=key, document=doc.id, sha256=stored.sha256, size=stored.size)
    db.session.commit()
    return doc


@commits
def record_document_viewed(actor: User, case: Case, doc: Document) -> None:
    """Every opening of a bundle document is audited: who looked, and when."""
    audit.record(actor, "bundle.document_viewed", case, document=doc.id)
    db.session.commit()


@commits
def remove_document(actor: User, case: Case, doc: Document) -> None:
    """Take a document out of the bundle; the record (and the file) stay as evidence."""
    if doc.removed_at is None:
        doc.removed_at, doc.removed_by_id = utcnow(), actor.id
        audit.record(actor, "bundle.document_removed", case, item=doc.item_key, document=doc.id)
        db.session.commit()


def _submission(case: Case) -> CourtSubmission:
    if case.submission is None:
        case.submission = CourtSubmission()
    return case.submission


def fee_to_record(*, entered_pence: int | None, contested: bool | None, paid_on: date | None,
                  uncontested_pence: int, contested_pence: int) -> int:
    """The fee to record: the amount entered, else the standard fee for a contested or an
    uncontested application. Checked before any receipt is stored: ValidationFailed when the
    date paid, or which fee, is missing."""
    if paid_on is None:
        raise ValidationFailed({"paid_on": "Enter the date paid"})
    if contested is None:
        raise ValidationFailed({"contested": "Choose the fee"})
    if entered_pence is None:
        return contested_pence if contested else uncontested_pence
    return entered_pence


@commits
def record_fee(actor: User, case: Case, *, pence: int, contested: bool, reference: str, paid_on: date,
               receipt: Document | None) -> None:
    _require_court_stage(case)
    errors = {}
    if pence <= 0:
        errors["amount"] = "Enter the fee paid, in pounds, like 500.00"
    if not reference.strip():
        errors["reference"] = "Enter the payment reference"
    if paid_on > utcnow().astimezone(LONDON).date():
        errors["paid_on"] = "The payment date cannot be in the future"
    if receipt is None and (case.submission is None or case.submission.fee_receipt_id is None):
        errors["receipt"] = "Upload the receipt"
    if errors:
        raise ValidationFailed(errors)
    sub = _submission(case)
    sub.fee_pence, sub.fee_contested, sub.fee_reference, sub.fee_paid_on = pence, contested, reference.strip(), paid_on
    if receipt is not None:
        sub.fee_receipt = receipt
    sub.fee_recorded_by_id, sub.fee_recorded_at = actor.id, utcnow()
    audit.record(actor, "court.fee_recorded", case, pence=pence, contested=contested, reference=reference.strip())
    db.session.commit()


@commits
def record_sent(actor: User, case: Case, *, court_name: str, sent_at: datetime, how: str) -> None:
    _require_court_stage(case)
    errors = {}
    if not court_name.strip():
        errors["court_name"] = "Enter the court"
    if not how.strip():
        errors["how"] = "Say how it was sent"
    if sent_at > utcnow():
        errors["sent_date"] = "When it was sent cannot be in the future"
    elif case.served_at and sent_at < case.served_at:
        errors["sent_date"] = "It cannot have been sent before the notice was served"
    if errors:
        raise ValidationFailed(errors)
    sub = _submission(case)
    sub.court_name, sub.sent_at, sub.sent_how = court_name.strip(), sent_at, how.strip()
    sub.sent_recorded_by_id, sub.sent_recorded_at = actor.id, utcnow()
    audit.record(actor, "court.sent", case, court=court_name.strip(), sent_at=sent_at.isoformat(), how=how.strip())
    db.session.commit()


@commits
def list_hearing(actor: User, case: Case, *, court_name: str, starts_at: datetime, late_reason: str,
                 calendar: Calendar) -> Hearing:
    """List the first hearing. The hearing must begin within the statutory window (CSA 2010
    s.27(3)); a later listing is accepted only with the reason recorded, and the case warns."""
    if case.state is not CaseState.SERVED or case.hearings:
        raise ValidationFailed({"": "The hearing is already listed; an adjournment lists the next one"})
    errors = {}
    if not court_name.strip():
        errors["court_name"] = "Enter the court"
    deadline = hearing_deadline_for(case, calendar)
    if starts_at < case.served_at:
        errors["starts_date"] = "The hearing cannot be before the notice was served"
    elif starts_at > deadline and not late_reason.strip():
        errors["late_reason"] = (
            "This is after the statutory deadline. Record why the court could not list it earlier, "
            "or choose an earlier time"
        )
    if errors:
        raise ValidationFailed(errors)
    hearing = Hearing(court_name=court_name.strip(), starts_at=starts_at,
                      late_reason=late_reason.strip() if starts_at > deadline else None,
                      listed_by_id=actor.id, listed_at=utcnow())
    case.hearings.append(hearing)
    db.session.flush()
    # A breach of the notice awaiting the court is now due at this hearing if it is sooner.
    refresh_urgency(case, calendar)
    audit.record(actor, "court.hearing_listed", case, hearing=hearing.id, starts_at=starts_at.isoformat(),
                 late=starts_at > deadline)
    db.session.commit()
    return hearing


def pending_hearing(case: Case) -> Hearing | None:
    return next((h for h in reversed(case.hearings) if h.outcome is None), None)


# The court's decisions on the application, made when the hearing sits. An adjournment (the
# listing moved) or a withdrawal may come before the listed start: clock_cache._sits.
DECIDED_AT_HEARING = (HearingOutcome.GRANTED, HearingOutcome.REFUSED)


def decision_timing_errors(hearing: Hearing, outcome: HearingOutcome | None, made_on: date | None,
                           now: datetime) -> dict[str, str]:
    """An order granted or refused is decided at the hearing of the police application (CSA 2010
    s.27(1)-(3) and s.28(1); DAA 2021 s.28(1), (3) and s.29(2), the notice lasting until the
    application is determined, s.29(7)): not before it begins, and an order is not made on a day
    before its hearing nor on a day still to come. Otherwise the case would
    be "Order in force" before the order was made, and a breach in between would be taken as a
    breach of an order that did not yet exist."""
    if outcome not in DECIDED_AT_HEARING:
        return {}
    errors: dict[str, str] = {}
    starts = format_instant(hearing.starts_at)
    if now < hearing.starts_at:
        errors["outcome"] = (f"The hearing is listed for {starts}: the court's decision can be recorded once it has "
                             "begun. An adjournment or a withdrawal can be recorded before then")
    if outcome is HearingOutcome.GRANTED and made_on is not None:
        hearing_day = hearing.starts_at.astimezone(LONDON).date()
        if made_on < hearing_day:
            errors["made_on"] = f"The order cannot have been made before its hearing ({starts})"
        elif made_on > now.astimezone(LONDON).date():
            errors["made_on"] = "The date the order was made cannot be in the future"
    return errors


def order_length_errors(case: Case, days: int | None, until_further_order: bool = False) -> dict[str, str]:
    """CSA 2010 s.28(10): a DVPO lasts 14 to 28 days; a DAPO has no fixed minimum or maximum
    and may have effect until further order (DAA 2021 s.38), when no number of days is given."""
    the_regime = regime(case.regime)
    if until_further_order:
        if case.order_kind != "dapo":
            return {"days": f"A {the_regime.order} lasts a number of days: it cannot be until further order"}
        return {"days": "Give a number of days or until further order, not both"} if days is not None else {}
    if days is None or days < 1:
        return {"days": "Enter how many days the order lasts"}
    if the_regime.order_min_days and not the_regime.order_min_days <= days <= the_regime.order_max_days:
        return {"days": f"A {the_regime.order} lasts from {the_regime.order_min_days} to {the_regime.order_max_days} days"}
    return {}


@commits
def record_outcome(
    actor: User, case: Case, hearing: Hearing, *, outcome: HearingOutcome | None, contested: bool | None, notes: str,
    days: int | None = None, made_on: date | None = None, conditions: list[dict] | None = None,
    until_further_order: bool = False, requirements: list[Requirement] | None = None,
    review_dates: list[date] | None = None,
    next_starts_at: datetime | None = None, next_court: str = "", p_brought: bool | None = None,
    remand: RemandKind | None = None, bail_requirements: str = "", calendar: Calendar, texts: TextSettings,
    orders: OrderSettings,
) -> Hearing:
    """Record what the court decided at `hearing`, once. A grant starts the practice target
    for serving the order on P (`orders`, ORDER_SERVICE_HOURS: order_records).

    While P is under arrest for breach of the notice, P must be brought to this hearing if
    it comes before the 24 hours end (DAA 2021 s.26(2)(b); CSA 2010 s.26(2)(b)), and if
    the court adjourns it, "the court may remand P" (DAA 2021 s.29(8)): say whether P was
    brought, and any remand, which runs to the adjourned hearing. P brought stops the
    arrest clocks; P not brought leaves them running (now overdue at the hearing).

    A DAPO is granted with its `requirements` (DAA 2021 ss.35-36: order_requirements; when
    None, those of the DVPO-style `conditions`) and the court's `review_dates`; its
    `conditions` are then mirrored from the requirements for the readers of conditions."""
    if case.state is CaseState.NOTICE_LAPSED:
        raise ValidationFailed({"": "The notice was closed as lapsed: its hearing did not begin in time"})
    errors: dict[str, str] = {}
    under_arrest = arrested_for_notice_breach(case)
    if under_arrest and p_brought is None:
        errors["p_brought"] = "Say whether P, under arrest for breach of the notice, was brought to the hearing"
    if remand in (RemandKind.CUSTODY, RemandKind.BAIL) and not (
            under_arrest and p_brought and outcome is HearingOutcome.ADJOURNED):
        errors["remand"] = ("The court may remand P here only when P was brought to the hearing under arrest for breach "
                            "of the notice and the hearing was adjourned (Domestic Abuse Act 2021 s.29(8))")
    if bail_requirements.strip() and remand is not RemandKind.BAIL:
        errors["bail_requirements"] = "Bail requirements go with a remand on bail"
    if outcome is None:
        errors["outcome"] = "Choose the outcome"
    if contested is None:
        errors["contested"] = "Say whether the application was contested"
    errors |= decision_timing_errors(hearing, outcome, made_on, utcnow())
    if outcome is HearingOutcome.GRANTED:
        errors |= order_length_errors(case, days, until_further_order)
        if made_on is None:
            errors["made_on"] = "Enter the date the order was made"
        if case.order_kind == "dapo":
            if requirements is None:
                requirements = order_requirements.from_conditions(case, conditions or [])
            errors |= order_requirements.grant_errors(requirements, made_on=made_on, days=days,
                                                      review_dates=review_dates or [])
            conditions = conditions_of(requirements)
            errors |= premises_condition_errors(case, conditions)
        elif not any(c.get("kind") == ProhibitionKind.NO_MOLEST.value for c in conditions or []):
            errors["conditions"] = "Every order prohibits molestation (or abuse) of the victim: keep that condition"
        else:
            errors |= premises_condition_errors(case, conditions or [])
    if outcome is HearingOutcome.ADJOURNED:
        if next_starts_at is None:
            errors["next_date"] = "Enter the date and time of the adjourned hearing"
        elif next_starts_at <= hearing.starts_at:
            errors["next_date"] = "The adjourned hearing must be after this one"
    if errors:
        raise ValidationFailed(errors)
    now = utcnow()
    change_once(
        update(Hearing).where(Hearing.id == hearing.id, Hearing.outcome.is_(None))
        .values(outcome=outcome, contested=contested, outcome_notes=notes.strip() or None, outcome_by_id=actor.id, outcome_at=now),
        "The outcome of this hearing has already been recorded",
    )
    db.session.refresh(hearing)
    detail = {"hearing": hearing.id, "outcome": outcome.value, "contested": contested}
    if under_arrest and p_brought:
        _brought_to_hearing(actor, case, hearing, under_arrest, now)
        detail["p_brought_under_arrest"] = True
    if remand in (RemandKind.CUSTODY, RemandKind.BAIL):
        # One remand of P, at this hearing, for the arrest that brought P there.
        db.session.add(Remand(case_id=case.id, hearing_id=hearing.id, breach_id=under_arrest[0].id, kind=remand,
                              ordered_at=hearing.starts_at,
                              until_at=next_starts_at, bail_requirements=bail_requirements.strip() or None,
                              recorded_by_id=actor.id, recorded_at=now))
        detail["remand"] = remand.value
    if outcome is HearingOutcome.GRANTED:
        _make_order(case, hearing, days, made_on, conditions)
        start_order_service(case, case.order, hearing, orders)
        if case.order_kind == "dapo":
            order_requirements.add_at_grant(actor, case, case.order, requirements, review_dates or [], now)
        db.session.flush()
        detail |= {"days": days, "until_further_order": days is None, "made_on": made_on.isoformat(),
                   "removal_not_granted": case.order.removal_not_granted}
    elif outcome is HearingOutcome.REFUSED:
        case.state = CaseState.ORDER_REFUSED  # the notice ceases at once
    elif outcome is HearingOutcome.WITHDRAWN:
        case.state = CaseState.WITHDRAWN
    else:
        # On adjournment the notice continues in effect until the application is determined (CSA 2010 s.27).
        case.hearings.append(Hearing(court_name=next_court.strip() or hearing.court_name, starts_at=next_starts_at,
                                     listed_by_id=actor.id, listed_at=now))
        detail["next_starts_at"] = next_starts_at.isoformat()
    # A new order is assessed for the reminder-text trial in the same transaction as the order;
    # the urgency it refreshes includes the court deadlines of open breaches of the notice, which
    # follow the next listing.
    after_order_change(case, calendar=calendar, texts=texts, now=now, actor=actor,
                       order_made=outcome is HearingOutcome.GRANTED, orders=orders)
    audit.record(actor, "court.outcome_recorded", case, **detail)
    db.session.commit()
    return hearing


def arrested_for_notice_breach(case: Case) -> list[Breach]:
    """Arrests for breach of the notice whose clock still runs: P is due before the court
    at the hearing of the application, if not before (DAA 2021 s.26(2); CSA 2010 s.26(2))."""
    return [b for b in case.breaches if b.order_id is None and b.arrest_open]


def _brought_to_hearing(actor: User, case: Case, hearing: Hearing, arrests: list[Breach], now: datetime) -> None:
    """P was brought to `hearing` under arrest: each arrest's clock stops there, and the
    breach of the notice is weighed at the hearing (no finding of its own)."""
    for breach in arrests:
        breach.before_court_at = max(hearing.starts_at, breach.arrested_at)
        breach.outcome = BreachOutcome.BROUGHT_BEFORE_COURT
        breach.outcome_by_id, breach.outcome_at = actor.id, now
        audit.record(actor, "breach.before_court", case, breach=breach.id, of="notice", at_hearing=hearing.id)


def premises_condition_errors(case: Case, conditions: list[dict]) -> dict[str, str]:
    """The order's premises provisions need P and V to live in the same premises, as the
    application recorded: CSA 2010 s.28(8)(a)-(d) for a DVPO. For a DAPO the notice's rule
    (DAA 2021 s.23(2)) is applied too, the safe side (docs/law.md); its distance provision
    (any premises where V lives, s.35(4)(b)) needs none. See prohibitions.premises_provisions_refused."""
    the_regime = regime(case.regime)
    missing = not_available([c.get("kind") for c in conditions], the_regime)
    if missing:  # a DVPO has no "may not contact" provision (CSA 2010 s.28(6)-(8))
        return {"conditions": not_available_message(missing, the_regime)}
    application = case.current_application
    shared = shared_premises_answer(application.section_data) if application else None
    refused = premises_provisions_refused([c.get("kind") for c in conditions], shared_premises=shared, regime=the_regime)
    if not refused:
        return {}
    return {"conditions": premises_refusal(
        refused, the_regime, the_regime.order_premises_basis,
        "The application recorded that they do not live in the same premises: untick them",
    )}


def _make_order(case: Case, hearing: Hearing, days: int | None, made_on: date, conditions: list[dict]) -> None:
    end = deadlines.protection_order_end(case.order_kind, made_on, days)
    application = case.current_application
    proposed = set(application.section_data.get("prohibitions", {}).get("kinds", [])) if application else set()
    granted = {c["kind"] for c in conditions}
    case.order = ProtectionOrder(
        hearing_id=hearing.id, made_on=made_on, days=days, ends_at=end, conditions=conditions,
        removal_not_granted=bool(proposed & REMOVAL) and not (granted & REMOVAL), status=OrderStatus.IN_FORCE,
    )
    case.state = CaseState.ORDER_IN_FORCE


@commits
def change_order(actor: User, case: Case, *, kind: OrderEventKind | None, court_date: date | None, details: str,
                 new_days: int | None, calendar: Calendar, texts: TextSettings) -> OrderEvent:
    """Record the court's variation or early discharge of the order, with the court's date."""
    if kind is None:
        raise ValidationFailed({"kind": "Choose what the court did"})
    if court_date is None:
        raise ValidationFailed({"court_date": "Enter the court's date"})
    order = case.order_in_force
    if order is None:
        raise ValidationFailed({"": "There is no order in force to vary or discharge"})
    errors = {}
    if not details.strip():
        errors["details"] = "Describe what the court ordered"
    if court_date < order.made_on or court_date > utcnow().astimezone(LONDON).date():
        errors["court_date"] = "The court's date must be on or after the order was made, and not in the future"
    if kind is OrderEventKind.VARIED and new_days is not None:
        errors |= order_length_errors(case, new_days)
    if errors:
        raise ValidationFailed(errors)
    event = OrderEvent(kind=kind, court_date=court_date, details=details.strip(), recorded_by_id=actor.id, recorded_at=utcnow())
    order.events.append(event)
    if kind is OrderEventKind.DISCHARGED:
        order.status, order.ended_at = OrderStatus.DISCHARGED, utcnow()
        case.state = _state_after_order(case)
    elif new_days is not None:
        order.days = new_days
        order.ends_at = deadlines.protection_order_end(case.order_kind, order.made_on, new_days)
    # Unsent texts are cancelled (discharged) or re-planned (new length) with the change.
    after_order_change(case, calendar=calendar, texts=texts, now=utcnow(), actor=actor)
    audit.record(actor, f"order.{kind.value}", case, court_date=court_date.isoformat(), details=details.strip(), days=new_days)
    db.session.commit()
    return event


def _state_after_order(case: Case) -> CaseState:
    """When an order ends the case closes, unless a breach still awaits the court."""
    open_breach = any(b.awaits_court for b in case.breaches)
    return CaseState.ORDER_ENDED if open_breach else CaseState.CLOSED


@commits
def expire_orders(calendar: Calendar, texts: TextSettings) -> int:
    """The scheduler's sweep: orders whose end has passed stop being in force (indexed by end)."""
    now = utcnow()
    ending = (ProtectionOrder.status == OrderStatus.IN_FORCE, ProtectionOrder.ends_at <= now)
    # The cases' rows first, in id order, then each case's order, texts, referrals and
    # geofence (services/case_locks.py: sweep_referrals, side by side, changes the same
    # referrals); the orders are read again once the cases are locked, so one ended
    # meanwhile by other means is left alone.
    cases = lock_cases(db.session.scalars(select(ProtectionOrder.case_id).where(*ending)).all())
    due = db.session.scalars(
        select(ProtectionOrder).where(*ending, ProtectionOrder.case_id.in_(cases)).order_by(ProtectionOrder.case_id)
    ).all() if cases else []
    for order in due:
        case = db.session.get(Case, order.case_id)
        order.status, order.ended_at = OrderStatus.EXPIRED, now
        case.state = _state_after_order(case)
        after_order_change(case, calendar=calendar, texts=texts, now=now)
        audit.record(None, "order.expired", case, ends_at=order.ends_at.isoformat())
    db.session.commit()
    return len(due)


def orders_ending_soon(case_query, now: datetime, within, limit: int = 20) -> list[Case]:
    """Live cases whose order in force ends within `within` of now, soonest first (one query)."""
    from sqlalchemy.orm import joinedload

    return list(db.session.scalars(
        case_query.join(ProtectionOrder, ProtectionOrder.case_id == Case.id)
        .where(ProtectionOrder.status == OrderStatus.IN_FORCE, ProtectionOrder.ends_at <= now + within)
        .options(joinedload(Case.perpetrator), joinedload(Case.order))
        .order_by(ProtectionOrder.ends_at)
        .limit(limit)
    ))


def breaches_counted(case: Case) -> dict:
    """Breaches per case and per order, for the reports to come."""
    by_order = sum(1 for b in case.breaches if b.order_id is not None)
    return {"case": len(case.breaches), "order": by_order, "notice": len(case.breaches) - by_order}



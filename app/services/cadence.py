"""The cadence of reminder texts for orders longer than 28 days or until further order: the
admin's versions of it, the texts it gives an order, and the scheduler job that extends the
plans of those orders as their horizon moves on (domain/cadence.py has the rules)."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.domain import cadence as rules
from app.domain.reminders import PlannedText, SendingWindow
from app.extensions import db
from app.models import (
    EnrolmentStatus,
    MessageStatus,
    OrderStatus,
    ProtectionOrder,
    TextCadenceVersion,
    TextMessage,
    TrialEnrolment,
    User,
)
from app.services import ValidationFailed, audit
from app.services.transaction import commits
from app.timeutil import utcnow


def current_version() -> TextCadenceVersion | None:
    return db.session.scalars(select(TextCadenceVersion).order_by(TextCadenceVersion.id.desc()).limit(1)).first()


def current_cadence() -> rules.Cadence:
    """The newest saved cadence, or the built-in one. A stored version that no longer reads
    (the sending window was narrowed since) falls back to the built-in cadence."""
    latest = current_version()
    if latest is None:
        return rules.DEFAULT_CADENCE
    cadence, _errors = rules.validate_cadence(latest.cadence)
    return cadence or rules.DEFAULT_CADENCE


@commits
def save_cadence(actor: User, values: dict, window: SendingWindow) -> TextCadenceVersion:
    """Save a new version of the cadence. It applies to texts planned from now on: orders
    granted or varied from now on, and each extension of a long order's plan."""
    cadence, errors = rules.validate_cadence(values, window)
    if errors:
        raise ValidationFailed(errors)
    before = current_cadence()
    if cadence == before:
        raise ValidationFailed({"": "Nothing has changed"})
    version = TextCadenceVersion(cadence=cadence.as_stored(), created_by_id=actor.id, created_at=utcnow())
    db.session.add(version)
    db.session.flush()
    audit.record(actor, "texts.cadence_saved", version=version.id, cadence=cadence.as_stored(), before=before.as_stored())
    db.session.commit()
    return version


def review_dates_of(order: ProtectionOrder) -> list[date]:
    """The court's review dates (stored as ISO dates); anything unreadable is ignored."""
    found = []
    for value in order.review_dates or []:
        try:
            found.append(date.fromisoformat(value))
        except (TypeError, ValueError):
            continue
    return found


def cadence_texts(order: ProtectionOrder, now: datetime, window: SendingWindow,
                  cadence: rules.Cadence | None = None) -> list[PlannedText]:
    return rules.plan_cadence(made_on=order.made_on, ends_at=order.ends_at, planned_at=now,
                              review_dates=review_dates_of(order), cadence=cadence or current_cadence(), window=window)


def _long_orders_with_texts() -> list[tuple[TrialEnrolment, ProtectionOrder]]:
    """Orders in force that follow the cadence, whose enrolment gets texts. The cost grows with
    the live long orders, not with history (orders by status; enrolments by order)."""
    rows = db.session.execute(
        select(TrialEnrolment, ProtectionOrder).join(ProtectionOrder, ProtectionOrder.id == TrialEnrolment.order_id)
        .where(ProtectionOrder.status == OrderStatus.IN_FORCE,
               or_(ProtectionOrder.ends_at.is_(None), ProtectionOrder.days > rules.DURHAM_MAX_DAYS),
               TrialEnrolment.texts_stopped_at.is_(None), TrialEnrolment.mobile_e164.is_not(None),
               TrialEnrolment.status.in_((EnrolmentStatus.ALLOCATED, EnrolmentStatus.TRIAL_OFF,
                                          EnrolmentStatus.OUTSIDE_TRIAL)))
        .options(selectinload(TrialEnrolment.allocation))
        .order_by(TrialEnrolment.id)
    ).all()
    return [(e, o) for e, o in rows if e.gets_texts and rules.uses_cadence(o.made_on, o.ends_at)]


@commits
def extend_plans(window: SendingWindow) -> int:
    """The scheduler's job: add the texts that have come within the horizon of each long or
    open-ended order. It only adds: a text already planned, sent or cancelled (any status)
    under the same key is left as it is, so nothing is resent or brought back, and a text
    staff brought forward is not moved. Returns how many texts were added."""
    now = utcnow()
    cadence = current_cadence()
    wanted: dict[int, tuple[TrialEnrolment, list[PlannedText]]] = {}
    for enrolment, order in _long_orders_with_texts():
        wanted[enrolment.case_id] = (enrolment, cadence_texts(order, now, window, cadence))
    keys = {t.step_key for _, texts in wanted.values() for t in texts}
    existing = {(row.case_id, row.step_key) for row in db.session.execute(
        select(TextMessage.case_id, TextMessage.step_key)
        .where(TextMessage.case_id.in_(list(wanted)), TextMessage.step_key.in_(keys))
    )} if wanted else set()
    added = 0
    for case_id, (enrolment, texts) in wanted.items():
        new = [t for t in texts if (case_id, t.step_key) not in existing]
        for text in new:
            db.session.add(TextMessage(
                uuid=str(uuid.uuid4()), case_id=case_id, enrolment_id=enrolment.id, step_key=text.step_key,
                kind=text.kind, due_at=text.due_at, deferred=text.deferred, status=MessageStatus.PLANNED,
                wake_at=text.due_at, attempts=0, created_at=now,
            ))
        if new:
            entry = audit.record(None, "texts.plan_extended", None, added=len(new), until=max(t.due_at for t in new).isoformat())
            entry.case_id = case_id
            added += len(new)
    db.session.commit()
    return added

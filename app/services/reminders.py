"""Reminder texts for a case: planning them, re-planning when the order changes, stopping them,
and the admin's plan and wording.

Every change is one transaction with its audit entry. Unsent texts are changed only by
conditional UPDATEs on status 'planned', so a text the dispatcher has just claimed is never
re-timed or cancelled under its feet.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.domain import reminders as plan_rules
from app.domain.cadence import uses_cadence
from app.domain.message_templates import DEFAULT_TEMPLATES, check_template, conditions_in_plain_words, order_end_words
from app.domain.reminders import ContentKind, PlanStep, SendingWindow
from app.extensions import db
from app.models import (
    Case,
    EnrolmentStatus,
    MessageStatus,
    OrderStatus,
    TextMessage,
    TextPlanVersion,
    TextTemplate,
    TrialEnrolment,
    User,
)
from app.services import ValidationFailed, audit
from app.services.cadence import cadence_texts
from app.services.transaction import commits, in_callers_transaction
from app.timeutil import utcnow


@dataclass(frozen=True)
class TextSettings:
    """The settings the texts depend on, read once from the app config."""

    window: SendingWindow = SendingWindow()
    force_name: str = "Demo Constabulary"
    helpline: str = "the Respect Phoneline on 0808 802 4040"
    police_contact: str = "101"

    @classmethod
    def from_config(cls, config) -> TextSettings:
        return cls(
            window=SendingWindow(opens=_hhmm(config["SMS_WINDOW_OPENS"]), closes=_hhmm(config["SMS_WINDOW_CLOSES"])),
            force_name=config["FORCE_NAME"], helpline=config["SMS_HELPLINE"], police_contact=config["POLICE_CONTACT"],
        )


    def placeholder_values(self, conditions: list[dict], ends_at: datetime | None) -> dict[str, str]:
        """What each placeholder of the wording says for an order with these conditions and end
        (the one list of values: the dispatcher and the admin's preview both use it)."""
        return {
            "conditions": conditions_in_plain_words(conditions),
            "order_end": order_end_words(ends_at),
            "helpline": self.helpline,
            "force_name": self.force_name,
            "police_contact": self.police_contact,
        }


def _hhmm(text: str) -> time:
    hours, minutes = (int(part) for part in str(text).split(":"))
    return time(hours, minutes)


# -- the plan and the wording (admin) -------------------------------------------------------

def current_plan() -> tuple[PlanStep, ...]:
    latest = db.session.scalars(select(TextPlanVersion).order_by(TextPlanVersion.id.desc()).limit(1)).first()
    if latest is None:
        return plan_rules.DEFAULT_STEPS
    steps, _errors = plan_rules.validate_steps(latest.steps)
    return tuple(steps)


@commits
def save_plan(actor: User, rows: list[dict]) -> TextPlanVersion:
    """Save a new version of the plan; orders granted from now on follow it."""
    steps, errors = plan_rules.validate_steps(rows)
    if errors:
        raise ValidationFailed({f"row-{index}": message for index, message in errors.items()})
    version = TextPlanVersion(steps=plan_rules.rows_for(steps), created_by_id=actor.id, created_at=utcnow())
    db.session.add(version)
    db.session.flush()
    audit.record(actor, "texts.plan_saved", version=version.id, texts_for_14_days=plan_rules.count_for(14, steps),
                 texts_for_28_days=plan_rules.count_for(28, steps))
    db.session.commit()
    return version


@commits
def current_templates() -> dict[ContentKind, TextTemplate]:
    """The newest wording of each kind of text; the built-in wording is saved as version 1."""
    newest = select(TextTemplate.kind, func.max(TextTemplate.version).label("version")).group_by(TextTemplate.kind).subquery()
    rows = db.session.scalars(
        select(TextTemplate).join(newest, (TextTemplate.kind == newest.c.kind) & (TextTemplate.version == newest.c.version))
    ).all()
    templates = {row.kind: row for row in rows}
    missing = [kind for kind in ContentKind if kind not in templates]
    if missing:
        for kind in missing:
            templates[kind] = TextTemplate(kind=kind, version=1, body=DEFAULT_TEMPLATES[kind], created_at=utcnow())
            db.session.add(templates[kind])
        try:
            db.session.commit()
        except IntegrityError:
            # Another process saved the built-in wording at the same moment: read theirs.
            db.session.rollback()
            return current_templates()
    return templates


@commits
def save_template(actor: User, kind: ContentKind, body: str) -> TextTemplate:
    """A new version of the wording for `kind`. Old versions stay: sent texts point at them."""
    problems = check_template(body or "")
    if problems:
        raise ValidationFailed({"body": problems[0]})
    previous = current_templates()[kind]
    if body.strip() == previous.body:
        raise ValidationFailed({"body": "The wording has not changed"})
    template = TextTemplate(kind=kind, version=previous.version + 1, body=body.strip(), created_by_id=actor.id, created_at=utcnow())
    db.session.add(template)
    audit.record(actor, "texts.template_saved", kind=kind.value, version=template.version)
    db.session.commit()
    return template


# -- a case's texts -------------------------------------------------------------------------

def messages_for(case: Case) -> list[TextMessage]:
    """The case's texts with the wording version each was sent from (one extra query, not one per text)."""
    from sqlalchemy.orm import selectinload

    return list(db.session.scalars(
        select(TextMessage).where(TextMessage.case_id == case.id).options(selectinload(TextMessage.template))
        .order_by(TextMessage.due_at, TextMessage.step_key)
    ))


@in_callers_transaction
def plan_for(enrolment: TrialEnrolment, case: Case, now: datetime, settings: TextSettings) -> int:
    """Plan (or re-plan) the case's texts from its order as it now stands, in the caller's
    transaction. Sent texts stay as they were; planned texts are re-timed; steps no longer in
    the plan are cancelled; new steps are added. Returns how many texts are now planned."""
    order = case.order_in_force
    existing = db.session.scalars(select(TextMessage).where(TextMessage.case_id == case.id)).all()
    if order is None or not enrolment.gets_texts:
        return 0
    wanted = {text.step_key: text for text in wanted_texts(order, now, settings.window)}
    by_key: dict[str, TextMessage] = {}
    for message in existing:
        by_key.setdefault(message.step_key, message)
        if message.status is not MessageStatus.CANCELLED:
            by_key[message.step_key] = message
    stale = [m.id for m in existing if m.status is MessageStatus.PLANNED and m.step_key not in wanted]
    _cancel_planned(stale, "no longer in the plan after the order changed")
    planned = 0
    for key, text in wanted.items():
        message = by_key.get(key)
        if message is None or message.status is MessageStatus.CANCELLED:
            db.session.add(TextMessage(
                uuid=str(uuid.uuid4()), case_id=case.id, enrolment_id=enrolment.id, step_key=key, kind=text.kind,
                due_at=text.due_at, deferred=text.deferred, status=MessageStatus.PLANNED, wake_at=text.due_at,
                attempts=0, created_at=now,
            ))
            planned += 1
        elif message.status is MessageStatus.PLANNED:
            db.session.execute(
                update(TextMessage).where(TextMessage.id == message.id, TextMessage.status == MessageStatus.PLANNED)
                .values(due_at=text.due_at, wake_at=text.due_at, deferred=text.deferred, kind=text.kind)
            )
            planned += 1
    db.session.flush()
    return planned


def wanted_texts(order, now: datetime, window: SendingWindow) -> list[plan_rules.PlannedText]:
    """Durham's plan for an order of up to 28 days; the cadence for a longer one or one until
    further order (planned to its horizon, extended by the scheduler: services/cadence)."""
    if uses_cadence(order.made_on, order.ends_at):
        return cadence_texts(order, now, window)
    return plan_rules.plan_texts(made_on=order.made_on, ends_at=order.ends_at, planned_at=now, steps=current_plan(),
                                 window=window)


@in_callers_transaction
def cancel_unsent(case: Case, reason: str) -> int:
    """Cancel the case's texts not yet sent (in the caller's transaction)."""
    ids = db.session.scalars(
        select(TextMessage.id).where(TextMessage.case_id == case.id, TextMessage.status == MessageStatus.PLANNED)
    ).all()
    return _cancel_planned(list(ids), reason)


def _cancel_planned(ids: list[int], reason: str) -> int:
    if not ids:
        return 0
    result = db.session.execute(
        update(TextMessage).where(TextMessage.id.in_(ids), TextMessage.status == MessageStatus.PLANNED)
        .values(status=MessageStatus.CANCELLED, wake_at=None, cancelled_reason=reason[:200])
    )
    return result.rowcount


@in_callers_transaction
def order_changed(case: Case, now: datetime, settings: TextSettings) -> None:
    """Keep the texts in step with the order (called inside the court service's transaction):
    an order no longer in force cancels what is unsent; a varied order re-plans."""
    enrolment = enrolment_for(case)
    if enrolment is None:
        return
    if case.order_in_force is None:
        cancel_unsent(case, f"the order {case.order.status.value if case.order else 'ended'}")
    else:
        plan_for(enrolment, case, now, settings)


def enrolment_for(case: Case) -> TrialEnrolment | None:
    return db.session.scalars(select(TrialEnrolment).where(TrialEnrolment.case_id == case.id)).first()


@commits
def stop_texts(actor: User, case: Case, reason: str) -> int:
    """Staff cancel the case's remaining texts, with a reason; nothing more is planned."""
    enrolment = enrolment_for(case)
    if enrolment is None or not enrolment.gets_texts:
        raise ValidationFailed({"": "This case has no texts to stop"})
    if not (reason or "").strip():
        raise ValidationFailed({"reason": "Say why the texts are being stopped"})
    if len(reason) > 500:
        raise ValidationFailed({"reason": "The reason must be 500 characters or fewer"})
    now = utcnow()
    enrolment.texts_stopped_at, enrolment.texts_stopped_by_id, enrolment.texts_stopped_reason = now, actor.id, reason.strip()
    cancelled = cancel_unsent(case, "stopped by staff")
    audit.record(actor, "texts.stopped", case, cancelled=cancelled, reason=reason.strip())
    db.session.commit()
    return cancelled


@commits
def send_next_now(actor: User, case: Case, settings: TextSettings) -> TextMessage:
    """Bring the next planned text forward to now (or to the end of quiet hours)."""
    message = db.session.scalars(
        select(TextMessage).where(TextMessage.case_id == case.id, TextMessage.status == MessageStatus.PLANNED)
        .order_by(TextMessage.due_at).limit(1)
    ).first()
    if message is None:
        raise ValidationFailed({"": "There is no planned text to send"})
    now = utcnow()
    when = plan_rules.next_sending_time(now, settings.window)
    moved = db.session.execute(
        update(TextMessage).where(TextMessage.id == message.id, TextMessage.status == MessageStatus.PLANNED)
        .values(due_at=when, wake_at=when, deferred=when != now)
    ).rowcount
    if moved != 1:
        db.session.rollback()
        raise ValidationFailed({"": "That text is already being sent"})
    audit.record(actor, "texts.sent_now", case, step=message.step_key, due_at=when.isoformat())
    db.session.commit()
    return message


@dataclass(frozen=True)
class TextTask:
    case: Case
    what: str


def text_tasks(case_query, limit: int = 20, *, unknown_before: datetime | None = None) -> list[TextTask]:
    """Dashboard tasks for the cases in `case_query` (already scoped to the user): orders
    waiting for trial allocation, texts that failed to P's current number, and, with
    `unknown_before`, texts whose outcome has been unknown since before it (a person decides
    whether to send them again: services/text_outcomes.py). Three queries."""
    from sqlalchemy.orm import joinedload

    live = case_query.where(Case.order.has(status=OrderStatus.IN_FORCE))
    waiting = db.session.scalars(
        live.join(TrialEnrolment, TrialEnrolment.case_id == Case.id)
        .where(TrialEnrolment.status == EnrolmentStatus.AWAITING_ALLOCATION)
        .options(joinedload(Case.perpetrator)).order_by(TrialEnrolment.assessed_at).limit(limit)
    ).all()
    # Both start from the few texts in that status (the status index), not from every case:
    # read case by case, they cost most of the dashboard's time at national scale.
    failed = db.session.scalars(
        live.join(TrialEnrolment, TrialEnrolment.case_id == Case.id)
        .where(Case.id.in_(select(TextMessage.case_id).where(TextMessage.status == MessageStatus.FAILED)),
               TrialEnrolment.texts_stopped_at.is_(None),
               select(TextMessage.id).where(TextMessage.case_id == Case.id, TextMessage.status == MessageStatus.FAILED,
                                            TextMessage.to_e164 == TrialEnrolment.mobile_e164).exists())
        .options(joinedload(Case.perpetrator)).order_by(Case.id).limit(limit)
    ).all()
    unknown = [] if unknown_before is None else db.session.scalars(
        case_query.where(Case.id.in_(select(TextMessage.case_id).where(TextMessage.status == MessageStatus.UNKNOWN,
                                                                       TextMessage.unknown_since <= unknown_before)))
        .options(joinedload(Case.perpetrator)).order_by(Case.id).limit(limit)
    ).all()
    return ([TextTask(c, "A text to P may or may not have gone: a supervisor or admin decides whether to send it again")
             for c in unknown]
            + [TextTask(c, "Texts to P failed: check the number") for c in failed]
            + [TextTask(c, "Order granted: check eligibility for the text trial and allocate") for c in waiting])

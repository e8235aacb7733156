"""Texts whose outcome is unknown: settled by the provider's records, or by a person.

A text handed to the provider whose answer never came (the dispatcher stopped, the request
timed out, the connection dropped) is "unknown" (services/dispatch.py) and is never sent
again automatically. Three things settle it:

1. a delivery receipt for its client_ref (dispatch.record_receipt), whenever it comes;
2. `reconcile_unknown`, the scheduler's job: from `reconcile_every` after it became unknown
   (records lag behind the send), and as often after, the provider's records are searched
   for its client_ref (`Reconciler`: Vonage's Reports API, or the outbox's own note). Found:
   it was sent, with the provider's id. Not found is never taken as "not sent": records can
   lag, and a search can miss; it stays unknown;
3. once `decide_after` has passed with neither, the searches stop and it waits for a person
   (a supervisor or admin) to `decide`: send it again, or mark it not sent, with a reason,
   audited. It is a task on the texts admin pages and on the dashboard.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Case, MessageStatus, TextMessage, User
from app.services import ValidationFailed, audit, change_once
from app.services.dispatch import DispatchSettings
from app.services.transaction import commits
from app.sms import ProviderRecord, Reconciler, RecordsUnavailable

log = logging.getLogger(__name__)

REASON_MAX = 200


@dataclass
class ReconcileReport:
    searched: int = 0
    found: int = 0
    not_found: int = 0
    unavailable: int = 0
    for_decision: int = 0  # searches over: a person decides


def reconcile_unknown(reconciler: Reconciler, settings: DispatchSettings, now: datetime, *,
                      receipts: bool = True, limit: int = 200) -> ReconcileReport:
    """Search the provider's records for the unknown texts whose next search is due."""
    report = ReconcileReport()
    due = _due_for_search(now, limit)
    for message_id, client_ref, to, handed_at, unknown_since in due:
        report.searched += 1
        since = (handed_at or unknown_since) - settings.reconcile_every  # a margin for clocks
        try:
            found = reconciler.find(client_ref=client_ref, to=to or "", since=since, until=now)
        except RecordsUnavailable as exc:
            report.unavailable += 1
            _searched(message_id, now, settings, unknown_since, report, error=f"The provider's records could not be searched: {exc}")
            continue
        if found is None:
            report.not_found += 1
            _searched(message_id, now, settings, unknown_since, report,
                      error="Not found in the provider's records yet (they can lag): not sent again until settled")
        else:
            report.found += _settle_found(message_id, found, now, settings, receipts=receipts)
    return report


@commits
def _due_for_search(now: datetime, limit: int) -> list[tuple]:
    rows = db.session.execute(
        select(TextMessage.id, TextMessage.uuid, TextMessage.to_e164, TextMessage.handed_at, TextMessage.unknown_since)
        .where(TextMessage.status == MessageStatus.UNKNOWN, TextMessage.wake_at <= now)
        .order_by(TextMessage.wake_at).limit(limit)
    ).all()
    db.session.commit()
    return [tuple(row) for row in rows]


@commits
def _searched(message_id: int, now: datetime, settings: DispatchSettings, unknown_since: datetime,
              report: ReconcileReport, *, error: str) -> None:
    """Not settled by this search: search again later, or, past the decision time, stop and
    leave it to a person (wake_at None)."""
    deciding = now >= unknown_since + settings.decide_after
    if deciding:
        report.for_decision += 1
        error = "Neither a receipt nor the provider's records settled it: a supervisor or admin decides whether to send it again"
    db.session.execute(
        update(TextMessage).where(TextMessage.id == message_id, TextMessage.status == MessageStatus.UNKNOWN)
        .values(checked_at=now, wake_at=None if deciding else now + settings.reconcile_every, error=error[:200])
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


@commits
def _settle_found(message_id: int, found: ProviderRecord, now: datetime, settings: DispatchSettings, *,
                  receipts: bool) -> int:
    """The provider has it: sent, with its id, exactly as if its answer had come."""
    sent_at = found.received_at or now
    changed = db.session.execute(
        update(TextMessage).where(TextMessage.id == message_id, TextMessage.status == MessageStatus.UNKNOWN)
        .values(status=MessageStatus.SENT, provider_id=found.provider_id, sent_at=sent_at, checked_at=now,
                unknown_since=None, wake_at=now + settings.expire_after if receipts else None, error=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed:
        case_id = db.session.scalar(select(TextMessage.case_id).where(TextMessage.id == message_id))
        audit.record(None, "texts.reconciled", db.session.get(Case, case_id), message=message_id,
                     provider_id=found.provider_id, found="in the provider's records")
    db.session.commit()
    return changed


# -- a person decides -------------------------------------------------------------------------

class Decision(StrEnum):
    SEND_AGAIN = "send_again"
    NOT_SENT = "not_sent"

    @property
    def label(self) -> str:
        return {Decision.SEND_AGAIN: "Send it again", Decision.NOT_SENT: "Mark it not sent"}[self]


def decision_due(message: TextMessage, settings: DispatchSettings, now: datetime) -> bool:
    """Whether the searches are over and a person may decide."""
    return (message.status is MessageStatus.UNKNOWN and message.unknown_since is not None
            and now >= message.unknown_since + settings.decide_after)


@commits
def decide(actor: User, message: TextMessage, decision: str, reason: str, settings: DispatchSettings, now: datetime) -> None:
    """Send an unknown text again, or mark it not sent; the reason is required and audited.

    Only once `decide_after` has passed since it became unknown: before then a receipt or
    the provider's records may still settle it. Refused if it has been settled meanwhile."""
    reason = (reason or "").strip()
    errors = {}
    try:
        chosen = Decision(decision)
    except ValueError:
        errors["decision"] = "Choose whether to send the text again or mark it not sent"
    if not reason:
        errors["reason"] = "Enter the reason for the decision"
    elif len(reason) > REASON_MAX:
        errors["reason"] = f"The reason must be {REASON_MAX} characters or fewer"
    if errors:
        raise ValidationFailed(errors)
    if not decision_due(message, settings, now):
        raise ValidationFailed({"": "This text is not waiting for a decision: it was settled, or its outcome may still "
                                    "be found in the provider's records"})
    still_unknown = (TextMessage.id == message.id, TextMessage.status == MessageStatus.UNKNOWN,
                     TextMessage.attempts == message.attempts)
    if chosen is Decision.SEND_AGAIN:
        values = {"status": MessageStatus.PLANNED, "wake_at": now, "unknown_since": None, "deferred": False,
                  "error": f"Sent again on {actor.display_name}'s decision: {reason}"[:200]}
    else:
        values = {"status": MessageStatus.CANCELLED, "wake_at": None, "unknown_since": None,
                  "cancelled_reason": f"Marked not sent by {actor.display_name}: {reason}"[:200]}
    change_once(update(TextMessage).where(*still_unknown).values(**values).execution_options(synchronize_session=False),
                "This text was settled meanwhile: nothing was changed")
    audit.record(actor, "texts.unknown_decided", message.case, message=message.id, decision=chosen.value, reason=reason,
                 unknown_since=message.unknown_since.isoformat())
    db.session.commit()


# -- what supervisors and admins see -----------------------------------------------------------

@dataclass(frozen=True)
class UnknownText:
    message: TextMessage
    reference: str
    decide_from: datetime
    waiting_for_decision: bool


def unknown_texts(settings: DispatchSettings, now: datetime, limit: int = 200) -> list[UnknownText]:
    """Every text whose outcome is unknown, those waiting for a person first, oldest first."""
    messages = db.session.scalars(
        select(TextMessage).where(TextMessage.status == MessageStatus.UNKNOWN)
        .options(selectinload(TextMessage.case)).order_by(TextMessage.unknown_since, TextMessage.id).limit(limit)
    ).all()
    rows = [UnknownText(m, m.case.reference or f"Case {m.case_id}", m.unknown_since + settings.decide_after,
                        decision_due(m, settings, now)) for m in messages]
    return sorted(rows, key=lambda r: (not r.waiting_for_decision, r.decide_from))


def unknown_count(settings: DispatchSettings, now: datetime) -> tuple[int, int]:
    """(unknown texts, of which waiting for a person's decision)."""
    total, waiting = db.session.execute(
        select(func.count(TextMessage.id),
               func.count(TextMessage.id).filter(TextMessage.unknown_since <= now - settings.decide_after))
        .where(TextMessage.status == MessageStatus.UNKNOWN)
    ).one()
    return total or 0, waiting or 0


def unknown_text(message_id: int) -> TextMessage | None:
    return db.session.scalar(select(TextMessage).where(TextMessage.id == message_id, TextMessage.status == MessageStatus.UNKNOWN)
                             .options(selectinload(TextMessage.case)))

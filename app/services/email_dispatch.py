"""Sending the queued emails (the scheduler's `dispatch_emails`, every minute).

Claim due rows (`FOR UPDATE SKIP LOCKED` on PostgreSQL), then send each through the mailer
and record what happened, each in its own short transaction. A row whose claim ran out (the
process died mid-send) is queued again: delivery is at least once, and a rare duplicate
carries the same Message-ID. Retries back off 1, 2, 4 ... minutes, at most an hour apart,
up to EMAIL_MAX_ATTEMPTS sends; a 5xx answer fails the email at once. Every outcome but a
retry is audited against the case (actor: the scheduler).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from app.domain.email_wording import compose
from app.extensions import db
from app.mailer import Outcome
from app.models import Case, EmailStatus, OutgoingEmail, User
from app.services import audit
from app.services.transaction import commits
from app.timeutil import utcnow

CLAIM = timedelta(minutes=10)
MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True)
class EmailSettings:
    base_url: str
    force: str
    max_attempts: int
    batch_size: int = 100

    @classmethod
    def from_config(cls, config) -> EmailSettings:
        return cls(base_url=str(config["BASE_URL"]).rstrip("/"), force=str(config["FORCE_NAME"]),
                   max_attempts=int(config["EMAIL_MAX_ATTEMPTS"]))


@dataclass
class EmailReport:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    cancelled: int = 0
    reclaimed: int = 0


def backoff(attempts: int) -> timedelta:
    """The wait before the next try after `attempts` sends (1 minute, doubling, at most an hour)."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


@commits
def dispatch_due(mailer, settings: EmailSettings) -> EmailReport:
    report = EmailReport()
    now = utcnow()
    report.reclaimed = db.session.execute(
        update(OutgoingEmail).where(OutgoingEmail.status == EmailStatus.SENDING, OutgoingEmail.next_attempt_at <= now)
        .values(status=EmailStatus.QUEUED).execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    due = (select(OutgoingEmail.id)
           .where(OutgoingEmail.status == EmailStatus.QUEUED, OutgoingEmail.next_attempt_at <= now)
           .order_by(OutgoingEmail.next_attempt_at, OutgoingEmail.id).limit(settings.batch_size)
           .with_for_update(skip_locked=True))
    ids = db.session.scalars(
        update(OutgoingEmail)
        .where(OutgoingEmail.id.in_(due.scalar_subquery()), OutgoingEmail.status == EmailStatus.QUEUED)
        .values(status=EmailStatus.SENDING, next_attempt_at=now + CLAIM, attempts=OutgoingEmail.attempts + 1)
        .returning(OutgoingEmail.id).execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    report.claimed = len(ids)
    for email_id in sorted(ids):
        _send_one(email_id, mailer, settings, report)
    return report


@commits
def _send_one(email_id: int, mailer, settings: EmailSettings, report: EmailReport) -> None:
    email = db.session.get(OutgoingEmail, email_id)
    recipient = db.session.get(User, email.recipient_id)
    case = db.session.get(Case, email.case_id)
    if not recipient.active:
        _finish(email, case, report, "cancelled", status=EmailStatus.CANCELLED, next_attempt_at=None,
                last_error="the recipient's account is deactivated")
        return
    wording = compose(email.kind.value, reference=email.reference, url=settings.base_url + email.path,
                      force=settings.force, outcome=email.outcome)
    to, attempts = recipient.email, email.attempts
    db.session.commit()  # no transaction held open across the SMTP conversation
    result = mailer.send(to=to, subject=wording.subject, body=wording.body, message_id=email.uuid)
    now = utcnow()
    sent = {"to_address": to, "subject": wording.subject, "body": wording.body, "transport": mailer.name,
            "last_error": result.error}
    if result.outcome is Outcome.ACCEPTED:
        _finish(email, case, report, "sent", status=EmailStatus.SENT, sent_at=now, next_attempt_at=None, **sent)
    elif result.outcome is Outcome.RETRY and attempts < settings.max_attempts:
        _finish(email, case, report, "retrying", status=EmailStatus.QUEUED, next_attempt_at=now + backoff(attempts),
                **sent)
    else:
        _finish(email, case, report, "failed", status=EmailStatus.FAILED, next_attempt_at=None, **sent)


@commits
def _finish(email: OutgoingEmail, case: Case, report: EmailReport, counter: str, **values) -> None:
    """Record the outcome if the row is still ours (a claim that ran out may have been taken)."""
    done = db.session.execute(
        update(OutgoingEmail).where(OutgoingEmail.id == email.id, OutgoingEmail.status == EmailStatus.SENDING)
        .values(**values).execution_options(synchronize_session=False)
    ).rowcount == 1
    if done and counter != "retrying":
        audit.record(None, f"email.{counter}", case, email=email.id, kind=email.kind.value, to=email.recipient_id,
                     attempts=email.attempts, **({"error": values["last_error"]} if values.get("last_error") else {}))
    db.session.commit()
    if done:
        setattr(report, counter, getattr(report, counter) + 1)

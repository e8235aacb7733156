"""Emails to staff: the queue (one row per email and recipient), sent by the scheduler.

A row is added in the same transaction as the change it tells someone about, so an email
exists exactly when its change committed; the scheduler sends it afterwards and a failed send
is retried, never losing the user's action. `next_attempt_at` is when a row next needs the
dispatcher: a queued email's send (or retry) time, a claimed email's claim expiry. Rows hold
the case's reference and a link, never anything about the victim or the perpetrator.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime
from app.models.user import User, enum_column


class EmailKind(enum.StrEnum):
    APPLICATION_WAITING = "application_waiting"  # to the authorising ranks for the case's area
    DECISION_MADE = "decision_made"  # to the officer who submitted the application
    CONCERN_REPORTED = "concern_reported"  # to the officer in the case
    REFERRAL_RETURNED = "referral_returned"  # to the officer who sent the referral
    CASE_HANDED_OVER = "case_handed_over"  # to the new officer in the case

    @property
    def label(self) -> str:
        return {
            EmailKind.APPLICATION_WAITING: "Application waiting for a decision",
            EmailKind.DECISION_MADE: "Decision on an application",
            EmailKind.CONCERN_REPORTED: "Concern reported by a caseworker",
            EmailKind.REFERRAL_RETURNED: "Referral returned by a service",
            EmailKind.CASE_HANDED_OVER: "Case handed over",
        }[self]


class EmailStatus(enum.StrEnum):
    QUEUED = "queued"  # waiting to be sent, or to be retried at next_attempt_at
    SENDING = "sending"  # claimed by a dispatcher until next_attempt_at
    SENT = "sent"  # the SMTP server accepted it (or the outbox recorded it)
    FAILED = "failed"  # refused for good, or out of attempts
    CANCELLED = "cancelled"  # the recipient's account was deactivated before it went


class OutgoingEmail(db.Model):
    __tablename__ = "email_message"
    __table_args__ = (Index("ix_email_message_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)  # the Message-ID's left part
    kind: Mapped[EmailKind] = mapped_column(enum_column(EmailKind, length=40))
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(String(40))  # the case reference, when queued
    path: Mapped[str] = mapped_column(String(200))  # the page the email links to, under BASE_URL
    outcome: Mapped[str | None] = mapped_column(String(20))  # a decision's outcome, for its wording
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    to_address: Mapped[str | None] = mapped_column(String(254))  # the address it went to
    status: Mapped[EmailStatus] = mapped_column(enum_column(EmailStatus), default=EmailStatus.QUEUED)
    transport: Mapped[str | None] = mapped_column(String(20))  # outbox or smtp, once tried
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(200))  # the server's answer, no personal data
    subject: Mapped[str | None] = mapped_column(String(200))  # as sent
    body: Mapped[str | None] = mapped_column(Text)  # as sent

    recipient: Mapped[User] = relationship()

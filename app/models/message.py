"""Reminder texts: the outbox (one row per planned text), the plan and the templates.

The message table is the queue. `wake_at` is when a row next needs the dispatcher, whatever
its status: a planned text's send time (or retry time), a claimed or sending text's claim
expiry, an outcome-unknown text's next search of the provider's records (None once a person
must decide), a sent text's expiry for want of a delivery receipt. One index on (status,
wake_at) serves every sweep, so the cost of a sweep grows with what is due, not with the
history.
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.reminders import ContentKind
from app.extensions import db
from app.models.audit import append_only
from app.models.types import UTCDateTime
from app.models.user import User, enum_column

if TYPE_CHECKING:
    from app.models.case import Case


class MessageStatus(enum.StrEnum):
    """A text's state in the queue (docs/architecture.md, "The reminder texts' queue").

    CLAIMED: a dispatcher has it but has not handed it to the provider; if the claim runs
    out it is planned again (certainly never sent). SENDING: handed to the provider, answer
    awaited. UNKNOWN: perhaps sent (the dispatcher stopped or the answer never came): never
    sent again automatically; a receipt or the provider's records settle it, else a person.
    """

    PLANNED = "planned"
    CLAIMED = "claimed"
    SENDING = "sending"
    UNKNOWN = "unknown"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return "Outcome unknown" if self is MessageStatus.UNKNOWN else self.value.capitalize()


class TextPlanVersion(db.Model):
    """The message plan an admin saved: [{"anchor", "day", "send_at", "kind"}]. Newest wins."""

    __tablename__ = "text_plan_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    steps: Mapped[list] = mapped_column(JSON)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    created_by: Mapped[User] = relationship()


class TextCadenceVersion(db.Model):
    """The cadence for orders longer than 28 days or until further order (domain/cadence.py)
    an admin saved: {"early_every_days", ..., "send_at": "10:00"}. Newest wins."""

    __tablename__ = "text_cadence_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cadence: Mapped[dict] = mapped_column(JSON)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    created_by: Mapped[User] = relationship()


class TextTemplate(db.Model):
    """One version of the wording for a kind of text. Kept for ever: a message names the
    version it was rendered from, so the exact text sent is evidence."""

    __tablename__ = "text_template"
    __table_args__ = (UniqueConstraint("kind", "version", name="uq_text_template_kind_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[ContentKind] = mapped_column(enum_column(ContentKind))
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # None: the built-in wording
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()


class TextMessage(db.Model):
    """One planned text to P, from planning to its delivery receipt."""

    __tablename__ = "text_message"
    __table_args__ = (
        Index("ix_text_message_status_wake_at", "status", "wake_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Made at planning time and sent as Vonage's client_ref: the receipt finds its row by it.
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("trial_enrolment.id", ondelete="CASCADE"), index=True)
    step_key: Mapped[str] = mapped_column(String(16))
    kind: Mapped[ContentKind] = mapped_column(enum_column(ContentKind))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deferred: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[MessageStatus] = mapped_column(enum_column(MessageStatus), default=MessageStatus.PLANNED)
    wake_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When the latest attempt was handed to the transport (committed before the request):
    # the provider's records are searched from here.
    handed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the outcome became unknown, and when the provider's records were last searched.
    unknown_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    transport: Mapped[str | None] = mapped_column(String(16))
    provider_id: Mapped[str | None] = mapped_column(String(100))
    error: Mapped[str | None] = mapped_column(String(200))
    # What was sent, to whom, from which template version: filled when it is sent.
    to_e164: Mapped[str | None] = mapped_column(String(16))
    body: Mapped[str | None] = mapped_column(Text)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("text_template.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    receipt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    receipt_status: Mapped[str | None] = mapped_column(String(16))
    cancelled_reason: Mapped[str | None] = mapped_column(String(200))

    template: Mapped[TextTemplate | None] = relationship()
    case: Mapped[Case] = relationship("Case", viewonly=True)


class OutboxRecord(db.Model):
    """What the outbox transport "sent" (app/sms/outbox.py), written in its own transaction
    before it answers, so that a text whose dispatcher stopped before recording the answer
    can be reconciled in development as against Vonage's records. No number, no text."""

    __tablename__ = "outbox_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_ref: Mapped[str] = mapped_column(String(100), index=True)
    provider_id: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


append_only(TextPlanVersion, "message plans")
append_only(TextCadenceVersion, "message cadences")
append_only(TextTemplate, "message templates")

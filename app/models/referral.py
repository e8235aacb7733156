"""Referrals of V to a victim support service (Victims' Code, Right 4), and the caseworker's log.

A referral is created when the notice is served and is due by the Code's two working days.
What the service receives is the `content` snapshot taken when it is sent, plus the order's
end, kept current; a caseworker reads nothing else of the case. Caseworkers' notes stay on
their own rows and are never shown to police: police see when, how and the outcome.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, and_, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.referrals import Consent, ContactMethod, ContactOutcome
from app.extensions import db
from app.models.types import UTCDateTime
from app.models.user import User, enum_column


class SupportService(db.Model):
    """A victim support organisation police refer to; kept by an admin."""

    __tablename__ = "support_service"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # One of the force's areas, or None for force-wide.
    area: Mapped[str | None] = mapped_column(String(60))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def area_label(self) -> str:
        return self.area or "Force-wide"


class ReferralStatus(enum.StrEnum):
    AWAITING = "awaiting"  # police to ask V and send
    DECLINED = "declined"  # V declined: recorded, not sent
    SENT = "sent"  # in the service's inbox
    ACCEPTED = "accepted"  # a caseworker has taken it on
    RETURNED = "returned"  # back with police: no contact by the end of the order
    # The order ended while V was engaged: support goes on until a caseworker closes it
    # (domain.referral_end). Its own status keeps it out of the end-of-order sweep's range.
    SUPPORTING = "supporting"
    CLOSED = "closed"  # support ended: by a caseworker with a reason, or V declined and the order ended

    @property
    def label(self) -> str:
        return {"awaiting": "To send", "declined": "Declined by the victim", "sent": "Sent, not yet accepted",
                "accepted": "Accepted by the service", "returned": "Returned to police",
                "supporting": "Support continuing after the order", "closed": "Closed"}[self.value]

    @classmethod
    def with_service(cls) -> list[ReferralStatus]:
        return [cls.SENT, cls.ACCEPTED, cls.SUPPORTING, cls.RETURNED, cls.CLOSED]


class Referral(db.Model):
    __tablename__ = "referral"
    __table_args__ = (
        # The sweep: open referrals by when they are due, and by when they are nearly due.
        Index("ix_referral_status_due_at", "status", "due_at"),
        Index("ix_referral_status_warn_at", "status", "warn_at"),
        # The return sweep: referrals with a service whose order has ended.
        Index("ix_referral_status_order_ends_at", "status", "order_ends_at"),
        # A caseworker's inbox.
        Index("ix_referral_service_status", "service_id", "status"),
        # The list of Code breaches. Partial, so the planner can never take it for the sweep's
        # "not yet flagged" (IS NULL), which matches nearly every row once history builds up.
        Index("ix_referral_code_breach_at", "code_breach_at", sqlite_where=text("code_breach_at IS NOT NULL"),
              postgresql_where=text("code_breach_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    victim_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    status: Mapped[ReferralStatus] = mapped_column(enum_column(ReferralStatus), default=ReferralStatus.AWAITING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The trigger (service of the notice, or the authorising officer's refusal of it) and
    # the Code's instants derived from it by
    # services.referrals through deadlines.referral_due / referral_warning.
    trigger_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Fixed at creation, so a later change of setting never moves a running deadline.
    working_days: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    warn_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set once (by the sweep, or on a late send or refusal) and never cleared: a breach of
    # the Code stays counted after the referral goes.
    code_breach_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # What police record with V.
    consent: Mapped[Consent | None] = mapped_column(enum_column(Consent))
    consent_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    safe_number: Mapped[str | None] = mapped_column(String(20))
    safe_to_call: Mapped[bool | None] = mapped_column(Boolean)
    safe_times: Mapped[list] = mapped_column(JSON, default=list)  # DayPart values
    safe_times_notes: Mapped[str | None] = mapped_column(String(200))
    agreed_methods: Mapped[list] = mapped_column(JSON, default=list)  # ContactMethod values beyond a withheld call
    language: Mapped[str | None] = mapped_column(String(80))
    interpreter: Mapped[bool | None] = mapped_column(Boolean)
    other_needs: Mapped[str | None] = mapped_column(Text)
    police_summary: Mapped[str | None] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Sending, or recording V's refusal.
    service_id: Mapped[int | None] = mapped_column(ForeignKey("support_service.id"))
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # sent, or refusal recorded
    settled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    content: Mapped[dict | None] = mapped_column(JSON)  # what the service received

    # Kept current with the order: granted, varied, discharged or expired.
    order_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    protection_stage: Mapped[str] = mapped_column(String(20), default="notice")
    high_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    marac_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    marac_done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    # The service's side.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    follow_up_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    follow_up_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # None: the sweep
    return_reason: Mapped[str | None] = mapped_column(Text)
    return_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_seen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Support ended: closed by a caseworker (with the reason police read) or by the sweep at
    # the order's end when V had declined (closed_by_id None).
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    close_reason: Mapped[str | None] = mapped_column(Text)
    # A follow-up call the caseworker planned with a V who engaged, due from 00:00 London that
    # day; it may fall after the order's end. Cleared by an attempt logged on or after it.
    support_follow_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    victim: Mapped["Person"] = relationship()  # noqa: F821, UP037
    service: Mapped[SupportService | None] = relationship()
    attempts: Mapped[list[ContactAttempt]] = relationship(
        order_by="ContactAttempt.attempted_at", cascade="all, delete-orphan", back_populates="referral"
    )
    concerns: Mapped[list[ReferralConcern]] = relationship(
        order_by="ReferralConcern.reported_at", cascade="all, delete-orphan", back_populates="referral"
    )


# A high-risk referral still waiting for its MARAC referral: the dashboard's MARAC task reads
# these in due order from their own index and stops after the lines it shows (migration
# 18b0taskidx00). The task's query must say this same predicate for the planner to use it.
MARAC_OPEN = and_(Referral.high_risk == true(), Referral.marac_done_at.is_(None))
Index("ix_referral_marac_open", Referral.due_at, Referral.id, sqlite_where=MARAC_OPEN, postgresql_where=MARAC_OPEN)


class ContactAttempt(db.Model):
    """One attempt by a caseworker to reach V. `notes` are the service's alone."""

    __tablename__ = "contact_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    method: Mapped[ContactMethod] = mapped_column(enum_column(ContactMethod))
    outcome: Mapped[ContactOutcome] = mapped_column(enum_column(ContactOutcome))
    call_near_end_agreed: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    referral: Mapped[Referral] = relationship(back_populates="attempts")
    recorded_by: Mapped[User] = relationship()


class ConcernStatus(enum.StrEnum):
    OPEN = "open"
    ACTIONED = "actioned"


class ReferralConcern(db.Model):
    """A caseworker's report to police of a possible breach or a safety concern."""

    __tablename__ = "referral_concern"
    __table_args__ = (Index("ix_referral_concern_status_case", "status", "case_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    what: Mapped[str] = mapped_column(Text)
    possible_breach: Mapped[bool] = mapped_column(Boolean, default=True)
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[ConcernStatus] = mapped_column(enum_column(ConcernStatus), default=ConcernStatus.OPEN)
    actioned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actioned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    action_note: Mapped[str | None] = mapped_column(Text)

    referral: Mapped[Referral] = relationship(back_populates="concerns")
    reported_by: Mapped[User] = relationship(foreign_keys=[reported_by_id])

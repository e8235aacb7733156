"""The application for a notice, its sections, and the authorising officer's decision."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.audit import append_only
from app.models.types import UTCDateTime
from app.models.user import User, enum_column


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    AUTHORISED = "authorised"
    REFUSED = "refused"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return {
            ApplicationStatus.DRAFT: "Draft",
            ApplicationStatus.SUBMITTED: "Awaiting decision",
            ApplicationStatus.AUTHORISED: "Authorised",
            ApplicationStatus.REFUSED: "Refused",
            ApplicationStatus.RETURNED: "Returned for more information",
        }[self]


class DecisionOutcome(enum.StrEnum):
    AUTHORISE = "authorise"
    REFUSE = "refuse"
    RETURN = "return"


class Application(db.Model):
    __tablename__ = "notice_application"
    __table_args__ = (
        UniqueConstraint("case_id", "number", name="uq_notice_application_case_number"),
        # The authorisation queue: submitted applications, oldest first.
        Index("ix_notice_application_status_submitted_at", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[ApplicationStatus] = mapped_column(enum_column(ApplicationStatus))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The application this one was started from after a refusal or a return.
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("notice_application.id"))

    case = relationship("Case", back_populates="applications")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    sections: Mapped[list[ApplicationSection]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ApplicationSection.key"
    )
    decision: Mapped[AuthorisationDecision | None] = relationship(back_populates="application", uselist=False)

    @property
    def section_data(self) -> dict[str, dict]:
        return {s.key: s.data for s in self.sections}


class ApplicationSection(db.Model):
    __tablename__ = "application_section"
    __table_args__ = (UniqueConstraint("application_id", "key", name="uq_application_section_application_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("notice_application.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict] = mapped_column(JSON)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship(back_populates="sections")


class AuthorisationDecision(db.Model):
    """A decision is final: never updated or deleted (ORM guard here, triggers in the migration)."""

    __tablename__ = "authorisation_decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("notice_application.id"), unique=True)
    outcome: Mapped[DecisionOutcome] = mapped_column(enum_column(DecisionOutcome))
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The authorising officer's rank as it was at the time: printed on the notice.
    decided_by_rank: Mapped[str | None] = mapped_column(String(60))
    rationale: Mapped[str] = mapped_column(Text)
    # [{"code": ..., "text": ..., "citation": ..., "met": true|false|null, "note": ...}]
    checklist: Mapped[list] = mapped_column(JSON)

    application: Mapped[Application] = relationship(back_populates="decision")
    decided_by: Mapped[User] = relationship()


append_only(AuthorisationDecision, "authorisation decisions (final)")

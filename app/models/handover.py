"""A case handed from one officer in the case to another, with the note the new officer reads.

Append-only: a handover is a record of who had the case and when. A handover made by
mistake is put right by another handover, never by changing this one (the ORM refuses
updates and deletes here, and migration 15e0correct00 adds triggers that refuse the same).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.audit import append_only
from app.models.types import UTCDateTime
from app.models.user import User


class CaseHandover(db.Model):
    __tablename__ = "case_handover"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    from_officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    to_officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text)
    # Part of handing over all of a leaver's cases at once (services.handovers.hand_over_all).
    leaver: Mapped[bool] = mapped_column(Boolean, default=False)

    from_officer: Mapped[User] = relationship(foreign_keys=[from_officer_id])
    to_officer: Mapped[User] = relationship(foreign_keys=[to_officer_id])
    by: Mapped[User] = relationship(foreign_keys=[by_id])


append_only(CaseHandover, "handovers")

"""What the police ask the court to include in a DAPO beyond the notice's provisions (one per case)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime
from app.models.user import User


class OrderSought(db.Model):
    __tablename__ = "order_sought"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), unique=True)
    # [{"kind", "wording", "supervisor", "suitability_evidence"}]: requirements to do something.
    positive: Mapped[list] = mapped_column(JSON, default=list)
    # {"kind", "detail", "p_expected_present", "third_party_consent", "available_in_area"} or None.
    monitoring: Mapped[dict | None] = mapped_column(JSON)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    updated_by: Mapped[User] = relationship()

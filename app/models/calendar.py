"""One-off bank holidays an admin adds before the `holidays` package knows them."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime
from app.models.user import User


class ExtraBankHoliday(db.Model):
    __tablename__ = "extra_bank_holiday"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(120))
    added_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)

    added_by: Mapped[User] = relationship()

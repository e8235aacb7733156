"""The append-only audit log: who did what, when, to which case.

Rows are never updated or deleted: the ORM refuses here, and database triggers (see the
migration) refuse for anything that bypasses the ORM.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime
from app.models.user import User


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_case_id_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship()


class AppendOnlyError(RuntimeError):
    pass


# The tables of every model made append-only below and in the other model modules.
APPEND_ONLY_TABLES: set[str] = set()


def append_only(model, what: str) -> None:
    """Make the ORM refuse to update or delete rows of `model` (records that are evidence).

    The migrations add database triggers that refuse the same for anything else, and on
    PostgreSQL the app's database role is granted only SELECT and INSERT on the table
    (app/database_roles.py).
    """
    APPEND_ONLY_TABLES.add(model.__tablename__)

    def refuse(verb):
        def listener(mapper, connection, target):  # noqa: ARG001
            raise AppendOnlyError(f"{what} cannot be {verb}")

        return listener

    event.listen(model, "before_update", refuse("changed"))
    event.listen(model, "before_delete", refuse("deleted"))


append_only(AuditEntry, "audit entries")

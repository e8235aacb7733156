"""Records under a DAPO (issue 13): P's notifications to the police (DAA 2021 s.41) and the
criminal path of a breach (s.39). Rules and citations: app/domain/notification and
app/domain/criminal_breach.

Both are evidence, written once: the ORM refuses to change or delete them and the
migration adds triggers that refuse the same. The names and addresses P notified are
personal data: stored here, shown to case readers, never written to the audit or logs.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.domain.criminal_breach import Step
from app.domain.notification import Exemption, NotificationKind, NotificationMethod
from app.extensions import db
from app.models.audit import append_only
from app.models.court import Breach, ProtectionOrder
from app.models.types import UTCDateTime
from app.models.user import User, enum_column


class OrderNotification(db.Model):
    """A notification P gave the police under s.41 (initial, or a change), or the s.41(8)
    exemption that means none is required."""

    __tablename__ = "order_notification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("protection_order.id", ondelete="CASCADE"), index=True)
    kind: Mapped[NotificationKind] = mapped_column(enum_column(NotificationKind, length=16))
    exemption: Mapped[Exemption | None] = mapped_column(enum_column(Exemption, length=16))
    # What P notified (personal data): every name, one a line; the home address, or "none".
    names: Mapped[str | None] = mapped_column(Text)
    home_address: Mapped[str | None] = mapped_column(Text)
    # The day a change happened (s.41(4)-(6)); None for the initial notification.
    changed_on: Mapped[date | None] = mapped_column(Date)
    # When P gave it (for an exemption: when it was checked).
    notified_at: Mapped[datetime] = mapped_column(UTCDateTime)
    method: Mapped[NotificationMethod | None] = mapped_column(enum_column(NotificationMethod, length=16))
    given_where: Mapped[str | None] = mapped_column(Text)  # the police station, or how else
    taken_by: Mapped[str] = mapped_column(String(120))
    # Derived when recorded (domain.notification.due / is_late), kept to list late ones.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    recorded_by: Mapped[User] = relationship()
    order: Mapped[ProtectionOrder] = relationship(
        backref=backref("notifications", order_by="OrderNotification.id", viewonly=True))


class BreachCriminalStep(db.Model):
    """One step on a DAPO breach's criminal path (custody, charge, remand, plea, verdict,
    sentence), or its punishment as a contempt instead. Steps that happen once (custody,
    verdict, sentence, contempt) carry `once` so the database refuses a second."""

    __tablename__ = "breach_criminal_step"
    __table_args__ = (UniqueConstraint("breach_id", "once", name="uq_breach_criminal_step_breach_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    breach_id: Mapped[int] = mapped_column(ForeignKey("breach.id"), index=True)
    step: Mapped[Step] = mapped_column(enum_column(Step, length=16))
    once: Mapped[str | None] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The charge decision, plea, verdict, sentence or remand kind.
    value: Mapped[str | None] = mapped_column(String(24))
    route: Mapped[str | None] = mapped_column(String(16))  # summary / indictment, with a conviction
    until_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # bail to answer, remand to
    term: Mapped[int | None] = mapped_column(Integer)
    term_unit: Mapped[str | None] = mapped_column(String(8))
    fine_pence: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    recorded_by: Mapped[User] = relationship()
    breach: Mapped[Breach] = relationship(
        backref=backref("criminal_steps", order_by="BreachCriminalStep.id", viewonly=True))


append_only(OrderNotification, "notifications under the order")
append_only(BreachCriminalStep, "steps on a breach's criminal path")

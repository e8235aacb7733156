"""Records around the hearing and the order (issue 12): the notice of the hearing to P,
the order served on P, and V told of the order. Rules and citations: app/domain/order_records.

The notice-of-hearing steps and "V told" are evidence, written once: the ORM refuses to
change or delete them and the migration adds triggers that refuse the same. The order's
service row is made at the grant (it fixes the practice target) and its service is filled
in once, by a conditional UPDATE (services/order_records).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.domain.order_records import HearingNoticeKind, HearingNoticeMethod, OrderServiceMethod, VictimToldMethod
from app.extensions import db
from app.models.audit import append_only
from app.models.case import Case, Person
from app.models.court import ProtectionOrder
from app.models.types import UTCDateTime
from app.models.user import User, enum_column


class HearingNotice(db.Model):
    """One step in giving P notice of the hearing: given (when, how, by whom), or not given
    with the reasonable efforts made (DAA 2021 s.29(4)-(6); CSA 2010 s.27)."""

    __tablename__ = "hearing_notice"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    kind: Mapped[HearingNoticeKind] = mapped_column(enum_column(HearingNoticeKind, length=16))
    # When it was given; for efforts, when the last effort was made.
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    method: Mapped[HearingNoticeMethod | None] = mapped_column(enum_column(HearingNoticeMethod, length=24))
    method_details: Mapped[str | None] = mapped_column(Text)
    by_name: Mapped[str] = mapped_column(String(120))
    efforts: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    recorded_by: Mapped[User] = relationship()
    case: Mapped[Case] = relationship(backref=backref("hearing_notices", order_by="HearingNotice.id"))


class OrderService(db.Model):
    """The order served on P: made at the grant with the practice target fixed, so a later
    change of ORDER_SERVICE_HOURS never moves a running target; served once."""

    __tablename__ = "order_service"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("protection_order.id", ondelete="CASCADE"), unique=True)
    # The start of the hearing at which the order was made: the target counts from here.
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # None: an order granted before targets were fixed (no practice clock).
    target_hours: Mapped[int | None] = mapped_column(Integer)
    served_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    served_by: Mapped[str | None] = mapped_column(String(120))
    method: Mapped[OrderServiceMethod | None] = mapped_column(enum_column(OrderServiceMethod, length=16))
    method_details: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recorded_by: Mapped[User | None] = relationship()
    order: Mapped[ProtectionOrder] = relationship(backref=backref("service", uselist=False))


class VictimToldOfOrder(db.Model):
    """V told of the order: its conditions, its end and what to do if it is breached, by
    whom, when, how, and whether V was given a copy. One per victim per order."""

    __tablename__ = "victim_told_of_order"
    __table_args__ = (
        UniqueConstraint("order_id", "victim_id", name="uq_victim_told_of_order_order_victim"),
        Index("ix_victim_told_of_order_case_id", "case_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("protection_order.id", ondelete="CASCADE"))
    victim_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    told_at: Mapped[datetime] = mapped_column(UTCDateTime)
    told_by: Mapped[str] = mapped_column(String(120))
    method: Mapped[VictimToldMethod] = mapped_column(enum_column(VictimToldMethod, length=16))
    method_details: Mapped[str | None] = mapped_column(Text)
    copy_given: Mapped[bool] = mapped_column(Boolean)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    recorded_by: Mapped[User] = relationship()
    victim: Mapped[Person] = relationship()
    order: Mapped[ProtectionOrder] = relationship(backref=backref("victims_told", order_by="VictimToldOfOrder.id"))


append_only(HearingNotice, "records of the notice of the hearing")
append_only(VictimToldOfOrder, "records of the victim told of the order")

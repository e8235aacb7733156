"""Court: the bundle, hearings, the order and its changes, and breaches."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.breach_law import BreachOutcome, RemandKind
from app.extensions import db
from app.models.audit import append_only
from app.models.types import UTCDateTime
from app.models.user import User, enum_column


class Document(db.Model):
    """An uploaded file in a case's court bundle. Stored outside static/ under a random name."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    item_key: Mapped[str] = mapped_column(String(32))
    breach_id: Mapped[int | None] = mapped_column(ForeignKey("breach.id"))
    original_name: Mapped[str] = mapped_column(String(160))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Removed from the bundle (kept as evidence that it was there).
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    uploaded_by: Mapped[User] = relationship(foreign_keys=[uploaded_by_id])


class BundleTick(db.Model):
    """An officer's tick on a bundle item generated from the case: who checked it, when."""

    __tablename__ = "bundle_tick"
    __table_args__ = (UniqueConstraint("case_id", "item_key", name="uq_bundle_tick_case_item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(String(32))
    ticked_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    ticked_at: Mapped[datetime] = mapped_column(UTCDateTime)

    ticked_by: Mapped[User] = relationship()


class CourtSubmission(db.Model):
    """The fee and the sending of the application to court (one per case)."""

    __tablename__ = "court_submission"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), unique=True)
    fee_pence: Mapped[int | None] = mapped_column(Integer)
    fee_contested: Mapped[bool | None] = mapped_column(Boolean)
    fee_reference: Mapped[str | None] = mapped_column(String(60))
    fee_paid_on: Mapped[date | None] = mapped_column(Date)
    fee_receipt_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    fee_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    fee_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    court_name: Mapped[str | None] = mapped_column(String(120))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_how: Mapped[str | None] = mapped_column(String(60))
    sent_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    sent_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    fee_receipt: Mapped[Document | None] = relationship(foreign_keys=[fee_receipt_id])
    fee_recorded_by: Mapped[User | None] = relationship(foreign_keys=[fee_recorded_by_id])
    sent_recorded_by: Mapped[User | None] = relationship(foreign_keys=[sent_recorded_by_id])


class HearingOutcome(enum.StrEnum):
    GRANTED = "granted"
    REFUSED = "refused"
    ADJOURNED = "adjourned"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"granted": "Order granted", "refused": "Order refused", "adjourned": "Adjourned",
                "withdrawn": "Application withdrawn"}[self.value]


class Hearing(db.Model):
    """A listing of the application before the magistrates; an adjournment lists another."""

    __tablename__ = "hearing"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    court_name: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Why a listing after the statutory deadline was accepted (the court could not list earlier).
    late_reason: Mapped[str | None] = mapped_column(Text)
    # When the hearing began, where an officer recorded it after the notice showed as lapsed
    # (services.lapse.record_hearing_began): the hearing has begun though no outcome is recorded.
    began_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    listed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    listed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[HearingOutcome | None] = mapped_column(enum_column(HearingOutcome))
    contested: Mapped[bool | None] = mapped_column(Boolean)
    outcome_notes: Mapped[str | None] = mapped_column(Text)
    outcome_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    listed_by: Mapped[User] = relationship(foreign_keys=[listed_by_id])
    outcome_by: Mapped[User | None] = relationship(foreign_keys=[outcome_by_id])


class OrderStatus(enum.StrEnum):
    IN_FORCE = "in_force"
    EXPIRED = "expired"
    DISCHARGED = "discharged"


class ProtectionOrder(db.Model):
    """The DVPO (or DAPO) the court made."""

    __tablename__ = "protection_order"
    __table_args__ = (
        # The expiry sweep and the "ending within 3 days" panel: orders in force by end.
        Index("ix_protection_order_status_ends_at", "status", "ends_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), unique=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearing.id"))
    made_on: Mapped[date] = mapped_column(Date)
    # None: a DAPO "until further order" (DAA 2021 s.38), which never ends by itself. A DVPO
    # always has 14 to 28 days (CSA 2010 s.28(10)).
    days: Mapped[int | None] = mapped_column(Integer)
    # Derived from made_on and days by services.court, kept to sweep and sort on (None: no end).
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Dates the court set to review an order (a DAPO), ISO dates in order.
    review_dates: Mapped[list] = mapped_column(JSON, default=list)
    # [{"kind": ..., "distance_metres": ...}], pre-filled from those proposed.
    conditions: Mapped[list] = mapped_column(JSON)
    removal_not_granted: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[OrderStatus] = mapped_column(enum_column(OrderStatus), default=OrderStatus.IN_FORCE)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Welfare visits (issue 16; practice, not law): the days after a visit done at this order
    # before its geofence alerts again, set by a supervisor on the tasking view with a reason
    # (services/welfare_recurrence). None: the force's WELFARE_VISIT_SNOOZE_DAYS.
    welfare_recurrence_days: Mapped[int | None] = mapped_column(Integer)
    welfare_recurrence_reason: Mapped[str | None] = mapped_column(Text)
    welfare_recurrence_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    welfare_recurrence_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    events: Mapped[list[OrderEvent]] = relationship(order_by="OrderEvent.id")
    welfare_recurrence_by: Mapped[User | None] = relationship(foreign_keys=[welfare_recurrence_by_id])
    # A DAPO's requirements and electronic monitoring (models/dapo.py; DAA 2021 ss.35-37).
    requirements: Mapped[list[OrderRequirement]] = relationship(  # noqa: F821
        order_by="OrderRequirement.id", viewonly=True)
    monitoring: Mapped[list[ElectronicMonitoring]] = relationship(  # noqa: F821
        order_by="ElectronicMonitoring.id", viewonly=True)

    @property
    def in_force(self) -> bool:
        return self.status is OrderStatus.IN_FORCE

    @property
    def until_further_order(self) -> bool:
        return self.ends_at is None


# The orders by status, oldest first: the dashboard's tasks from orders in force (the victim
# to tell, the initial notification overdue, the reviews of the week) read them in this order
# from the index and stop after their lines, instead of sorting every order in force
# (migration 18b0taskidx00). Not partial: SQLite's planner prefers an index it can search by
# `status = ?` (ix_protection_order_status_ends_at) over a partial one it would scan.
Index("ix_protection_order_status_made_on", ProtectionOrder.status, ProtectionOrder.made_on, ProtectionOrder.case_id)


class OrderEventKind(enum.StrEnum):
    VARIED = "varied"
    DISCHARGED = "discharged"
    # An application to vary or discharge a DAPO that the court refused (DAA 2021 s.44).
    APPLICATION_REFUSED = "application_refused"


class OrderEvent(db.Model):
    __tablename__ = "order_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("protection_order.id", ondelete="CASCADE"), index=True)
    kind: Mapped[OrderEventKind] = mapped_column(enum_column(OrderEventKind))
    court_date: Mapped[date] = mapped_column(Date)
    details: Mapped[str] = mapped_column(Text)
    # A DAPO: who applied (DAA 2021 s.44(3), or the court of its own motion, s.44(2)(b)) and,
    # where V sought to discharge or lessen the order, that the court heard V (s.44(4)(b)).
    applicant: Mapped[str | None] = mapped_column(String(32))
    victim_heard: Mapped[bool | None] = mapped_column(Boolean)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    recorded_by: Mapped[User] = relationship()


class BreachSource(enum.StrEnum):
    VICTIM = "victim"
    CASEWORKER = "caseworker"
    OFFICER_VISIT = "officer_visit"
    THIRD_PARTY = "third_party"

    @property
    def label(self) -> str:
        return {"victim": "The victim", "caseworker": "A caseworker", "officer_visit": "An officer's visit",
                "third_party": "A third party"}[self.value]


class Breach(db.Model):
    __tablename__ = "breach"
    __table_args__ = (
        # Open arrests by court deadline: the breach clocks on the dashboard.
        Index("ix_breach_outcome_court_deadline", "outcome", "court_deadline_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    # None: a breach of the notice, before any order.
    order_id: Mapped[int | None] = mapped_column(ForeignKey("protection_order.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    description: Mapped[str] = mapped_column(Text)
    source: Mapped[BreachSource] = mapped_column(enum_column(BreachSource))
    arrested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    arresting_officer: Mapped[str | None] = mapped_column(String(120))
    # Derived from arrested_at and, for a breach of the notice, the hearing of the application
    # (clock_cache.court_deadline_for); kept in step while open by clock_cache.refresh_urgency.
    court_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When P, arrested, was first brought before the court for it: the arrest clock stops.
    # An adjourned breach has this and no outcome yet.
    before_court_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A breach of a DAPO (an offence): when P was charged or released (the charging decision,
    # app.models.dapo_records.BreachCriminalStep). PACE's 24 hours without charge stop here.
    charge_decision_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[BreachOutcome | None] = mapped_column(enum_column(BreachOutcome))
    fine_pence: Mapped[int | None] = mapped_column(Integer)
    custody_days: Mapped[int | None] = mapped_column(Integer)
    outcome_notes: Mapped[str | None] = mapped_column(Text)
    outcome_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])
    order: Mapped[ProtectionOrder | None] = relationship()
    remands: Mapped[list[Remand]] = relationship(order_by="Remand.id", viewonly=True)

    @property
    def awaits_court(self) -> bool:
        """The court has still to deal with it: a breach of an order until its finding, a
        breach of the notice only when P was arrested for it (otherwise it is simply weighed
        at the hearing of the application)."""
        return self.outcome is None and (self.order_id is not None or self.arrested_at is not None)

    @property
    def arrest_open(self) -> bool:
        """Arrested and not yet before the court (nor, for a DAPO, charged or released): the
        arrest clock runs."""
        return (self.arrested_at is not None and self.before_court_at is None and self.outcome is None
                and self.charge_decision_at is None)


class Remand(db.Model):
    """The court remanded P, in custody or on bail, until a next listing: for a breach of the
    notice (DAA 2021 s.26(5)-(7)), an adjourned breach of a DVPO (CSA 2010 s.29, s.30), or an
    adjourned hearing of the application P was brought to under arrest (DAA 2021 s.29(8)).
    Append-only: a later remand is a new row."""

    __tablename__ = "remand"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    breach_id: Mapped[int | None] = mapped_column(ForeignKey("breach.id"), index=True)
    hearing_id: Mapped[int | None] = mapped_column(ForeignKey("hearing.id"), index=True)
    kind: Mapped[RemandKind] = mapped_column(enum_column(RemandKind))
    # When the court remanded P, and until when (the next listing).
    ordered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    until_at: Mapped[datetime] = mapped_column(UTCDateTime)
    bail_requirements: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    recorded_by: Mapped[User] = relationship()


append_only(Remand, "remands")

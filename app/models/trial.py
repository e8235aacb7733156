"""The reminder-text trial: who was assessed, who was allocated to which arm, and the switch.

Allocations are evidence for the trial's analysts: once saved they are never changed or
deleted (an ORM guard here, database triggers in the migration). A mistake is recorded as
a separate "randomised in error" row with its reason.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.randomiser import Arm
from app.extensions import db
from app.models.audit import append_only
from app.models.types import UTCDateTime
from app.models.user import User, enum_column


class DapoTexts(enum.StrEnum):
    """What a DAPO gets: the trial is Durham's, for DVPOs (seed 000), unless an admin says so."""

    OUTSIDE_TRIAL = "outside_trial"  # the default: texts by the cadence, not randomised
    TRIAL = "trial"  # randomised like a DVPO, in strata of its own
    NONE = "none"  # no texts

    @property
    def label(self) -> str:
        return {
            DapoTexts.OUTSIDE_TRIAL: "Texts outside the trial: every eligible DAPO gets texts",
            DapoTexts.TRIAL: "In the trial: randomised, in strata of their own",
            DapoTexts.NONE: "No texts for DAPOs",
        }[self]


class TrialSwitch(db.Model):
    """Each time an admin turns the trial on or off; the newest row is the current setting."""

    __tablename__ = "trial_switch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    running: Mapped[bool] = mapped_column(Boolean)
    stratified: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    # Whether DAPOs enter the trial (added with issue 13; older rows read as the default).
    dapo_texts: Mapped[DapoTexts] = mapped_column(enum_column(DapoTexts), default=DapoTexts.OUTSIDE_TRIAL,
                                                  server_default=DapoTexts.OUTSIDE_TRIAL.value)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    changed_by: Mapped[User] = relationship()


class EnrolmentStatus(enum.StrEnum):
    NOT_ELIGIBLE = "not_eligible"  # no valid UK mobile for P: the reason is counted for attrition
    AWAITING_ALLOCATION = "awaiting_allocation"
    EXCLUDED = "excluded"  # the officer found P not eligible when confirming
    ALLOCATED = "allocated"
    TRIAL_OFF = "trial_off"  # the trial was switched off: everyone eligible gets texts
    OUTSIDE_TRIAL = "outside_trial"  # a DAPO, which the trial leaves out: it gets texts (DapoTexts)
    NO_TEXTS = "no_texts"  # a DAPO, and DAPOs get no texts (DapoTexts)

    @property
    def label(self) -> str:
        return {
            EnrolmentStatus.NOT_ELIGIBLE: "Not eligible: no mobile number",
            EnrolmentStatus.AWAITING_ALLOCATION: "Waiting for allocation",
            EnrolmentStatus.EXCLUDED: "Not eligible (checked by an officer)",
            EnrolmentStatus.ALLOCATED: "Allocated",
            EnrolmentStatus.TRIAL_OFF: "Texts (trial switched off)",
            EnrolmentStatus.OUTSIDE_TRIAL: "Texts outside the trial (DAPO)",
            EnrolmentStatus.NO_TEXTS: "No texts (DAPOs are not texted)",
        }[self]


class TrialEnrolment(db.Model):
    """The assessment made when an order is granted, and P's number for the texts."""

    __tablename__ = "trial_enrolment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("protection_order.id", ondelete="CASCADE"), unique=True)
    status: Mapped[EnrolmentStatus] = mapped_column(enum_column(EnrolmentStatus), index=True)
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    mobile_e164: Mapped[str | None] = mapped_column(String(16))
    no_phone_reason: Mapped[str | None] = mapped_column(String(32), index=True)
    no_phone_other: Mapped[str | None] = mapped_column(Text)
    excluded_reason: Mapped[str | None] = mapped_column(Text)
    # Staff stopped the texts for this case (the reason is kept; nothing more is planned).
    texts_stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    texts_stopped_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    texts_stopped_reason: Mapped[str | None] = mapped_column(Text)

    allocation: Mapped[TrialAllocation | None] = relationship(back_populates="enrolment", uselist=False)

    @property
    def gets_texts(self) -> bool:
        if self.texts_stopped_at is not None or not self.mobile_e164:
            return False
        if self.status in (EnrolmentStatus.TRIAL_OFF, EnrolmentStatus.OUTSIDE_TRIAL):
            return True
        return (self.status is EnrolmentStatus.ALLOCATED and self.allocation is not None
                and self.allocation.arm is Arm.INTERVENTION)


class TrialAllocation(db.Model):
    """One randomisation: write-once. Position is the place in its stratum's concealed sequence."""

    __tablename__ = "trial_allocation"
    __table_args__ = (UniqueConstraint("stratum", "position", name="uq_trial_allocation_stratum_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("trial_enrolment.id"), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    stratum: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    arm: Mapped[Arm] = mapped_column(enum_column(Arm))
    # {"order_days": 28, "risk_level": "high", "age_band": "25-34"}: as the officer confirmed them.
    baseline: Mapped[dict] = mapped_column(JSON)
    pseudonym: Mapped[str] = mapped_column(String(16), unique=True)
    allocated_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    allocated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    enrolment: Mapped[TrialEnrolment] = relationship(back_populates="allocation")
    allocated_by: Mapped[User] = relationship()
    error: Mapped[AllocationError | None] = relationship(uselist=False)


class AllocationError(db.Model):
    """An allocation marked "randomised in error", with why: the allocation itself stays."""

    __tablename__ = "trial_allocation_error"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("trial_allocation.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    marked_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime)

    marked_by: Mapped[User] = relationship()


append_only(TrialSwitch, "trial switches")
append_only(TrialAllocation, "trial allocations")
append_only(AllocationError, "allocation corrections")

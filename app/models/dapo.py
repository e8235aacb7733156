"""A DAPO's requirements, electronic monitoring and the reports on them (DAA 2021 ss.35-37)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.dapo_requirements import KINDS, MonitoringKind, ReportKind, RequirementKind
from app.extensions import db
from app.models.audit import append_only
from app.models.types import UTCDateTime
from app.models.user import User, enum_column


class OrderRequirement(db.Model):
    """One requirement of a DAPO, with its own period (s.38). A variation that removes it
    sets `removed_on` and the event; one that changes it removes it and adds the new one,
    so the history stays. Nothing else changes after it is recorded."""

    __tablename__ = "order_requirement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("protection_order.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RequirementKind] = mapped_column(enum_column(RequirementKind))
    wording: Mapped[str] = mapped_column(Text, default="")
    distance_metres: Mapped[int | None] = mapped_column(Integer)
    premises: Mapped[str | None] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    # Its last day in force; None: as long as the order.
    ends_on: Mapped[date | None] = mapped_column(Date)
    # A requirement to do something: who supervises compliance (s.36(2)) and the evidence
    # of suitability and enforceability the court received from them (s.36(3)).
    supervisor: Mapped[str | None] = mapped_column(String(160))
    suitability_evidence: Mapped[str | None] = mapped_column(Text)
    added_event_id: Mapped[int | None] = mapped_column(ForeignKey("order_event.id"))
    removed_event_id: Mapped[int | None] = mapped_column(ForeignKey("order_event.id"))
    removed_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    reports: Mapped[list[ComplianceReport]] = relationship(order_by="ComplianceReport.id", viewonly=True)

    @property
    def label(self) -> str:
        return KINDS[self.kind].label

    @property
    def positive(self) -> bool:
        return KINDS[self.kind].positive

    @property
    def removed(self) -> bool:
        return self.removed_on is not None


class ElectronicMonitoring(db.Model):
    """An electronic monitoring requirement the court imposed (s.37), once its conditions
    were met. Recorded once; not changed afterwards."""

    __tablename__ = "electronic_monitoring"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("protection_order.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(160))
    kind: Mapped[MonitoringKind] = mapped_column(enum_column(MonitoringKind))
    zone_or_address: Mapped[str | None] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    court_date: Mapped[date] = mapped_column(Date)
    # The conditions of s.37(2)-(4), as confirmed when recorded.
    p_present: Mapped[bool] = mapped_column(Boolean)
    third_party: Mapped[str | None] = mapped_column(String(160))
    third_party_consented: Mapped[bool | None] = mapped_column(Boolean)
    area_notified: Mapped[bool] = mapped_column(Boolean)
    provision_available: Mapped[bool] = mapped_column(Boolean)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    reports: Mapped[list[ComplianceReport]] = relationship(order_by="ComplianceReport.id", viewonly=True)


class ComplianceReport(db.Model):
    """A supervisor's report on a requirement (s.36(5)) or a monitoring provider's report,
    that P complied or failed to comply. Append-only: the database refuses UPDATE and DELETE."""

    __tablename__ = "compliance_report"
    __table_args__ = (Index("ix_compliance_report_case_outcome", "case_id", "outcome"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    requirement_id: Mapped[int | None] = mapped_column(ForeignKey("order_requirement.id"), index=True)
    monitoring_id: Mapped[int | None] = mapped_column(ForeignKey("electronic_monitoring.id"), index=True)
    outcome: Mapped[ReportKind] = mapped_column(enum_column(ReportKind))
    reported_on: Mapped[date] = mapped_column(Date)
    reported_by: Mapped[str] = mapped_column(String(160))
    summary: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])
    review: Mapped[ComplianceReview | None] = relationship(viewonly=True, uselist=False)


class ComplianceReview(db.Model):
    """An officer dealt with a reported failure (the dashboard task closes). Append-only,
    one per report."""

    __tablename__ = "compliance_review"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("compliance_report.id"), unique=True)
    action: Mapped[str] = mapped_column(Text)
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime)


append_only(ComplianceReport, "compliance reports")
append_only(ComplianceReview, "compliance reviews")

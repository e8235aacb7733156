"""A case: one DVPN (and the DVPO that may follow) against one perpetrator."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, and_, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.breach_law import BreachOf, breach_of
from app.domain.deadlines import STATUTORY_HEARING_HOURS
from app.domain.order_origin import CaseOrigin, OrderRoute
from app.domain.order_records import HearingAddressAnswer
from app.domain.regimes import RegimeCode
from app.domain.risk import RiskLevel
from app.extensions import db
from app.models.types import UTCDateTime
from app.models.user import User, enum_column


class CaseState(enum.StrEnum):
    DRAFT = "draft"
    AWAITING_AUTHORISATION = "awaiting_authorisation"
    AUTHORISED = "authorised"
    REFUSED = "refused"
    SERVED = "served"
    # After the hearing: the order is in force, or the notice has ended.
    ORDER_IN_FORCE = "order_in_force"
    ORDER_REFUSED = "order_refused"
    WITHDRAWN = "withdrawn"
    # The hearing did not begin within the window and an officer closed the notice as lapsed
    # (services.lapse). Live, like order_refused and withdrawn: the notice has ended, but the
    # victim's referral carries on and the case stays on the dashboard until it is closed.
    NOTICE_LAPSED = "notice_lapsed"
    ORDER_ENDED = "order_ended"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def is_live(self) -> bool:
        return self is not CaseState.CLOSED

    @classmethod
    def live(cls) -> list[CaseState]:
        """Listed as IN (...) rather than != closed, so queries use the state index and
        their cost grows with the live cases, not with every case ever closed."""
        return [s for s in cls if s.is_live]


class AssociatedRelationship(enum.StrEnum):
    """How V is associated with P: Family Law Act 1996 s.62(3), applied by CSA 2010 s.24(9)."""

    SPOUSE = "spouse"
    FORMER_SPOUSE = "former_spouse"
    CIVIL_PARTNER = "civil_partner"
    FORMER_CIVIL_PARTNER = "former_civil_partner"
    COHABITANT = "cohabitant"
    FORMER_COHABITANT = "former_cohabitant"
    SAME_HOUSEHOLD = "same_household"
    RELATIVE = "relative"
    AGREED_TO_MARRY = "agreed_to_marry"
    INTIMATE_RELATIONSHIP = "intimate_relationship"
    PARENT_OF_SAME_CHILD = "parent_of_same_child"
    FAMILY_PROCEEDINGS = "family_proceedings"

    @property
    def label(self) -> str:
        return _RELATIONSHIP_LABELS[self]


_RELATIONSHIP_LABELS = {
    AssociatedRelationship.SPOUSE: "Spouse",
    AssociatedRelationship.FORMER_SPOUSE: "Former spouse",
    AssociatedRelationship.CIVIL_PARTNER: "Civil partner",
    AssociatedRelationship.FORMER_CIVIL_PARTNER: "Former civil partner",
    AssociatedRelationship.COHABITANT: "Cohabitant",
    AssociatedRelationship.FORMER_COHABITANT: "Former cohabitant",
    AssociatedRelationship.SAME_HOUSEHOLD: "Lives or has lived in the same household",
    AssociatedRelationship.RELATIVE: "Relative",
    AssociatedRelationship.AGREED_TO_MARRY: "Agreed to marry or form a civil partnership",
    AssociatedRelationship.INTIMATE_RELATIONSHIP: "Intimate personal relationship of significant duration",
    AssociatedRelationship.PARENT_OF_SAME_CHILD: "Parent of, or has parental responsibility for, the same child",
    AssociatedRelationship.FAMILY_PROCEEDINGS: "Parties to the same family proceedings",
}


class PersonKind(enum.StrEnum):
    PERPETRATOR = "perpetrator"
    VICTIM = "victim"
    CHILD = "child"


class Person(db.Model):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PersonKind] = mapped_column(enum_column(PersonKind))
    position: Mapped[int] = mapped_column(Integer, default=0)
    full_name: Mapped[str] = mapped_column(String(120))
    date_of_birth: Mapped[date | None] = mapped_column(Date, index=True)  # found by search
    # Victims: the associated-person relationship to P. Children: free text ("P's son").
    relationship_to_perpetrator: Mapped[str | None] = mapped_column(String(120))
    # P's physical description (height, build, hair, marks, clothing, vehicle): for the visit
    # page of an officer alerted to the order (issue 16). Never in a push, a text or a log.
    description: Mapped[str | None] = mapped_column(Text)


class Case(db.Model):
    __tablename__ = "case_file"
    __table_args__ = (
        # The dashboard lists live cases, most urgent hearing first.
        Index("ix_case_file_state_hearing_deadline", "state", "hearing_deadline_at"),
        Index("ix_case_file_state_urgency", "state", "urgency_rank", "urgency_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(32), unique=True)
    regime: Mapped[RegimeCode] = mapped_column(enum_column(RegimeCode, length=8), default=RegimeCode.DVPN)
    state: Mapped[CaseState] = mapped_column(enum_column(CaseState), default=CaseState.DRAFT)
    area: Mapped[str] = mapped_column(String(60), index=True)
    risk_level: Mapped[RiskLevel] = mapped_column(enum_column(RiskLevel))
    incident_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # the case list's filter and sort
    address_line_1: Mapped[str] = mapped_column(String(120))
    address_line_2: Mapped[str | None] = mapped_column(String(120))
    town: Mapped[str] = mapped_column(String(80))
    postcode: Mapped[str] = mapped_column(String(10))
    officer_in_case_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    # Service of the DVPN (CSA 2010 s.25): the fact that starts the hearing clock.
    served_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)  # the case list's filter and sort
    served_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    hearing_window_hours: Mapped[int | None] = mapped_column(Integer)
    # What a case served under the unlawful 72-hour window had before migration 13f0window48
    # held it to the statutory 48 hours (None for every other case).
    hearing_window_corrected_from: Mapped[int | None] = mapped_column(Integer)
    address_for_hearing_notice: Mapped[str | None] = mapped_column(Text)
    # What P said when asked for that address (DAA 2021 s.25(4)): given, refused or none
    # given; None for a case served before the question was recorded (domain/order_records).
    hearing_address_answer: Mapped[HearingAddressAnswer | None] = mapped_column(enum_column(HearingAddressAnswer, length=16))
    # Derived from served_at + window + calendar by services.cases; kept only to sort and
    # sweep on. Never shown from here: views recompute from the facts.
    hearing_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The dashboard's sort key, derived from the case's running clocks whenever a fact
    # changes (services.clock_cache): rank 0 while a breach arrest clock runs (shown above
    # everything), 1 for other clocks, 2 for none; then the soonest deadline.
    urgency_rank: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    urgency_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Goes up whenever this row, or a row the dashboard shows from (hearings, the order, its
    # service and notifications, breaches, the bundle), changes: database triggers keep it
    # (migration 18a0dashver00). The dashboard's ETag is made from it. Never written here.
    row_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # An officer's decision that the notice lapsed, the hearing not having begun in time
    # (services.lapse.close_as_lapsed): when it was recorded and why (the audit entry says who).
    notice_lapsed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notice_lapse_reason: Mapped[str | None] = mapped_column(Text)
    # Where the case's order came from (issue 13): a police notice, or an order made elsewhere
    # (DAA 2021 s.28(2), s.31) recorded by services.orders_elsewhere, with how it was made
    # (`order_route`), who applied or in which proceedings, and P's phone facts in the shape
    # of the application's phone section (for the text trial: there is no application).
    origin: Mapped[CaseOrigin] = mapped_column(enum_column(CaseOrigin, length=16), default=CaseOrigin.POLICE_NOTICE,
                                               server_default=CaseOrigin.POLICE_NOTICE.value)
    order_route: Mapped[OrderRoute | None] = mapped_column(enum_column(OrderRoute, length=24))
    order_route_details: Mapped[str | None] = mapped_column(Text)
    origin_phone: Mapped[dict | None] = mapped_column(JSON)
    # A DAPN's P who the officer believes is subject to service law, and whether the premises
    # are service living accommodation; where the notice keeps P out of them, when and how
    # P's commanding officer was informed (or the efforts made): DAA 2021 s.25(5)-(6).
    p_service_person: Mapped[bool | None] = mapped_column(Boolean)
    p_in_service_accommodation: Mapped[bool | None] = mapped_column(Boolean)
    commanding_officer_informed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    commanding_officer_informed_how: Mapped[str | None] = mapped_column(Text)
    # V's wishes about extra welfare visits while the order is in force (issue 16, seed 002:
    # some victims do not want them): True, False, or None when not asked; who recorded the
    # answer and when (the audit entry keeps every answer). False keeps the geofence from
    # going live.
    welfare_visits_wanted: Mapped[bool | None] = mapped_column(Boolean)
    welfare_wishes_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    welfare_wishes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    officer_in_case: Mapped[User] = relationship(foreign_keys=[officer_in_case_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    served_by: Mapped[User | None] = relationship(foreign_keys=[served_by_id])
    welfare_wishes_by: Mapped[User | None] = relationship(foreign_keys=[welfare_wishes_by_id])
    people: Mapped[list[Person]] = relationship(
        order_by=(Person.kind, Person.position), cascade="all, delete-orphan"
    )
    applications: Mapped[list[Application]] = relationship(  # noqa: F821 - defined in authorisation.py
        back_populates="case", order_by="Application.number", cascade="all, delete-orphan"
    )
    hearings: Mapped[list[Hearing]] = relationship(order_by="Hearing.starts_at", cascade="all, delete-orphan")  # noqa: F821
    order: Mapped[ProtectionOrder | None] = relationship(uselist=False, cascade="all, delete-orphan")  # noqa: F821
    breaches: Mapped[list[Breach]] = relationship(order_by="Breach.occurred_at", cascade="all, delete-orphan")  # noqa: F821
    remands: Mapped[list[Remand]] = relationship(order_by="Remand.id", viewonly=True)  # noqa: F821
    documents: Mapped[list[Document]] = relationship(  # noqa: F821
        order_by="Document.uploaded_at", cascade="all, delete-orphan", foreign_keys="Document.case_id"
    )
    submission: Mapped[CourtSubmission | None] = relationship(uselist=False, cascade="all, delete-orphan")  # noqa: F821
    ticks: Mapped[list[BundleTick]] = relationship(cascade="all, delete-orphan")  # noqa: F821
    perpetrator: Mapped[Person | None] = relationship(
        primaryjoin=lambda: and_(Person.case_id == Case.id, Person.kind == PersonKind.PERPETRATOR),
        viewonly=True,
        uselist=False,
    )

    @property
    def victims(self) -> list[Person]:
        return [p for p in self.people if p.kind is PersonKind.VICTIM]

    @property
    def children(self) -> list[Person]:
        return [p for p in self.people if p.kind is PersonKind.CHILD]

    @property
    def address_lines(self) -> list[str]:
        return [x for x in (self.address_line_1, self.address_line_2, self.town, self.postcode) if x]

    @property
    def made_elsewhere(self) -> bool:
        """The case started with an order made elsewhere: no notice, application or hearing window."""
        return self.origin is CaseOrigin.MADE_ELSEWHERE

    @property
    def hearing_window(self) -> int:
        """Hours from service within which the hearing must begin (48 unless the case says otherwise)."""
        return self.hearing_window_hours or STATUTORY_HEARING_HOURS

    @property
    def order_kind(self) -> str:
        """"dapo" for a DAPN case, else "dvpo": which statute sets the order's end."""
        return "dapo" if self.regime is RegimeCode.DAPN else "dvpo"

    def breach_of(self, breach: Breach) -> BreachOf:  # noqa: F821
        """What `breach` was of: the notice, or this case's kind of order (DVPO or DAPO)."""
        return breach_of(None if breach.order_id is None else self.order_kind)

    @property
    def order_in_force(self) -> ProtectionOrder | None:  # noqa: F821
        """The case's order while it is in force, else None (not made, expired or discharged)."""
        return self.order if self.order is not None and self.order.in_force else None

    @property
    def current_application(self) -> Application | None:  # noqa: F821
        """The latest application (the one the order's proposed conditions come from), if any."""
        return self.applications[-1] if self.applications else None


# The dashboard's order over the live cases only, so closed ones are never read
# (services/dashboard.live_for_the_index says the same predicate; migration 18a0dashver00).
LIVE_ORDER_PREDICATE = text("state NOT IN ('closed')")
Index("ix_case_file_live_order", Case.urgency_rank, Case.urgency_at, Case.created_at.desc(), Case.id,
      sqlite_where=LIVE_ORDER_PREDICATE, postgresql_where=LIVE_ORDER_PREDICATE)

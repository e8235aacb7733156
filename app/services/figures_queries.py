"""The aggregate queries behind the figures (services/figures.py). Each function is one SQL
statement whatever the number of cases: counts grouped in the database, or one column of
instants for the arithmetic in domain/figures (medians, months), never a query per row.

`scope(f)` is the case filter every query shares: the case's area and regime.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, exists, false, func, or_, select, true
from sqlalchemy.sql import ColumnElement

from app.domain.bundle import ITEMS, ItemKind
from app.domain.criminal_breach import ChargeDecision, Step, Verdict
from app.domain.referrals import ContactOutcome
from app.extensions import db
from app.models import (
    Application,
    AuthorisationDecision,
    Breach,
    BreachCriminalStep,
    BreachSource,
    BundleTick,
    Case,
    ComplianceReport,
    ContactAttempt,
    CourtSubmission,
    Document,
    ElectronicMonitoring,
    Geofence,
    GeofenceAlert,
    Hearing,
    OrderNotification,
    OrderRequirement,
    OrderService,
    Person,
    PersonKind,
    ProtectionOrder,
    Referral,
    VictimToldOfOrder,
    WelfareVisit,
)


def scope(f) -> list[ColumnElement]:
    conditions = []
    if f.area is not None:
        conditions.append(Case.area == f.area)
    if f.regime is not None:
        conditions.append(Case.regime == f.regime)
    return conditions


def _in(column, f) -> ColumnElement:
    return and_(column >= f.period.start, column < f.period.end)


def decisions(f) -> list[tuple]:
    """(outcome, risk level, count) of the authorising officers' decisions in the period."""
    return db.session.execute(
        select(AuthorisationDecision.outcome, Case.risk_level, func.count())
        .join(Application, Application.id == AuthorisationDecision.application_id)
        .join(Case, Case.id == Application.case_id)
        .where(_in(AuthorisationDecision.decided_at, f), *scope(f))
        .group_by(AuthorisationDecision.outcome, Case.risk_level)).all()


def served_instants(f) -> list[datetime]:
    """When each notice served in the period was served."""
    return list(db.session.scalars(select(Case.served_at).where(_in(Case.served_at, f), *scope(f))))


def lapsed_count(f) -> int:
    """Notices an officer closed as lapsed in the period (services.lapse)."""
    return db.session.scalar(select(func.count()).select_from(Case).where(_in(Case.notice_lapsed_at, f), *scope(f)))


def hearing_outcomes(f) -> list[tuple]:
    """(outcome or None, count) of the hearings listed to start in the period."""
    return db.session.execute(
        select(Hearing.outcome, func.count()).join(Case, Case.id == Hearing.case_id)
        .where(_in(Hearing.starts_at, f), *scope(f)).group_by(Hearing.outcome)).all()


def _bundle_complete_by(listed_at) -> ColumnElement:
    """Every required item of the bundle done by `listed_at` (domain/bundle.ITEMS), from the
    ticks, uploads, fee and sending as they stand (an item ticked, then unticked after the
    listing, is not counted: an untick deletes the tick)."""
    conditions = []
    for item in ITEMS:
        if not item.required:
            continue
        if item.kind is ItemKind.GENERATED:
            conditions.append(exists().where(BundleTick.case_id == Case.id, BundleTick.item_key == item.key,
                                             BundleTick.ticked_at <= listed_at))
        elif item.kind is ItemKind.UPLOAD:
            conditions.append(exists().where(
                Document.case_id == Case.id, Document.item_key == item.key, Document.breach_id.is_(None),
                Document.uploaded_at <= listed_at, or_(Document.removed_at.is_(None), Document.removed_at > listed_at)))
        elif item.kind is ItemKind.FEE:
            conditions.append(exists().where(
                CourtSubmission.case_id == Case.id, CourtSubmission.fee_reference.is_not(None),
                CourtSubmission.fee_receipt_id.is_not(None), CourtSubmission.fee_recorded_at <= listed_at))
        elif item.kind is ItemKind.SENT:
            conditions.append(exists().where(CourtSubmission.case_id == Case.id, CourtSubmission.sent_at <= listed_at))
        # ItemKind.LISTED: listed by definition.
    return and_(*conditions)


def service_to_hearing(f) -> list[tuple]:
    """For each notice served in the period: (served_at, hearing deadline, when its first
    hearing began or was listed to begin or None, whether the bundle was complete when the
    first hearing was listed)."""
    first = (select(Hearing.case_id.label("case_id"),
                    func.min(func.coalesce(Hearing.began_at, Hearing.starts_at)).label("first_at"),
                    func.min(Hearing.listed_at).label("listed_at"))
             .group_by(Hearing.case_id).subquery())
    complete = case((first.c.listed_at.is_(None), false()), else_=_bundle_complete_by(first.c.listed_at))
    return db.session.execute(
        select(Case.served_at, Case.hearing_deadline_at, first.c.first_at, complete)
        .outerjoin(first, first.c.case_id == Case.id)
        .where(_in(Case.served_at, f), *scope(f))).all()


def breaches(f) -> list[tuple]:
    """(area, of an order, arrested, outcome or None, count) of breaches that happened in the period."""
    of_order = Breach.order_id.is_not(None)
    arrested = Breach.arrested_at.is_not(None)
    return db.session.execute(
        select(Case.area, of_order, arrested, Breach.outcome, func.count())
        .join(Case, Case.id == Breach.case_id).where(_in(Breach.occurred_at, f), *scope(f))
        .group_by(Case.area, of_order, arrested, Breach.outcome)).all()


def criminal_outcomes(f) -> list[tuple]:
    """(step, value, count) of the charging decisions, verdicts and contempts on DAPO
    breaches that happened in the period."""
    return db.session.execute(
        select(BreachCriminalStep.step, BreachCriminalStep.value, func.count())
        .join(Breach, Breach.id == BreachCriminalStep.breach_id).join(Case, Case.id == Breach.case_id)
        .where(_in(Breach.occurred_at, f), BreachCriminalStep.step.in_([Step.CHARGE, Step.VERDICT, Step.CONTEMPT]),
               *scope(f))
        .group_by(BreachCriminalStep.step, BreachCriminalStep.value)).all()


CHARGED, CONVICTED = ChargeDecision.CHARGED.value, Verdict.CONVICTED.value


def orders_in_force(f) -> int:
    """Orders in force at some time in the period: made by its last day, not ended before it."""
    ended = func.coalesce(ProtectionOrder.ended_at, ProtectionOrder.ends_at)
    return db.session.scalar(
        select(func.count()).select_from(ProtectionOrder).join(Case, Case.id == ProtectionOrder.case_id)
        .where(ProtectionOrder.made_on <= f.period.last_day, or_(ended.is_(None), ended >= f.period.start), *scope(f)))


def _orders_made(f):
    return (select(ProtectionOrder.id).join(Case, Case.id == ProtectionOrder.case_id)
            .where(ProtectionOrder.made_on >= f.period.first_day, ProtectionOrder.made_on <= f.period.last_day,
                   *scope(f)))


def order_service(f) -> list[tuple]:
    """(granted at, served at or None, target hours or None) of each order made in the period."""
    made = _orders_made(f).scalar_subquery()
    return db.session.execute(
        select(OrderService.granted_at, OrderService.served_at, OrderService.target_hours)
        .where(OrderService.order_id.in_(made))).all()


def orders_and_victims_told(f) -> tuple[int, int, int]:
    """(orders made in the period, victims on them, victims told of them)."""
    made = _orders_made(f).subquery()
    orders = select(func.count()).select_from(made).scalar_subquery()
    victims = (select(func.count()).select_from(Person).join(ProtectionOrder, ProtectionOrder.case_id == Person.case_id)
               .where(Person.kind == PersonKind.VICTIM, ProtectionOrder.id.in_(select(made.c.id))).scalar_subquery())
    told = (select(func.count()).select_from(VictimToldOfOrder)
            .where(VictimToldOfOrder.order_id.in_(select(made.c.id))).scalar_subquery())
    return tuple(db.session.execute(select(orders, victims, told)).one())


def dapo_requirements(f) -> list[tuple]:
    """(kind, count) of the requirements on orders made in the period."""
    made = _orders_made(f).scalar_subquery()
    return db.session.execute(
        select(OrderRequirement.kind, func.count()).where(OrderRequirement.order_id.in_(made))
        .group_by(OrderRequirement.kind)).all()


def dapo_records(f) -> tuple[int, int, int, int, int, int]:
    """(monitoring requirements on orders made in the period; compliance reports in the
    period: complied, failed; notifications given in the period: on time, late; exemptions)."""
    made = _orders_made(f).scalar_subquery()
    monitoring = select(func.count()).select_from(ElectronicMonitoring).where(
        ElectronicMonitoring.order_id.in_(made)).scalar_subquery()

    def reports(outcome):
        return (select(func.count()).select_from(ComplianceReport).join(Case, Case.id == ComplianceReport.case_id)
                .where(ComplianceReport.outcome == outcome, ComplianceReport.reported_on >= f.period.first_day,
                       ComplianceReport.reported_on <= f.period.last_day, *scope(f)).scalar_subquery())

    def notifications(*conditions):
        return (select(func.count()).select_from(OrderNotification).join(Case, Case.id == OrderNotification.case_id)
                .where(_in(OrderNotification.recorded_at, f), *conditions, *scope(f)).scalar_subquery())

    exempt = OrderNotification.exemption.is_not(None)
    return tuple(db.session.execute(select(
        monitoring, reports("complied"), reports("failed"),
        notifications(~exempt, OrderNotification.late.is_(False)), notifications(~exempt, OrderNotification.late.is_(True)),
        notifications(exempt))).one())


def referrals(f) -> list[tuple]:
    """For each referral triggered in the period: (sent to a service, settled at, due at,
    working days, engaged, declined to the caseworker, follow-up due at, follow-up done at)."""
    def attempt(outcome):
        return exists().where(ContactAttempt.referral_id == Referral.id, ContactAttempt.outcome == outcome)

    return db.session.execute(
        select(Referral.service_id.is_not(None), Referral.settled_at, Referral.due_at, Referral.working_days,
               case((attempt(ContactOutcome.ENGAGED), true()), else_=false()),
               case((attempt(ContactOutcome.DECLINED), true()), else_=false()),
               Referral.follow_up_due_at, Referral.follow_up_done_at)
        .join(Case, Case.id == Referral.case_id).where(_in(Referral.trigger_at, f), *scope(f))).all()


def welfare(f) -> tuple[int, int, int, int, int, int]:
    """(geofences made, alerts raised, visits begun, visits done with V spoken to, visits at
    which P was present, arrests for breaches found on an officer's visit), all in the period."""
    def count(model, *conditions):
        return (select(func.count()).select_from(model).join(Case, Case.id == model.case_id)
                .where(*conditions, *scope(f)).scalar_subquery())

    return tuple(db.session.execute(select(
        count(Geofence, _in(Geofence.created_at, f)),
        count(GeofenceAlert, _in(GeofenceAlert.raised_at, f)),
        count(WelfareVisit, _in(WelfareVisit.checked_in_at, f)),
        count(WelfareVisit, _in(WelfareVisit.checked_in_at, f), WelfareVisit.checked_out_at.is_not(None),
              WelfareVisit.victim_spoken_to.is_(True)),
        count(WelfareVisit, _in(WelfareVisit.checked_in_at, f), WelfareVisit.p_present.is_(True)),
        count(Breach, Breach.source == BreachSource.OFFICER_VISIT, _in(Breach.arrested_at, f)),
    )).one())


def home_office(period, area: str | None = None) -> tuple[int, int, int]:
    """DVPN cases in a year: (notices served, applications for an order whose first hearing
    was listed in it, orders made in it)."""
    from app.domain.regimes import RegimeCode

    conditions = [Case.regime == RegimeCode.DVPN] + ([Case.area == area] if area else [])
    first_listed = (select(Hearing.case_id, func.min(Hearing.listed_at).label("listed_at"))
                    .group_by(Hearing.case_id).subquery())
    served = (select(func.count()).select_from(Case)
              .where(Case.served_at >= period.start, Case.served_at < period.end, *conditions).scalar_subquery())
    applied = (select(func.count()).select_from(Case).join(first_listed, first_listed.c.case_id == Case.id)
               .where(first_listed.c.listed_at >= period.start, first_listed.c.listed_at < period.end,
                      *conditions).scalar_subquery())
    granted = (select(func.count()).select_from(ProtectionOrder).join(Case, Case.id == ProtectionOrder.case_id)
               .where(ProtectionOrder.made_on >= period.first_day, ProtectionOrder.made_on <= period.last_day,
                      *conditions).scalar_subquery())
    return tuple(db.session.execute(select(served, applied, granted)).one())

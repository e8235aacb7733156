"""The aggregate queries behind the figures (services/figures.py). Each function is one SQL
statement whatever the number of cases, and returns a fixed number of rows whatever the
data: counts grouped or summed conditionally in the database, never a row per case for
Python to count (at 10,000 cases that reading was most of the page's time, issue 18).

Durations are compared and ranked as whole microseconds (`epoch_micros`), exact on both
databases, so a median or a longest lateness is the value Python's arithmetic on the two
instants would give: the database picks the middle values, domain/figures does the rest.

`scope(f)` is the case filter every query shares: the case's area and regime.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import BigInteger, Integer, and_, case, cast, exists, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.sql.functions import FunctionElement

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


# -- Exact durations in SQL ---------------------------------------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


class epoch_micros(FunctionElement):  # noqa: N801 (an SQL function, named like one)
    """Whole microseconds from 1970 to a UTCDateTime column's instant, an exact integer on
    both databases: durations built from it order and compare exactly as Python's
    timedeltas do (SQLite's julianday() is a float, and off by fractions of a millisecond)."""
    type = BigInteger()
    inherit_cache = True
    name = "epoch_micros"


@compiles(epoch_micros, "sqlite")
def _epoch_micros_sqlite(element, compiler, **kw):
    # SQLite keeps an instant as text, "YYYY-MM-DD HH:MM:SS.ffffff" in UTC (SQLAlchemy always
    # writes the six digits): whole seconds from strftime, the microseconds from characters
    # 21-26 (a value written without them, by hand, reads as .000000).
    (column,) = element.clauses
    text = compiler.process(column, **kw)
    return (f"(CAST(strftime('%s', {text}) AS INTEGER) * 1000000"
            f" + CAST(substr({text} || '.000000', 21, 6) AS INTEGER))")


@compiles(epoch_micros, "postgresql")
def _epoch_micros_postgresql(element, compiler, **kw):
    # EXTRACT gives numeric (exact) from PostgreSQL 14; timestamptz holds whole microseconds.
    (column,) = element.clauses
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(column, **kw)}) * 1000000 AS BIGINT)"


def micros_since_epoch(instant: datetime) -> int:
    """`epoch_micros` of an instant in Python (for `now`, passed in as a number)."""
    return (instant - _EPOCH) // _MICROSECOND


def hours_of(micros: int | None) -> float | None:
    """A duration of whole microseconds in hours, exactly as domain/figures.hours_between
    turns the two instants' difference into hours."""
    return None if micros is None else timedelta(microseconds=micros).total_seconds() / 3600


def _ranked(rows: Select, value: str) -> Select:
    """`rows` (a select) with each row's place among the non-NULL values of its column `value`
    (`place`, from 1 upwards) and how many there are (`ranked`): a window over the rows, so
    the counts and the median come from one reading of them."""
    inner = rows.subquery()
    column = inner.c[value]
    return select(*inner.c,
                  func.row_number().over(partition_by=column.is_(None), order_by=column).label("place"),
                  func.count(column).over().label("ranked"))


def _middle(rows, value: str) -> tuple[ColumnElement, ColumnElement]:
    """Aggregates over the subquery of a `_ranked` select: the lower and upper middle of the
    non-NULL values of `value` (the same when their number is odd; NULL when there are none).
    Their mean is the median (statistics.median takes the two middle values' mean)."""
    column = rows.c[value]

    def at(place):
        return func.min(case((and_(column.is_not(None), rows.c.place == place), column)))
    return at((rows.c.ranked + 1) // 2), at((rows.c.ranked + 2) // 2)


def _count_where(*conditions) -> ColumnElement:
    """How many rows meet every condition (0, not NULL, when there are none)."""
    return func.coalesce(func.sum(case((and_(*conditions), 1), else_=0)), 0)


def decisions(f) -> list[tuple]:
    """(outcome, risk level, count) of the authorising officers' decisions in the period."""
    return db.session.execute(
        select(AuthorisationDecision.outcome, Case.risk_level, func.count())
        .join(Application, Application.id == AuthorisationDecision.application_id)
        .join(Case, Case.id == Application.case_id)
        .where(_in(AuthorisationDecision.decided_at, f), *scope(f))
        .group_by(AuthorisationDecision.outcome, Case.risk_level)).all()


def served_by_month(f, spans: list[tuple[str, datetime, datetime]]) -> list[int]:
    """How many notices were served in each span of domain/figures.month_spans (the period's
    London months), in order, empty ones 0."""
    if not spans:
        return []
    # Which span each notice served in the period falls in: the first whose end is after it.
    span = case(*[(Case.served_at < end, index) for index, (_, _, end) in enumerate(spans[:-1])],
                else_=len(spans) - 1) if len(spans) > 1 else literal(0, Integer)
    served = select(span.label("span")).where(_in(Case.served_at, f), *scope(f)).subquery()
    counts = dict(db.session.execute(select(served.c.span, func.count()).group_by(served.c.span)).all())
    return [counts.get(index, 0) for index in range(len(spans))]


def lapsed_count(f) -> int:
    """Notices an officer closed as lapsed in the period (services.lapse)."""
    return db.session.scalar(select(func.count()).select_from(Case).where(_in(Case.notice_lapsed_at, f), *scope(f)))


def hearing_outcomes(f) -> list[tuple]:
    """(outcome or None, count) of the hearings listed to start in the period."""
    return db.session.execute(
        select(Hearing.outcome, func.count()).join(Case, Case.id == Hearing.case_id)
        .where(_in(Hearing.starts_at, f), *scope(f)).group_by(Hearing.outcome)).all()


def _bundle_complete_by(listed_at) -> ColumnElement:
    """1 if every required item of the bundle was done by `listed_at` (domain/bundle.ITEMS),
    from the ticks, uploads, fee and sending as they stand (an item ticked, then unticked
    after the listing, is not counted: an untick deletes the tick); 0 if not, or not listed."""
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
    # A CASE stops at the first item missing, where SQLite evaluates every EXISTS of an AND
    # in a result column: an index lookup per item per case.
    return case((listed_at.is_(None), 0), *[(~condition, 0) for condition in conditions], else_=1)


@dataclass(frozen=True)
class ServiceToHearing:
    served: int  # notices served in the period
    heard: int  # of them, those with a hearing (begun, or listed to begin)
    in_time: int  # of them, the first hearing began (or was listed to) by the hearing deadline
    bundle_complete: int  # of them, the bundle was complete when the first hearing was listed
    middle_micros: tuple[int | None, int | None]  # the middle times from service to the first hearing


def service_to_hearing(f) -> ServiceToHearing:
    """The notices served in the period, their first hearings and bundles (one statement)."""
    first = (select(Hearing.case_id.label("case_id"),
                    func.min(func.coalesce(Hearing.began_at, Hearing.starts_at)).label("first_at"),
                    func.min(Hearing.listed_at).label("listed_at"))
             .group_by(Hearing.case_id).subquery())
    served = (select(Case.served_at, Case.hearing_deadline_at.label("deadline"), first.c.first_at,
                     _bundle_complete_by(first.c.listed_at).label("complete"),
                     (epoch_micros(first.c.first_at) - epoch_micros(Case.served_at)).label("micros"))
              .outerjoin(first, first.c.case_id == Case.id)
              .where(_in(Case.served_at, f), *scope(f)))
    rows = _ranked(served, "micros").subquery()
    lower, upper = _middle(rows, "micros")
    found = db.session.execute(select(
        func.count(), func.count(rows.c.first_at),
        _count_where(rows.c.first_at.is_not(None), rows.c.deadline.is_not(None), rows.c.first_at <= rows.c.deadline),
        func.coalesce(func.sum(rows.c.complete), 0), lower, upper)).one()
    return ServiceToHearing(found[0], found[1], found[2], found[3], (found[4], found[5]))


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


def order_service(f, default_target_hours: int) -> tuple[int, int, int]:
    """Of the orders made in the period: (services on P started, served, served within the
    target hours fixed on the order, `default_target_hours` where none (or 0) was fixed)."""
    made = _orders_made(f).scalar_subquery()
    # `target or default`, as the rule reads it: a target of 0 is no target.
    target = func.coalesce(func.nullif(OrderService.target_hours, 0), default_target_hours)
    elapsed = epoch_micros(OrderService.served_at) - epoch_micros(OrderService.granted_at)
    limit = cast(target, BigInteger) * literal(3_600_000_000, BigInteger)  # hours in microseconds: past 32 bits
    return tuple(db.session.execute(
        select(func.count(), func.count(OrderService.served_at),
               _count_where(OrderService.served_at.is_not(None), elapsed <= limit))
        .where(OrderService.order_id.in_(made))).one())


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


@dataclass(frozen=True)
class ReferralCounts:
    """The referrals whose trigger fell in the period, as the Victims' Code section and the
    caseworkers' contact section count them."""
    referrals: int
    sent_in_time: int  # sent to a service by the due time
    sent: int  # sent to a service
    declined: int  # refusal recorded (not sent)
    late: int  # sent or refused after the due time
    overdue: int  # neither yet, and past the due time
    pending: int  # neither yet, not yet due
    late_middle_micros: tuple[int | None, int | None]  # the middle latenesses (late and overdue)
    late_max_micros: int | None
    # Those with a support service (the contact section's "sent to a service"), and of them:
    # the victim engaged in some attempt; declined in one and never engaged; a follow-up near
    # the order's end due; done.
    with_service: int
    engaged: int
    declined_support: int
    follow_ups_due: int
    follow_ups_done: int


def referrals(f, now: datetime) -> ReferralCounts:
    """Every count of the referrals triggered in the period (one statement); `now` decides
    which unsettled ones are overdue, and how late they are."""
    def attempt(outcome):
        return exists().where(ContactAttempt.referral_id == Referral.id, ContactAttempt.outcome == outcome)

    settled, due = Referral.settled_at, Referral.due_at
    # Lateness: to the settling if settled after the due time, to now if still unsettled past it.
    lateness = case((and_(settled.is_(None), due < now), micros_since_epoch(now) - epoch_micros(due)),
                    (settled > due, epoch_micros(settled) - epoch_micros(due)))
    rows = (select(Referral.service_id.is_not(None).label("to_service"), settled.label("settled_at"),
                   due.label("due_at"), lateness.label("lateness"),
                   case((attempt(ContactOutcome.ENGAGED), 1), else_=0).label("engaged"),
                   case((attempt(ContactOutcome.DECLINED), 1), else_=0).label("declined"),
                   Referral.follow_up_due_at, Referral.follow_up_done_at)
            .join(Case, Case.id == Referral.case_id).where(_in(Referral.trigger_at, f), *scope(f)))
    rows = _ranked(rows, "lateness").subquery()
    r = rows.c
    unsettled, to_service = r.settled_at.is_(None), r.to_service.is_(True)
    lower, upper = _middle(rows, "lateness")
    found = db.session.execute(select(
        func.count(),
        _count_where(r.settled_at.is_not(None), to_service, r.settled_at <= r.due_at),
        _count_where(r.settled_at.is_not(None), to_service),
        _count_where(r.settled_at.is_not(None), r.to_service.is_(False)),
        _count_where(r.settled_at > r.due_at),
        _count_where(unsettled, r.due_at < now),
        _count_where(unsettled, r.due_at >= now),
        lower, upper, func.max(r.lateness),
        _count_where(to_service),
        _count_where(to_service, r.engaged == 1),
        _count_where(to_service, r.declined == 1, r.engaged == 0),
        _count_where(to_service, r.follow_up_due_at.is_not(None)),
        _count_where(to_service, r.follow_up_done_at.is_not(None)),
    )).one()
    return ReferralCounts(*found[:7], (found[7], found[8]), *found[9:])


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

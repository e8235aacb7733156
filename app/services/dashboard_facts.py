"""What the dashboard's clocks and bundle progress read of a page's cases, in one statement.

The case's own columns come with the page's listing (services/dashboard.py). Everything else
the clocks need (hearings, breaches, the order with its service, the order's notifications)
and the bundle items done of the cases at court are one `UNION ALL`, a row per fact, told
apart by `kind` (h, b, o, n, d): one round trip to the database whatever the number of
cases, where there were five queries. On PostgreSQL on another host each round trip costs
more than reading these few rows, and on loopback about as much.

The rows are read as plain values, not ORM objects (building objects for 100 cases and their
relations was most of the poll's time), into small objects whose rules (the window, the
order in force, what a breach was of, whether an arrest is open) are the models' own
properties, not copies.

How the union is typed: each kind puts its values in shared columns (`t1`-`t3` instants,
`s1`-`s2` strings, `i1`-`i3` integers, `d1` a date; `o1`, `o2` order a case's hearings and
breaches as their own queries did), and every column a kind leaves empty is a NULL cast to
the column's type, so PostgreSQL matches the branches' types (an untyped NULL beside another
would be text). Enum columns are read as their stored strings and made members here, with
each column's own enum class: one branch's Enum type would otherwise read another's values.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Date, Integer, String, cast, literal_column, null, select, type_coerce, union_all

from app.extensions import db
from app.models import Breach, Case, Hearing, OrderNotification, OrderService, ProtectionOrder
from app.models.types import UTCDateTime
from app.services.court import COURT_STATES
from app.services.court_bundle import done_key_selects
from app.services.id_sets import among

_TYPES = {"t": UTCDateTime, "s": String, "i": Integer, "d": Date}
_COLUMNS = ("t1", "t2", "t3", "s1", "s2", "i1", "i2", "i3", "d1", "o1", "o2")


def _kind_of(column_name: str):
    return _TYPES["t" if column_name == "o1" else "i" if column_name == "o2" else column_name[0]]


def _branch(kind: str, case_id, source=None, **values):
    """One kind's SELECT: its case id, then every shared column, NULL (typed) where `values`
    gives none. Strings are read as stored (`type_coerce` to String: an enum by its value)."""
    columns = [literal_column(f"'{kind}'", String).label("kind"), case_id.label("case_id")]
    for name in _COLUMNS:
        value = values.get(name)
        if value is None:
            columns.append(cast(null(), _kind_of(name)()).label(name))
        elif name[0] == "s":
            columns.append(type_coerce(value, String()).label(name))
        else:
            columns.append(value.label(name))
    query = select(*columns)
    return query.select_from(source) if source is not None else query


class ClockCase:
    """A case as `clock_cache.clocks_for` reads it."""

    __slots__ = ("id", "state", "regime", "origin", "served_at", "hearing_window_hours", "hearings", "breaches", "order",
                 "done")
    hearing_window = Case.__dict__["hearing_window"]
    order_kind = Case.__dict__["order_kind"]
    order_in_force = Case.__dict__["order_in_force"]
    made_elsewhere = Case.__dict__["made_elsewhere"]
    breach_of = Case.__dict__["breach_of"]

    def __init__(self, row) -> None:
        self.id, self.state, self.regime, self.origin, self.served_at, self.hearing_window_hours = row
        self.hearings: list[ClockHearing] = []
        self.breaches: list[ClockBreach] = []
        self.order: ClockOrder | None = None
        self.done: set[str] | None = None  # the bundle items done read, for a case at court

    @property
    def bundle_done(self) -> set[str] | None:
        """The bundle items done, with "hearing_listed" from the hearings read (as
        court_bundle.done_keys has it), for a case at court; else None (no bundle shown)."""
        if self.done is None:
            return None
        return self.done | {"hearing_listed"} if self.hearings else self.done


@dataclass(frozen=True, slots=True)
class ClockHearing:
    starts_at: datetime
    outcome: object
    outcome_at: datetime | None
    began_at: datetime | None


class ClockBreach:
    __slots__ = ("order_id", "arrested_at", "before_court_at", "outcome", "charge_decision_at")
    arrest_open = Breach.__dict__["arrest_open"]

    def __init__(self, order_id, arrested_at, before_court_at, outcome, charge_decision_at) -> None:
        self.order_id, self.arrested_at, self.before_court_at = order_id, arrested_at, before_court_at
        self.outcome, self.charge_decision_at = outcome, charge_decision_at


class ClockOrder:
    __slots__ = ("id", "status", "made_on", "days", "service", "notifications")
    in_force = ProtectionOrder.__dict__["in_force"]

    def __init__(self, order_id, status, made_on, days, service) -> None:
        self.id, self.status, self.made_on, self.days, self.service = order_id, status, made_on, days, service
        self.notifications: list[ClockNotification] = []


@dataclass(frozen=True, slots=True)
class ClockService:
    """The order's service: its grant and target, fixed at the grant."""

    granted_at: datetime
    target_hours: int
    served_at: datetime | None


@dataclass(frozen=True, slots=True)
class ClockNotification:
    kind: object


def _enum(column):
    enum_class = column.type.enum_class
    return lambda value: None if value is None else enum_class(value)


_HEARING_OUTCOME = _enum(Hearing.outcome)
_BREACH_OUTCOME = _enum(Breach.outcome)
_ORDER_STATUS = _enum(ProtectionOrder.status)
_NOTIFICATION_KIND = _enum(OrderNotification.kind)


def _statement(dialect_name: str, with_bundle: bool):
    """The statement, for a page's `ids` (and, `with_bundle`, the `court_ids` at court) given
    at execution."""
    def page(column):
        return among(column, "ids", dialect_name)

    hearings = _branch("h", Hearing.case_id, t1=Hearing.starts_at, t2=Hearing.outcome_at, t3=Hearing.began_at,
                       s1=Hearing.outcome, o1=Hearing.starts_at, o2=Hearing.id).where(page(Hearing.case_id))
    breaches = _branch("b", Breach.case_id, i1=Breach.order_id, t1=Breach.arrested_at, t2=Breach.before_court_at,
                       t3=Breach.charge_decision_at, s1=Breach.outcome, o1=Breach.occurred_at,
                       o2=Breach.id).where(page(Breach.case_id))
    # The order's service by the order's key, a lookup each: joined, PostgreSQL's planner
    # hashed every order's service while the table is small (0.6 ms at 10,000 cases, growing
    # with it until its estimate turns).
    def service(column):
        return select(column).where(OrderService.order_id == ProtectionOrder.id).scalar_subquery()

    orders = _branch("o", ProtectionOrder.case_id, i1=ProtectionOrder.id, s1=ProtectionOrder.status,
                     d1=ProtectionOrder.made_on, i2=ProtectionOrder.days, t1=service(OrderService.granted_at),
                     i3=service(OrderService.target_hours), t2=service(OrderService.served_at),
                     ).where(page(ProtectionOrder.case_id))
    notifications = _branch("n", OrderNotification.case_id, i1=OrderNotification.order_id,
                            s2=OrderNotification.kind).where(page(OrderNotification.case_id))
    branches = [hearings, breaches, orders, notifications]
    if with_bundle:
        done = union_all(*done_key_selects(lambda column: among(column, "court_ids", dialect_name)))
        done = done.subquery("done")
        branches.append(_branch("d", done.c.case_id, done, s1=done.c.item_key))
    facts = union_all(*branches).subquery("facts")
    return select(*(facts.c[name] for name in ("kind", "case_id", *_COLUMNS[:-2]))).order_by(
        facts.c.kind, facts.c.case_id, facts.c.o1, facts.c.o2)


# Built once per database and shape: SQLAlchemy works out a statement's cache key on every
# run by walking it, which for this union cost more than the database's answer.
_STATEMENTS: dict[tuple[str, bool], object] = {}


def _prepared(with_bundle: bool):
    dialect_name = db.session.get_bind().dialect.name
    key = (dialect_name, with_bundle)
    if key not in _STATEMENTS:
        _STATEMENTS[key] = _statement(dialect_name, with_bundle)
    return _STATEMENTS[key]


def clock_cases(clock_columns: tuple) -> dict[int, ClockCase]:
    """The page's cases (`clock_columns`: each case's own columns, from the listing) with
    their hearings, breaches, order and, for those at court, the bundle items done
    (`ClockCase.bundle_done`): one statement."""
    cases = {row[0]: ClockCase(row) for row in clock_columns}
    if not cases:
        return cases
    at_court = [case.id for case in cases.values() if case.state in COURT_STATES and not case.made_elsewhere]
    for case_id in at_court:
        cases[case_id].done = set()
    orders: dict[int, ClockOrder] = {}
    notified: list[tuple[int, str]] = []  # (order id, kind): attached once the orders are read
    parameters = {"ids": list(cases), **({"court_ids": at_court} if at_court else {})}
    for kind, case_id, t1, t2, t3, s1, s2, i1, i2, i3, d1 in db.session.execute(_prepared(bool(at_court)), parameters):
        case = cases[case_id]
        if kind == "h":
            case.hearings.append(ClockHearing(t1, _HEARING_OUTCOME(s1), t2, t3))
        elif kind == "b":
            case.breaches.append(ClockBreach(i1, t1, t2, _BREACH_OUTCOME(s1), t3))
        elif kind == "o":
            service = ClockService(t1, i3, t2) if t1 is not None else None
            case.order = orders[i1] = ClockOrder(i1, _ORDER_STATUS(s1), d1, i2, service)
        elif kind == "n":
            notified.append((i1, s2))
        else:
            case.done.add(s1)
    for order_id, notification_kind in notified:
        if order_id in orders:  # the case's own order, as the clocks read it
            orders[order_id].notifications.append(ClockNotification(_NOTIFICATION_KIND(notification_kind)))
    return cases

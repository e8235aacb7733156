"""P's notifications to the police under a DAPO (DAA 2021 s.41): recording them, and the
dashboard's tasks when one is overdue or came late. Rules and citations:
app/domain/notification.

The audit says what kind of notification was recorded, whether it was late and how it was
given, never the names or address P notified (personal data, kept on the record only).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import joinedload

from app.domain.calendar import LONDON, Calendar
from app.domain.deadlines import notification_due
from app.domain.notification import (
    OFFENCE,
    Exemption,
    NotificationKind,
    NotificationMethod,
    due,
    is_late,
    notification_errors,
)
from app.domain.regimes import RegimeCode
from app.extensions import db
from app.models import Case, CaseState, OrderNotification, OrderStatus, ProtectionOrder, User
from app.services import ValidationFailed, audit
from app.services.access import case_is
from app.services.clock_cache import refresh_urgency
from app.services.transaction import commits
from app.timeutil import utcnow

# A notification recorded late stays on the dashboard this long, for the officer to consider
# the offence (practice, not statute).
LATE_TASK_DAYS = 7
LATE_WHAT = {NotificationKind.INITIAL: "Initial notification", NotificationKind.NEW_NAME: "A new name",
             NotificationKind.NEW_ADDRESS: "A new home address", NotificationKind.NO_ADDRESS: "Having no home address"}


def notifications_apply(case: Case) -> bool:
    """Whether the case has a DAPO in force (the only order s.41 speaks of)."""
    return case.order_kind == "dapo" and case.order_in_force is not None


def exemption_of(order: ProtectionOrder) -> OrderNotification | None:
    return next((n for n in order.notifications if n.kind is NotificationKind.EXEMPT), None)


def initial_of(order: ProtectionOrder) -> OrderNotification | None:
    return next((n for n in order.notifications if n.kind is NotificationKind.INITIAL), None)


@commits
def record_notification(
    actor: User, case: Case, *, kind: NotificationKind | None, exemption: Exemption | None, names: str,
    address: str, changed_on: date | None, notified_at: datetime | None, method: NotificationMethod | None,
    where: str, taken_by: str, calendar: Calendar,
) -> OrderNotification:
    """Record a notification P gave under the DAPO in force (initial, s.41(2)-(3); a change,
    s.41(4)-(6)), or the s.41(8) exemption that means none is due. Whether it came on time
    is fixed now (`domain.notification.due`, `is_late`); the initial notification's clock
    stops."""
    order = case.order_in_force
    if order is None or case.order_kind != "dapo":
        raise ValidationFailed({"": "Notification requirements apply to a domestic abuse protection order in force"})
    now = utcnow()
    is_exempt = kind is NotificationKind.EXEMPT
    if is_exempt and notified_at is None:
        notified_at = now
    errors = notification_errors(
        kind=kind, exemption=exemption, names=names, address=address, changed_on=changed_on, notified_at=notified_at,
        method=method, where=where, taken_by=taken_by, made_on=order.made_on, now=now,
        has_initial=any(n.kind is not NotificationKind.EXEMPT for n in order.notifications),
        exempt=exemption_of(order) is not None,
    )
    if kind is NotificationKind.INITIAL and not errors and initial_of(order) is not None:
        errors = {"kind": "The initial notification is already recorded: record a change instead"}
    if errors:
        raise ValidationFailed(errors)
    due_at = due(kind, made_on=order.made_on, changed_on=changed_on if kind.is_event else None)
    late = is_late(notified_at, due_at)
    row = OrderNotification(
        case_id=case.id, order_id=order.id, kind=kind, exemption=exemption if is_exempt else None,
        names=None if is_exempt else (names.strip() or None),
        home_address=None if is_exempt else (address.strip() or None),
        changed_on=changed_on if kind.is_event else None, notified_at=notified_at,
        method=None if is_exempt else method, given_where=None if is_exempt else where.strip(),
        taken_by=taken_by.strip(), due_at=due_at, late=late, recorded_by_id=actor.id, recorded_at=now,
    )
    db.session.add(row)
    db.session.flush()
    db.session.expire(order, ["notifications"])
    refresh_urgency(case, calendar)  # the initial notification's clock stops
    audit.record(actor, "order.notification", case, notification=row.id, kind=kind.value,
                 exemption=exemption.value if is_exempt and exemption else None,
                 name_notified=bool(row.names), address_notified=bool(row.home_address),
                 method=method.value if method and not is_exempt else None, late=late,
                 notified_at=notified_at.isoformat())
    db.session.commit()
    return row


@dataclass(frozen=True)
class NotificationTask:
    case: Case
    what: str
    due_at: datetime
    notified_at: datetime | None = None  # a late notification: when it came


def notification_tasks(case_query, now: datetime, limit: int = 50) -> list[NotificationTask]:
    """The dashboard's tasks for the cases in `case_query` (already scoped by access): a
    DAPO in force whose initial notification is overdue (no initial notification and no
    exemption, and the three days are over: `made_on` three or more London days ago), and
    notifications recorded late in the last LATE_TASK_DAYS days. Two queries whatever the
    number of cases."""
    today = now.astimezone(LONDON).date()
    settled = exists().where(and_(
        OrderNotification.order_id == ProtectionOrder.id,
        OrderNotification.kind.in_([NotificationKind.INITIAL, NotificationKind.EXEMPT]),
    ))
    # The orders in force read oldest first from ix_protection_order_status_made_on (the case tested
    # by a correlated EXISTS), stopping after `limit`, as order_records.victim_told_tasks.
    overdue = db.session.execute(
        select(Case, ProtectionOrder).select_from(ProtectionOrder)
        .join(Case, Case.id == ProtectionOrder.case_id)
        .where(ProtectionOrder.status == OrderStatus.IN_FORCE, ProtectionOrder.made_on <= today - timedelta(days=3),
               ~settled, case_is(case_query, ProtectionOrder.case_id, Case.state == CaseState.ORDER_IN_FORCE,
                                 Case.regime == RegimeCode.DAPN))
        .options(joinedload(Case.perpetrator))
        .order_by(ProtectionOrder.made_on, ProtectionOrder.case_id)
        .limit(limit)
    ).all()
    tasks = [NotificationTask(case, "Initial notification of names and home address overdue (DAA 2021 s.41(2)). "
                                    f"{OFFENCE}.", notification_due(order.made_on)) for case, order in overdue]
    late = db.session.execute(
        case_query.add_columns(OrderNotification)
        .join(OrderNotification, OrderNotification.case_id == Case.id)
        .where(OrderNotification.late.is_(True), OrderNotification.recorded_at >= now - timedelta(days=LATE_TASK_DAYS))
        .options(joinedload(Case.perpetrator))
        .order_by(OrderNotification.recorded_at.desc(), OrderNotification.id)
        .limit(limit)
    ).all()
    tasks += [NotificationTask(case, f"{LATE_WHAT[n.kind]} notified late (s.41). {OFFENCE}: consider it.", n.due_at,
                               n.notified_at) for case, n in late]
    return tasks

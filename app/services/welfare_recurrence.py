"""How often an order's geofence re-arms after a welfare visit (issue 16: "the recurrence
per order changed by risk"; practice, not law).

A visit done at an order (V seen and spoken to) snoozes its geofence for the order's
recurrence: the days a supervisor set for it on the tasking view, with a reason, or else
the force's WELFARE_VISIT_SNOOZE_DAYS. The default the form proposes comes from the case's
DASH risk level (domain/welfare_rules.proposed_recurrence_days). Every change is audited
with the days before and after and the reason, and shown on the case page.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.domain.welfare_rules import BadRecurrence, effective_recurrence, recurrence_change
from app.extensions import db
from app.models import Case, ProtectionOrder, Role, User, WelfareVisit
from app.services import ValidationFailed, audit
from app.services.transaction import commits
from app.timeutil import utcnow

# Supervisors set the recurrence (tasking is theirs and inspectors'; inspectors read it).
RECURRENCE_ROLES = (Role.SUPERVISOR,)


@dataclass(frozen=True)
class Snooze:
    last_visit_done_at: datetime | None  # the latest visit done at the order (V spoken to)
    recurrence: timedelta  # how long such a visit snoozes the order's geofence
    order_days: int | None  # the supervisor's days for the order (None: the force's setting)


def snoozes(order_ids: Iterable[int], setting: timedelta) -> dict[int, Snooze]:
    """For each order: its latest visit done and its recurrence, in one statement however
    many orders (the latest visit by ix_welfare_visit_order_id)."""
    ids = sorted(set(order_ids))
    if not ids:
        return {}
    last_visit = (select(func.max(WelfareVisit.checked_out_at))
                  .where(WelfareVisit.order_id == ProtectionOrder.id, WelfareVisit.victim_spoken_to.is_(True))
                  .scalar_subquery())
    rows = db.session.execute(select(ProtectionOrder.id, ProtectionOrder.welfare_recurrence_days, last_visit)
                              .where(ProtectionOrder.id.in_(ids))).all()
    return {order_id: Snooze(last, effective_recurrence(days, setting), days) for order_id, days, last in rows}


def may_set(user: User) -> bool:
    return user.role in RECURRENCE_ROLES


@commits
def set_recurrence(actor: User, case: Case, *, days: str | int | None, reason: str | None) -> ProtectionOrder:
    """A supervisor sets how many days after a visit the order's geofence re-arms (1 to 60),
    with a reason. The order must be in force."""
    if not may_set(actor):
        raise PermissionError("only a supervisor sets an order's welfare visit recurrence")
    order = case.order
    if order is None or not order.in_force:
        raise ValidationFailed({"days": "There is no order in force on this case"})
    before = order.welfare_recurrence_days
    try:
        new_days, why = recurrence_change(days=days, reason=reason, current_days=before)
    except BadRecurrence as exc:
        raise ValidationFailed(exc.errors) from None
    order.welfare_recurrence_days, order.welfare_recurrence_reason = new_days, why
    order.welfare_recurrence_by_id, order.welfare_recurrence_at = actor.id, utcnow()
    audit.record(actor, "welfare.recurrence_changed", case, order=order.id, before=before, after=new_days,
                 reason=why)
    db.session.commit()
    return order

"""What follows from the order changing: one place for the court's outcome, a variation or
discharge, and the expiry sweep to bring the texts, the dashboard's urgency, the
victim's referrals and the geofence around V's address into step with the order as it now
stands."""
from __future__ import annotations

from datetime import datetime

from app.domain.calendar import Calendar
from app.models import Case, User
from app.services import geofences, referrals, reminders, trial
from app.services.clock_cache import refresh_urgency
from app.services.order_records import OrderSettings
from app.services.reminders import TextSettings
from app.services.transaction import in_callers_transaction


@in_callers_transaction
def after_order_change(case: Case, *, calendar: Calendar, texts: TextSettings, now: datetime,
                       actor: User | None = None, order_made: bool = False,
                       orders: OrderSettings | None = None) -> None:
    """The court made, varied or discharged the order, refused or adjourned the application,
    or the order expired: bring what depends on it into step, in the caller's transaction.

    - texts: a newly made order is assessed for the reminder-text trial (which plans its
      texts); an order changed or ended re-plans or cancels the unsent texts;
    - the dashboard's urgency, from the case's clocks;
    - the victim's referrals: the order's end and the protection stage (`actor` is who
      recorded the court's decision; None for the expiry sweep);
    - the geofence around V's address (services/geofences): made with the order (`orders`,
      required when `order_made`, fixes its radius and start), its end following the order's,
      ended when the order ends.
    """
    if order_made and orders is None:
        raise ValueError("a newly made order needs the order settings (its geofence's radius and start)")
    if order_made:
        trial.assess(case, now, texts)
    elif case.order is not None:
        reminders.order_changed(case, now, texts)
    refresh_urgency(case, calendar)
    referrals.sync_with_order(case, calendar, actor)
    geofences.sync_with_order(case, now, orders=orders if order_made else None, actor=actor)

"""What follows from the order changing: one place for the court's outcome, a variation or
discharge, and the expiry sweep to bring the texts, the dashboard's urgency and the
victim's referrals into step with the order as it now stands."""
from __future__ import annotations

from datetime import datetime

from app.domain.calendar import Calendar
from app.models import Case, User
from app.services import referrals, reminders, trial
from app.services.clock_cache import refresh_urgency
from app.services.reminders import TextSettings
from app.services.transaction import in_callers_transaction


@in_callers_transaction
def after_order_change(case: Case, *, calendar: Calendar, texts: TextSettings, now: datetime,
                       actor: User | None = None, order_made: bool = False) -> None:
    """The court made, varied or discharged the order, refused or adjourned the application,
    or the order expired: bring what depends on it into step, in the caller's transaction.

    - texts: a newly made order is assessed for the reminder-text trial (which plans its
      texts); an order changed or ended re-plans or cancels the unsent texts;
    - the dashboard's urgency, from the case's clocks;
    - the victim's referrals: the order's end and the protection stage (`actor` is who
      recorded the court's decision; None for the expiry sweep).
    """
    if order_made:
        trial.assess(case, now, texts)
    elif case.order is not None:
        reminders.order_changed(case, now, texts)
    refresh_urgency(case, calendar)
    referrals.sync_with_order(case, calendar, actor)

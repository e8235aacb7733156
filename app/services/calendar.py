"""The bank-holiday calendar: the `holidays` package plus days an admin adds."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.domain.calendar import Calendar
from app.extensions import db
from app.models import ExtraBankHoliday, User
from app.services import ValidationFailed, audit
from app.services.transaction import commits
from app.timeutil import utcnow

if TYPE_CHECKING:
    from app.services.referrals import ReferralSettings


def load_calendar() -> Calendar:
    """The calendar every deadline is computed with: one query."""
    days = db.session.scalars(select(ExtraBankHoliday.day)).all()
    return Calendar(extra_bank_holidays=frozenset(days))


@commits
def add_extra_bank_holiday(actor: User, day: date, name: str, referral_settings: ReferralSettings) -> ExtraBankHoliday:
    """Add a one-off bank holiday (for example one appointed by royal proclamation)."""
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": "Enter the name of the bank holiday"})
    if db.session.scalar(select(ExtraBankHoliday).where(ExtraBankHoliday.day == day)):
        raise ValidationFailed({"day": "That day is already in the list"})
    holiday = ExtraBankHoliday(day=day, name=name, added_by_id=actor.id, added_at=utcnow())
    db.session.add(holiday)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ValidationFailed({"day": "That day is already in the list"}) from None
    audit.record(actor, "calendar.day_added", day=day.isoformat(), name=name)
    _refresh_deadlines(referral_settings)
    db.session.commit()
    return holiday


@commits
def remove_extra_bank_holiday(actor: User, holiday: ExtraBankHoliday, referral_settings: ReferralSettings) -> None:
    audit.record(actor, "calendar.day_removed", day=holiday.day.isoformat(), name=holiday.name)
    db.session.delete(holiday)
    db.session.flush()
    _refresh_deadlines(referral_settings)
    db.session.commit()


def _refresh_deadlines(referral_settings: ReferralSettings) -> None:
    """Running deadlines that span a changed day move with it (hearing, breach, referral)."""
    from app.services.cases import refresh_hearing_deadlines
    from app.services.referrals import refresh_due_dates

    calendar = load_calendar()
    refresh_hearing_deadlines(calendar)
    refresh_due_dates(calendar, referral_settings)

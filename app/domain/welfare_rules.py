"""When a geofence alerts, how often it re-arms, and what a visit report must say (issue 16;
seed 002). Pure: no Flask, no database, no clock (times are arguments).

Greater Manchester's learning: no alert when a welfare visit was recorded at the order in
the last 7 days (WELFARE_VISIT_SNOOZE_DAYS); the geofence is snoozed until 7 days after that
visit, and re-arms then.

The recurrence per order (practice, not law: no enactment sets how often police visit): a
supervisor may set, for one order, how many days after a visit its geofence re-arms, with a
reason. The tasking view proposes a default from the case's DASH risk level: high risk
`HIGH_RISK_RECURRENCE_DAYS` (3; never longer than the force's setting), medium and standard
the force's setting (7 by default). Without a supervisor's choice the setting applies.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.risk import RiskLevel

MIN_RECURRENCE_DAYS = 1
MAX_RECURRENCE_DAYS = 60  # the same bounds as WELFARE_VISIT_SNOOZE_DAYS
HIGH_RISK_RECURRENCE_DAYS = 3
RECURRENCE_REASON_MAX = 2000


def proposed_recurrence_days(risk: RiskLevel, setting_days: int) -> int:
    """The recurrence the tasking view proposes for an order of this risk: shorter for high
    risk (3 days, or the setting if that is shorter), the force's setting otherwise."""
    if risk is RiskLevel.HIGH:
        return min(HIGH_RISK_RECURRENCE_DAYS, setting_days)
    return setting_days


def effective_recurrence(order_days: int | None, setting: timedelta) -> timedelta:
    """How long a visit snoozes the order's geofence: the supervisor's days for the order, or
    the force's setting."""
    return setting if order_days is None else timedelta(days=order_days)


class BadRecurrence(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def recurrence_change(*, days: str | int | None, reason: str | None, current_days: int | None) -> tuple[int, str]:
    """A supervisor's recurrence for an order, as typed: whole days from 1 to 60 and a reason
    (required), or BadRecurrence naming each field that is wrong."""
    errors = {}
    text = str(days if days is not None else "").strip()
    value = None
    if not text:
        errors["days"] = "Enter the number of days after a visit before the geofence alerts again"
    elif not text.isdigit() or not MIN_RECURRENCE_DAYS <= int(text) <= MAX_RECURRENCE_DAYS:
        errors["days"] = (f"Enter a whole number of days from {MIN_RECURRENCE_DAYS} to {MAX_RECURRENCE_DAYS}")
    else:
        value = int(text)
        if value == current_days:
            errors["days"] = f"The order already re-arms {value} days after a visit: enter another number"
    why = (reason or "").strip()
    if not why:
        errors["reason"] = "Say why the recurrence is changed (for example: risk reassessed as high at MARAC)"
    elif len(why) > RECURRENCE_REASON_MAX:
        errors["reason"] = f"Keep the reason under {RECURRENCE_REASON_MAX:,} characters"
    if errors:
        raise BadRecurrence(errors)
    return value, why


def armed_at(last_visit_done_at: datetime | None, snooze: timedelta, now: datetime) -> datetime | None:
    """When a geofence snoozed by a visit re-arms, if that is still ahead of `now` (None:
    armed now: never visited, or the snooze is over). What the tasking view shows."""
    until = snoozed_until(last_visit_done_at, snooze)
    return until if until is not None and until > now else None


def snoozed_until(last_visit_done_at: datetime | None, snooze: timedelta) -> datetime | None:
    """When the geofence re-arms after the latest visit done there (None: never visited)."""
    return None if last_visit_done_at is None else last_visit_done_at + snooze


def alerts_at(last_visit_done_at: datetime | None, at: datetime, snooze: timedelta) -> bool:
    """Whether a report at `at` inside the live geofence raises an alert."""
    until = snoozed_until(last_visit_done_at, snooze)
    return until is None or at >= until


class BadVisitReport(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class VisitReport:
    victim_spoken_to: bool
    wellbeing: str
    p_present: bool
    concerns: str
    follow_up: str

    def as_record(self) -> dict:
        return {"victim_spoken_to": self.victim_spoken_to, "wellbeing": self.wellbeing,
                "p_present": self.p_present, "concerns": self.concerns, "follow_up": self.follow_up}


MAX_TEXT = 4000


def visit_report(*, spoken_to: str | None, wellbeing: str | None, p_present: str | None, concerns: str | None,
                 follow_up: str | None) -> VisitReport:
    """The check-out's answers, as typed ("yes"/"no" for the questions), or BadVisitReport
    naming each field that is missing or too long."""
    errors = {}
    answers = {}
    for name, value, question in (("spoken_to", spoken_to, "whether the victim was seen and spoken to"),
                                  ("p_present", p_present, "whether the perpetrator was present")):
        if value not in ("yes", "no"):
            errors[name] = f"Say {question}"
        answers[name] = value == "yes"
    texts = {}
    for name, value in (("wellbeing", wellbeing), ("concerns", concerns), ("follow_up", follow_up)):
        texts[name] = (value or "").strip()
        if len(texts[name]) > MAX_TEXT:
            errors[name] = f"Keep this to {MAX_TEXT} characters"
    if answers["spoken_to"] and not texts["wellbeing"] and "spoken_to" not in errors:
        errors["wellbeing"] = "Say how the victim is (their wellbeing and situation)"
    if errors:
        raise BadVisitReport(errors)
    return VisitReport(victim_spoken_to=answers["spoken_to"], wellbeing=texts["wellbeing"],
                       p_present=answers["p_present"], concerns=texts["concerns"], follow_up=texts["follow_up"])


CLOSED_SHOWN_FOR = timedelta(hours=24)  # closed alerts stay on the patrol page this long


def closed_shown_since(now: datetime) -> datetime:
    """The patrol page lists the officer's alerts closed since this instant."""
    return now - CLOSED_SHOWN_FOR


def visits_since(now: datetime, days: int) -> datetime:
    """Tasking lists the visits checked out since this instant (the last `days` days)."""
    return now - timedelta(days=days)

"""When a geofence alerts, and what a visit report must say (issue 16; seed 002). Pure:
no Flask, no database, no clock (times are arguments).

Greater Manchester's learning: no alert when a welfare visit was recorded at the order in
the last 7 days (WELFARE_VISIT_SNOOZE_DAYS); the geofence is snoozed until 7 days after that
visit, and re-arms then.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


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

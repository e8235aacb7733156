"""The dashboard's tasks as one list: every kind of task (decisions on applications, victim
referrals, caseworkers' concerns, V to tell, notifications, DAPO requirements, texts, orders
ending) becomes a group of lines of the same shape, "reference, who: what", with its link.

Wording only: which tasks exist, and for whom, is decided in the services."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import url_for

from app.domain.timefmt import format_instant, format_span
from app.services.dashboard_tasks import ApplicationTask, UnacceptedReferral, concern_overdue


@dataclass(frozen=True)
class TaskLine:
    url: str
    reference: str
    what: str
    who: str = ""  # the person the task is about, when the line names one
    tag: str | None = None  # a red tag before the line: a breach, or a task left too long
    action_url: str | None = None  # a second link, to act at once
    action_text: str = ""


@dataclass(frozen=True)
class TaskGroup:
    id: str
    title: str
    lines: list[TaskLine] = field(default_factory=list)
    more: bool = False  # the group has more lines than it shows: its own page lists them


def _p(case) -> str:
    return case.perpetrator.full_name if case.perpetrator else ""


def application_lines(tasks: list[ApplicationTask]) -> list[TaskLine]:
    lines = []
    for task in tasks:
        verb = "Returned for more information" if task.returned else "Refused"
        lines.append(TaskLine(
            url_for("authorisation.task_list", case_id=task.case.id), task.case.reference,
            f"{verb} by {task.decided_by.display_name}, {format_instant(task.decision.decided_at)}: "
            f"{task.decision.rationale}",
            who=_p(task.case), tag=None if task.returned else "Refused",
        ))
    return lines


def referral_lines(tasks) -> list[TaskLine]:
    return [TaskLine(url_for("referrals.case_referrals", case_id=t.case.id), t.case.reference, t.what,
                     who=t.referral.victim.full_name, tag="Code breach" if t.breach else None) for t in tasks]


def unaccepted_lines(tasks: list[UnacceptedReferral]) -> list[TaskLine]:
    return [TaskLine(url_for("referrals.case_referrals", case_id=t.case.id), t.case.reference,
                     f"Sent to {t.referral.service.name if t.referral.service else 'the service'} "
                     f"{format_instant(t.referral.settled_at)} and not accepted within a working day "
                     f"(by {format_instant(t.accept_by)}): contact the service",
                     who=t.referral.victim.full_name, tag="Not accepted") for t in tasks]


def concern_lines(concerns, cases, now: datetime, *, can_act: bool) -> list[TaskLine]:
    lines = []
    for concern in concerns:
        case = cases[concern.case_id]
        by = f" by {concern.referral.service.name}" if concern.referral.service else ""
        overdue = concern_overdue(concern, now)
        lines.append(TaskLine(
            url_for("referrals.case_referrals", case_id=case.id), case.reference,
            f"reported {format_instant(concern.reported_at)}{by}."
            + (f" Not acted on for {format_span(now - concern.reported_at)}." if overdue else ""),
            who=_p(case), tag="Over 24 hours" if overdue else None,
            action_url=url_for("referrals.concern", case_id=case.id, referral_id=concern.referral_id,
                               concern_id=concern.id) if can_act else None,
            action_text="Act on it",
        ))
    return lines


def victim_told_lines(tasks) -> list[TaskLine]:
    return [TaskLine(url_for("court.show", case_id=t.case.id) + "#victim-told", t.case.reference,
                     "not yet told the order's conditions, its end and what to do if it is breached.",
                     who=t.victim.full_name) for t in tasks]


def geofence_lines(tasks, *, can_act: bool) -> list[TaskLine]:
    """Open geofences with no place yet: "Geofence needs a location"."""
    def what(fence) -> str:
        if fence.geocode_outcome == "not_found":
            return "Geofence needs a location: the force's geocoder found no match for the address."
        if fence.geocode_outcome == "unavailable":
            return "Geofence needs a location: the force's geocoder did not answer."
        return "Geofence needs a location."
    return [TaskLine(url_for("cases.show", case_id=case.id) + "#geofence", case.reference, what(fence), who=_p(case),
                     action_url=url_for("geofences.location", case_id=case.id) if can_act else None,
                     action_text="Enter the location")
            for case, fence in tasks]


def notification_lines(tasks) -> list[TaskLine]:
    return [TaskLine(url_for("court.show", case_id=t.case.id) + "#notifications", t.case.reference,
                     f"{t.what} Due by {format_instant(t.due_at)}"
                     + (f"; notified {format_instant(t.notified_at)}" if t.notified_at else "") + ".",
                     who=_p(t.case)) for t in tasks]


def order_lines(tasks) -> list[TaskLine]:
    return [TaskLine(url_for("court.show", case_id=t.case.id) + "#dapo-requirements", t.case.reference, t.text)
            for t in tasks]


def text_lines(tasks) -> list[TaskLine]:
    return [TaskLine(url_for("texts.case_texts", case_id=t.case.id), t.case.reference, t.what, who=_p(t.case))
            for t in tasks]


def ending_lines(cases) -> list[TaskLine]:
    return [TaskLine(url_for("court.show", case_id=c.id), c.reference, f"ends {format_instant(c.order.ends_at)}",
                     who=_p(c)) for c in cases]


def groups(*candidates: TaskGroup) -> list[TaskGroup]:
    """The groups that have a line, in the order given (most pressing kinds first)."""
    return [g for g in candidates if g.lines]

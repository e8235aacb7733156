"""The dashboard's task groups, built the same way for the dashboard (a few lines of each
group, DASHBOARD_TASK_LINES) and for a group's own page (/dashboard/tasks/<id>, up to
ALL_LINES): one builder per group, whatever the limit.

Each builder asks its service for `limit + 1` lines, so the group knows there are more than
it shows (its "Show all" link) without counting them. Services return their most pressing
lines first; a group shows the first `limit`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from flask import current_app
from flask_login import current_user

from app.domain.calendar import LONDON
from app.models import Case, CaseState
from app.services import dashboard_tasks, geofences, notifications, order_records, order_requirements, referral_queries
from app.services.access import visible_cases
from app.services.court import orders_ending_soon
from app.services.reminders import text_tasks
from app.settings import current_settings
from app.web.presentation import dashboard_tasks as lines
from app.web.request_cache import request_calendar

# The most lines a group's own page shows (the dashboard showed this many before issue 18).
ALL_LINES = 50


@dataclass
class _Context:
    """What every builder reads: the user's cases and whether they act on officers' tasks."""
    now: datetime

    @cached_property
    def cases(self):
        return visible_cases(current_user)

    @cached_property
    def officer(self) -> bool:
        return dashboard_tasks.acts_on_tasks(current_user)


def _applications(ctx: _Context, n: int) -> list[lines.TaskLine]:
    return lines.application_lines(dashboard_tasks.application_tasks(ctx.cases, ctx.now, limit=n)) if ctx.officer else []


def _referrals(ctx: _Context, n: int) -> list[lines.TaskLine]:
    return lines.referral_lines(referral_queries.referral_tasks(ctx.cases, ctx.now, limit=n))


def _concerns(ctx: _Context, n: int) -> list[lines.TaskLine]:
    concerns = referral_queries.open_concerns(ctx.cases, limit=n)
    return lines.concern_lines(concerns, referral_queries.cases_by_id(c.case_id for c in concerns), ctx.now,
                               can_act=ctx.officer)


def _unaccepted(ctx: _Context, n: int) -> list[lines.TaskLine]:
    if not ctx.officer:
        return []
    return lines.unaccepted_lines(dashboard_tasks.unaccepted_referrals(ctx.cases, ctx.now, request_calendar(), limit=n))


def _victim_told(ctx: _Context, n: int) -> list[lines.TaskLine]:
    return lines.victim_told_lines(order_records.victim_told_tasks(ctx.cases, limit=n))


def _geofences(ctx: _Context, n: int) -> list[lines.TaskLine]:
    return lines.geofence_lines(geofences.location_tasks(ctx.cases, limit=n),
                                can_act=current_user.role in geofences.EDITOR_ROLES)


def _notifications(ctx: _Context, n: int) -> list[lines.TaskLine]:
    return lines.notification_lines(notifications.notification_tasks(ctx.cases, ctx.now, limit=n))


def _orders(ctx: _Context, n: int) -> list[lines.TaskLine]:
    return lines.order_lines(order_requirements.officer_tasks(ctx.cases, ctx.now.astimezone(LONDON).date(), limit=n))


def _texts(ctx: _Context, n: int) -> list[lines.TaskLine]:
    return lines.text_lines(text_tasks(ctx.cases, limit=n,
                                       unknown_before=ctx.now - current_settings().dispatch.decide_after))


def _ending(ctx: _Context, n: int) -> list[lines.TaskLine]:
    within = timedelta(days=current_app.config["ORDER_ENDING_SOON_DAYS"])
    return lines.ending_lines(orders_ending_soon(ctx.cases.where(Case.state == CaseState.ORDER_IN_FORCE),
                                                 ctx.now, within, limit=n))


def _ending_title() -> str:
    return f"Orders ending within {current_app.config['ORDER_ENDING_SOON_DAYS']} days"


@dataclass(frozen=True)
class _Kind:
    id: str
    title: Callable[[], str]
    build: Callable[[_Context, int], list[lines.TaskLine]]


def _fixed(title: str) -> Callable[[], str]:
    return lambda: title


# The groups in the dashboard's order: most pressing kinds first.
KINDS = {k.id: k for k in (
    _Kind("application-tasks", _fixed("Applications returned or refused"), _applications),
    _Kind("referral-tasks", _fixed("Victim referrals: to do"), _referrals),
    _Kind("referral-concerns", _fixed("Possible breaches reported by caseworkers"), _concerns),
    _Kind("unaccepted-referrals", _fixed("Referrals not accepted by their service"), _unaccepted),
    _Kind("victim-told-tasks", _fixed("Tell the victim of the order"), _victim_told),
    _Kind("geofence-tasks", _fixed("Geofences: to do"), _geofences),
    _Kind("notification-tasks", _fixed("Notification requirements (DAA 2021 s.41): to do"), _notifications),
    _Kind("order-tasks", _fixed("DAPO requirements and reviews"), _orders),
    _Kind("text-tasks", _fixed("Reminder texts: to do"), _texts),
    _Kind("orders-ending", _ending_title, _ending),
)}


def _group(kind: _Kind, ctx: _Context, limit: int) -> lines.TaskGroup:
    found = kind.build(ctx, limit + 1)
    return lines.TaskGroup(kind.id, kind.title(), found[:limit], more=len(found) > limit)


def all_groups(now: datetime, limit: int) -> list[lines.TaskGroup]:
    """The dashboard's groups that have a line, each with its first `limit` lines. Each is
    one to three queries over the cases the user may read, whatever the number of tasks."""
    ctx = _Context(now)
    return lines.groups(*(_group(kind, ctx, limit) for kind in KINDS.values()))


def one_group(group_id: str, now: datetime, limit: int = ALL_LINES) -> lines.TaskGroup | None:
    """One group with up to `limit` lines (an empty group when the user has none), or None
    for an id that names no group."""
    kind = KINDS.get(group_id)
    return None if kind is None else _group(kind, _Context(now), limit)

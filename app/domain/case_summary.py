"""What police have done on a case, in plain words, for a referral to a support service.

Pure: built from the case's audit events. Only the steps a caseworker needs (seed 003: a
good referral says what police have already done) are named; internal steps (bundle
ticks, views, the text trial) are left out, and no detail beyond the step and its time is
copied, so nothing about V's safety planning or P's phone leaks into the referral.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from app.domain.reminders import last_day_in_force
from app.domain.timefmt import format_date, format_instant


@dataclass(frozen=True)
class Event:
    at: datetime
    action: str
    detail: dict


def _outcome(detail: dict) -> str | None:
    return {
        "granted": "The court made the order",
        "refused": "The court refused the order; the notice ended",
        "adjourned": "The hearing was adjourned (the notice continues)",
        "withdrawn": "The application for an order was withdrawn; the notice ended",
    }.get(str(detail.get("outcome")))


_PHRASES = {
    "case.opened": "Case opened after the incident",
    "application.submitted": "Notice application put to an authorising officer",
    "application.authorised": "Notice authorised",
    "application.refused": "Notice refused by the authorising officer",
    "case.dvpn_served": "Notice served on the perpetrator, who must leave and stay away",
    "court.hearing_listed": "Application for an order listed at the magistrates' court",
    "court.outcome_recorded": _outcome,
    "order.varied": "The court varied the order",
    "order.discharged": "The court discharged the order early",
    "order.expired": "The order came to an end",
    "breach.recorded": lambda d: "Breach recorded" + (" and the perpetrator arrested" if d.get("arrested_at") else ""),
    "breach.outcome_recorded": "The court dealt with a breach",
}


def police_actions(events: Iterable[Event]) -> list[str]:
    """One line per step police took, oldest first: "Sat 21 Nov 2026, 14:05: Notice served ..."."""
    lines = []
    for event in sorted(events, key=lambda e: e.at):
        phrase = _PHRASES.get(event.action)
        text = phrase(event.detail or {}) if callable(phrase) else phrase
        if text:
            lines.append(f"{format_instant(event.at)}: {text}")
    return lines


def protection_words(stage: str, order_ends_at: datetime | None) -> str:
    """The protection in place, in the caseworker's words (no case file detail).

    `stage` is one of: notice, notice_refused, order, ended, discharged, refused, withdrawn.
    "notice_refused": the authorising officer refused the notice, so none was served (the
    referral is made all the same, seed 003); nothing may suggest a notice or order. An order in
    force is never described as no protection, even without its end (seed 003: a referral
    carries the order and its expiry; a missing date must not read as "no order").
    """
    if stage == "order":
        if order_ends_at is None:
            return "Order in force (until further order, or its end not recorded)"
        return f"Order in force until the end of {format_date(last_day_in_force(order_ends_at))}"
    return {
        "notice": "Notice in force: the court hearing for an order is pending",
        "notice_refused": "The authorising officer refused the notice: no notice or order is in force",
        "ended": "The order has ended",
        "discharged": "The court discharged the order early",
        "refused": "The court did not make an order: the notice has ended",
        "withdrawn": "The application for an order was withdrawn: the notice has ended",
    }.get(stage, "No notice or order in force")


def support_after_order_words(stage: str, order_ends_at: datetime | None) -> str:
    """A referral whose order has ended while the victim is still supported, for the
    caseworker's lists: "Order ended on Sat 12 Dec 2026; support continues" (the date is the
    order's last day in force, or the day the court discharged it)."""
    if order_ends_at is None or stage not in ("ended", "discharged", "order"):
        return "Support continues"
    day = format_date(last_day_in_force(order_ends_at))
    if stage == "discharged":
        return f"The court discharged the order on {day}; support continues"
    return f"Order ended on {day}; support continues"

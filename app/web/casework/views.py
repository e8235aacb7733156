"""The caseworker's workspace: the service's referrals, one referral as the service received
it, and the safe-contact log (seed 003, "The method and timing of contact").

A caseworker reads a referral only through access.visible_referrals (their own service's,
once sent; app.web.loaders loads it), and only its content snapshot and the order's end:
never the case file.
"""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.domain.calendar import LONDON
from app.domain.referral_end import support_continues
from app.domain.referrals import (
    ContactMethod,
    ContactOutcome,
    allowed_methods,
    days_left,
    outside_safe_times,
    safe_times_words,
)
from app.domain.reminders import last_day_in_force
from app.domain.timefmt import format_date, format_instant
from app.models import Referral, ReferralStatus, Role
from app.services import ValidationFailed, casework
from app.timeutil import utcnow
from app.web.casework.forms import AttemptForm, CloseForm, ConcernForm, ConfirmForm, FollowUpForm, ReturnForm
from app.web.fields import chosen, combine_london
from app.web.forms_support import CASEWORK_PAGES, form_page
from app.web.loaders import load_referral
from app.web.presentation.referral_content import read_snapshot
from app.web.presentation.referral_wording import stage_words
from app.web.request_cache import request_calendar
from app.web.security import roles_required

bp = Blueprint("casework", __name__)

# Seed 003: caseworkers were told to make three attempts; persisting beyond them reached victims.
USUAL_ATTEMPTS = 3


def _back_to(referral: Referral, message: str):
    flash(message, "info")
    return redirect(url_for("casework.show", referral_id=referral.id))


def _now_in_london(date_field, time_field) -> None:
    now = utcnow().astimezone(LONDON)
    date_field.data, time_field.data = now.date(), now.time().replace(second=0, microsecond=0)


def _instant(date_field, time_field) -> datetime | None:
    at = combine_london(date_field, time_field)
    if at is None and date_field.errors:
        raise ValidationFailed({})  # a time the clocks skipped: the message is on the date field
    return at


# -- Reading -----------------------------------------------------------------------------------

@bp.route("/referrals/inbox")
@roles_required(Role.CASEWORKER)
def inbox():
    now = utcnow()
    counts = casework.counts(current_user)
    past_count = counts.get(ReferralStatus.RETURNED, 0) + counts.get(ReferralStatus.CLOSED, 0)
    if request.args.get("view") == "past":
        return render_template("casework/past.html", referrals=casework.past(current_user), past_count=past_count)
    rows = casework.inbox(current_user, now)
    return render_template(
        "casework/inbox.html", past_count=past_count, stage_words=stage_words, last_day=last_day_in_force,
        new=[r for r in rows if r.referral.status is ReferralStatus.SENT],
        open_rows=[r for r in rows if r.referral.status is ReferralStatus.ACCEPTED],
        continuing=[r for r in rows if r.referral.status is ReferralStatus.SUPPORTING],
    )


@bp.route("/referrals/<int:referral_id>")
@roles_required(Role.CASEWORKER)
def show():
    referral = load_referral()
    casework.record_viewed(current_user, referral)
    now = utcnow()
    attempts = list(referral.attempts)
    made_contact = any(a.outcome.made_contact for a in attempts)
    follow_up = referral.follow_up_due_at if referral.follow_up_done_at is None else None
    return render_template(
        "casework/show.html", referral=referral, content=referral.content or {}, snapshot=read_snapshot(referral.content or {}),
        now=now, stage=stage_words(referral), days_left=days_left(referral.order_ends_at, now),
        suggestion=casework.next_attempt(referral, now, request_calendar()), attempts=attempts, made_contact=made_contact,
        outside_safe={a.id for a in attempts if outside_safe_times(a.attempted_at, referral.safe_times or ())},
        failed_attempts=sum(1 for a in attempts if not a.outcome.made_contact), usual_attempts=USUAL_ATTEMPTS,
        follow_up_day=follow_up.astimezone(LONDON).date() if follow_up else None,
        follow_up_is_due=bool(follow_up and follow_up <= now),
        is_open=referral.status in casework.OPEN_STATUSES,
        support_continues=support_continues(casework.attempt_log(referral)),
        support_follow_up_day=(referral.support_follow_up_at.astimezone(LONDON).date()
                               if referral.support_follow_up_at else None),
        support_follow_up_is_due=bool(referral.support_follow_up_at and referral.support_follow_up_at <= now),
    )


# -- Changing ----------------------------------------------------------------------------------

@bp.route("/referrals/<int:referral_id>/accept", methods=["GET", "POST"])
@roles_required(Role.CASEWORKER)
def accept():
    referral = load_referral()
    if request.method == "GET" and referral.status is not ReferralStatus.SENT:
        return _back_to(referral, f"This referral is already {referral.status.label.lower()}.")
    form = ConfirmForm()

    def save():
        casework.accept(current_user, referral)
        return "Referral accepted. Make the first attempt to contact the victim from a withheld number."

    return form_page(CASEWORK_PAGES, "casework/accept.html", form, save)


@bp.route("/referrals/<int:referral_id>/attempts/new", methods=["GET", "POST"])
@roles_required(Role.CASEWORKER)
def new_attempt():
    referral = load_referral()
    if request.method == "GET" and referral.status not in casework.OPEN_STATUSES:
        return _back_to(referral, f"This referral is {referral.status.label.lower()}: no more attempts can be logged.")
    methods = allowed_methods(referral.agreed_methods or [])
    form = AttemptForm()
    form.offer_methods(methods)
    if request.method == "GET":
        _now_in_london(form.attempted_date, form.attempted_time)
        form.method.data = ContactMethod.WITHHELD_CALL.value
    calendar = request_calendar()

    def save():
        details = casework.AttemptDetails(
            attempted_at=_instant(form.attempted_date, form.attempted_time),
            method=chosen(ContactMethod, form.method.data), outcome=chosen(ContactOutcome, form.outcome.data),
            call_near_end_agreed=bool(form.call_near_end_agreed.data), notes=form.notes.data or "",
        )
        attempt = casework.log_attempt(current_user, referral, details, calendar)
        if outside_safe_times(attempt.attempted_at, referral.safe_times or ()):
            flash(f"{format_instant(attempt.attempted_at)} was outside the times the victim said are safe to call "
                  f"({safe_times_words(referral.safe_times)}). Keep to those times: a call at another time may "
                  "not be safe for them.", "warning")
        return _after_attempt(referral, attempt, calendar)

    return form_page(CASEWORK_PAGES, "casework/attempt.html", form, save,
                     agreed=[m for m in methods if m.leaves_a_trace], safe_times=safe_times_words(referral.safe_times or ()),
                     outside_now=outside_safe_times(utcnow(), referral.safe_times or ()))


def _after_attempt(referral: Referral, attempt, calendar) -> str:
    if attempt.outcome.made_contact:
        if referral.follow_up_due_at and referral.follow_up_done_at is None:
            day = referral.follow_up_due_at.astimezone(LONDON).date()
            return f"Attempt recorded. The follow-up call near the end of the order is due from {format_date(day)}."
        return "Attempt recorded: contact made."
    suggestion = casework.next_attempt(referral, utcnow(), calendar)
    if suggestion is None:
        return "Attempt recorded. No further attempt fits before the order ends."
    return (f"Attempt recorded. Next suggested attempt: {format_instant(suggestion.at)}, "
            f"{suggestion.part.label.lower()}: {suggestion.why}.")


@bp.route("/referrals/<int:referral_id>/concern", methods=["GET", "POST"])
@roles_required(Role.CASEWORKER)
def concern():
    referral = load_referral()
    form = ConcernForm()
    if request.method == "GET":
        _now_in_london(form.observed_date, form.observed_time)

    def save():
        casework.report_concern(current_user, referral, observed_at=_instant(form.observed_date, form.observed_time),
                                what=form.what.data or "")
        return "Concern sent to the officer in the case. If anyone is in immediate danger, call 999."

    return form_page(CASEWORK_PAGES, "casework/concern.html", form, save)


@bp.route("/referrals/<int:referral_id>/return", methods=["GET", "POST"])
@roles_required(Role.CASEWORKER)
def return_to_police():
    referral = load_referral()
    if request.method == "GET" and referral.status not in casework.OPEN_STATUSES:
        return _back_to(referral, f"This referral is {referral.status.label.lower()}.")
    form = ReturnForm()
    if request.method == "GET":
        form.reason.data = casework.suggested_return_reason(referral)

    def save():
        casework.return_to_police(current_user, referral, form.reason.data or "")
        return "Referral returned to police. The officer in the case sees it on their dashboard."

    return form_page(CASEWORK_PAGES, "casework/return.html", form, save)


@bp.route("/referrals/<int:referral_id>/follow-up-done", methods=["GET", "POST"])
@roles_required(Role.CASEWORKER)
def follow_up_done():
    referral = load_referral()
    if request.method == "GET" and (referral.follow_up_due_at is None or referral.follow_up_done_at is not None):
        return _back_to(referral, "There is no follow-up call waiting on this referral.")
    form = ConfirmForm()

    def save():
        casework.follow_up_done(current_user, referral)
        return "Follow-up call recorded as done."

    return form_page(CASEWORK_PAGES, "casework/follow_up_done.html", form, save,
                     follow_up_day=referral.follow_up_due_at.astimezone(LONDON).date() if referral.follow_up_due_at else None)


@bp.route("/referrals/<int:referral_id>/follow-up", methods=["GET", "POST"])
@roles_required(Role.CASEWORKER)
def plan_follow_up():
    """Plan a follow-up call with a victim who engaged: it may fall after the order's end."""
    referral = load_referral()
    if request.method == "GET" and referral.status not in casework.OPEN_STATUSES:
        return _back_to(referral, f"This referral is {referral.status.label.lower()}: no follow-up call can be planned.")
    form = FollowUpForm()
    if request.method == "GET" and referral.support_follow_up_at is not None:
        form.follow_up_date.data = referral.support_follow_up_at.astimezone(LONDON).date()
    calendar = request_calendar()

    def save():
        casework.plan_follow_up(current_user, referral, form.follow_up_date.data, calendar)
        day = referral.support_follow_up_at.astimezone(LONDON).date()
        after = ("" if referral.order_ends_at is None or referral.support_follow_up_at < referral.order_ends_at
                 else ", after the order's end: the referral stays open until you close it")
        return f"Follow-up call planned for {format_date(day)}{after}."

    ends = referral.order_ends_at
    return form_page(CASEWORK_PAGES, "casework/follow_up.html", form, save,
                     order_last_day=last_day_in_force(ends) if ends else None, order_ended=bool(ends and ends <= utcnow()))


@bp.route("/referrals/<int:referral_id>/close", methods=["GET", "POST"])
@roles_required(Role.CASEWORKER)
def close():
    """Close the referral when support ends, with a reason police can read (after confirming)."""
    referral = load_referral()
    if request.method == "GET" and referral.status not in casework.OPEN_STATUSES:
        return _back_to(referral, f"This referral is {referral.status.label.lower()}.")
    form = CloseForm()

    def save():
        casework.close(current_user, referral, form.reason.data or "")
        return "Referral closed. The officer in the case sees that support has ended, and why."

    return form_page(CASEWORK_PAGES, "casework/close.html", form, save,
                     contact_made=casework.contact_made_with(referral))

"""Victim referrals, police side: a case's referrals, completing and sending one, MARAC,
returns and caseworkers' concerns, and the list of Victims' Code breaches.

Deadlines come from the service (`code_state`); this module only puts them into words.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.domain.calendar import LONDON
from app.domain.phones import display_uk
from app.domain.referral_snapshot import referral_content
from app.domain.referrals import CodeState, Consent, ContactMethod, DayPart
from app.domain.timefmt import format_instant, format_remaining, format_span
from app.extensions import db
from app.models import ApplicationStatus, ConcernStatus, Referral, ReferralConcern, ReferralStatus, Role
from app.services import ValidationFailed, referral_queries
from app.services import referrals as referral_service
from app.services.access import CASE_READER_ROLES, visible_cases
from app.services.breaches import BREACHABLE_STATES
from app.timeutil import utcnow
from app.web.fields import chosen, combine_london, yes_no_text, yes_no_value
from app.web.forms_support import REFERRAL_PAGES, form_page
from app.web.loaders import load_case, load_referral
from app.web.presentation.referral_content import content_rows
from app.web.presentation.referral_wording import prefill_summary, stage_words
from app.web.referrals.forms import ConcernActionForm, ConfirmForm, ReferralDetailsForm, SendForm
from app.web.request_cache import request_calendar
from app.web.security import roles_required

bp = Blueprint("referrals", __name__)

BREACHES_PAGE_SIZE = 50


# -- Putting the Code's clock into words -------------------------------------------------------

@dataclass(frozen=True)
class ClockLine:
    tag: str
    colour: str  # a GOV.UK tag colour
    words: str
    breach: bool


def clock_line(referral: Referral, now: datetime) -> ClockLine:
    """The Victims' Code clock of one referral, for people (the instants come from the service).
    Tags stay short: GOV.UK tags wrap beyond 160px."""
    check = referral_queries.code_state(referral, now)
    due = format_instant(check.due_at)
    if check.state is CodeState.RUNNING:
        return ClockLine("Clock running", "blue", f"Due by {due}: {format_remaining(check.left)} left.", False)
    if check.state is CodeState.DUE_SOON:
        return ClockLine("Due soon", "orange", f"Due soon: by {due}, {format_remaining(check.left)} left.", False)
    if check.state is CodeState.OVERDUE:
        return ClockLine("Code breach", "red", f"Overdue by {format_span(check.late_by)}: it was due by {due}. "
                         "This is a breach of the Victims' Code.", True)
    settled = "Refusal recorded" if referral.status is ReferralStatus.DECLINED else "Sent"
    at = format_instant(referral.settled_at)
    if check.state is CodeState.MET:
        return ClockLine("On time", "green", f"{settled} {at} (due by {due}).", False)
    return ClockLine("Code breach", "red", f"{settled} {at}, late by {format_span(check.late_by)} (due by {due}). "
                     "This is a breach of the Victims' Code.", True)


@bp.app_template_global()
def referral_summaries(case) -> list[tuple[Referral, ClockLine]]:
    """For the case page: each referral of a served case, or of one whose notice was refused,
    with its clock line (one call, eager-loaded)."""
    if case.served_at is None and not _refused_before(case):
        return []
    now = utcnow()
    return [(r, clock_line(r, now)) for r in referral_queries.referrals_for(case)]


def _refused_before(case) -> bool:
    """An application for the notice was refused (the case may have moved on to a new one):
    its victims have referrals though no notice has been served."""
    return any(a.status is ApplicationStatus.REFUSED for a in case.applications)


# -- Looking things up -------------------------------------------------------------------------

def _concern_or_404(referral: Referral, concern_id: int) -> ReferralConcern:
    concern = db.session.scalar(
        select(ReferralConcern).where(ReferralConcern.id == concern_id, ReferralConcern.referral_id == referral.id))
    if concern is None:
        abort(404)
    return concern


def _back(case) -> str:
    return url_for("referrals.case_referrals", case_id=case.id)


def _refuse(case, message: str):
    flash(message, "info")
    return redirect(_back(case))


# -- A case's referrals ------------------------------------------------------------------------

@bp.route("/cases/<int:case_id>/referrals")
@roles_required(*CASE_READER_ROLES)
def case_referrals():
    case = load_case()
    now = utcnow()
    referrals = referral_queries.referrals_for(case)
    return render_template(
        "referrals/case.html", case=case, referrals=referrals, now=now, can_edit=current_user.role is Role.OFFICER,
        clock=lambda r: clock_line(r, now), stage_words=stage_words,
        missing=referral_queries.missing_for_sending,
        sent_rows=lambda r: content_rows(r.content, r, preview=False) if r.content else [],
        ReferralStatus=ReferralStatus, ConcernStatus=ConcernStatus,
    )


def _fill(form: ReferralDetailsForm, referral: Referral, case) -> None:
    if referral.consent is not None:
        form.consent.data = referral.consent.value
    if referral.consent_asked_at is not None:
        local = referral.consent_asked_at.astimezone(LONDON)
        form.consent_asked_date.data, form.consent_asked_time.data = local.date(), local.time().replace(second=0, microsecond=0)
    if referral.safe_number:
        form.safe_number.data = display_uk(referral.safe_number)
    form.safe_to_call.data = yes_no_text(referral.safe_to_call)
    form.safe_times.data = list(referral.safe_times or [])
    form.safe_times_notes.data = referral.safe_times_notes or ""
    form.agreed_methods.data = list(referral.agreed_methods or [])
    form.language.data = referral.language or ""
    form.interpreter.data = yes_no_text(referral.interpreter)
    form.other_needs.data = referral.other_needs or ""
    form.police_summary.data = referral.police_summary or prefill_summary(case)


def _valid(enum_cls, values) -> list:
    # Checkbox values not offered are dropped here (Optional() lets a blank-looking one through).
    return [m for m in (chosen(enum_cls, v) for v in values or []) if m is not None]


def _details(form: ReferralDetailsForm) -> referral_service.ReferralDetails:
    return referral_service.ReferralDetails(
        consent=chosen(Consent, form.consent.data),
        consent_asked_at=combine_london(form.consent_asked_date, form.consent_asked_time),
        safe_number=form.safe_number.data or "",
        safe_to_call=yes_no_value(form.safe_to_call.data),
        safe_times=_valid(DayPart, form.safe_times.data),
        safe_times_notes=form.safe_times_notes.data or "",
        agreed_methods=[m for m in _valid(ContactMethod, form.agreed_methods.data) if m.leaves_a_trace],
        language=form.language.data or "",
        interpreter=yes_no_value(form.interpreter.data),
        other_needs=form.other_needs.data or "",
        police_summary=form.police_summary.data or "",
    )


@bp.route("/cases/<int:case_id>/referrals/<int:referral_id>/edit", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def edit():
    case = load_case()
    referral = load_referral()
    if referral.status is not ReferralStatus.AWAITING:
        return _refuse(case, f"This referral is {referral.status.label.lower()}: it can no longer be changed.")
    form = ReferralDetailsForm()
    if request.method == "GET":
        _fill(form, referral, case)

    def save():
        details = _details(form)
        try:
            referral_service.save_details(current_user, referral, case, details)
        except ValidationFailed as exc:
            if form.consent_asked_date.errors:  # the date and time name no real London time: say that only
                exc.errors.pop("consent_asked_date", None)
            raise
        if details.consent is Consent.DECLINES:
            return (f"Recorded: the victim declined the referral at {format_instant(referral.consent_asked_at)}. "
                    "It will not be sent.")
        if details.consent is Consent.CONSENTS:
            return ("Saved. Check what the service will receive, then send it.",
                    url_for("referrals.send", case_id=case.id, referral_id=referral.id))
        return (f"Saved. The victim has not been asked yet: the Victims' Code clock keeps running "
                f"(due by {format_instant(referral.due_at)}).")

    known = referral_content(referral, case, utcnow())
    return form_page(REFERRAL_PAGES, "referrals/edit.html", form, save, known=known,
                     stage=stage_words(referral), clock=clock_line(referral, utcnow()))


@bp.route("/cases/<int:case_id>/referrals/<int:referral_id>/send", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def send():
    case = load_case()
    referral = load_referral()
    if referral.status is not ReferralStatus.AWAITING:
        return _refuse(case, f"This referral is {referral.status.label.lower()}: it cannot be sent again.")
    services = referral_queries.active_services(case.area)
    form = SendForm()
    form.service_id.choices = [("", "Choose a support service")] + [
        (str(s.id), f"{s.name} ({s.area_label})") for s in services]
    now = utcnow()
    rows = content_rows(referral_content(referral, case, now), referral, preview=True)
    missing = referral_queries.missing_for_sending(referral)
    clock = clock_line(referral, now)

    def save():
        offered = {str(s.id): s.id for s in services}
        service_id = offered.get((form.service_id.data or "").strip())  # anything not offered is no choice
        referral_service.send(current_user, referral, case, service_id, request_calendar())
        late = " It went after the Victims' Code deadline: that is recorded as a breach." if referral.code_breach_at else ""
        return f"Referral sent to {referral.service.name}.{late}"

    return form_page(REFERRAL_PAGES, "referrals/send.html", form, save, rows=rows, missing=missing,
                     services=services, clock=clock)


@bp.route("/cases/<int:case_id>/referrals/<int:referral_id>/marac", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def marac():
    case = load_case()
    referral = load_referral()
    if not referral.high_risk:
        return _refuse(case, "This referral is not high risk: MARAC is not recorded from here.")
    if referral.marac_done_at is not None:
        return _refuse(case, f"The MARAC referral was recorded {format_instant(referral.marac_done_at)}.")
    form = ConfirmForm()

    def save():
        referral_service.record_marac(current_user, referral, case)
        return "MARAC referral recorded."

    return form_page(REFERRAL_PAGES, "referrals/marac.html", form, save)


@bp.route("/cases/<int:case_id>/referrals/<int:referral_id>/return-seen", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def return_seen():
    case = load_case()
    referral = load_referral()
    if referral.status is not ReferralStatus.RETURNED:
        return _refuse(case, "This referral has not been returned to police.")
    if referral.return_seen_at is not None:
        return _refuse(case, f"The return was acknowledged {format_instant(referral.return_seen_at)}.")
    form = ConfirmForm()

    def save():
        referral_service.acknowledge_return(current_user, referral, case)
        return "Return acknowledged. Decide what else will keep the victim safe, and record it on the case."

    return form_page(REFERRAL_PAGES, "referrals/return_seen.html", form, save, attempts=referral.attempts)


@bp.route("/cases/<int:case_id>/referrals/<int:referral_id>/concerns/<int:concern_id>", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def concern(concern_id: int):
    case = load_case()
    referral = load_referral()
    item = _concern_or_404(referral, concern_id)
    if request.method == "POST" and item.status is not ConcernStatus.OPEN:
        return _refuse(case, "This concern has already been dealt with.")
    form = ConcernActionForm()

    def save():
        referral_service.action_concern(current_user, item, case, form.note.data or "")
        return "Recorded what was done about the caseworker's concern."

    breach_url = (url_for("court.new_breach", case_id=case.id, concern=item.id)
                  if case.state in BREACHABLE_STATES and item.status is ConcernStatus.OPEN else None)
    return form_page(REFERRAL_PAGES, "referrals/concern.html", form, save, concern=item,
                     breach_url=breach_url, stage=stage_words(referral), ConcernStatus=ConcernStatus)


# -- Victims' Code breaches across the force ---------------------------------------------------

@bp.route("/referrals/breaches")
@roles_required(Role.OFFICER, Role.SUPERVISOR)
def code_breaches():
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    visible = visible_cases(current_user)
    rows, total = referral_queries.code_breaches(visible, page=page, page_size=BREACHES_PAGE_SIZE)
    pages = max((total + BREACHES_PAGE_SIZE - 1) // BREACHES_PAGE_SIZE, 1)
    if page > pages:
        page = pages
        rows, total = referral_queries.code_breaches(visible, page=page, page_size=BREACHES_PAGE_SIZE)
    now = utcnow()
    cases = referral_queries.cases_by_id((r.case_id for r in rows), officer=True)
    return render_template(
        "referrals/breaches.html", rows=[(r, cases[r.case_id], referral_queries.code_state(r, now)) for r in rows],
        total=total, page=page, pages=pages, span=format_span, ReferralStatus=ReferralStatus,
    )

"""The officer's dashboard, opening a case, the case page and recording service."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from app.domain.calendar import LONDON
from app.domain.clocks import LAPSED_CLOCK, Thresholds
from app.domain.order_records import HearingAddressAnswer
from app.domain.regimes import regime
from app.extensions import db
from app.models import AuditEntry, Role, User
from app.services import ValidationFailed, corrections, dashboard, handovers
from app.services import cases as case_service
from app.services.access import CASE_READER_ROLES
from app.services.authorisation import current_application
from app.services.clock_cache import clocks_for
from app.settings import current_settings
from app.timeutil import utcnow
from app.web.cases import task_groups
from app.web.cases.forms import NewCaseForm, ServeForm
from app.web.fields import chosen, combine_london
from app.web.forms_support import apply_errors, details_from_form
from app.web.loaders import load_case
from app.web.presentation.dashboard_rows import rows_template_version
from app.web.request_cache import request_calendar
from app.web.security import is_htmx, polling, roles_required

bp = Blueprint("cases", __name__)


def _thresholds() -> Thresholds:
    cfg = current_app.config
    return Thresholds(amber=timedelta(hours=cfg["CLOCK_AMBER_HOURS"]), red=timedelta(hours=cfg["CLOCK_RED_HOURS"]))


def _calendar():
    return request_calendar()


def _dashboard_listing(count: bool = False) -> dashboard.Listing:
    """The page of cases the request asks for (?after= or ?before= a cursor; a malformed
    cursor is the first page), with what else decides how its rows look in the digest;
    `count`: with the number of live cases too."""
    thresholds = _thresholds()
    extra_days = sorted(_calendar().extra_bank_holidays)
    return dashboard.listing(
        current_user,
        after=dashboard.Cursor.parse(request.args.get("after")),
        before=dashboard.Cursor.parse(request.args.get("before")),
        page_size=current_app.config["DASHBOARD_PAGE_SIZE"],
        salt=f"{rows_template_version()}|{thresholds.amber}|{thresholds.red}|{extra_days}",
        count=count,
    )


def _dashboard_rows(listing: dashboard.Listing, now) -> dashboard.DashboardPage:
    return dashboard.rows(listing, now=now, calendar=_calendar(), thresholds=_thresholds())


@bp.route("/dashboard", endpoint="dashboard")
@roles_required(*CASE_READER_ROLES)
def dashboard_page():
    now = utcnow()
    listing = _dashboard_listing(count=True)
    return render_template("cases/dashboard.html", page=_dashboard_rows(listing, now), now=now,
                           total=listing.total, thresholds=_thresholds())


@bp.route("/dashboard/tasks", endpoint="tasks")
@roles_required(*CASE_READER_ROLES)
def tasks_page():
    """What needs the user: the dashboard's task groups, a few lines of each. The dashboard
    fetches them with htmx as it loads (the fragment), so its clocks are not held up by ten
    task queries; without JavaScript, its link comes here (the page)."""
    groups = task_groups.all_groups(utcnow(), current_app.config["DASHBOARD_TASK_LINES"])
    template = "cases/partials/tasks.html" if is_htmx() else "cases/tasks.html"
    return render_template(template, task_groups=groups)


@bp.route("/dashboard/tasks/<group_id>", endpoint="task_group")
@roles_required(*CASE_READER_ROLES)
def task_group_page(group_id: str):
    """One of the dashboard's task groups with all its lines, up to task_groups.ALL_LINES."""
    group = task_groups.one_group(group_id, utcnow())
    if group is None:
        abort(404)
    return render_template("cases/task_group.html", group=group, limit=task_groups.ALL_LINES)


@bp.route("/dashboard/rows")
@roles_required(*CASE_READER_ROLES)
@polling
def dashboard_rows():
    """The dashboard's table body, polled by htmx every 30 seconds (static/dashboard.js sends
    the rows' ETag): 304 Not Modified, after one query, while no row would look different."""
    now = utcnow()
    listing = _dashboard_listing()
    etag = dashboard.fresh(request.headers.get("If-None-Match"), listing.digest, now)
    if etag is not None:
        response = current_app.response_class(status=304)
    else:
        page = _dashboard_rows(listing, now)
        response = make_response(render_template("cases/partials/case_rows.html", page=page, now=now,
                                                 thresholds=_thresholds()))
        etag = page.etag
    response.headers["ETag"] = etag
    return response


def _officer_choices() -> list[tuple[int, str]]:
    officers = db.session.scalars(
        select(User).where(User.role == Role.OFFICER, User.active.is_(True)).order_by(User.full_name)
    )
    return [(u.id, u.display_name) for u in officers]


@bp.route("/cases/new", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def new_case():
    form = NewCaseForm()
    form.officer_in_case_id.choices = _officer_choices()
    form.area.choices = [("", "Choose the area")] + [(a, a) for a in current_app.config["AREAS"]]
    if request.method == "GET":
        form.officer_in_case_id.data = current_user.id
        form.area.data = current_user.area or ""
        form.regime.data = current_app.config["REGIME"]
    elif form.add_victim.data or form.add_child.data:
        # Progressive enhancement without JavaScript: the form comes back with one more row.
        target = form.victims if form.add_victim.data else form.children
        if len(target.entries) < target.max_entries:
            target.append_entry()
    elif form.validate_on_submit():
        incident_at = combine_london(form.incident_date, form.incident_time)
        if incident_at is not None:
            try:
                case = case_service.open_case(
                    current_user, details_from_form(form, incident_at, _regime_for(form)),
                    force_code=current_app.config["FORCE_CODE"],
                )
            except ValidationFailed as exc:
                apply_errors(form, exc.errors)
            else:
                flash(f"Case {case.reference} opened.", "success")
                return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/new.html", form=form)


def _regime_for(form: NewCaseForm) -> str:
    """The force's regime, unless a DAPN pilot lets the officer choose per case."""
    if current_app.config["DAPN_PILOT"] and form.regime.data in ("dvpn", "dapn"):
        return form.regime.data
    return current_app.config["REGIME"]


@bp.route("/cases/<int:case_id>")
@roles_required(*CASE_READER_ROLES)
def show():
    case = load_case()
    case_service.record_case_viewed(current_user, case)
    timeline = case_service.case_timeline(case)
    views = db.session.scalar(
        select(func.count()).where(AuditEntry.case_id == case.id, AuditEntry.action == "case.viewed")
    )
    clocks = clocks_for(case, utcnow(), _calendar(), _thresholds())
    return render_template(
        "cases/show.html", case=case, clocks=clocks, timeline=timeline, views=views, regime=regime(case.regime),
        application=current_application(case),
        lapsed_clock=next((c for c in clocks if c.name == LAPSED_CLOCK), None),
        can_serve=current_user.role is Role.OFFICER and case.state in case_service.SERVABLE_STATES,
        can_correct=corrections.may_correct(current_user), handovers=handovers.for_case(case),
    )


@bp.route("/cases/<int:case_id>/clocks")
@roles_required(*CASE_READER_ROLES)
@polling
def case_clocks():
    case = load_case()
    clocks = clocks_for(case, utcnow(), _calendar(), _thresholds())
    return render_template("cases/partials/case_clocks.html", case=case, clocks=clocks)


@bp.route("/cases/<int:case_id>/serve", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def serve():
    case = load_case()
    if case.state not in case_service.SERVABLE_STATES:
        flash(f"Service cannot be recorded: the case is {case.state.label.lower()}.", "error")
        return redirect(url_for("cases.show", case_id=case.id))
    form = ServeForm()
    if request.method == "GET":
        now = utcnow().astimezone(LONDON)
        form.served_date.data = now.date()
        form.served_time.data = now.time().replace(second=0, microsecond=0)
    elif form.validate_on_submit():
        served_at = combine_london(form.served_date, form.served_time)
        if served_at is not None:
            try:
                case_service.record_dvpn_served(
                    current_user, case, served_at=served_at,
                    window_hours=current_app.config["HEARING_WINDOW_HOURS"],
                    calendar=_calendar(),
                    address_for_hearing_notice=form.address_for_hearing_notice.data or "",
                    hearing_address_answer=chosen(HearingAddressAnswer, form.hearing_address_answer.data),
                    referral_settings=current_settings().referrals,
                )
            except ValidationFailed as exc:
                apply_errors(form, exc.errors)
            else:
                flash("DVPN service recorded. The hearing clock is running, and the victim's referral to support is due.", "success")
                return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/serve.html", case=case, form=form, regime=regime(case.regime))

"""Texts for long and open-ended orders (the cadence), its admin page, and DAPOs and the trial (issue 13)."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import timeutil
from app.domain.regimes import RegimeCode
from app.extensions import db
from app.models import (
    AuditEntry,
    DapoTexts,
    EnrolmentStatus,
    HearingOutcome,
    MessageStatus,
    OrderEventKind,
    Role,
    TextCadenceVersion,
    TextMessage,
    TrialAllocation,
)
from app.services import cadence, court, reminders, trial
from app.services.calendar import load_calendar
from app.services.order_records import OrderSettings
from app.services.reminders import TextSettings
from app.timeutil import utcnow
from tests.integration.conftest import DEFAULT_NOW, login
from tests.integration.factories import granted_case, heard_case

FORM = {"early_every_days": "7", "early_until_day": "28", "later_every_days": "28", "send_at": "10:00",
        "review_lead_days": "2", "end_lead_days": "0", "horizon_days": "56"}


def grant_dapo(officer, *, days=None, reviews=()):
    case = heard_case(officer, regime=RegimeCode.DAPN)
    court.record_outcome(officer, case, court.pending_hearing(case), outcome=HearingOutcome.GRANTED, contested=False,
                         notes="", made_on=DEFAULT_NOW.date(), conditions=[{"kind": "no_molest"}], days=days,
                         until_further_order=days is None, calendar=load_calendar(), texts=TextSettings(),
                         orders=OrderSettings())
    if reviews:
        case.order.review_dates = [d.isoformat() for d in reviews]
        db.session.commit()
    return case


def set_dapo_texts(make_user, choice: DapoTexts):
    trial.switch(make_user(Role.ADMIN), running=True, stratified=False, reason="DAPOs", dapo_texts=choice)


def keys(case, status=MessageStatus.PLANNED) -> list[str]:
    return [m.step_key for m in reminders.messages_for(case) if m.status is status]


# -- the admin page ---------------------------------------------------------------------------

def test_cadence_page_shows_the_built_in_cadence_and_is_linked(client, login_as):
    login_as(Role.ADMIN)
    html = client.get("/admin/texts/cadence").get_data(as_text=True)
    assert "Change the cadence for long orders" in html and "17 texts in its first year" in html
    assert 'value="56"' in html and 'value="10:00"' in html and "built-in cadence" in html
    assert "/admin/texts/cadence" in client.get("/admin/texts/").get_data(as_text=True)
    assert "/admin/texts/cadence" in client.get("/admin/").get_data(as_text=True)


def test_saving_the_cadence_needs_confirmation_makes_a_version_and_is_audited(client, login_as):
    admin, token = login_as(Role.ADMIN)
    data = {**FORM, "later_every_days": "14", "csrf_token": token}
    html = client.post("/admin/texts/cadence", data=data).get_data(as_text=True)
    assert "Confirm that you understand" in html and 'value="14"' in html
    assert db.session.scalar(select(TextCadenceVersion)) is None
    response = client.post("/admin/texts/cadence", data={**data, "confirm": "confirmed"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/texts/#cadence")
    version = db.session.scalars(select(TextCadenceVersion)).one()
    assert version.created_by_id == admin.id and version.cadence["later_every_days"] == 14
    assert cadence.current_cadence().later_every_days == 14
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "texts.cadence_saved")).one()
    assert entry.user_id == admin.id and entry.detail["before"]["later_every_days"] == 28
    html = client.get("/admin/texts/").get_data(as_text=True)
    assert "Cadence saved: an order until further order now gets 29 texts in its first year." in html
    assert "then every 14 days" in html
    html = client.post("/admin/texts/cadence", data={**data, "confirm": "confirmed"}).get_data(as_text=True)
    assert "Nothing has changed" in html


def test_a_refused_cadence_keeps_what_was_typed_with_each_problem_at_its_field(client, login_as):
    _admin, token = login_as(Role.ADMIN)
    data = {**FORM, "early_every_days": "weekly", "send_at": "22:30", "horizon_days": "7", "csrf_token": token,
            "confirm": "confirmed"}
    page = client.post("/admin/texts/cadence", data=data)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "There is a problem" in html
    assert 'value="weekly"' in html and 'value="22:30"' in html and 'value="7"' in html
    assert "must be a whole number from 1 to 31" in html and "between 09:00 and 20:00" in html
    assert "from 14 to 366" in html
    assert db.session.scalar(select(TextCadenceVersion)) is None


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR, Role.CASEWORKER, Role.SUPERINTENDENT])
def test_only_admins_may_change_the_cadence(client, login_as, role):
    _user, token = login_as(role)
    assert client.get("/admin/texts/cadence").status_code == 403
    assert client.post("/admin/texts/cadence", data={**FORM, "csrf_token": token, "confirm": "confirmed"}).status_code == 403
    assert db.session.scalar(select(TextCadenceVersion)) is None


# -- planning, re-planning and extending ------------------------------------------------------

def test_a_dapo_until_further_order_gets_texts_outside_the_trial_by_the_cadence(make_user):
    officer = make_user(Role.OFFICER)
    case = grant_dapo(officer)
    enrolment = reminders.enrolment_for(case)
    assert enrolment.status is EnrolmentStatus.OUTSIDE_TRIAL and enrolment.gets_texts
    assert keys(case) == ["start+0", "start+7", "start+14", "start+21", "start+28"]  # 56 days ahead only
    assert db.session.scalar(select(TrialAllocation)) is None
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "trial.assessed")).one()
    assert entry.detail["status"] == "outside_trial" and entry.detail["texts_planned"] == 5


def test_a_long_dapo_with_an_end_follows_the_cadence_and_a_short_one_durhams_plan(make_user):
    officer = make_user(Role.OFFICER)
    assert len(keys(grant_dapo(officer, days=28))) == 13
    long = grant_dapo(officer, days=40)
    assert keys(long) == ["start+0", "start+7", "start+14", "start+21", "start+28", "end-0"]


def test_review_dates_get_their_own_text(make_user):
    officer = make_user(Role.OFFICER)
    review = DEFAULT_NOW.date() + timedelta(days=10)
    case = grant_dapo(officer, reviews=[review])
    court.change_order(officer, case, kind=OrderEventKind.VARIED, court_date=DEFAULT_NOW.date(),
                       details="Review date listed.", new_days=None, calendar=load_calendar(), texts=TextSettings())
    assert f"review-{review:%Y%m%d}" in keys(case)


def test_with_dapos_out_of_texts_a_dapo_gets_none_and_a_dvpo_is_unaffected(make_user):
    set_dapo_texts(make_user, DapoTexts.NONE)
    officer = make_user(Role.OFFICER)
    dapo = grant_dapo(officer)
    assert reminders.enrolment_for(dapo).status is EnrolmentStatus.NO_TEXTS and keys(dapo) == []
    dvpo = granted_case(officer)
    assert reminders.enrolment_for(dvpo).status is EnrolmentStatus.AWAITING_ALLOCATION
    assert ("No texts (DAPOs are not texted)", 1) in trial.attrition()


def test_a_variation_that_sets_an_end_cancels_texts_after_it_and_adds_the_end_text(make_user):
    officer = make_user(Role.OFFICER)
    case = grant_dapo(officer)
    timeutil.set_frozen(DEFAULT_NOW + timedelta(days=3))
    # 29 days: still the cadence (over 28); the last day is day 28, where the day-28 text was.
    court.change_order(officer, case, kind=OrderEventKind.VARIED, court_date=utcnow().date(), details="End set.",
                       new_days=29, calendar=load_calendar(), texts=TextSettings())
    assert case.order.ends_at is not None
    assert keys(case) == ["start+0", "start+7", "start+14", "start+21", "end-0"]
    cancelled = [m for m in reminders.messages_for(case) if m.status is MessageStatus.CANCELLED]
    assert [m.step_key for m in cancelled] == ["start+28"]
    assert all(m.due_at < case.order.ends_at for m in reminders.messages_for(case) if m.status is MessageStatus.PLANNED)


def test_the_extension_job_only_adds_what_came_within_the_horizon(app, make_user):
    from app.jobs import extend_text_plans

    officer = make_user(Role.OFFICER)
    case = grant_dapo(officer)
    stopped = grant_dapo(officer)
    reminders.stop_texts(officer, stopped, "P asked for no texts")
    brought_forward = reminders.send_next_now(officer, case, TextSettings())
    first_due = brought_forward.due_at
    timeutil.set_frozen(DEFAULT_NOW + timedelta(days=30))
    extend_text_plans(app)
    db.session.expire_all()
    assert keys(case) == ["start+0", "start+7", "start+14", "start+21", "start+28", "start+56", "start+84"]
    assert reminders.messages_for(case)[0].due_at == first_due  # nothing re-timed
    assert keys(stopped) == []  # stopped texts are not planned again
    extend_text_plans(app)
    db.session.expire_all()
    assert len(keys(case)) == 7  # idempotent
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "texts.plan_extended")).case_id == case.id


def test_the_dispatcher_defers_a_quiet_hours_text_for_an_order_with_no_end(make_user):
    from app.services.dispatch import DispatchSettings, RateLimiter, dispatch_due
    from app.sms.outbox import OutboxTransport

    officer = make_user(Role.OFFICER)
    case = grant_dapo(officer)
    message = reminders.messages_for(case)[0]
    db.session.execute(TextMessage.__table__.update().where(TextMessage.id == message.id)
                       .values(wake_at=DEFAULT_NOW - timedelta(hours=1)))
    db.session.commit()
    timeutil.set_frozen(DEFAULT_NOW.replace(hour=22))
    report = dispatch_due(OutboxTransport(), TextSettings(), DispatchSettings(), limiter=RateLimiter(1000, sleep=lambda _s: None))
    assert report.deferred == 1 and report.cancelled == 0


# -- DAPOs and the trial ----------------------------------------------------------------------

def test_dapos_in_the_trial_have_strata_of_their_own_and_the_export_names_the_regime(app, client, login_as, make_user):
    set_dapo_texts(make_user, DapoTexts.TRIAL)
    officer, token = login_as(Role.OFFICER)
    dapo = grant_dapo(officer)
    assert reminders.enrolment_for(dapo).status is EnrolmentStatus.AWAITING_ALLOCATION
    form = client.get(f"/cases/{dapo.id}/texts/allocate").get_data(as_text=True)
    assert "Leave it empty for a DAPO until further order" in form
    base = {"csrf_token": token, "eligible": "yes", "risk_level": "high", "age_band": "25-34"}
    html = client.post(f"/cases/{dapo.id}/texts/allocate", data={**base, "order_days": "28"}).get_data(as_text=True)
    assert "until further order: leave its length empty" in html
    assert client.post(f"/cases/{dapo.id}/texts/allocate", data={**base, "order_days": ""}).status_code == 302
    dvpo = granted_case(officer)
    assert client.post(f"/cases/{dvpo.id}/texts/allocate", data={**base, "order_days": "28"}).status_code == 302
    strata = dict(db.session.execute(select(TrialAllocation.case_id, TrialAllocation.stratum)).all())
    assert strata == {dapo.id: "dapo", dvpo.id: "all"}
    dapo_allocation = db.session.scalars(select(TrialAllocation).where(TrialAllocation.case_id == dapo.id)).one()
    assert dapo_allocation.baseline["order_days"] is None and dapo_allocation.position == 1
    rows = {row["regime"]: row for row in trial.export_rows()}
    assert set(rows) == {"dapo", "dvpo"} and rows["dapo"]["order_days"] is None
    supervisor = app.test_client()
    login(supervisor, make_user(Role.SUPERVISOR))
    exported = list(csv.reader(io.StringIO(supervisor.get("/admin/texts/trial/export.csv").get_data(as_text=True))))
    # "regime" stays where issue 13 put it, after the first 13 columns (issue 17's come after it).
    assert exported[0][13] == "regime" and exported[0][:2] == ["pseudonym", "allocated_on"]
    assert sorted(r[13] for r in exported[1:]) == ["dapo", "dvpo"]


def test_the_trial_page_sets_what_dapos_get(client, login_as):
    _admin, token = login_as(Role.ADMIN)
    html = client.get("/admin/texts/trial").get_data(as_text=True)
    assert "Texts outside the trial: every eligible DAPO gets texts" in html
    assert re.search(r'<input checked[^>]*value="outside_trial"', html)
    html = client.post("/admin/texts/trial", data={"csrf_token": token, "running": "yes", "stratified": "no",
                                                   "dapo_texts": "sometimes", "reason": "typed"}).get_data(as_text=True)
    assert "Choose what DAPOs get" in html and trial.state().changed is None
    response = client.post("/admin/texts/trial", data={"csrf_token": token, "running": "yes", "stratified": "no",
                                                       "dapo_texts": "trial", "reason": "The pilot evaluates DAPOs too."})
    assert response.status_code == 302 and trial.state().dapo_texts is DapoTexts.TRIAL and trial.state().running
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "trial.switched")).one()
    assert entry.detail["dapo_texts"] == "trial"
    assert "DAPOs: in the trial" in client.get("/admin/texts/trial").get_data(as_text=True)

"""Reminder texts and the trial, end to end through the services and pages (issue 5)."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, text

from app import timeutil
from app.domain import randomiser
from app.extensions import db
from app.models import (
    AuditEntry,
    EnrolmentStatus,
    MessageStatus,
    OrderEventKind,
    Role,
    TrialAllocation,
)
from app.services import court, reminders, trial
from app.services.calendar import load_calendar
from app.services.dispatch import DispatchSettings, RateLimiter, dispatch_due
from app.services.reminders import TextSettings
from app.sms.outbox import OutboxTransport
from tests.integration.conftest import DEFAULT_NOW, assert_append_only
from tests.integration.factories import granted_case

NO_WAIT = RateLimiter(10_000, sleep=lambda _s: None)


def switch_trial_off(make_user):
    trial.switch(make_user(Role.ADMIN), running=False, stratified=False, reason="Trial closed to recruitment")


def dispatch(transport=None, **settings):
    return dispatch_due(transport or OutboxTransport(), TextSettings(), DispatchSettings(**settings), limiter=NO_WAIT)


def statuses(case) -> list[str]:
    return [m.status.value for m in reminders.messages_for(case)]


def test_a_granted_order_with_a_mobile_waits_for_allocation(app, client, login_as):
    officer, _token = login_as(Role.OFFICER)
    case = granted_case(officer, days=28)
    enrolment = reminders.enrolment_for(case)
    assert enrolment.status is EnrolmentStatus.AWAITING_ALLOCATION and enrolment.mobile_e164 == "+447123456789"
    assert reminders.messages_for(case) == []  # nothing is sent before the allocation
    page = client.get(f"/cases/{case.id}/texts").get_data(as_text=True)
    assert "Waiting for allocation" in page and "Check eligibility and allocate" in page and "07123 456789" in page


def test_no_number_is_not_eligible_and_the_reason_is_counted(app, make_user):
    officer = make_user(Role.OFFICER)
    case = granted_case(officer, mobile=None)
    enrolment = reminders.enrolment_for(case)
    assert enrolment.status is EnrolmentStatus.NOT_ELIGIBLE and enrolment.no_phone_reason == "seized"
    assert ("Phone seized as evidence", 1) in trial.attrition()
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "trial.assessed")).one()
    assert entry.detail["eligible"] is False and entry.detail["no_phone_reason"] == "seized"


def test_allocation_reveals_the_arm_only_after_saving_and_plans_texts_for_the_intervention(app, client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = granted_case(officer, days=28)
    form = client.get(f"/cases/{case.id}/texts/allocate").get_data(as_text=True)
    assert "intervention" in form and "Allocated to the" not in form
    assert 'value="28"' in form  # the baseline is pre-filled from the order
    response = client.post(f"/cases/{case.id}/texts/allocate", data={
        "csrf_token": token, "eligible": "yes", "order_days": "28", "risk_level": "high", "age_band": "25-34"})
    assert response.status_code == 302
    allocation = db.session.scalars(select(TrialAllocation)).one()
    expected = randomiser.allocate(bytes.fromhex(app.config["TRIAL_SEED"]), "all", 1)
    assert allocation.arm is expected and allocation.position == 1 and allocation.stratum == "all"
    assert allocation.baseline == {"order_days": 28, "risk_level": "high", "age_band": "25-34"}
    page = client.get(f"/cases/{case.id}/texts").get_data(as_text=True)
    assert f"Allocated to the <strong>{expected.value}</strong> group" in page
    planned = reminders.messages_for(case)
    assert len(planned) == (13 if expected is randomiser.Arm.INTERVENTION else 0)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "trial.allocated")).one()
    assert entry.detail["arm"] == expected.value and entry.user_id == officer.id


def test_allocation_form_keeps_what_was_typed_on_error(app, client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = granted_case(officer, days=28)
    html = client.post(f"/cases/{case.id}/texts/allocate", data={
        "csrf_token": token, "eligible": "yes", "order_days": "21", "risk_level": "medium", "age_band": "35-44"}).get_data(as_text=True)
    assert "The order is recorded as 28 days" in html and 'value="21"' in html
    html = client.post(f"/cases/{case.id}/texts/allocate", data={"csrf_token": token, "eligible": "no"}).get_data(as_text=True)
    assert "Say why the case is not eligible" in html
    assert db.session.scalars(select(TrialAllocation)).first() is None


def test_allocations_follow_the_concealed_sequence_and_are_write_once(app, make_user):
    officer = make_user(Role.OFFICER)
    seed = app.config["TRIAL_SEED"]
    arms = []
    for _ in range(4):
        case = granted_case(officer, days=14)
        trial.allocate(officer, case, eligible=True, not_eligible_reason="", seed=seed, settings=TextSettings(),
                       baseline=trial.Baseline(order_days=14, risk_level=case.risk_level, age_band="unknown"))
        arms.append(reminders.enrolment_for(case).allocation.arm)
    assert arms == randomiser.sequence(bytes.fromhex(seed), "all", 4)
    allocation = db.session.scalars(select(TrialAllocation)).first()
    allocation.arm = randomiser.Arm.CONTROL if allocation.arm is randomiser.Arm.INTERVENTION else randomiser.Arm.INTERVENTION
    with pytest.raises(Exception, match="cannot be changed"):
        db.session.commit()
    db.session.rollback()
    assert_append_only("UPDATE trial_allocation SET arm = 'control'")


def test_randomised_in_error_is_recorded_beside_the_allocation(app, client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = granted_case(officer)
    trial.allocate(officer, case, eligible=True, not_eligible_reason="", seed=app.config["TRIAL_SEED"], settings=TextSettings(),
                   baseline=trial.Baseline(order_days=28, risk_level=case.risk_level, age_band="unknown"))
    assert "Say why" in client.post(f"/cases/{case.id}/texts/in-error", data={"csrf_token": token, "reason": " "}).get_data(as_text=True)
    client.post(f"/cases/{case.id}/texts/in-error", data={"csrf_token": token, "reason": "Order was discharged before allocation"})
    page = client.get(f"/cases/{case.id}/texts").get_data(as_text=True)
    assert "Randomised in error: Order was discharged before allocation" in page
    assert trial.export_rows()[0]["randomised_in_error"] == "yes"


def test_with_the_trial_off_eligible_orders_get_texts_at_once(app, make_user):
    switch_trial_off(make_user)
    case = granted_case(make_user(Role.OFFICER), days=14)
    assert reminders.enrolment_for(case).status is EnrolmentStatus.TRIAL_OFF
    messages = reminders.messages_for(case)
    assert len(messages) == 7 and all(m.status is MessageStatus.PLANNED for m in messages)
    assert messages[-1].kind.value == "order_end" and messages[-1].due_at < case.order.ends_at


def test_the_dispatcher_sends_due_texts_with_the_exact_wording_kept(app, make_user):
    switch_trial_off(make_user)
    case = granted_case(make_user(Role.OFFICER), days=14)
    report = dispatch()
    assert report.sent == 1
    first = reminders.messages_for(case)[0]
    assert first.status is MessageStatus.SENT and first.transport == "outbox" and first.provider_id == f"outbox-{first.uuid}"
    assert "Do not contact, pester or harass" in first.body and "Do not go into the address" in first.body
    victim = case.victims[0]
    assert victim.full_name not in first.body and case.address_line_1 not in first.body and case.postcode not in first.body
    assert first.template.version == 1 and first.to_e164 == "+447123456789"
    assert dispatch().claimed == 0  # nothing else is due yet: sent once


def test_quiet_hours_defer_texts_until_nine(app, make_user):
    switch_trial_off(make_user)
    case = granted_case(make_user(Role.OFFICER), days=14)
    timeutil.set_frozen(datetime(2026, 11, 16, 21, 30, tzinfo=UTC))
    message = reminders.messages_for(case)[0]
    db.session.execute(text("UPDATE text_message SET wake_at = due_at"))  # still due, now in quiet hours
    db.session.commit()
    report = dispatch()
    assert report.deferred == 1 and report.sent == 0
    db.session.refresh(message)
    assert message.status is MessageStatus.PLANNED and message.deferred
    assert message.wake_at == datetime(2026, 11, 17, 9, 0, tzinfo=UTC) and message.attempts == 0


def test_variation_replans_and_discharge_cancels_unsent_texts(app, make_user):
    switch_trial_off(make_user)
    officer = make_user(Role.OFFICER)
    case = granted_case(officer, days=28)
    dispatch()
    assert len(reminders.messages_for(case)) == 13
    court.change_order(officer, case, kind=OrderEventKind.VARIED, court_date=date(2026, 11, 16), details="Shortened",
                       new_days=14, calendar=load_calendar(), texts=TextSettings())
    live = [m for m in reminders.messages_for(case) if m.status is not MessageStatus.CANCELLED]
    assert len(live) == 7 and live[0].status is MessageStatus.SENT
    assert all(m.due_at < case.order.ends_at for m in live)
    court.change_order(officer, case, kind=OrderEventKind.DISCHARGED, court_date=date(2026, 11, 16), details="Discharged",
                       new_days=None, calendar=load_calendar(), texts=TextSettings())
    assert statuses(case).count("planned") == 0 and statuses(case).count("sent") == 1


def test_an_expired_order_cancels_what_is_left(app, make_user):
    from app.jobs import expire_orders

    switch_trial_off(make_user)
    case = granted_case(make_user(Role.OFFICER), days=14)
    assert set(statuses(case)) == {"planned"}
    timeutil.set_frozen(case.order.ends_at)
    expire_orders(app)
    db.session.expire_all()
    assert set(statuses(case)) == {"cancelled"}


def test_changing_the_number_replans_unsent_texts_for_the_new_one(app, client, login_as, make_user):
    switch_trial_off(make_user)
    officer, token = login_as(Role.OFFICER)
    case = granted_case(officer, days=14)
    before = {m.uuid for m in reminders.messages_for(case)}
    html = client.post(f"/cases/{case.id}/texts/mobile", data={"csrf_token": token, "has_mobile": "yes", "number": "01632 960001"})
    assert "Enter a UK mobile number" in html.get_data(as_text=True) and 'value="01632 960001"' in html.get_data(as_text=True)
    response = client.post(f"/cases/{case.id}/texts/mobile", data={"csrf_token": token, "has_mobile": "yes", "number": "07911 123456"})
    assert response.status_code == 302, response.get_data(as_text=True)
    live = [m for m in reminders.messages_for(case) if m.status is MessageStatus.PLANNED]
    assert len(live) == 7 and not ({m.uuid for m in live} & before)
    assert reminders.enrolment_for(case).mobile_e164 == "+447911123456"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "trial.mobile_changed")).one()
    assert "123456" not in str(entry.detail)
    client.post(f"/cases/{case.id}/texts/mobile", data={"csrf_token": token, "has_mobile": "no", "no_phone_reason": "seized"})
    assert "planned" not in statuses(case)


def test_staff_can_stop_the_texts_with_a_reason_and_send_one_now(app, client, login_as, make_user):
    switch_trial_off(make_user)
    officer, token = login_as(Role.OFFICER)
    case = granted_case(officer, days=14)
    dispatch()
    confirm = client.get(f"/cases/{case.id}/texts/send-now").get_data(as_text=True)
    assert "Support services" in confirm or "support" in confirm.lower()
    client.post(f"/cases/{case.id}/texts/send-now", data={"csrf_token": token})
    assert dispatch().sent == 1
    html = client.post(f"/cases/{case.id}/texts/stop", data={"csrf_token": token, "reason": ""}).get_data(as_text=True)
    assert "Say why the texts are being stopped" in html
    client.post(f"/cases/{case.id}/texts/stop", data={"csrf_token": token, "reason": "P asked for no texts"})
    assert statuses(case).count("planned") == 0 and statuses(case).count("cancelled") == 5
    page = client.get(f"/cases/{case.id}/texts").get_data(as_text=True)
    assert "P asked for no texts" in page


def test_a_failed_text_is_retried_with_backoff_then_given_up(app, make_user):
    from app.sms import Outcome, SendResult

    class Throttled:
        name = "vonage"
        calls = 0

        def send(self, **_kwargs):
            Throttled.calls += 1
            return SendResult(Outcome.RETRY, error="Vonage status 1: throttled")

    switch_trial_off(make_user)
    case = granted_case(make_user(Role.OFFICER), days=14)
    first = reminders.messages_for(case)[0]
    for attempt in range(1, 4):
        dispatch(Throttled(), max_attempts=3)
        db.session.refresh(first)
        if attempt < 3:
            assert first.status is MessageStatus.PLANNED and first.wake_at > timeutil.utcnow()
            timeutil.set_frozen(first.wake_at)
    assert first.status is MessageStatus.FAILED and "gave up after 3 attempts" in first.error and Throttled.calls == 3


def test_the_dispatcher_cancels_texts_for_an_order_no_longer_in_force(app, make_user):
    switch_trial_off(make_user)
    granted_case(make_user(Role.OFFICER), days=14)
    db.session.execute(text("UPDATE protection_order SET status = 'discharged'"))
    db.session.commit()
    report = dispatch()
    assert report.sent == 0 and report.cancelled == 1


def test_texts_page_empty_state_and_reader_roles(app, client, login_as, make_user):
    officer = make_user(Role.OFFICER)
    from tests.integration.factories import served_case

    case = served_case(officer)
    _sup, _ = login_as(Role.SUPERVISOR)
    page = client.get(f"/cases/{case.id}/texts").get_data(as_text=True)
    assert "This case has no order yet" in page
    assert client.get(f"/cases/{case.id}/texts/allocate").status_code == 403


def test_garbage_posted_to_the_texts_forms_never_gives_a_500(app, client, login_as, make_user):
    from tests.integration.test_bad_input import GARBAGE

    switch_trial_off(make_user)
    officer, token = login_as(Role.OFFICER)
    waiting = granted_case(officer)
    trial.switch(make_user(Role.ADMIN), running=True, stratified=False, reason="Back on")
    awaiting = granted_case(officer)
    fields = ["eligible", "not_eligible_reason", "order_days", "risk_level", "age_band", "reason", "has_mobile", "number",
              "no_phone_reason", "no_phone_other"]
    for case in (waiting, awaiting):
        for path in ("allocate", "stop", "send-now", "mobile", "in-error"):
            for value in GARBAGE:
                data = {name: value for name in fields} | {"csrf_token": token}
                response = client.post(f"/cases/{case.id}/texts/{path}", data=data)
                assert response.status_code < 500, (path, value)
    assert client.post(f"/cases/{awaiting.id}/texts/allocate", data={"csrf_token": token}).status_code == 200


def test_the_dashboard_lists_text_tasks_for_the_officer(app, client, login_as, make_user):
    officer, _ = login_as(Role.OFFICER)
    waiting = granted_case(officer)
    page = client.get("/dashboard/tasks").get_data(as_text=True)
    assert "Reminder texts: to do" in page and f"/cases/{waiting.id}/texts" in page and "check eligibility" in page
    db.session.execute(text("UPDATE trial_enrolment SET status = 'trial_off'"))
    db.session.execute(text("UPDATE text_message SET status = 'failed', to_e164 = '+447123456789'"))
    reminders.plan_for(reminders.enrolment_for(waiting), waiting, DEFAULT_NOW, TextSettings())
    db.session.execute(text("UPDATE text_message SET status = 'failed', to_e164 = '+447123456789'"))
    db.session.commit()
    page = client.get("/dashboard/tasks").get_data(as_text=True)
    assert "Texts to P failed: check the number" in page


def test_the_texts_page_runs_the_same_statements_for_a_short_or_long_plan(app, client, login_as, make_user):
    from tests.support import count_queries

    switch_trial_off(make_user)
    officer, _ = login_as(Role.OFFICER)
    short, long = granted_case(officer, days=14), granted_case(officer, days=28)
    assert dispatch().sent == 2  # each case's first text, so both pages show a sent text's wording version
    assert count_queries(client, f"/cases/{short.id}/texts") == count_queries(client, f"/cases/{long.id}/texts")

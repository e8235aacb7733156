"""Victim referrals, police side: created at service, completed with V, sent, kept in step
with the order, and swept against the Victims' Code (Right 4: two working days)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.domain.calendar import LONDON
from app.domain.referrals import Consent, ContactMethod, ContactOutcome
from app.extensions import db
from app.models import AuditEntry, HearingOutcome, OrderEventKind, ReferralStatus, Role
from app.services import ValidationFailed, casework, court, referral_queries, referral_sweep, referrals
from app.services.calendar import load_calendar
from app.services.order_records import OrderSettings
from app.services.referrals import ReferralSettings
from app.services.reminders import TextSettings
from app.timeutil import frozen_at, utcnow
from tests.integration.factories import consenting, granted_case, heard_case, served_case, support_service


def L(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def test_serving_the_notice_creates_a_referral_due_in_two_working_days(app, make_user):
    officer = make_user(Role.OFFICER)
    case = served_case(officer, served_at=L("2026-11-13 22:00"))  # a Friday night
    [referral] = referral_queries.referrals_for(case)
    assert referral.status is ReferralStatus.AWAITING
    assert referral.victim.full_name == "Beth Testperson"
    # Mon 16 and Tue 17 are the two working days: due 00:00 Wed 18.
    assert referral.due_at == L("2026-11-18 00:00")
    assert referral.warn_at == L("2026-11-17 13:00")
    created = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "referral.created"))
    assert (created.user_id, created.case_id) == (officer.id, case.id)


def test_send_snapshots_what_the_service_sees_and_declined_is_not_sent(app, make_user):
    officer = make_user(Role.OFFICER)
    service = support_service()
    case = served_case(officer)
    [referral] = referral_queries.referrals_for(case)
    with pytest.raises(ValidationFailed) as exc:
        referrals.send(officer, referral, case, service.id, load_calendar())
    assert "consent" in str(exc.value)
    referrals.save_details(officer, referral, case, consenting())
    referrals.send(officer, referral, case, service.id, load_calendar())
    assert referral.status is ReferralStatus.SENT and referral.service_id == service.id
    assert referral.content["safe_number"] == "+447911123456"
    assert referral.content["victim_name"] == "Beth Testperson"
    assert referral.code_breach_at is None
    with pytest.raises(ValidationFailed):
        referrals.send(officer, referral, case, service.id, load_calendar())

    other = served_case(officer)
    [declined] = referral_queries.referrals_for(other)
    referrals.save_details(officer, declined, other, consenting(consent=Consent.DECLINES))
    assert declined.status is ReferralStatus.DECLINED and declined.settled_at == utcnow()
    assert declined.service_id is None and declined.content is None


def test_sweep_flags_overdue_once_and_the_breach_stays_after_sending(app, make_user):
    officer = make_user(Role.OFFICER)
    service = support_service()
    case = served_case(officer, served_at=L("2026-11-13 22:00"))
    [referral] = referral_queries.referrals_for(case)
    report = referral_sweep.sweep(L("2026-11-17 14:00"))
    assert (report.flagged, report.due_soon) == (0, 1)
    report = referral_sweep.sweep(L("2026-11-18 09:30"))
    assert (report.flagged, report.due_soon) == (1, 0)
    assert referral_sweep.sweep(L("2026-11-18 09:45")).flagged == 0
    db.session.refresh(referral)
    assert referral.code_breach_at == L("2026-11-18 09:30")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "referral.code_breach"))
    assert entry.case_id == case.id and entry.detail["late_minutes"] == 9 * 60 + 30
    with frozen_at(L("2026-11-18 11:00")):
        referrals.save_details(officer, referral, case, consenting())
        referrals.send(officer, referral, case, service.id, load_calendar())
    rows, total = referral_queries.code_breaches(select(type(case)), page=1)
    assert total == 1 and rows[0].id == referral.id
    assert referral_queries.code_state(referral, L("2026-11-20 00:00")).late_by == timedelta(hours=11)


def test_order_end_follows_grant_variation_and_expiry(app, make_user):
    officer = make_user(Role.OFFICER)
    case = granted_case(officer, days=14)
    [referral] = referral_queries.referrals_for(case)
    assert referral.protection_stage == "order"
    assert referral.order_ends_at == case.order.ends_at
    court.change_order(officer, case, kind=OrderEventKind.VARIED, court_date=utcnow().astimezone(LONDON).date(),
                       details="Extended", new_days=28, calendar=load_calendar(), texts=TextSettings())
    db.session.refresh(referral)
    assert referral.order_ends_at == case.order.ends_at
    with frozen_at(case.order.ends_at + timedelta(minutes=1)):
        court.expire_orders(load_calendar(), TextSettings())
    db.session.refresh(referral)
    assert referral.protection_stage == "ended"


def test_refused_order_does_not_cancel_the_referral(app, make_user):
    officer = make_user(Role.OFFICER)
    case = heard_case(officer)
    court.record_outcome(officer, case, court.pending_hearing(case), outcome=HearingOutcome.REFUSED, contested=True,
                         notes="", calendar=load_calendar(), texts=TextSettings(), orders=OrderSettings())
    [referral] = referral_queries.referrals_for(case)
    assert referral.status is ReferralStatus.AWAITING and referral.protection_stage == "refused"


def test_no_contact_by_the_end_of_the_order_returns_it_to_police(app, make_user):
    officer = make_user(Role.OFFICER)
    service = support_service()
    caseworker = make_user(Role.CASEWORKER, service_id=service.id)
    case = granted_case(officer, days=14)
    [referral] = referral_queries.referrals_for(case)
    referrals.save_details(officer, referral, case, consenting())
    referrals.send(officer, referral, case, service.id, load_calendar())
    casework.accept(caseworker, referral)
    start = utcnow()
    for hours in (1, 26, 51):
        with frozen_at(start + timedelta(hours=hours)):
            casework.log_attempt(caseworker, referral, casework.AttemptDetails(
                utcnow(), ContactMethod.WITHHELD_CALL, ContactOutcome.NO_ANSWER), load_calendar())
    assert referral_sweep.sweep(case.order.ends_at - timedelta(minutes=1)).returned == 0
    report = referral_sweep.sweep(case.order.ends_at + timedelta(minutes=1))
    assert report.returned == 1
    db.session.refresh(referral)
    assert referral.status is ReferralStatus.RETURNED and "3 attempts" in referral.return_reason


def test_a_trace_leaving_method_needs_v_to_have_agreed(app, make_user):
    officer = make_user(Role.OFFICER)
    service = support_service()
    caseworker = make_user(Role.CASEWORKER, service_id=service.id)
    case = served_case(officer)
    [referral] = referral_queries.referrals_for(case)
    referrals.save_details(officer, referral, case, consenting(agreed_methods=[ContactMethod.TEXT]))
    referrals.send(officer, referral, case, service.id, load_calendar())
    with pytest.raises(ValidationFailed) as exc:
        casework.log_attempt(caseworker, referral, casework.AttemptDetails(
            utcnow(), ContactMethod.VOICEMAIL, ContactOutcome.NO_ANSWER), load_calendar())
    assert "has not agreed" in exc.value.errors["method"]
    casework.log_attempt(caseworker, referral, casework.AttemptDetails(
        utcnow(), ContactMethod.TEXT, ContactOutcome.NO_ANSWER), load_calendar())
    assert referral.status is ReferralStatus.ACCEPTED


def test_an_added_bank_holiday_moves_a_running_referral_but_not_a_flagged_one(app, make_user):
    from datetime import date

    from app.services.calendar import add_extra_bank_holiday

    officer = make_user(Role.OFFICER)
    admin = make_user(Role.ADMIN)
    case = served_case(officer, served_at=L("2026-11-13 22:00"))
    [referral] = referral_queries.referrals_for(case)
    assert referral.due_at == L("2026-11-18 00:00")
    add_extra_bank_holiday(admin, date(2026, 11, 17), "A day of national celebration", ReferralSettings())
    db.session.refresh(referral)
    # Tuesday is no longer a working day: Mon 16 and Wed 18 are the two.
    assert referral.due_at == L("2026-11-19 00:00")
    assert referral.warn_at == L("2026-11-18 13:00")


def test_an_attempt_typed_in_the_minute_the_referral_arrived_is_accepted(app, make_user):
    officer = make_user(Role.OFFICER)
    service = support_service()
    caseworker = make_user(Role.CASEWORKER, service_id=service.id)
    case = served_case(officer)
    [referral] = referral_queries.referrals_for(case)
    minute = utcnow().replace(second=0, microsecond=0)
    with frozen_at(minute + timedelta(seconds=40)):
        referrals.save_details(officer, referral, case, consenting())
        referrals.send(officer, referral, case, service.id, load_calendar())
        casework.log_attempt(caseworker, referral, casework.AttemptDetails(
            minute, ContactMethod.WITHHELD_CALL, ContactOutcome.NO_ANSWER), load_calendar())
        with pytest.raises(ValidationFailed) as exc:
            casework.log_attempt(caseworker, referral, casework.AttemptDetails(
                minute - timedelta(minutes=1), ContactMethod.WITHHELD_CALL, ContactOutcome.NO_ANSWER), load_calendar())
    assert "before the referral was sent" in exc.value.errors["attempted_date"]
    assert len(referral.attempts) == 1


def test_the_sweep_runs_from_the_command_line_and_as_the_scheduler_job(app, make_user):
    from app.jobs import sweep_referrals

    officer = make_user(Role.OFFICER)
    first = served_case(officer, served_at=L("2026-11-11 14:00"))  # due 24:00 Fri 13: overdue now
    second = served_case(officer, served_at=L("2026-11-12 14:00"))  # due 24:00 Mon 16
    result = app.test_cli_runner().invoke(args=["referrals", "sweep"])
    assert result.exit_code == 0, result.output
    assert "Overdue under the Victims' Code, newly flagged: 1" in result.output
    [flagged] = referral_queries.referrals_for(first)
    assert flagged.code_breach_at == utcnow()
    with frozen_at(L("2026-11-17 00:00")):
        sweep_referrals(app)
    [later] = referral_queries.referrals_for(second)
    assert later.code_breach_at == L("2026-11-17 00:00")
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "referral.code_breach")) == 2

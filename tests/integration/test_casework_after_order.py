"""Support does not end with the order (seed 003, "Length of provision"): an engaged referral
stays open after the order ends until the caseworker closes it with a reason; a follow-up
call may be planned after the order's end; the caseworker's lists keep showing it.

The clock is frozen at Mon 16 Nov 2026 10:00 UTC (10:00 London). A 14-day order made that
day is in force to the end of Sun 29 Nov and ends at 00:00 Mon 30 Nov.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from app.domain.calendar import LONDON, london_midnight
from app.domain.referrals import ContactMethod, ContactOutcome
from app.extensions import db
from app.models import AuditEntry, ReferralStatus, Role
from app.services import ValidationFailed, casework, referral_sweep
from app.services.calendar import load_calendar
from app.timeutil import frozen_at, utcnow
from tests.integration.conftest import csrf_token, login
from tests.integration.factories import granted_case, sent_referral, support_service

ENDS = london_midnight(date(2026, 11, 30))
AFTER_END = date(2026, 12, 3)  # a Thursday after the order's end


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text(" ").split())


@pytest.fixture
def service(app):
    return support_service("Northshire Women's Aid")


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER, full_name="PC Olivia Officer")


@pytest.fixture
def caseworker(client, make_user, service):
    user = make_user(Role.CASEWORKER, service_id=service.id)
    assert login(client, user).status_code == 302
    return user


def on_an_order(officer, service, *outcomes: ContactOutcome, caseworker=None):
    """A referral sent on a 14-day order, with attempts logged an hour apart from 11:00."""
    case = granted_case(officer, days=14)
    case, referral = sent_referral(officer, service, case=case)
    assert case.order.ends_at == ENDS
    for hours, outcome in enumerate(outcomes, start=1):
        with frozen_at(utcnow() + timedelta(hours=hours)):
            casework.log_attempt(caseworker, referral, casework.AttemptDetails(
                utcnow(), ContactMethod.WITHHELD_CALL, outcome), load_calendar())
    return case, referral


def relogin(client, user) -> str:
    login(client, user)
    return csrf_token(client)


def test_an_engaged_referral_survives_the_order_end_and_the_caseworker_closes_it(client, caseworker, officer, service, app):
    case, referral = on_an_order(officer, service, ContactOutcome.ENGAGED, caseworker=caseworker)
    _, declined = on_an_order(officer, service, ContactOutcome.DECLINED, caseworker=caseworker)
    report = referral_sweep.sweep(ENDS)
    assert (report.continuing, report.closed) == (1, 1)
    db.session.refresh(referral)
    db.session.refresh(declined)
    assert referral.status is ReferralStatus.SUPPORTING and declined.status is ReferralStatus.CLOSED

    with frozen_at(ENDS + timedelta(days=3, hours=10)):  # Thu 3 Dec 10:00
        token = relogin(client, caseworker)
        inbox = text_of(client.get("/referrals/inbox"))
        assert "Support continuing after the order (1)" in inbox
        assert "Order ended on Sun 29 Nov 2026; support continues" in inbox
        page = text_of(client.get(f"/referrals/{referral.id}"))
        assert "Order ended on Sun 29 Nov 2026; support continues. The referral stays open until you close it." in page
        assert "Close the referral" in page and "Plan a follow-up call" in page
        # Still open: contact can be logged after the order.
        response = client.post(f"/referrals/{referral.id}/attempts/new", data={
            "csrf_token": token, "attempted_date": "2026-12-03", "attempted_time": "09:30", "method": "withheld_call",
            "outcome": "engaged", "notes": "Housing appointment booked."})
        assert response.status_code == 302
        form = text_of(client.get(f"/referrals/{referral.id}/close"))
        assert "Once closed, you cannot log more attempts" in form and "Police see this" in form
        blank = client.post(f"/referrals/{referral.id}/close", data={"csrf_token": token, "reason": "  "})
        assert blank.status_code == 200 and "Say why support is ending" in text_of(blank)
        db.session.refresh(referral)
        assert referral.status is ReferralStatus.SUPPORTING
        response = client.post(f"/referrals/{referral.id}/close",
                               data={"csrf_token": token, "reason": "Support plan complete; moved to the IDVA service."})
        assert response.status_code == 302
        db.session.refresh(referral)
        assert referral.status is ReferralStatus.CLOSED and referral.closed_by_id == caseworker.id
        assert referral.closed_at == utcnow() and referral.close_reason == "Support plan complete; moved to the IDVA service."
        again = client.post(f"/referrals/{referral.id}/close", data={"csrf_token": token, "reason": "Twice"})
        assert again.status_code == 200 and "This referral is closed: it can no longer be changed" in text_of(again)
        assert client.get(f"/referrals/{referral.id}/close").status_code == 302
        page = text_of(client.get(f"/referrals/{referral.id}"))
        assert "Closed Thu 3 Dec 2026, 10:00: Support plan complete" in page and "Log an attempt" not in page
        past = text_of(client.get("/referrals/inbox?view=past"))
        assert "Support plan complete; moved to the IDVA service." in past
        assert "The order ended: the victim had declined support." in past
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "referral.closed",
                                                        AuditEntry.user_id == caseworker.id)).one()
    assert entry.case_id == case.id
    assert entry.detail == {"referral": referral.id, "by": "caseworker", "attempts": 2, "after_order_end": True}
    # Police see that support ended, and why (not the caseworker's notes).
    police = app.test_client()
    login(police, officer)
    police_page = text_of(police.get(f"/cases/{case.id}/referrals"))
    assert "Support ended Thu 3 Dec 2026, 10:00: Support plan complete" in police_page
    assert "Housing appointment booked." not in police_page


def test_closing_needs_contact_made(client, caseworker, officer, service):
    _case, referral = on_an_order(officer, service, ContactOutcome.NO_ANSWER, caseworker=caseworker)
    token = relogin(client, caseworker)
    assert "Return the referral to police instead" in text_of(client.get(f"/referrals/{referral.id}/close"))
    assert "Close the referral" not in text_of(client.get(f"/referrals/{referral.id}"))
    response = client.post(f"/referrals/{referral.id}/close", data={"csrf_token": token, "reason": "Gave up."})
    assert response.status_code == 200 and "return the referral to police instead" in text_of(response)
    db.session.refresh(referral)
    assert referral.status is ReferralStatus.ACCEPTED and referral.close_reason is None


def test_without_csrf_nothing_closes(client, caseworker, officer, service):
    _case, referral = on_an_order(officer, service, ContactOutcome.ENGAGED, caseworker=caseworker)
    response = client.post(f"/referrals/{referral.id}/close", data={"reason": "No token."})
    assert response.status_code == 400
    db.session.refresh(referral)
    assert referral.status is ReferralStatus.ACCEPTED


def test_a_follow_up_call_after_the_order_end(client, caseworker, officer, service):
    case, referral = on_an_order(officer, service, ContactOutcome.ENGAGED, caseworker=caseworker)
    token = relogin(client, caseworker)
    form = text_of(client.get(f"/referrals/{referral.id}/follow-up"))
    assert "The order is in force until the end of Sun 29 Nov 2026." in form
    response = client.post(f"/referrals/{referral.id}/follow-up",
                           data={"csrf_token": token, "follow_up_date": AFTER_END.isoformat()}, follow_redirects=True)
    page = text_of(response)
    assert "Follow-up call planned for Thu 3 Dec 2026, after the order's end" in page
    assert "Follow-up call planned for Thu 3 Dec 2026." in page
    db.session.refresh(referral)
    assert referral.support_follow_up_at == london_midnight(AFTER_END) and referral.support_follow_up_at > ENDS
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "referral.follow_up_planned")).one()
    assert entry.detail == {"referral": referral.id, "on": "2026-12-03", "after_order_end": True}
    # The near-end call rule is untouched: nothing was agreed, so nothing is due before the end.
    assert referral.follow_up_due_at is None

    assert referral_sweep.sweep(ENDS).continuing == 1
    with frozen_at(london_midnight(AFTER_END) + timedelta(hours=9)):
        token = relogin(client, caseworker)
        inbox = text_of(client.get("/referrals/inbox"))
        assert "Follow-up call due" in inbox and "Planned for Thu 3 Dec 2026" in inbox
        page = text_of(client.get(f"/referrals/{referral.id}"))
        assert "You planned to call Beth Testperson from Thu 3 Dec 2026." in page
        now = utcnow().astimezone(LONDON)
        response = client.post(f"/referrals/{referral.id}/attempts/new", data={
            "csrf_token": token, "attempted_date": now.date().isoformat(), "attempted_time": now.strftime("%H:%M"),
            "method": "withheld_call", "outcome": "engaged", "notes": ""})
        assert response.status_code == 302
        db.session.refresh(referral)
        assert referral.support_follow_up_at is None and referral.status is ReferralStatus.SUPPORTING
        assert "Follow-up call due" not in text_of(client.get("/referrals/inbox"))
        # After the end, planning the next call is still allowed.
        response = client.post(f"/referrals/{referral.id}/follow-up",
                               data={"csrf_token": token, "follow_up_date": "2027-01-05"})
        assert response.status_code == 302
        assert "The order ended on Sun 29 Nov 2026." in text_of(client.get(f"/referrals/{referral.id}/follow-up"))


@pytest.mark.parametrize(("outcome", "day", "message"), [
    (ContactOutcome.DECLINED, AFTER_END.isoformat(), "planned only with a victim who engaged"),
    (ContactOutcome.NO_ANSWER, AFTER_END.isoformat(), "planned only with a victim who engaged"),
    (ContactOutcome.ENGAGED, "2026-11-13", "cannot be in the past"),
    (ContactOutcome.ENGAGED, "2026-12-05", "Choose a working day"),
    (ContactOutcome.ENGAGED, "2026-12-25", "Choose a working day"),
    (ContactOutcome.ENGAGED, "", "Enter the day of the follow-up call"),
    (ContactOutcome.ENGAGED, "2026-02-30", "must be a real date"),
    (ContactOutcome.ENGAGED, "2031-01-06", "within a year"),
])
def test_bad_follow_up_input_comes_back_with_a_message(client, caseworker, officer, service, outcome, day, message):
    _case, referral = on_an_order(officer, service, outcome, caseworker=caseworker)
    token = relogin(client, caseworker)
    response = client.post(f"/referrals/{referral.id}/follow-up", data={"csrf_token": token, "follow_up_date": day})
    assert response.status_code == 200 and message in text_of(response)
    db.session.refresh(referral)
    assert referral.support_follow_up_at is None


def test_a_returned_or_closed_referral_takes_no_follow_up(caseworker, officer, service):
    _case, referral = on_an_order(officer, service, ContactOutcome.ENGAGED, caseworker=caseworker)
    casework.close(caseworker, referral, "Done.")
    with pytest.raises(ValidationFailed, match="closed"):
        casework.plan_follow_up(caseworker, referral, AFTER_END, load_calendar())
    with pytest.raises(ValidationFailed, match="closed"):
        casework.close(caseworker, referral, "Again.")


def test_new_pages_are_the_services_own(client, caseworker, officer, service, make_user):
    other_service = support_service("Southshire Victim Care")
    other_worker = make_user(Role.CASEWORKER, service_id=other_service.id)
    _case, other = on_an_order(officer, other_service, ContactOutcome.ENGAGED, caseworker=other_worker)
    token = relogin(client, caseworker)
    for suffix in ("/close", "/follow-up"):
        assert client.get(f"/referrals/{other.id}{suffix}").status_code == 404
        assert client.post(f"/referrals/{other.id}{suffix}", data={
            "csrf_token": token, "reason": "Not mine", "follow_up_date": AFTER_END.isoformat()}).status_code == 404
    db.session.refresh(other)
    assert other.status is ReferralStatus.ACCEPTED and other.support_follow_up_at is None

"""The caseworker's pages: the service's inbox, one referral as the service received it, and
safe contact (seed 003: withheld calls, no trace unless V agreed, different times of day, a
call near the end if support is declined, return to police if no contact)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from app.domain.calendar import LONDON
from app.domain.referrals import Consent, ContactMethod, ContactOutcome
from app.extensions import db
from app.models import AuditEntry, Case, ContactAttempt, ReferralStatus, Role
from app.services import casework, referral_queries, referrals
from app.services.calendar import load_calendar
from app.timeutil import frozen_at, utcnow
from tests.integration.conftest import csrf_token, login, normalize_spaces
from tests.integration.factories import granted_case, served_case, support_service


def details(**overrides) -> referrals.ReferralDetails:
    d = referrals.ReferralDetails(
        consent=Consent.CONSENTS, consent_asked_at=utcnow() - timedelta(minutes=20), safe_number="07911 123456",
        safe_to_call=True, safe_times=[], language="Polish", interpreter=True,
        police_summary="Arrested P at the address.\nServed the notice at the custody suite.",
    )
    for key, value in overrides.items():
        setattr(d, key, value)
    return d


def sent_referral(officer, service, case=None, **overrides):
    case = case or served_case(officer)
    [referral] = referral_queries.referrals_for(case)
    referrals.save_details(officer, referral, case, details(**overrides))
    referrals.send(officer, referral, case, service.id, load_calendar())
    return case, referral


@pytest.fixture
def service(app):
    return support_service("Northshire Women's Aid")


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER, full_name="PC Olivia Officer")


@pytest.fixture
def caseworker(client, make_user, service):
    """A caseworker of `service`, logged in; returns (user, csrf token)."""
    user = make_user(Role.CASEWORKER, service_id=service.id)
    assert login(client, user).status_code == 302
    return user, csrf_token(client)


def attempt_form(token, **fields):
    now = utcnow().astimezone(LONDON)
    data = {"csrf_token": token, "attempted_date": now.date().isoformat(), "attempted_time": now.strftime("%H:%M"),
            "method": "withheld_call", "outcome": "no_answer", "notes": ""}
    data.update(fields)
    return data


def next_attempt_section(page: str) -> str:
    return page.split('id="next-attempt"', 1)[1].split("</div>", 1)[0]


def test_inbox_shows_only_the_services_own_referrals(client, caseworker, officer, service):
    own_case, own = sent_referral(officer, service)
    other_service = support_service("Southshire Victim Care")
    other_case, other = sent_referral(officer, other_service)
    page = client.get("/referrals/inbox").get_data(as_text=True)
    assert own_case.reference in page and "New referrals" in page and "Accept" in page
    assert other_case.reference not in page
    token = caseworker[1]
    for suffix in ("", "/accept", "/attempts/new", "/concern", "/return", "/follow-up-done"):
        assert client.get(f"/referrals/{other.id}{suffix}").status_code == 404, suffix
        if suffix:
            assert client.post(f"/referrals/{other.id}{suffix}", data={"csrf_token": token}).status_code == 404, suffix
    db.session.refresh(other)
    assert other.status is ReferralStatus.SENT and other.concerns == []


def test_empty_inbox_says_so(client, caseworker):
    page = client.get("/referrals/inbox").get_data(as_text=True)
    assert "No new referrals." in page and "You have no open referrals." in page


def test_a_referral_not_yet_sent_is_invisible_and_the_case_file_is_forbidden(client, caseworker, officer):
    case = served_case(officer)
    [referral] = referral_queries.referrals_for(case)
    assert referral.status is ReferralStatus.AWAITING
    assert client.get(f"/referrals/{referral.id}").status_code == 404
    assert case.reference not in client.get("/referrals/inbox").get_data(as_text=True)
    assert client.get("/dashboard").status_code == 403
    assert client.get(f"/cases/{case.id}").status_code == 403


def test_accept_once_then_a_graceful_message(client, caseworker, officer, service):
    _case, referral = sent_referral(officer, service)
    token = caseworker[1]
    response = client.post(f"/referrals/{referral.id}/accept", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/referrals/{referral.id}")
    db.session.refresh(referral)
    assert referral.status is ReferralStatus.ACCEPTED and referral.accepted_by_id == caseworker[0].id
    again = client.post(f"/referrals/{referral.id}/accept", data={"csrf_token": token})
    assert again.status_code == 200 and "already been accepted" in again.get_data(as_text=True)
    page = client.get(f"/referrals/{referral.id}/accept", follow_redirects=True).get_data(as_text=True)
    assert "already accepted by the service" in page
    inbox = client.get("/referrals/inbox").get_data(as_text=True)
    assert "Your open referrals" in inbox and "No new referrals." in inbox


def test_only_agreed_methods_are_offered_and_others_are_refused(client, caseworker, officer, service):
    _case, referral = sent_referral(officer, service)
    token = caseworker[1]
    form = client.get(f"/referrals/{referral.id}/attempts/new").get_data(as_text=True)
    assert "Call from a withheld number. Voicemail, text or letter only where the victim agreed" in form
    assert "The victim has not agreed to any other method." in form
    assert 'value="withheld_call"' in form and 'value="voicemail"' not in form and 'value="text"' not in form
    assert re.search(r'value="withheld_call"[^>]*checked|checked[^>]*value="withheld_call"', form)
    response = client.post(f"/referrals/{referral.id}/attempts/new",
                           data=attempt_form(token, method="voicemail", notes="Tried at lunchtime"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The victim has not agreed to contact by voicemail" in page and "Tried at lunchtime" in page
    assert db.session.scalars(select(ContactAttempt)).all() == []


def test_an_agreed_text_is_offered(client, caseworker, officer, service):
    _case, referral = sent_referral(officer, service, agreed_methods=[ContactMethod.TEXT])
    form = client.get(f"/referrals/{referral.id}/attempts/new").get_data(as_text=True)
    assert 'value="text"' in form and 'value="voicemail"' not in form
    assert "The victim agreed to: text message." in form


def test_a_withheld_call_is_logged_and_the_next_suggestion_moves_to_another_part_of_the_day(
        client, caseworker, officer, service):
    _case, referral = sent_referral(officer, service)
    token = caseworker[1]
    before = next_attempt_section(client.get(f"/referrals/{referral.id}").get_data(as_text=True))
    assert "Attempt 1" in before and "Morning (09:00 to 12:00)" in before  # Monday 10:00
    response = client.post(f"/referrals/{referral.id}/attempts/new",
                           data=attempt_form(token, notes="No answer, rang out"), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Attempt recorded. Next suggested attempt" in page
    [attempt] = db.session.scalars(select(ContactAttempt)).all()
    assert attempt.method is ContactMethod.WITHHELD_CALL and attempt.outcome is ContactOutcome.NO_ANSWER
    assert attempt.attempted_at == utcnow() and attempt.notes == "No answer, rang out"
    db.session.refresh(referral)
    assert referral.status is ReferralStatus.ACCEPTED  # logging an attempt takes it on
    after = next_attempt_section(page)
    assert "Attempt 2" in after and "Morning" not in after and "Afternoon (12:00 to 17:00)" in after
    assert "No answer, rang out" in page and "Call from a withheld number" in page


def test_after_three_failed_attempts_the_page_says_keep_trying(client, caseworker, officer, service):
    _case, referral = sent_referral(officer, service)
    start = utcnow()
    for hours in (0, 5, 8):
        with frozen_at(start + timedelta(hours=hours)):
            casework.log_attempt(caseworker[0], referral, casework.AttemptDetails(
                utcnow(), ContactMethod.WITHHELD_CALL, ContactOutcome.NO_ANSWER), load_calendar())
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Attempt 4" in page and "3 attempts have not reached Beth Testperson" in page
    assert "throughout the order" in page


def test_declined_with_a_call_near_the_end_shows_the_follow_up_task_when_due(
        client, caseworker, officer, service, make_user):
    case = granted_case(officer, days=14)
    _case, referral = sent_referral(officer, service, case=case)
    user, token = caseworker
    wrong = client.post(f"/referrals/{referral.id}/attempts/new",
                        data=attempt_form(token, outcome="no_answer", call_near_end_agreed="y"))
    assert wrong.status_code == 200 and "Only record a call near the end" in wrong.get_data(as_text=True)
    response = client.post(f"/referrals/{referral.id}/attempts/new",
                           data=attempt_form(token, outcome="declined", call_near_end_agreed="y"), follow_redirects=True)
    page = response.get_data(as_text=True)
    db.session.refresh(referral)
    due = referral.follow_up_due_at
    assert due is not None and due < referral.order_ends_at
    assert "follow-up call near the end of the order is due from" in page
    assert 'id="follow-up-planned"' in page and 'id="follow-up-task"' not in page
    assert "Contact made: no more attempts are suggested." in page
    with frozen_at(due + timedelta(hours=9)):
        login(client, user)
        token = csrf_token(client)
        page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
        assert 'id="follow-up-task"' in page and "Mark follow-up call done" in page
        assert "Follow-up call due" in client.get("/referrals/inbox").get_data(as_text=True)
        response = client.post(f"/referrals/{referral.id}/follow-up-done", data={"csrf_token": token})
        assert response.status_code == 302
        db.session.refresh(referral)
        assert referral.follow_up_done_at == utcnow()
        page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
        assert 'id="follow-up-task"' not in page and "Follow-up call done" in page
        again = client.get(f"/referrals/{referral.id}/follow-up-done", follow_redirects=True).get_data(as_text=True)
        assert "no follow-up call waiting" in again


def test_a_concern_goes_to_police_as_an_open_concern(client, caseworker, officer, service):
    case, referral = sent_referral(officer, service)
    token = caseworker[1]
    form = client.get(f"/referrals/{referral.id}/concern").get_data(as_text=True)
    assert "999" in form and "officer in the case" in form
    now = utcnow().astimezone(LONDON)
    base = {"csrf_token": token, "observed_date": now.date().isoformat(), "observed_time": now.strftime("%H:%M")}
    empty = client.post(f"/referrals/{referral.id}/concern", data={**base, "what": "  "})
    assert empty.status_code == 200 and "Say what you learned" in empty.get_data(as_text=True)
    future = (now + timedelta(days=1)).date().isoformat()
    late = client.post(f"/referrals/{referral.id}/concern", data={**base, "observed_date": future, "what": "P nearby"})
    assert late.status_code == 200 and "cannot be in the future" in late.get_data(as_text=True)
    response = client.post(f"/referrals/{referral.id}/concern",
                           data={**base, "what": "P was at the address during the call"})
    assert response.status_code == 302
    [concern] = referral_queries.open_concerns(select(Case))
    assert concern.case_id == case.id and concern.what == "P was at the address during the call"
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "P was at the address during the call" in page and "With police" in page


def test_return_to_police(client, caseworker, officer, service):
    _case, referral = sent_referral(officer, service)
    user, token = caseworker
    for hours in (0, 4):
        with frozen_at(utcnow() + timedelta(hours=hours)):
            casework.log_attempt(user, referral, casework.AttemptDetails(
                utcnow(), ContactMethod.WITHHELD_CALL, ContactOutcome.NO_ANSWER), load_calendar())
    with frozen_at(utcnow() + timedelta(hours=5)):
        login(client, user)
        token = csrf_token(client)
        form = client.get(f"/referrals/{referral.id}/return").get_data(as_text=True)
        assert "No contact made after 2 attempts." in form
        blank = client.post(f"/referrals/{referral.id}/return", data={"csrf_token": token, "reason": ""})
        assert blank.status_code == 200 and "Say why the referral is going back" in blank.get_data(as_text=True)
        response = client.post(f"/referrals/{referral.id}/return",
                               data={"csrf_token": token, "reason": "No contact made after 2 attempts."})
        assert response.status_code == 302
        db.session.refresh(referral)
        assert referral.status is ReferralStatus.RETURNED and referral.returned_by_id == user.id
        page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
        assert "Returned to police" in page and "Log an attempt" not in page
        assert client.get(f"/referrals/{referral.id}/attempts/new").status_code == 302
        inbox = client.get("/referrals/inbox").get_data(as_text=True)
        assert "Referrals returned to police or closed (1)" in inbox
        past = client.get("/referrals/inbox?view=past").get_data(as_text=True)
        assert referral.content["reference"] in past and "Returned to police" in past


def test_the_page_shows_the_referral_and_nothing_of_the_case_file(client, caseworker, officer, service):
    case = granted_case(officer, days=14)
    _case, referral = sent_referral(officer, service, case=case)
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Beth Testperson" in page and "07911 123456" in page and "Safe to call" in page
    assert "Polish: interpreter needed" in page
    assert "Arrested P at the address.\nServed the notice" in page
    assert "PC Olivia Officer" in page and officer.email in page
    assert "days left" in page and "Order in force until the end of" in page
    assert "Do not go into the address named in the order." in page
    for secret in ("Adam Testperson", "07123 456789", "07123456789", "+447123456789", "1985"):
        assert secret not in page, secret


def test_opening_a_referral_is_audited_against_the_case(client, caseworker, officer, service):
    case, referral = sent_referral(officer, service)
    client.get(f"/referrals/{referral.id}")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "referral.viewed")).one()
    assert entry.case_id == case.id and entry.user_id == caseworker[0].id and entry.detail["referral"] == referral.id


def test_high_risk_shows_the_marac_line_from_what_police_recorded(client, caseworker, officer, service):
    """The caseworker's inbox and referral say what the police side says, from one fact
    (Referral.marac_done_at): not "MARAC referral by police" while police show "not yet"."""
    case, referral = sent_referral(officer, service)
    referral.high_risk = True
    db.session.commit()

    police_client = client.application.test_client()  # an officer in another browser
    assert login(police_client, officer).status_code == 302

    def lines() -> tuple[str, str, str]:
        inbox = BeautifulSoup(client.get("/referrals/inbox").get_data(as_text=True), "html.parser")
        show = BeautifulSoup(client.get(f"/referrals/{referral.id}").get_data(as_text=True), "html.parser")
        police = BeautifulSoup(police_client.get(f"/cases/{case.id}/referrals").get_data(as_text=True), "html.parser")
        risk = inbox.select_one(f"#referral-{referral.id}").find("dt", string="Risk").find_next_sibling("dd")
        return (normalize_spaces(risk.get_text()), normalize_spaces(show.select_one("#marac").get_text()),
                normalize_spaces(police.select_one(f"#marac-{referral.id} dd").get_text()))

    inbox, show, police = lines()
    assert inbox == "High risk MARAC referral not yet made by police"
    assert show == police == "MARAC referral not yet made by police"
    referrals.record_marac(officer, referral, case)
    inbox, show, police = lines()
    made = "MARAC referral made by police (recorded Mon 16 Nov 2026, 10:00)"
    assert inbox == f"High risk {made}" and show == police == made


@pytest.mark.parametrize("fields, message", [
    ({"method": "carrier_pigeon"}, "Choose how you tried to make contact"),
    ({"outcome": "exploded"}, "Choose the outcome"),
    ({"attempted_date": "2026-02-31"}, "must be a real date"),
    ({"attempted_date": "yesterday"}, "must be a real date"),
    ({"attempted_time": "25:99"}, "24-hour clock"),
    ({"attempted_date": "2026-11-17"}, "cannot be in the future"),
    ({"attempted_date": "2020-01-01"}, "before the referral was sent"),
    ({"attempted_time": ""}, "Enter when the attempt was made"),
    ({"attempted_date": "2026-03-29", "attempted_time": "01:30"}, "did not exist in London"),
    ({"notes": "x" * 5000}, "Keep this to 4,000 characters"),
])
def test_bad_attempt_input_comes_back_with_a_message(client, caseworker, officer, service, fields, message):
    _case, referral = sent_referral(officer, service)
    response = client.post(f"/referrals/{referral.id}/attempts/new", data=attempt_form(caseworker[1], **fields))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalars(select(ContactAttempt)).all() == []


def test_nul_characters_are_dropped(client, caseworker, officer, service):
    _case, referral = sent_referral(officer, service)
    response = client.post(f"/referrals/{referral.id}/attempts/new",
                           data=attempt_form(caseworker[1], method="withheld_call\x00", notes="Rang\x00 out"))
    assert response.status_code == 302
    [attempt] = db.session.scalars(select(ContactAttempt)).all()
    assert attempt.notes == "Rang out"


def test_an_attempt_outside_the_victims_safe_times_is_warned_not_refused(client, caseworker, officer, service):
    from app.domain.referrals import DayPart
    from app.timeutil import set_frozen
    from tests.integration.conftest import keep_session_alive

    _case, referral = sent_referral(officer, service, safe_times=[DayPart.EVENING])
    token = caseworker[1]
    form = BeautifulSoup(client.get(f"/referrals/{referral.id}/attempts/new").get_data(as_text=True), "html.parser")
    assert normalize_spaces(form.select_one("#safe-times").get_text()) == "Safe times to call: evening (17:00 to 20:00)."
    assert "outside the victim's safe times now" in form.select_one("#outside-safe-times").get_text()

    # Mon 10:00, a morning call: recorded, with a warning.
    page = BeautifulSoup(client.post(f"/referrals/{referral.id}/attempts/new", data=attempt_form(token),
                                     follow_redirects=True).get_data(as_text=True), "html.parser")
    banners = [normalize_spaces(b.get_text()) for b in page.select(".govuk-notification-banner__heading")]
    assert ("Mon 16 Nov 2026, 10:00 was outside the times the victim said are safe to call (evening (17:00 to "
            "20:00)). Keep to those times: a call at another time may not be safe for them.") in banners
    assert any(b.startswith("Attempt recorded") for b in banners) and len(referral.attempts) == 1
    tags = [normalize_spaces(t.get_text()) for t in page.select("#attempts ~ ol .govuk-tag")]
    assert tags == ["Outside the victim's safe times"]

    # Mon 18:00, in the evening: no warning.
    evening = utcnow().replace(hour=18, minute=30)
    set_frozen(evening)
    keep_session_alive(client, evening)
    assert client.get(f"/referrals/{referral.id}/attempts/new").get_data(as_text=True).count("outside-safe-times") == 0
    page = BeautifulSoup(client.post(f"/referrals/{referral.id}/attempts/new", data=attempt_form(token, attempted_time="18:00"),
                                     follow_redirects=True).get_data(as_text=True), "html.parser")
    assert not [b for b in page.select(".govuk-notification-banner__heading") if "outside" in b.get_text()]
    assert len(referral.attempts) == 2
    assert len(page.select("#attempts ~ ol .govuk-tag")) == 1  # only the morning call is marked

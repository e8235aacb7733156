"""Emails to staff through a real SMTP conversation with a loopback server (aiosmtpd): who
gets each one, its subject and link, no personal data about V or P, a server that is down
(retried later, nothing lost), deactivated accounts, the outbox and the audit."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from app import timeutil
from app.demo import complete_application
from app.extensions import db
from app.mailer import build_mailer
from app.models import (
    AuditEntry,
    CaseState,
    DecisionOutcome,
    EmailKind,
    EmailStatus,
    OutgoingEmail,
    Referral,
    Role,
)
from app.services import authorisation, casework, referral_sweep, users
from app.services.calendar import load_calendar
from app.services.email_dispatch import EmailSettings, backoff, dispatch_due
from app.services.referrals import ReferralSettings
from app.timeutil import utcnow
from tests.integration.conftest import DEFAULT_NOW, ClientRequest, csrf_token, login
from tests.integration.factories import (
    all_met,
    make_authoriser,
    open_case,
    sent_referral,
    submitted_case,
    support_service,
)
from tests.loopback_smtp import LoopbackSMTP

BASE = "https://dvpo.test.police.uk"
SETTINGS = EmailSettings(base_url=BASE, force="Test Constabulary", max_attempts=3)
# The factories' P and V, and the address and grounds the application is made with.
PERSONAL = ("Adam Testperson", "Beth Testperson", "Adam", "Beth", "Testperson", "1 Test Street", "TE1 1ST")


@pytest.fixture
def smtp(app):
    server = LoopbackSMTP().start()
    app.config.update(server.config())
    yield server
    server.stop()


def dispatch(app) -> object:
    return dispatch_due(build_mailer(app.config), SETTINGS)


def settle(app, smtp) -> None:
    """Send what setting the case up queued (the application's own emails), and forget it."""
    dispatch(app)
    smtp.received.clear()


def only_personal_free(received) -> None:
    for message in received:
        for name in PERSONAL:
            assert name not in message.raw, (name, message.raw)


def by_recipient(received) -> dict[str, object]:
    out = {}
    for message in received:
        [to] = message.rcpt_tos
        out[to] = message
    return out


def decide(case, outcome, authoriser=None, rationale="Reasons given on the case."):
    return authorisation.decide(authoriser or make_authoriser(), case, authorisation.current_application(case),
                                outcome=outcome, answers=all_met(case), rationale=rationale,
                                calendar=load_calendar(), referral_settings=ReferralSettings())


def test_an_application_waiting_goes_to_the_authorising_ranks_for_its_area(app, smtp, make_user):
    officer = make_user(Role.OFFICER, area="North")
    force_wide = make_user(Role.SUPERINTENDENT, email="supt.force@test.police.uk")
    north = make_user(Role.SUPERINTENDENT, area="North", email="supt.north@test.police.uk")
    make_user(Role.SUPERINTENDENT, area="South", email="supt.south@test.police.uk")  # another area
    make_user(Role.INSPECTOR, email="insp@test.police.uk")  # may not authorise a DVPN
    gone = make_user(Role.SUPERINTENDENT, email="supt.gone@test.police.uk")
    users.deactivate(make_user(Role.ADMIN), gone)
    case = submitted_case(officer)
    assert dispatch(app).sent == 2
    received = by_recipient(smtp.received)
    assert set(received) == {force_wide.email, north.email}
    application = authorisation.current_application(case)
    message = received[north.email]
    assert message.subject == f"{case.reference}: an application is waiting for your decision"
    assert f"{BASE}/authorisations/{application.id}\n" in message.body
    assert message.mail_from == "dvpo-desk@test.police.uk"
    assert message.message["Message-ID"].startswith("<") and "@test.police.uk>" in message.message["Message-ID"]
    only_personal_free(smtp.received)
    # The link opens the decision page for the superintendent.
    client = app.test_client()
    login(client, north)
    page = ClientRequest(client).get(f"/authorisations/{application.id}")
    assert case.reference in page.get_text()


def test_a_dapn_waiting_goes_to_inspectors_too_but_never_to_whoever_made_it(app, smtp, make_user):
    officer = make_user(Role.OFFICER)
    inspector = make_user(Role.INSPECTOR, email="insp@test.police.uk")
    supt = make_user(Role.SUPERINTENDENT, email="supt@test.police.uk")
    editing_inspector = make_user(Role.INSPECTOR, email="insp.author@test.police.uk")
    case = open_case(officer, regime="dapn")
    complete_application(officer, case, mobile="07123456789")
    authorisation.save_section(editing_inspector, case, "children",
                               authorisation.current_application(case).section_data["children"])
    authorisation.submit(officer, case)
    dispatch(app)
    assert set(by_recipient(smtp.received)) == {inspector.email, supt.email}


@pytest.mark.parametrize("outcome, words", [
    (DecisionOutcome.AUTHORISE, "authorised"),
    (DecisionOutcome.REFUSE, "refused"),
    (DecisionOutcome.RETURN, "returned for more information"),
])
def test_the_decision_goes_to_the_applicant(app, smtp, make_user, outcome, words):
    officer = make_user(Role.OFFICER, email="applicant@test.police.uk")
    make_user(Role.OFFICER, email="other.officer@test.police.uk")
    case = submitted_case(officer)
    settle(app, smtp)
    decide(case, outcome, rationale="Beth Testperson says Adam Testperson left.")  # personal data in the reason
    assert dispatch(app).sent == 1
    [message] = smtp.received
    assert message.rcpt_tos == [officer.email]
    assert message.subject == f"{case.reference}: your application was {words}"
    assert f"{BASE}/cases/{case.id}/application\n" in message.body
    only_personal_free(smtp.received)


def test_a_concern_goes_to_the_officer_in_the_case(app, smtp, make_user):
    officer = make_user(Role.OFFICER, email="oic@test.police.uk")
    service = support_service()
    caseworker = make_user(Role.CASEWORKER, service_id=service.id)
    case, referral = sent_referral(officer, service)
    settle(app, smtp)
    concern = casework.report_concern(caseworker, referral, observed_at=utcnow(),
                                      what="Adam Testperson was at Beth Testperson's door.")
    dispatch(app)
    [message] = smtp.received
    assert message.rcpt_tos == [officer.email]
    assert message.subject == f"{case.reference}: a caseworker reported a concern"
    url = f"/cases/{case.id}/referrals/{referral.id}/concerns/{concern.id}"
    assert f"{BASE}{url}\n" in message.body
    only_personal_free(smtp.received)
    client = app.test_client()
    login(client, officer)
    assert "Adam Testperson was at" in ClientRequest(client).get(url).get_text()  # the link opens it


def test_a_returned_referral_goes_to_the_officer_who_sent_it(app, smtp, make_user):
    oic = make_user(Role.OFFICER, email="oic@test.police.uk")
    sender = make_user(Role.OFFICER, email="sender@test.police.uk")
    service = support_service()
    caseworker = make_user(Role.CASEWORKER, service_id=service.id)
    case = open_case(oic)
    complete_application(oic, case, mobile="07123456789")
    authorisation.submit(oic, case)
    decide(case, DecisionOutcome.REFUSE)  # creates the victim's referral
    settle(app, smtp)
    _, referral = sent_referral(sender, service, case=case)
    casework.return_to_police(caseworker, referral, "No answer from Beth Testperson after 6 calls.")
    dispatch(app)
    message = by_recipient(smtp.received)[sender.email]
    assert message.subject == f"{case.reference}: a victim referral was returned"
    assert f"{BASE}/cases/{case.id}/referrals\n" in message.body
    only_personal_free(smtp.received)


def test_the_sweep_returning_a_referral_emails_too(app, smtp, make_user):
    officer = make_user(Role.OFFICER, email="sender@test.police.uk")
    case, referral = sent_referral(officer, support_service())
    settle(app, smtp)
    db.session.execute(update(Referral).where(Referral.id == referral.id).values(order_ends_at=utcnow()))
    db.session.commit()
    assert referral_sweep.sweep().returned == 1
    dispatch(app)
    [message] = smtp.received
    assert message.rcpt_tos == [officer.email] and "a victim referral was returned" in message.subject


def test_smtp_down_the_action_stands_and_the_email_is_retried_later(app, client, make_user):
    server = LoopbackSMTP()  # not started: nothing listens on its port
    app.config.update(server.config())
    officer = make_user(Role.OFFICER)
    supt = make_user(Role.SUPERINTENDENT)
    case = open_case(officer)
    complete_application(officer, case, mobile="07123456789")
    login(client, officer)
    response = client.post(f"/cases/{case.id}/application/check", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302  # the officer's submission went through
    db.session.refresh(case)
    assert case.state is CaseState.AWAITING_AUTHORISATION
    report = dispatch(app)
    assert (report.sent, report.retrying) == (0, 1)
    [email] = db.session.scalars(select(OutgoingEmail)).all()
    assert email.status is EmailStatus.QUEUED and email.attempts == 1 and "could not reach" in email.last_error
    assert email.next_attempt_at == DEFAULT_NOW + backoff(1)
    server.start()
    try:
        assert dispatch(app).claimed == 0  # not before its retry time
        timeutil.set_frozen(DEFAULT_NOW + backoff(1))
        assert dispatch(app).sent == 1
        [message] = server.received
        assert message.rcpt_tos == [supt.email]
    finally:
        server.stop()
    db.session.refresh(email)
    assert email.status is EmailStatus.SENT and email.attempts == 2 and email.to_address == supt.email


def test_a_temporary_refusal_is_retried_until_the_attempts_run_out(app, smtp, make_user):
    make_user(Role.SUPERINTENDENT)
    smtp.handler.answer = "451 4.3.0 Try again later"
    case = submitted_case(make_user(Role.OFFICER))
    for attempt in range(1, SETTINGS.max_attempts + 1):
        report = dispatch(app)
        assert report.claimed == 1, attempt
        timeutil.set_frozen(utcnow() + backoff(attempt))
    [email] = db.session.scalars(select(OutgoingEmail)).all()
    assert email.status is EmailStatus.FAILED and email.attempts == SETTINGS.max_attempts
    assert email.last_error == "SMTP 451: SMTPDataError"
    assert dispatch(app).claimed == 0
    failed = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "email.failed"))
    assert failed.case_id == case.id and failed.user_id is None


def test_a_permanent_refusal_fails_at_once(app, smtp, make_user):
    make_user(Role.SUPERINTENDENT)
    smtp.handler.answer = "554 5.7.1 Rejected"
    submitted_case(make_user(Role.OFFICER))
    assert dispatch(app).failed == 1
    [email] = db.session.scalars(select(OutgoingEmail)).all()
    assert email.status is EmailStatus.FAILED and email.attempts == 1


def test_a_claim_that_ran_out_is_sent_again(app, smtp, make_user):
    make_user(Role.SUPERINTENDENT)
    submitted_case(make_user(Role.OFFICER))
    db.session.execute(update(OutgoingEmail).values(status=EmailStatus.SENDING, next_attempt_at=utcnow()))
    db.session.commit()
    report = dispatch(app)
    assert (report.reclaimed, report.sent) == (1, 1) and len(smtp.received) == 1


def test_deactivated_users_get_no_email(app, smtp, make_user):
    admin = make_user(Role.ADMIN)
    supt = make_user(Role.SUPERINTENDENT)
    officer = make_user(Role.OFFICER)
    case = submitted_case(officer)
    users.deactivate(admin, supt)  # after it was queued, before it went
    assert dispatch(app).cancelled == 1
    assert smtp.received == []
    [email] = db.session.scalars(select(OutgoingEmail)).all()
    assert email.status is EmailStatus.CANCELLED
    users.deactivate(admin, officer)
    decide(case, DecisionOutcome.RETURN)
    assert db.session.scalars(select(OutgoingEmail).where(OutgoingEmail.kind == EmailKind.DECISION_MADE)).all() == []


def test_queued_and_sent_are_audited_against_the_case(app, smtp, make_user):
    make_user(Role.SUPERINTENDENT)
    officer = make_user(Role.OFFICER)
    case = submitted_case(officer)
    dispatch(app)
    actions = {e.action: e for e in db.session.scalars(select(AuditEntry).where(AuditEntry.case_id == case.id))}
    assert actions["email.queued"].user_id == officer.id
    assert actions["email.queued"].detail["kind"] == "application_waiting"
    assert actions["email.sent"].user_id is None and actions["email.sent"].detail["attempts"] == 1


def test_the_outbox_records_emails_on_the_admin_page_and_sends_nothing(app, smtp, make_user):
    app.config["EMAIL_BACKEND"] = "outbox"
    supt = make_user(Role.SUPERINTENDENT)
    case = submitted_case(make_user(Role.OFFICER))
    assert dispatch(app).sent == 1
    assert smtp.received == []
    client = app.test_client()
    login(client, make_user(Role.ADMIN))
    page = ClientRequest(client).get("/admin/emails")
    text = " ".join(page.get_text().split())
    assert f"{case.reference}: an application is waiting for your decision" in text
    assert supt.email in text and "Sent" in text and "outbox" in text
    for name in PERSONAL:
        assert name not in text
    client = app.test_client()
    login(client, supt)
    assert client.get("/admin/emails").status_code == 403

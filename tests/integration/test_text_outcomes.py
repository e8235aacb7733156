"""Texts whose outcome is unknown (issue 14, item 1): settled from Vonage's Reports API records
(through the loopback fake's records search), or by a person's audited decision; the outbox's
own record in development; the Reports API client against the fake."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import timeutil
from app.extensions import db
from app.models import AuditEntry, MessageStatus, Role, TextMessage
from app.services import ValidationFailed, text_outcomes
from app.services.dispatch import DispatchSettings, RateLimiter, dispatch_due
from app.services.reminders import TextSettings
from app.sms import RecordsUnavailable, build_reconciler, build_transport
from app.sms.outbox import OutboxTransport
from app.sms.vonage_reports import VonageReports
from tests.integration.conftest import VONAGE_SIGNATURE as SECRET
from tests.integration.conftest import keep_session_alive
from tests.integration.test_text_delivery import first_text

NO_WAIT = RateLimiter(10_000, sleep=lambda _s: None)
SETTINGS = DispatchSettings()


def run(app, transport=None):
    return dispatch_due(transport or build_transport(app.config), TextSettings(), SETTINGS, limiter=NO_WAIT)


def reconcile(app):
    return text_outcomes.reconcile_unknown(build_reconciler(app.config), SETTINGS, timeutil.utcnow())


def later(**delta):
    timeutil.set_frozen(timeutil.utcnow() + timedelta(**delta))


def unknown_after_timeout(app, fake, case) -> TextMessage:
    """Vonage takes the text but its answer never comes (the read times out)."""
    fake.script("hang")
    assert run(app).unknown == 1
    message = first_text(case)
    assert message.status is MessageStatus.UNKNOWN
    return message


class LostAfterHandOver:
    """The dispatcher stopped after committing the hand-over, before the request left: Vonage
    never got it (the transport raises as a killed process would, sending nothing)."""

    name = "vonage"

    def send(self, **_kwargs):
        raise SystemExit("dispatcher killed")


def unknown_never_sent(app, case) -> TextMessage:
    with pytest.raises(SystemExit):
        run(app, LostAfterHandOver())
    db.session.rollback()
    later(minutes=11)
    assert run(app, build_transport(app.config)).became_unknown == 1
    return first_text(case)


def test_vonages_records_settle_an_unknown_text_as_sent_after_they_catch_up(app, fake, texting_case):
    fake.records_lag = timedelta(minutes=15)  # Vonage's records lag behind its sends
    message = unknown_after_timeout(app, fake, texting_case)
    assert reconcile(app).searched == 0  # not due: records lag, the first search waits
    later(minutes=10)
    assert reconcile(app).not_found == 1  # searched, not there yet: NOT taken as "not sent"
    message = first_text(texting_case)
    assert message.status is MessageStatus.UNKNOWN and message.checked_at == timeutil.utcnow()
    later(minutes=10)
    report = reconcile(app)
    assert report.found == 1
    message = first_text(texting_case)
    assert message.status is MessageStatus.SENT and message.provider_id == fake.received[0]["message_id"]
    assert fake.accepted_refs()[message.uuid] == 1 and fake.request_count == 1
    query = fake.report_requests[-1]
    assert (query["product"], query["direction"], query["account_id"], query["to"]) == ("SMS", "outbound", fake.api_key,
                                                                                          "447123456789")
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.case_id == texting_case.id,
                                                             AuditEntry.action == "texts.reconciled"))


def test_a_text_vonage_never_got_waits_for_a_person_and_is_sent_again_once(app, client, login_as, make_user, fake,
                                                                          texting_case):
    message = unknown_never_sent(app, texting_case)
    for _ in range(3):  # searched every 10 minutes: never found, never resent
        assert reconcile(app).not_found == 1
        later(minutes=10)
    assert fake.request_count == 0
    supervisor = make_user(Role.SUPERVISOR)
    with pytest.raises(ValidationFailed, match="not waiting for a decision"):  # too early
        text_outcomes.decide(supervisor, first_text(texting_case), "send_again", "No record", SETTINGS, timeutil.utcnow())

    later(hours=24)
    assert reconcile(app).for_decision == 1
    assert first_text(texting_case).wake_at is None  # the searches have stopped
    _, token = login_as(Role.SUPERVISOR)
    keep_session_alive(client, timeutil.utcnow())
    dashboard = client.get("/dashboard/tasks").get_data(as_text=True)
    assert "may or may not have gone" in dashboard
    page = client.get("/admin/texts/unknown").get_data(as_text=True)
    assert "Decide" in page and "•••789" in page and "447123456789" not in page
    url = f"/admin/texts/unknown/{message.id}"
    refused = client.post(url, data={"decision": "send_again", "reason": "", "csrf_token": token})
    assert refused.status_code == 200 and "Enter the reason" in refused.get_data(as_text=True)
    assert client.post(url, data={"decision": "send_again", "reason": "Vonage has no record of it",
                                  "csrf_token": token}).status_code == 302
    decided = first_text(texting_case)
    assert decided.status is MessageStatus.PLANNED
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "texts.unknown_decided"))
    assert entry.detail["decision"] == "send_again" and entry.detail["reason"] == "Vonage has no record of it"
    assert entry.case_id == texting_case.id
    # A second tab's decision changes nothing.
    assert "not waiting for a decision" in client.post(url, data={"decision": "not_sent", "reason": "x", "csrf_token": token},
                                                       follow_redirects=True).get_data(as_text=True)
    run(app)
    assert fake.accepted_refs()[message.uuid] == 1 and first_text(texting_case).status is MessageStatus.SENT


def test_a_person_may_mark_an_unknown_text_not_sent(app, make_user, fake, texting_case):
    message = unknown_never_sent(app, texting_case)
    later(hours=25)
    admin = make_user(Role.ADMIN)
    text_outcomes.decide(admin, message, "not_sent", "P's phone was seized; the text did not arrive", SETTINGS,
                         timeutil.utcnow())
    cancelled = first_text(texting_case)
    assert cancelled.status is MessageStatus.CANCELLED and "seized" in cancelled.cancelled_reason
    later(hours=1)
    run(app)
    assert fake.request_count == 0


@pytest.mark.parametrize(("decision", "reason", "field"), [("", "why", "decision"), ("resend", "why", "decision"),
                                                           ("send_again", "  ", "reason"), ("not_sent", "x" * 201, "reason")])
def test_a_decision_needs_a_choice_and_a_reason(app, make_user, fake, texting_case, decision, reason, field):
    message = unknown_never_sent(app, texting_case)
    later(hours=25)
    with pytest.raises(ValidationFailed) as refused:
        text_outcomes.decide(make_user(Role.SUPERVISOR), message, decision, reason, SETTINGS, timeutil.utcnow())
    assert field in refused.value.errors
    assert first_text(texting_case).status is MessageStatus.UNKNOWN


@pytest.mark.parametrize("role", [Role.OFFICER, Role.CASEWORKER, Role.SUPERINTENDENT])
def test_only_supervisors_and_admins_see_and_decide_unknown_texts(app, client, login_as, role, fake, texting_case):
    message = unknown_never_sent(app, texting_case)
    later(hours=25)
    _, token = login_as(role)
    keep_session_alive(client, timeutil.utcnow())
    assert client.get("/admin/texts/unknown").status_code == 403
    assert client.post(f"/admin/texts/unknown/{message.id}",
                       data={"decision": "send_again", "reason": "x", "csrf_token": token}).status_code == 403
    assert first_text(texting_case).status is MessageStatus.UNKNOWN


def test_garbage_on_the_decision_page_is_refused_with_a_message_never_an_error(app, client, login_as, fake, texting_case):
    """The decision page of a text really waiting for one (test_bad_input's ids name none): any
    choice and reason typed get the page again with its errors, and the text stays unknown."""
    from tests.integration.test_bad_input import GARBAGE

    message = unknown_never_sent(app, texting_case)
    later(hours=25)
    _, token = login_as(Role.SUPERVISOR)
    keep_session_alive(client, timeutil.utcnow())
    url = f"/admin/texts/unknown/{message.id}"
    for value in GARBAGE:
        response = client.post(url, data={"decision": value, "reason": value, "csrf_token": token})
        assert response.status_code == 200 and "govuk-error-summary" in response.get_data(as_text=True), (value, response.status_code)
    assert first_text(texting_case).status is MessageStatus.UNKNOWN


def test_a_receipt_settles_an_unknown_text_even_after_the_searches_stopped(app, client, fake, texting_case):
    message = unknown_after_timeout(app, fake, texting_case)
    fake.records_lag = timedelta(days=3)  # the records never show it in time
    later(hours=25)
    reconcile(app)
    receipt = fake.receipt(message.uuid, "delivered", signature_secret=SECRET, method="md5hash", now=timeutil.utcnow())
    assert client.post("/webhooks/vonage/delivery", data=receipt).status_code == 204
    assert first_text(texting_case).status is MessageStatus.DELIVERED


def test_the_outbox_reconciles_from_its_own_record(app, make_user):
    """Development: the outbox notes what it took before answering, so a text whose dispatcher
    stopped after the outbox took it is found; one it never took is not."""
    from app.services import trial
    from tests.integration.factories import granted_case

    trial.switch(make_user(Role.ADMIN), running=False, stratified=False, reason="Texts for everyone eligible")
    case = granted_case(make_user(Role.OFFICER), days=14)
    outbox = OutboxTransport()

    class TookThenDied:
        name = "outbox"

        def send(self, **kwargs):
            outbox.send(**kwargs)
            raise SystemExit("dispatcher killed")

    with pytest.raises(SystemExit):
        run(app, TookThenDied())
    db.session.rollback()
    later(minutes=11)
    assert run(app, outbox).became_unknown == 1
    message = first_text(case)
    assert outbox.find(client_ref="not-ours", to="+447123456789", since=timeutil.utcnow(), until=timeutil.utcnow()) is None
    report = text_outcomes.reconcile_unknown(outbox, SETTINGS, timeutil.utcnow(), receipts=False)
    assert report.found == 1
    settled = first_text(case)
    assert settled.status is MessageStatus.SENT and settled.provider_id == f"outbox-{message.uuid}" and settled.wake_at is None


# -- the Reports API client and the fake's records search ---------------------------------------

def reports_for(fake, **overrides) -> VonageReports:
    return VonageReports(api_key=fake.api_key, api_secret=fake.api_secret, api_host=fake.rest_host, **overrides)


def sent_through(app, fake, refs, to="+447123456789"):
    transport = build_transport(app.config)
    for ref in refs:
        transport.send(to=to, text="Reminder", client_ref=ref, unicode=False)


def test_the_reports_client_pages_through_the_records(app, fake):
    fake.page_size = 3
    refs = [f"ref-{n}" for n in range(8)]
    sent_through(app, fake, refs)
    sent_through(app, fake, ["someone-else"], to="+447700900001")
    now = timeutil.utcnow()
    found = reports_for(fake).find(client_ref="ref-7", to="+447123456789", since=now - timedelta(minutes=1),
                                   until=now + timedelta(seconds=1))
    assert found.client_ref == "ref-7" and found.provider_id == fake.received[7]["message_id"]
    assert [q.get("cursor") is not None for q in fake.report_requests] == [False, True, True]
    assert reports_for(fake).find(client_ref="someone-else", to="+447123456789", since=now - timedelta(minutes=1),
                                  until=now + timedelta(seconds=1)) is None  # searched by recipient
    # Outside the dates it is not found: date_end is exclusive.
    assert reports_for(fake).find(client_ref="ref-1", to="+447123456789", since=now - timedelta(minutes=5),
                                  until=now) is None


def test_the_reports_client_says_when_it_cannot_tell(app, fake):
    now = timeutil.utcnow()
    wrong = VonageReports(api_key=fake.api_key, api_secret="wrong-secret-123", api_host=fake.rest_host)
    with pytest.raises(RecordsUnavailable, match="HTTP 401"):
        wrong.find(client_ref="x", to="+447123456789", since=now - timedelta(hours=1), until=now)
    with pytest.raises(RecordsUnavailable, match="could not be reached"):
        VonageReports(api_key="k", api_secret="s", api_host="127.0.0.1:9").find(
            client_ref="x", to="+447123456789", since=now - timedelta(hours=1), until=now)
    # A search never spans more than the 24 hours Vonage allows.
    reports_for(fake).find(client_ref="x", to="+447123456789", since=now - timedelta(days=3), until=now)
    assert fake.report_requests[-1]["date_end"] == "2026-11-14T10:00:00.000Z"


@pytest.mark.parametrize(("query", "status"), [
    ({"product": "SMS", "account_id": "fake-key-1234"}, 422),  # SMS needs a direction
    ({"product": "SMS", "account_id": "fake-key-1234", "direction": "outbound", "client_ref": "x"}, 422),  # not a parameter
    ({"product": "SMS", "account_id": "fake-key-1234", "direction": "outbound", "date_start": "2026-11-14T00:00:00Z",
      "date_end": "2026-11-16T00:00:00Z"}, 422),  # more than 24 hours
    ({"product": "SMS", "account_id": "fake-key-1234", "direction": "outbound", "id": "a", "to": "447123456789"}, 422),
    ({"product": "SMS", "account_id": "another-account", "direction": "outbound"}, 403),
])
def test_the_fake_refuses_what_vonage_refuses(app, fake, query, status):
    import requests

    response = requests.get(f"https://{fake.rest_host}/v2/reports/records", params=query, auth=(fake.api_key, fake.api_secret),
                            timeout=5)
    assert response.status_code == status
    assert requests.get(f"https://{fake.rest_host}/v2/reports/records", params=query, timeout=5).status_code == 401


def test_the_fake_finds_records_by_message_id(app, fake):
    import requests

    sent_through(app, fake, ["by-id"])
    message_id = fake.received[0]["message_id"]
    body = requests.get(f"https://{fake.rest_host}/v2/reports/records", auth=(fake.api_key, fake.api_secret), timeout=5,
                        params={"product": "SMS", "account_id": fake.api_key, "direction": "outbound",
                                "id": f"{message_id},missing-id", "include_message": "true"}).json()
    [record] = body["records"]
    assert record["client_ref"] == "by-id" and record["message_body"] == "Reminder" and body["ids_not_found"] == "missing-id"

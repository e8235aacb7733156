"""The SMS transports: the real `vonage` SDK over real HTTPS against FakeVonage.

What matters most here: a message the provider may have taken is never sent twice by the
SDK behind our back (hang and drop make exactly one request), every provider answer maps
to the right Outcome, and no number, text or secret reaches a log line or an error.
"""
from __future__ import annotations

import base64
import logging
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.sms import Outcome, SendResult, build_reconciler, build_transport, needs_unicode
from app.sms.outbox import OutboxTransport
from app.sms.vonage_transport import VONAGE_STATUSES, VonageTransport
from app.timeutil import utcnow
from tests.fake_vonage import FakeVonage

NUMBER = "+447700900123"
GSM_TEXT = "Reminder: your notice ends on Friday. Call 101 if you need help."
UCS2_TEXT = "Przypomnienie: zakaz kończy się w piątek – zadzwoń pod 101."


@pytest.fixture
def fake(monkeypatch):
    with FakeVonage() as server:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", server.ca_path)
        monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
        for proxy in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.delenv(proxy, raising=False)
        yield server


def settings_for(fake: FakeVonage, **overrides) -> dict:
    settings = {
        "SMS_BACKEND": "vonage",
        "VONAGE_API_KEY": fake.api_key,
        "VONAGE_API_SECRET": fake.api_secret,
        "VONAGE_FROM": "DVPODesk",
        "VONAGE_REST_HOST": fake.rest_host,
        "VONAGE_TIMEOUT_SECONDS": 5,
    }
    settings.update(overrides)
    return settings


def send(transport, *, text: str = GSM_TEXT, to: str = NUMBER, ref: str | None = None) -> tuple[str, SendResult]:
    ref = ref or str(uuid.uuid4())
    return ref, transport.send(to=to, text=text, client_ref=ref, unicode=needs_unicode(text))


def test_an_accepted_gsm7_text_carries_our_reference_and_no_unicode_type(fake):
    ref, result = send(build_transport(settings_for(fake)))
    assert result == SendResult(Outcome.ACCEPTED, provider_id=fake.received[0]["message_id"])
    record = fake.received[0]
    assert (record["to"], record["from"], record["text"], record["client_ref"]) == ("447700900123", "DVPODesk", GSM_TEXT, ref)
    assert record["type"] in (None, "text")
    assert record["status_report_req"] == "True"
    assert record["callback"] is None
    assert fake.accepted_refs() == {ref: 1}


def test_a_text_outside_gsm7_is_sent_as_unicode_and_arrives_intact(fake):
    assert needs_unicode(UCS2_TEXT)
    _, result = send(build_transport(settings_for(fake)), text=UCS2_TEXT)
    assert result.outcome is Outcome.ACCEPTED
    assert fake.received[0]["type"] == "unicode"
    assert fake.received[0]["text"] == UCS2_TEXT


def test_the_delivery_receipt_webhook_is_sent_as_callback(fake):
    url = "https://dvpo.example.police.uk/sms/receipts"
    _, result = send(build_transport(settings_for(fake, VONAGE_CALLBACK_URL=url)))
    assert result.outcome is Outcome.ACCEPTED
    assert fake.received[0]["callback"] == url


@pytest.mark.parametrize(("behaviour", "outcome", "error"), [
    ("throttle", Outcome.RETRY, "Vonage status 1: throttled"),
    (("status", "5", "Internal Error"), Outcome.RETRY, "Vonage status 5: internal error"),
    (("status", "9", "Partner Quota Exceeded"), Outcome.RETRY, "Vonage status 9: partner quota exceeded (no credit)"),
    (("status", "7", "Number barred"), Outcome.REJECTED, "Vonage status 7: number barred"),
    (("status", "29", "Non White-listed Destination"), Outcome.REJECTED, "Vonage status 29: non-whitelisted destination"),
    (("status", "13", "Something new"), Outcome.RETRY, "Vonage status 13: undocumented status"),
    ("http500", Outcome.RETRY, "HTTP 500: provider error"),
    ("http429", Outcome.RETRY, "HTTP 429: rate limited"),
    (("http", 503), Outcome.RETRY, "HTTP 503: provider error"),
    (("http", 401), Outcome.RETRY, "HTTP 401: credentials refused"),
    (("http", 403), Outcome.RETRY, "HTTP 403: credentials refused"),
    (("http", 400), Outcome.REJECTED, "HTTP 400: request refused"),
    (("http", 504), Outcome.UNKNOWN, "HTTP 504: gateway timed out"),
    (("parts", "0", "1"), Outcome.UNKNOWN, "only 1 of 2 parts accepted"),
    (("parts", "7", "7"), Outcome.REJECTED, "Vonage status 7: number barred"),
])
def test_each_provider_answer_maps_to_one_outcome(fake, behaviour, outcome, error):
    fake.script(behaviour)
    _, result = send(build_transport(settings_for(fake)))
    assert (result.outcome, result.error) == (outcome, error)
    assert fake.request_count == 1


def test_a_multipart_text_accepted_whole_uses_the_first_part_id(fake):
    fake.script(("parts", "0", "0"))
    _, result = send(build_transport(settings_for(fake)))
    assert result.outcome is Outcome.ACCEPTED and result.provider_id


def test_the_status_table_covers_the_documented_codes():
    assert VONAGE_STATUSES[0].outcome is Outcome.ACCEPTED
    rejected = {code for code, status in VONAGE_STATUSES.items() if status.outcome is Outcome.REJECTED}
    assert rejected == {2, 3, 6, 7, 12, 15, 22, 29, 33}
    assert all(code in VONAGE_STATUSES for code in (1, 4, 5, 8, 9))


def test_a_hang_past_the_timeout_is_unknown_and_never_resent(fake):
    fake.hang_seconds = 3
    fake.script("hang")
    started = time.monotonic()
    ref, result = send(build_transport(settings_for(fake, VONAGE_TIMEOUT_SECONDS=1)))
    assert result == SendResult(Outcome.UNKNOWN, error="timed out after 1 s")
    assert time.monotonic() - started < 2.5
    time.sleep(0.3)  # a resend by the SDK would arrive about now
    assert fake.request_count == 1
    assert fake.accepted_refs() == {ref: 1}  # the provider has it, though we never heard


def test_a_connection_dropped_after_sending_is_unknown_and_never_resent(fake):
    fake.script("drop")
    ref, result = send(build_transport(settings_for(fake)))
    assert result == SendResult(Outcome.UNKNOWN, error="connection lost after the request was sent")
    time.sleep(0.3)
    assert fake.request_count == 1
    assert fake.accepted_refs() == {ref: 1}


def test_the_next_send_after_a_drop_works_on_a_fresh_connection(fake):
    transport = build_transport(settings_for(fake))
    fake.script("drop")
    send(transport)
    _, result = send(transport)
    assert result.outcome is Outcome.ACCEPTED
    assert fake.request_count == 2


def test_wrong_credentials_are_retry_and_the_secret_appears_nowhere(fake, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "wrong-secret-9f8e7d"
    _, result = send(build_transport(settings_for(fake, VONAGE_API_SECRET=secret)))
    assert result == SendResult(Outcome.RETRY, error="Vonage status 4: invalid credentials")
    basic = base64.b64encode(f"{fake.api_key}:{secret}".encode()).decode()
    assert secret not in caplog.text and basic not in caplog.text
    assert fake.accepted_refs() == {}


def test_it_really_is_https_an_untrusted_certificate_never_sends(fake, monkeypatch):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    _, result = send(build_transport(settings_for(fake)))
    assert result.outcome is not Outcome.ACCEPTED
    assert result == SendResult(Outcome.RETRY, error="TLS certificate verification failed")
    assert fake.request_count == 0


def test_connection_refused_is_retry():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = {"SMS_BACKEND": "vonage", "VONAGE_API_KEY": "k", "VONAGE_API_SECRET": "s", "VONAGE_FROM": "DVPODesk",
                "VONAGE_REST_HOST": f"127.0.0.1:{port}", "VONAGE_TIMEOUT_SECONDS": 2}
    _, result = send(build_transport(settings))
    assert result == SendResult(Outcome.RETRY, error="could not connect")


def test_a_number_that_is_not_e164_is_rejected_without_a_request(fake):
    _, result = send(build_transport(settings_for(fake)), to="07700 900123")
    assert result == SendResult(Outcome.REJECTED, error="destination is not an E.164 number")
    assert fake.request_count == 0


def test_a_client_ref_vonage_cannot_take_is_a_programming_error(fake):
    with pytest.raises(ValueError, match="client_ref"):
        send(build_transport(settings_for(fake)), ref="x" * 101)


def test_no_number_text_or_secret_reaches_any_log_line_or_error(fake, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    # Alembic's logging.config.fileConfig (run by migrations in earlier tests) disables
    # loggers that already exist; this test needs the SDK's logging on to prove it is cut.
    for name in ("vonage", "urllib3.connectionpool"):
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)
    transport = build_transport(settings_for(fake, VONAGE_TIMEOUT_SECONDS=1))
    fake.hang_seconds = 2
    fake.script("accept", "throttle", ("status", "7", "Number barred"), "http500", "http429", "drop", "hang")
    results = [send(transport, text=text)[1] for text in [GSM_TEXT, UCS2_TEXT] * 3 + [GSM_TEXT]]
    assert [r.outcome for r in results] == [Outcome.ACCEPTED, Outcome.RETRY, Outcome.REJECTED, Outcome.RETRY,
                                            Outcome.RETRY, Outcome.UNKNOWN, Outcome.UNKNOWN]
    assert {"vonage", "urllib3.connectionpool"} <= {r.name for r in caplog.records}  # the SDK did log, bodies cut
    logged = caplog.text + "".join(str(record.__dict__) for record in caplog.records)
    for private in (NUMBER, NUMBER[1:], "7700900123", GSM_TEXT, UCS2_TEXT, "Reminder", fake.api_secret):
        assert private not in logged
        assert all(private not in (r.error or "") for r in results)
        assert private not in repr(transport)


def test_concurrent_senders_each_get_exactly_one_acceptance(fake):
    transport = build_transport(settings_for(fake))
    refs = [str(uuid.uuid4()) for _ in range(200)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda ref: send(transport, ref=ref)[1], refs))
    assert all(r.outcome is Outcome.ACCEPTED for r in results)
    assert len({r.provider_id for r in results}) == 200
    assert fake.accepted_refs() == {ref: 1 for ref in refs}
    assert threading.active_count() < 100


# -- build_transport and the outbox ----------------------------------------------------------

def test_the_outbox_is_the_default_and_sends_nothing(app):
    transport = build_transport({})
    assert isinstance(transport, OutboxTransport) and transport.name == "outbox"
    assert isinstance(build_transport({"SMS_BACKEND": "outbox"}), OutboxTransport)
    assert isinstance(build_reconciler({}), OutboxTransport)
    result = transport.send(to=NUMBER, text=GSM_TEXT, client_ref="abc-123", unicode=False)
    assert result == SendResult(Outcome.ACCEPTED, provider_id="outbox-abc-123")
    # It notes what it took (no number, no text), committed at once, for reconciliation.
    found = transport.find(client_ref="abc-123", to=NUMBER, since=utcnow(), until=utcnow())
    assert found.provider_id == "outbox-abc-123" and found.received_at == utcnow()


def test_build_transport_chooses_vonage():
    transport = build_transport({"SMS_BACKEND": "vonage", "VONAGE_API_KEY": "k", "VONAGE_API_SECRET": "s3cr3t-value",
                                 "VONAGE_FROM": "DVPODesk", "VONAGE_TIMEOUT_SECONDS": "7"})
    assert isinstance(transport, VonageTransport) and transport.name == "vonage"
    assert repr(transport) == "VonageTransport(rest_host='rest.nexmo.com', timeout_seconds=7)"


@pytest.mark.parametrize(("settings", "message"), [
    ({"SMS_BACKEND": "carrier-pigeon"}, "unknown SMS_BACKEND 'carrier-pigeon'"),
    ({"SMS_BACKEND": "vonage"}, "needs VONAGE_API_KEY, VONAGE_API_SECRET, VONAGE_FROM"),
    ({"SMS_BACKEND": "vonage", "VONAGE_API_KEY": "k", "VONAGE_FROM": "X"}, "needs VONAGE_API_SECRET$"),
    ({"VONAGE_TIMEOUT_SECONDS": "ten"}, "VONAGE_TIMEOUT_SECONDS"),
    ({"VONAGE_TIMEOUT_SECONDS": 0}, "VONAGE_TIMEOUT_SECONDS"),
    ({"VONAGE_TIMEOUT_SECONDS": True}, "VONAGE_TIMEOUT_SECONDS"),
    ({"VONAGE_REST_HOST": "https://rest.nexmo.com"}, "VONAGE_REST_HOST"),
    ({"VONAGE_REST_HOST": "rest.nexmo.com/sms"}, "VONAGE_REST_HOST"),
    ({"VONAGE_CALLBACK_URL": "https://example.org/" + "x" * 100}, "VONAGE_CALLBACK_URL"),
    ({"VONAGE_CALLBACK_URL": "ftp://example.org/dlr"}, "VONAGE_CALLBACK_URL"),
])
def test_build_transport_refuses_unusable_settings(settings, message):
    complete = {"SMS_BACKEND": "vonage", "VONAGE_API_KEY": "k", "VONAGE_API_SECRET": "s", "VONAGE_FROM": "DVPODesk"}
    if settings.get("SMS_BACKEND") is None:
        settings = {**complete, **settings}
    with pytest.raises(ValueError, match=message):
        build_transport(settings)


@pytest.mark.parametrize(("text", "unicode"), [
    ("Plain text, with £ and @ and {braces} and €.", False),
    ("Don’t forget", True),  # a typographic apostrophe
    ("Ends – Friday", True),
    ("Zażółć", True),
    ("ÄÖÑÜäöñüàèéùìò", False),
])
def test_needs_unicode_follows_gsm_03_38(text, unicode):
    assert needs_unicode(text) is unicode

"""Vonage delivery receipts: parsing, and the signature and replay checks on the webhook.

The receipts come from FakeVonage for a message it really accepted (over loopback HTTPS),
signed the way Vonage signs them; two signatures are also computed here by hand, so the
fake and the checker cannot share a mistake unnoticed.
"""
from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests

from app.sms.receipts import BadReceipt, Receipt, ReceiptStatus, parse_receipt, signature_ok
from tests.fake_vonage import FakeVonage

NOW = datetime(2026, 11, 16, 10, 0, 0, tzinfo=UTC)
SECRET = "sig-secret-4f3e2d1c"
METHODS = ["md5hash", "md5", "sha1", "sha256", "sha512"]


@pytest.fixture(scope="module")
def fake():
    with FakeVonage() as server:
        yield server


@pytest.fixture(scope="module")
def client_ref(fake):
    """A message the fake accepted, posted with the form-field credentials Vonage accepts."""
    ref = str(uuid.uuid4())
    form = {"api_key": fake.api_key, "api_secret": fake.api_secret, "to": "447700900123", "from": "DVPODesk",
            "text": "Reminder", "client-ref": ref}
    answer = requests.post(f"https://{fake.rest_host}/sms/json", data=form, verify=fake.ca_path, timeout=5).json()
    assert answer["messages"][0]["status"] == "0"
    return ref


def check(params, fake, *, method="md5", secret=SECRET, now=NOW):
    return signature_ok(params, api_key=fake.api_key, signature_secret=secret, method=method, now=now)


# -- parse_receipt ----------------------------------------------------------------------------

def test_a_good_receipt_parses_to_what_the_dispatcher_needs(fake, client_ref):
    params = fake.receipt(client_ref, now=NOW)
    receipt = parse_receipt(params)
    assert receipt == Receipt(client_ref=client_ref, provider_id=params["messageId"], status=ReceiptStatus.DELIVERED,
                              error_code=None, reported_at=NOW)
    assert receipt.reported_at.tzinfo is UTC
    assert "447700900123" not in repr(receipt)


def test_a_failed_receipt_keeps_its_error_code(fake, client_ref):
    receipt = parse_receipt(fake.receipt(client_ref, "failed", err_code="6", now=NOW))
    assert (receipt.status, receipt.error_code) == (ReceiptStatus.FAILED, "6")
    assert receipt.status.final and not receipt.status.delivered


@pytest.mark.parametrize(("status", "final"), [
    ("delivered", True), ("expired", True), ("failed", True), ("rejected", True),
    ("accepted", False), ("buffered", False), ("unknown", False),
])
def test_final_statuses(status, final):
    assert ReceiptStatus(status).final is final
    assert ReceiptStatus(status).delivered is (status == "delivered")


def test_status_case_and_padding_are_forgiven_and_a_bad_timestamp_is_dropped():
    receipt = parse_receipt({"messageId": "m1", "status": " DELIVERED ", "client-ref": "r1", "message-timestamp": "16/11/2026"})
    assert (receipt.status, receipt.reported_at, receipt.error_code) == (ReceiptStatus.DELIVERED, None, None)


GOOD = {"messageId": "0A0000001234567B", "status": "delivered", "client-ref": "ref-1", "err-code": "0"}


@pytest.mark.parametrize(("params", "reason"), [
    ({}, "missing messageId"),
    ({**GOOD, "messageId": "  "}, "missing messageId"),
    ({k: v for k, v in GOOD.items() if k != "status"}, "missing status"),
    ({k: v for k, v in GOOD.items() if k != "client-ref"}, "missing client-ref"),
    ({**GOOD, "status": "teleported"}, "unknown status"),
    ({**GOOD, "client-ref": "r" * 101}, "client-ref too long"),
    ({**GOOD, "messageId": "m" * 101}, "messageId too long"),
    ({**GOOD, "err-code": "9" * 11}, "err-code too long"),
])
def test_garbage_is_a_bad_receipt_with_a_short_reason(params, reason):
    with pytest.raises(BadReceipt) as raised:
        parse_receipt(params)
    assert str(raised.value) == reason


def test_a_json_body_with_numbers_still_parses():
    receipt = parse_receipt({"messageId": 123456, "status": "delivered", "client-ref": "r", "err-code": 0})
    assert (receipt.provider_id, receipt.error_code) == ("123456", None)


# -- signature_ok -----------------------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_a_receipt_signed_like_vonage_passes(fake, client_ref, method):
    params = fake.receipt(client_ref, signature_secret=SECRET, method=method, now=NOW)
    assert check(params, fake, method=method)


@pytest.mark.parametrize("method", METHODS)
def test_altering_any_field_breaks_the_signature(fake, client_ref, method):
    params = fake.receipt(client_ref, signature_secret=SECRET, method=method, now=NOW)
    for key in params.keys() - {"sig", "timestamp"}:
        assert not check({**params, key: params[key] + "1"}, fake, method=method), key
    assert not check({**params, "timestamp": str(int(params["timestamp"]) + 1)}, fake, method=method)
    assert not check({**params, "extra": "field"}, fake, method=method)
    assert not check({k: v for k, v in params.items() if k != "nonce"}, fake, method=method)


@pytest.mark.parametrize("method", METHODS)
def test_missing_sig_wrong_secret_and_wrong_method_fail(fake, client_ref, method):
    params = fake.receipt(client_ref, signature_secret=SECRET, method=method, now=NOW)
    assert not check({k: v for k, v in params.items() if k != "sig"}, fake, method=method)
    assert not check(params, fake, method=method, secret="another-secret")
    other = "sha256" if method != "sha256" else "sha512"
    assert not check(params, fake, method=other)


def test_a_receipt_for_another_api_key_fails(fake, client_ref):
    params = fake.receipt(client_ref, signature_secret=SECRET, method="sha256", now=NOW)
    assert not signature_ok(params, api_key="someone-else", signature_secret=SECRET, method="sha256", now=NOW)


@pytest.mark.parametrize(("offset", "ok"), [
    (timedelta(minutes=0), True),
    (timedelta(minutes=4, seconds=59), True),
    (timedelta(minutes=-4, seconds=-59), True),
    (timedelta(minutes=5, seconds=1), False),  # an old receipt replayed
    (timedelta(minutes=-5, seconds=-1), False),  # a timestamp in the future
    (timedelta(days=30), False),
])
def test_only_a_fresh_timestamp_passes(fake, client_ref, offset, ok):
    params = fake.receipt(client_ref, signature_secret=SECRET, method="sha256", now=NOW)
    assert check(params, fake, method="sha256", now=NOW + offset) is ok


def test_a_signed_receipt_without_a_timestamp_fails(fake, client_ref):
    params = fake.receipt(client_ref, now=NOW)
    del params["timestamp"]
    params["sig"] = hmac.new(SECRET.encode(), _signing_string(params).encode(), hashlib.sha256).hexdigest()
    assert not check(params, fake, method="sha256")


@pytest.mark.parametrize("sig", ["", "not-hex", "é" * 64, "ab" * 100, "ABCDEF"])
def test_malformed_signatures_fail_without_raising(fake, client_ref, sig):
    params = {**fake.receipt(client_ref, signature_secret=SECRET, method="md5", now=NOW), "sig": sig}
    assert not check(params, fake)


@pytest.mark.parametrize("method", METHODS)
def test_the_callers_dict_is_not_mutated(fake, client_ref, method):
    params = fake.receipt(client_ref, signature_secret=SECRET, method=method, now=NOW)
    before = dict(params)
    check(params, fake, method=method)
    unsigned = {k: v for k, v in params.items() if k not in ("sig", "timestamp")}
    check(unsigned, fake, method=method)
    assert params == before
    assert "timestamp" not in unsigned and "sig" not in unsigned


def _signing_string(params: dict[str, str]) -> str:
    """Vonage's documented string: sorted "&name=value", '&' and '=' in values as '_'."""
    return "".join(f"&{key}={params[key].replace('&', '_').replace('=', '_')}" for key in sorted(params))


def test_independent_vectors_for_hmac_sha256_and_md5_hash(fake, client_ref):
    params = fake.receipt(client_ref, now=NOW)
    params["nonce"] = "a&b=c"  # the replacement rule matters
    hmac_sig = hmac.new(SECRET.encode(), _signing_string(params).encode(), hashlib.sha256).hexdigest().upper()
    assert check({**params, "sig": hmac_sig}, fake, method="sha256")
    md5_sig = hashlib.md5((_signing_string(params) + SECRET).encode()).hexdigest()
    assert check({**params, "sig": md5_sig}, fake, method="md5hash")
    assert not check({**params, "sig": md5_sig}, fake, method="md5")  # the SDK's "md5" is MD5 HMAC


def test_configuration_mistakes_raise(fake, client_ref):
    params = fake.receipt(client_ref, signature_secret=SECRET, now=NOW)
    with pytest.raises(ValueError, match="unknown signature method"):
        check(params, fake, method="crc32")
    with pytest.raises(ValueError, match="timezone-aware"):
        check(params, fake, now=NOW.replace(tzinfo=None))


def test_the_fake_refuses_a_receipt_for_a_message_it_never_took(fake):
    with pytest.raises(LookupError):
        fake.receipt("never-sent")

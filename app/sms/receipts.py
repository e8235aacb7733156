"""Vonage delivery receipts (DLRs): parsing and signature checks for the webhook.

Vonage calls the webhook with GET query parameters, a POST form or a POST JSON object;
the caller flattens any of them into a `Mapping[str, str]`.  The fields are msisdn, to,
network-code, messageId, price, status, scts, err-code, api-key, client-ref,
message-timestamp and, when signing is on, timestamp, nonce and sig.  A `Receipt` keeps
only what the dispatcher needs and no personal data: not the number (msisdn).

Signatures (developer.vonage.com "Signing messages"): sort all parameters but `sig` by
name, replace '&' and '=' in values with '_', concatenate "&name=value" for each, then
either MD5 of that string followed by the secret ("MD5 hash", the dashboard's default,
called "md5hash" here) or an HMAC keyed by the secret (MD5/SHA1/SHA-256/SHA-512 HMAC).
Vonage 4.x's `Auth` only does the HMAC variants, and its "md5" is MD5 *HMAC*; the plain
MD5 hash is computed here the way Vonage's earlier SDKs did.
"""
from __future__ import annotations

import enum
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

MAX_REF_LENGTH = 100  # Vonage's limit for client-ref; messageId is shorter in practice
MAX_ERROR_CODE_LENGTH = 10
MAX_SKEW = timedelta(minutes=5)  # older (or further in the future) signed receipts are replays
SIGNATURE_METHODS = frozenset({"md5hash", "md5", "sha1", "sha256", "sha512"})

_HEX = re.compile(r"[0-9a-fA-F]{32,128}")
_UNIX_TIME = re.compile(r"\d{1,12}")


class ReceiptStatus(enum.StrEnum):
    """Vonage's DLR `status` values."""

    DELIVERED = "delivered"
    ACCEPTED = "accepted"
    BUFFERED = "buffered"
    EXPIRED = "expired"
    FAILED = "failed"
    REJECTED = "rejected"
    UNKNOWN = "unknown"

    @property
    def final(self) -> bool:
        """No later receipt will change this one (the others are progress reports)."""
        return self in _FINAL

    @property
    def delivered(self) -> bool:
        return self is ReceiptStatus.DELIVERED


_FINAL = frozenset({ReceiptStatus.DELIVERED, ReceiptStatus.EXPIRED, ReceiptStatus.FAILED, ReceiptStatus.REJECTED})


@dataclass(frozen=True)
class Receipt:
    """One delivery receipt: `client_ref` is our message id, `provider_id` Vonage's.

    A text sent in several parts gets one receipt per part, each with its own
    `provider_id` and the same `client_ref`.
    """

    client_ref: str
    provider_id: str
    status: ReceiptStatus
    error_code: str | None
    reported_at: datetime | None


class BadReceipt(ValueError):
    """The parameters are not a usable delivery receipt; the message says why (no values)."""


def parse_receipt(params: Mapping[str, str]) -> Receipt:
    """Read a DLR; BadReceipt when a required field is missing, too long or unknown.

    messageId, status and client-ref are required: without client-ref we cannot find
    our message (we always send one).  err-code "0" or empty means no error.
    message-timestamp is UTC ("YYYY-MM-DD HH:MM:SS"); an unreadable one is None rather
    than a reason to drop the receipt.
    """
    provider_id = _required(params, "messageId")
    client_ref = _required(params, "client-ref")
    raw_status = _required(params, "status").lower()
    try:
        status = ReceiptStatus(raw_status)
    except ValueError:
        raise BadReceipt("unknown status") from None
    error_code = _field(params, "err-code")
    if error_code is not None and len(error_code) > MAX_ERROR_CODE_LENGTH:
        raise BadReceipt("err-code too long")
    return Receipt(
        client_ref=client_ref,
        provider_id=provider_id,
        status=status,
        error_code=None if error_code in (None, "0") else error_code,
        reported_at=_utc_timestamp(_field(params, "message-timestamp")),
    )


def _field(params: Mapping[str, str], name: str) -> str | None:
    """A stripped field, None when absent or blank (JSON bodies may carry non-strings)."""
    value = params.get(name)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _required(params: Mapping[str, str], name: str) -> str:
    value = _field(params, name)
    if value is None:
        raise BadReceipt(f"missing {name}")
    if len(value) > MAX_REF_LENGTH:
        raise BadReceipt(f"{name} too long")
    return value


def _utc_timestamp(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def signature_ok(
    params: Mapping[str, str],
    *,
    api_key: str,
    signature_secret: str,
    now: datetime,
    method: str = "md5",
    max_skew: timedelta = MAX_SKEW,
) -> bool:
    """True when `params` carry a valid Vonage signature made within `max_skew` of `now`.

    A signature alone does not stop someone replaying a captured receipt, so the signed
    unix `timestamp` must be present and close to `now`.  A receipt for another API key
    is refused.  Works on a copy: `Auth.check_signature` pops 'sig' from its argument
    and `sign_params` adds a 'timestamp'.  `method` is one of SIGNATURE_METHODS and must
    match the dashboard's setting; an unknown method is a configuration error (ValueError).
    """
    if method not in SIGNATURE_METHODS:
        raise ValueError(f"unknown signature method {method!r}: use one of {', '.join(sorted(SIGNATURE_METHODS))}")
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    copy = {str(key): str(value) for key, value in params.items()}
    sig = copy.get("sig", "")
    if not _HEX.fullmatch(sig):  # also keeps non-ASCII out of hmac.compare_digest
        return False
    if copy.get("api-key", api_key) != api_key or not _fresh(copy.get("timestamp"), now, max_skew):
        return False
    if method == "md5hash":
        del copy["sig"]
        return hmac.compare_digest(sig.lower(), _md5hash_signature(copy, signature_secret))
    from vonage_http_client import Auth  # here, not above: the SDK is large and most receipts are md5hash

    checker = Auth(api_key=api_key, signature_secret=signature_secret, signature_method=method)
    return checker.check_signature(copy)


def _fresh(timestamp: str | None, now: datetime, max_skew: timedelta) -> bool:
    """The signed unix time is within `max_skew` of `now`, either way."""
    if timestamp is None or not _UNIX_TIME.fullmatch(timestamp):
        return False
    return abs(now - datetime.fromtimestamp(int(timestamp), UTC)) <= max_skew


def _md5hash_signature(params: Mapping[str, str], signature_secret: str) -> str:
    """Vonage's "MD5 hash" signature: md5 of the "&name=value" string then the secret.

    `params` must not contain 'sig'.  Lowercase hex, as Vonage sends it.
    """
    hasher = hashlib.md5()  # noqa: S324 - Vonage's legacy scheme; an HMAC method is the better choice
    for key in sorted(params):
        value = str(params[key]).replace("&", "_").replace("=", "_")
        hasher.update(f"&{key}={value}".encode())
    hasher.update(signature_secret.encode())
    return hasher.hexdigest()

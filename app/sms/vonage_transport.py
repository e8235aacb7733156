"""The Vonage SMS API transport, built on the real `vonage` SDK (4.x).

What the SDK does by itself, and what this module does about it:

* `HttpClient.make_request` re-sends a POST whose connection dropped with
  RemoteDisconnected, up to `pool_maxsize` times, and mounts urllib3 `Retry(total=
  max_retries)`.  A resent POST can deliver a text twice, so the client is built with
  `max_retries=0, pool_maxsize=1`: the SDK makes exactly one attempt and the dispatcher
  alone decides about retries, using `client_ref` (our message id) to reconcile.
* Throttling is HTTP 200 with message status "1" and surfaces as `SmsError`; the status is
  read back from the last response body, never guessed from the exception text first.
* The SDK logs every request body (number, text and the Basic auth header) at DEBUG and
  error bodies at WARNING on the "vonage" logger; a filter on that logger cuts them out.
* The SDK shares one header dict and `last_response` per client, so each thread gets its
  own client (and its own single HTTPS connection).
"""
from __future__ import annotations

import logging
import re
import ssl
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import requests
import vonage
from urllib3.exceptions import ConnectTimeoutError
from vonage_http_client import Auth, HttpClientOptions
from vonage_http_client.errors import HttpRequestError
from vonage_sms import PartialFailureError, SmsError, SmsMessage

from app.sms import Outcome, SendResult

log = logging.getLogger(__name__)

DEFAULT_REST_HOST = "rest.nexmo.com"
DEFAULT_TIMEOUT_SECONDS = 10
CALLBACK_MAX_LENGTH = 100  # SmsMessage.callback's limit in the SDK
CLIENT_REF_MAX_LENGTH = 100  # Vonage's limit for client-ref


@dataclass(frozen=True)
class VonageStatus:
    """One Vonage SMS API message status: its meaning and what it means for us."""

    meaning: str
    outcome: Outcome


_RETRY, _REJECT = Outcome.RETRY, Outcome.REJECTED

# Vonage's SMS API message statuses (developer.vonage.com/en/api-errors/sms).  Account
# problems (credentials, suspension, credit, signing) are RETRY: the message itself is
# fine, someone must fix the account, and the dispatcher's attempt limit bounds the
# retries.  Problems with this number or this text are REJECTED.  Codes missing here are
# undocumented; any non-zero status means "not accepted", so they are RETRY too.
VONAGE_STATUSES: Mapping[int, VonageStatus] = MappingProxyType({
    0: VonageStatus("success", Outcome.ACCEPTED),
    1: VonageStatus("throttled", _RETRY),
    2: VonageStatus("missing parameters", _REJECT),
    3: VonageStatus("invalid parameters", _REJECT),
    4: VonageStatus("invalid credentials", _RETRY),
    5: VonageStatus("internal error", _RETRY),
    6: VonageStatus("invalid message (unroutable)", _REJECT),
    7: VonageStatus("number barred", _REJECT),
    8: VonageStatus("partner account barred", _RETRY),
    9: VonageStatus("partner quota exceeded (no credit)", _RETRY),
    10: VonageStatus("too many existing binds", _RETRY),
    11: VonageStatus("account not enabled for HTTP", _RETRY),
    12: VonageStatus("message too long", _REJECT),
    14: VonageStatus("invalid signature", _RETRY),
    15: VonageStatus("invalid sender address", _REJECT),
    22: VonageStatus("invalid network code", _REJECT),
    23: VonageStatus("invalid callback URL", _RETRY),
    29: VonageStatus("non-whitelisted destination", _REJECT),
    32: VonageStatus("signature and API secret disallowed", _RETRY),
    33: VonageStatus("number de-activated", _REJECT),
})

_E164 = re.compile(r"\+?([1-9]\d{6,14})")
_HOST = re.compile(r"[A-Za-z0-9.-]+(:\d{1,5})?")
_STATUS_IN_TEXT = re.compile(r"error code (\d{1,4})\b")


class VonageTransport:
    """Sends texts through Vonage's SMS API; see the module docstring for the rules."""

    name = "vonage"

    def __init__(self, *, api_key: str, api_secret: str, sender: str, rest_host: str = DEFAULT_REST_HOST,
                 timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS, callback_url: str | None = None) -> None:
        if not (api_key and api_secret and sender):
            raise ValueError("Vonage needs an API key, an API secret and a sender")
        if not _HOST.fullmatch(rest_host):
            raise ValueError("VONAGE_REST_HOST must be a host name with an optional :port (no scheme, no path)")
        if isinstance(timeout_seconds, bool) or not isinstance(timeout_seconds, int) or timeout_seconds < 1:
            raise ValueError("VONAGE_TIMEOUT_SECONDS must be a whole number of seconds, at least 1")
        if callback_url and (not callback_url.startswith(("https://", "http://")) or len(callback_url) > CALLBACK_MAX_LENGTH):
            raise ValueError(f"VONAGE_CALLBACK_URL must be an http(s) URL of at most {CALLBACK_MAX_LENGTH} characters")
        self._api_key = api_key
        self._api_secret = api_secret
        self._sender = sender
        self._rest_host = rest_host
        self._timeout = timeout_seconds
        self._callback = callback_url or None
        self._local = threading.local()
        _install_log_redaction()

    @classmethod
    def from_settings(cls, settings: Mapping) -> VonageTransport:
        """Build from app settings; ValueError names whatever is missing or wrong."""
        missing = [key for key in ("VONAGE_API_KEY", "VONAGE_API_SECRET", "VONAGE_FROM") if not settings.get(key)]
        if missing:
            raise ValueError(f"SMS_BACKEND=vonage needs {', '.join(missing)}")
        return cls(
            api_key=str(settings["VONAGE_API_KEY"]), api_secret=str(settings["VONAGE_API_SECRET"]), sender=str(settings["VONAGE_FROM"]),
            rest_host=str(settings.get("VONAGE_REST_HOST") or DEFAULT_REST_HOST),
            timeout_seconds=_whole_seconds(settings.get("VONAGE_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS)),
            callback_url=str(settings.get("VONAGE_CALLBACK_URL") or "") or None,
        )

    def __repr__(self) -> str:  # never the secret
        return f"VonageTransport(rest_host={self._rest_host!r}, timeout_seconds={self._timeout})"

    def send(self, *, to: str, text: str, client_ref: str, unicode: bool) -> SendResult:
        """Send one text and classify what happened; only programming errors raise."""
        if not client_ref or len(client_ref) > CLIENT_REF_MAX_LENGTH:
            raise ValueError(f"client_ref must be 1 to {CLIENT_REF_MAX_LENGTH} characters")
        match = _E164.fullmatch(to.strip())
        if match is None:
            result = SendResult(Outcome.REJECTED, error="destination is not an E.164 number")
        else:
            message = SmsMessage(
                to=match.group(1),  # Vonage wants E.164 without the '+'
                from_=self._sender,
                text=text,
                client_ref=client_ref,
                type="unicode" if unicode else None,
                status_report_req=True,
                callback=self._callback,
            )
            result = self._attempt(self._client(), message)
        _log_result(client_ref, result)
        return result

    def _client(self) -> vonage.Vonage:
        """This thread's SDK client, built so that it can never resend on its own."""
        client = getattr(self._local, "client", None)
        if client is None:
            options = HttpClientOptions(
                rest_host=self._rest_host, timeout=self._timeout, max_retries=0, pool_maxsize=1, pool_connections=1
            )
            client = vonage.Vonage(auth=Auth(api_key=self._api_key, api_secret=self._api_secret), http_client_options=options)
            self._local.client = client
        return client

    def _attempt(self, client: vonage.Vonage, message: SmsMessage) -> SendResult:
        """One request; every provider or network event becomes a SendResult."""
        try:
            response = client.sms.send(message)
        except PartialFailureError as exc:  # several parts, not all accepted
            return _from_messages(exc.response.get("messages") if isinstance(exc.response, dict) else None, exc)
        except SmsError as exc:  # HTTP 200 with a non-zero status
            return _from_messages(_last_messages(client), exc)
        except HttpRequestError as exc:
            return _from_http_status(exc.response.status_code)
        except requests.exceptions.ConnectTimeout:
            return SendResult(Outcome.RETRY, error=f"could not connect within {self._timeout} s")
        except requests.exceptions.ReadTimeout:
            return SendResult(Outcome.UNKNOWN, error=f"timed out after {self._timeout} s")
        except requests.exceptions.ConnectionError as exc:
            return _from_connection_error(exc)
        except requests.exceptions.RequestException:
            return SendResult(Outcome.UNKNOWN, error="request failed after it may have been sent")
        except (KeyError, TypeError, ValueError):  # a 2xx body the SDK could not read
            return SendResult(Outcome.UNKNOWN, error="unreadable response from Vonage")
        first = response.messages[0] if response.messages else None
        if first is None or not first.message_id:
            return SendResult(Outcome.UNKNOWN, error="accepted without a message id")
        return SendResult(Outcome.ACCEPTED, provider_id=first.message_id)


def _whole_seconds(value: object) -> int:
    """VONAGE_TIMEOUT_SECONDS as an int (the SDK's must be); 0, which __init__ refuses, if not one."""
    try:
        return int(str(value).strip())  # int("True") fails as well: a bool is not a number of seconds
    except ValueError:
        return 0


def _from_status(code: int) -> SendResult:
    """The result for one non-zero Vonage message status."""
    status = VONAGE_STATUSES.get(code)
    if status is None:
        return SendResult(Outcome.RETRY, error=f"Vonage status {code}: undocumented status")
    return SendResult(status.outcome, error=f"Vonage status {code}: {status.meaning}")


def _from_messages(messages: object, exc: SmsError) -> SendResult:
    """Classify a refused send from the response's per-part statuses.

    Some parts accepted and some not is UNKNOWN: the recipient may already have part of
    the text, so a blind resend would duplicate it.  Without a readable body the code is
    taken from the exception text; without that either, a plain SmsError still means
    "not accepted" (RETRY), but a partial failure stays UNKNOWN.
    """
    parts = [part for part in messages if isinstance(part, dict)] if isinstance(messages, list) else []
    statuses = [str(part.get("status", "")).strip() for part in parts]
    accepted = [part for part, status in zip(parts, statuses, strict=True) if status == "0"]
    if accepted:
        provider_id = accepted[0].get("message-id")
        return SendResult(Outcome.UNKNOWN, provider_id=str(provider_id) if provider_id else None,
                          error=f"only {len(accepted)} of {len(parts)} parts accepted")
    for status in statuses:
        if status.isdigit():
            return _from_status(int(status))
    found = _STATUS_IN_TEXT.search(str(exc))
    if found:
        return _from_status(int(found.group(1)))
    if isinstance(exc, PartialFailureError):
        return SendResult(Outcome.UNKNOWN, error="partial failure with an unreadable body")
    return SendResult(Outcome.RETRY, error="Vonage refused the message (status unreadable)")


def _last_messages(client: vonage.Vonage) -> object:
    """The 'messages' list of this thread's last response, or None if unreadable."""
    try:
        body = client.sms.http_client.last_response.json()
    except (AttributeError, ValueError):
        return None
    return body.get("messages") if isinstance(body, dict) else None


def _from_http_status(status: int) -> SendResult:
    """HTTP errors: only a gateway timeout leaves doubt about whether Vonage took it.

    500/502/503 and 429 are answers from the provider refusing the work; 401/403 are an
    account problem.  504 means a gateway forwarded the request and gave up waiting, the
    same doubt as our own read timeout.  400-class errors about the request itself
    (400, 413, 414, 422) will never succeed for this message.
    """
    if status == 504:
        return SendResult(Outcome.UNKNOWN, error="HTTP 504: gateway timed out")
    if status == 429:
        return SendResult(Outcome.RETRY, error="HTTP 429: rate limited")
    if status in (401, 403):
        return SendResult(Outcome.RETRY, error=f"HTTP {status}: credentials refused")
    if status >= 500:
        return SendResult(Outcome.RETRY, error=f"HTTP {status}: provider error")
    if status in (400, 413, 414, 422):
        return SendResult(Outcome.REJECTED, error=f"HTTP {status}: request refused")
    return SendResult(Outcome.RETRY, error=f"HTTP {status}: unexpected response")


def _causes(exc: BaseException, depth: int = 0) -> Iterator[BaseException]:
    """The exception and what it wraps (args, urllib3's `reason`, `raise ... from`)."""
    yield exc
    if depth < 6:
        for linked in (*exc.args, getattr(exc, "reason", None), exc.__cause__):
            if isinstance(linked, BaseException):
                yield from _causes(linked, depth + 1)


def _from_connection_error(exc: requests.exceptions.ConnectionError) -> SendResult:
    """Before the request went out (no connection, bad certificate) is RETRY; else UNKNOWN.

    Connection refused and DNS failures are urllib3 NewConnectionError (a
    ConnectTimeoutError); a certificate that fails verification stops the TLS handshake.
    Anything else (RemoteDisconnected, reset) may have happened after Vonage read the
    request, so the message must be reconciled before it is sent again.
    """
    causes = list(_causes(exc))
    if any(isinstance(cause, ConnectTimeoutError) for cause in causes):
        return SendResult(Outcome.RETRY, error="could not connect")
    if any(isinstance(cause, ssl.SSLCertVerificationError) for cause in causes):
        return SendResult(Outcome.RETRY, error="TLS certificate verification failed")
    if isinstance(exc, requests.exceptions.ProxyError):
        return SendResult(Outcome.RETRY, error="proxy refused the connection")
    if isinstance(exc, requests.exceptions.SSLError):
        return SendResult(Outcome.UNKNOWN, error="TLS error")
    return SendResult(Outcome.UNKNOWN, error="connection lost after the request was sent")


def _log_result(client_ref: str, result: SendResult) -> None:
    """Log by our message id and outcome only: never the number or the text."""
    if result.outcome is Outcome.ACCEPTED:
        log.debug("SMS %s accepted by Vonage as %s", client_ref, result.provider_id)
        return
    level = logging.INFO if result.outcome is Outcome.RETRY else logging.WARNING
    log.log(level, "SMS %s %s: %s", client_ref, result.outcome, result.error)


class _RedactSdkLog(logging.Filter):
    """Cuts request bodies (number, text), headers (Basic auth) and response bodies from the
    SDK's log lines; a line of a shape this filter does not know is withheld whole."""

    MARKERS = (", with data:", "; content:", "; headers:")
    SAFE_PREFIXES = ("Connection Error:", "ConnectionError caused by")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cuts = [message.find(marker) for marker in self.MARKERS if marker in message]
        if cuts:
            message = message[: min(cuts)] + " [details redacted]"
        elif not message.startswith(self.SAFE_PREFIXES):
            message = "vonage SDK log line withheld: it may hold personal data"
        record.msg, record.args = message, ()
        return True


def _install_log_redaction() -> None:
    """Attach the filter to the SDK's "vonage" logger once (it logs on no other)."""
    sdk_logger = logging.getLogger("vonage")
    if not any(isinstance(existing, _RedactSdkLog) for existing in sdk_logger.filters):
        sdk_logger.addFilter(_RedactSdkLog())

"""Vonage's Reports API: the synchronous records search, to settle texts whose outcome is unknown.

`GET https://api.nexmo.com/v2/reports/records` (developer.vonage.com/en/api/reports, "Load
records synchronously"), with Basic auth from the API key and secret, answers the account's
SMS records as JSON. We search by date and recipient: `account_id` (our API key),
`product=SMS`, `direction=outbound`, `date_start` (inclusive) and `date_end` (exclusive) on
the record's `date_received` (a synchronous search covers at most 24 hours), and `to` (the
number without '+'). Each record carries the `client_ref` we sent, with Vonage's
`message_id`; a long answer is paged with `cursor` and `iv` (and `_links.next`). A
`request_status` of TRUNCATED means the answer is not complete, so "not found" in it is not
an answer. Records can lag behind the send: not found now is not "never sent".

The `vonage` SDK (4.9.1) has no Reports module, so this uses the SDK's own HTTP client
(`vonage_http_client.HttpClient.get` with `auth_type="basic"`) against `api_host`: a GET
changes nothing, so its retries are harmless. The SDK logs request parameters (the number)
on the "vonage" logger; the transport's redaction filter cuts them (installed here too).
"""
from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import requests
from vonage_http_client import Auth, HttpClient, HttpClientOptions
from vonage_http_client.errors import HttpRequestError, VonageError

from app.sms import ProviderRecord, RecordsUnavailable
from app.sms.vonage_transport import _E164, _HOST, _install_log_redaction, _whole_seconds

DEFAULT_API_HOST = "api.nexmo.com"
RECORDS_PATH = "/v2/reports/records"
LONGEST_SEARCH = timedelta(hours=24)  # a synchronous search by date covers at most 24 hours
MAX_PAGES = 50


def iso(instant: datetime) -> str:
    """An instant as the Reports API wants it: ISO 8601 in UTC with a Z."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{instant.microsecond // 1000:03d}Z"


def _parse_instant(value: object) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else None


class VonageReports:
    """Finds a text in Vonage's SMS records by our client_ref (the `Reconciler` protocol)."""

    def __init__(self, *, api_key: str, api_secret: str, api_host: str = DEFAULT_API_HOST, timeout_seconds: int = 10):
        if not (api_key and api_secret):
            raise ValueError("Vonage's Reports API needs an API key and an API secret")
        if not _HOST.fullmatch(api_host):
            raise ValueError("VONAGE_API_HOST must be a host name with an optional :port (no scheme, no path)")
        self._api_key, self._api_secret, self._api_host, self._timeout = api_key, api_secret, api_host, timeout_seconds
        self._local = threading.local()
        _install_log_redaction()

    @classmethod
    def from_settings(cls, settings: Mapping) -> VonageReports:
        missing = [key for key in ("VONAGE_API_KEY", "VONAGE_API_SECRET") if not settings.get(key)]
        if missing:
            raise ValueError(f"SMS_BACKEND=vonage needs {', '.join(missing)}")
        return cls(api_key=str(settings["VONAGE_API_KEY"]), api_secret=str(settings["VONAGE_API_SECRET"]),
                   api_host=str(settings.get("VONAGE_API_HOST") or DEFAULT_API_HOST),
                   timeout_seconds=_whole_seconds(settings.get("VONAGE_TIMEOUT_SECONDS", 10)) or 10)

    def __repr__(self) -> str:  # never the secret
        return f"VonageReports(api_host={self._api_host!r})"

    def _client(self) -> HttpClient:
        client = getattr(self._local, "client", None)
        if client is None:
            options = HttpClientOptions(api_host=self._api_host, timeout=self._timeout, max_retries=2,
                                        pool_connections=1, pool_maxsize=1)
            client = HttpClient(Auth(api_key=self._api_key, api_secret=self._api_secret), options)
            self._local.client = client
        return client

    def find(self, *, client_ref: str, to: str, since: datetime, until: datetime) -> ProviderRecord | None:
        """Vonage's record of the text sent as `client_ref` to `to` in [since, until), or None.

        Raises RecordsUnavailable when the search fails or its answer is incomplete."""
        match = _E164.fullmatch(to.strip())
        if match is None:
            raise RecordsUnavailable("the text has no E.164 number to search by")
        until = min(until, since + LONGEST_SEARCH)
        params = {"account_id": self._api_key, "product": "SMS", "direction": "outbound",
                  "date_start": iso(since), "date_end": iso(until), "to": match.group(1)}
        for _page in range(MAX_PAGES):
            body = self._get(params)
            records = body.get("records") if isinstance(body, dict) else None
            if not isinstance(records, list):
                raise RecordsUnavailable("unreadable answer from Vonage's Reports API")
            for record in records:
                if isinstance(record, dict) and record.get("client_ref") == client_ref:
                    provider_id = record.get("message_id")
                    return ProviderRecord(client_ref, str(provider_id) if provider_id else None,
                                          _parse_instant(record.get("date_received")), str(record.get("status") or "") or None)
            if body.get("request_status") == "TRUNCATED":
                raise RecordsUnavailable("Vonage's Reports API truncated its answer")
            cursor = body.get("cursor")
            if not cursor:
                return None
            params = {**params, "cursor": str(cursor), "iv": str(body.get("iv") or "")}
        raise RecordsUnavailable(f"more than {MAX_PAGES} pages of records")

    def _get(self, params: dict) -> dict:
        try:
            body = self._client().get(self._api_host, RECORDS_PATH, dict(params), auth_type="basic")
        except HttpRequestError as exc:
            raise RecordsUnavailable(f"Vonage's Reports API answered HTTP {exc.response.status_code}") from None
        except (requests.exceptions.RequestException, VonageError):
            raise RecordsUnavailable("Vonage's Reports API could not be reached") from None
        if not isinstance(body, dict):
            raise RecordsUnavailable("unreadable answer from Vonage's Reports API")
        return body

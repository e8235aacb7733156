"""Sending texts: one small interface in front of the SMS provider.

The dispatcher hands a `Transport` one message at a time and gets back a `SendResult`
whose `Outcome` tells it what it may do next.  The four outcomes exist because "it failed"
is not one thing when a text must reach a perpetrator exactly once:

* ACCEPTED: the provider took the message; `provider_id` identifies it for receipts.
* RETRY: the provider definitely did not take it (throttled, its own fault, our account's
  fault, or we never got through); sending it again later cannot duplicate it.
* UNKNOWN: the request may have reached the provider (a read timeout, a connection that
  dropped after the request went out).  Resending could deliver it twice, so the message
  is never sent again automatically: a delivery receipt for its `client_ref`, or the
  provider's own records (a `Reconciler`), settle it, or else a person decides.
* REJECTED: the provider will never take this message (bad or barred number, too long,
  ...); retrying is pointless.

`error` is a short reason for the audit trail and the admin Outbox page.  It never holds
personal data: no phone numbers, no message text, no credentials.
"""
from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from app.domain.sms_encoding import is_gsm7

__all__ = ["Outcome", "ProviderRecord", "Reconciler", "RecordsUnavailable", "SendResult", "Transport", "build_reconciler",
           "build_transport", "needs_unicode"]


class Outcome(enum.StrEnum):
    """What the provider did with one send attempt (see the module docstring)."""

    ACCEPTED = "accepted"
    RETRY = "retry"
    UNKNOWN = "unknown"
    REJECTED = "rejected"


@dataclass(frozen=True)
class SendResult:
    """The outcome of one send attempt; `error` never contains personal data."""

    outcome: Outcome
    provider_id: str | None = None
    error: str | None = None


class Transport(Protocol):
    """Sends one text.  `to` is E.164 (with or without '+'); `client_ref` is our message id.

    `send` must not raise for anything the provider or the network does: every such
    event is one of the four outcomes.  Only programming errors may escape.
    """

    name: str

    def send(self, *, to: str, text: str, client_ref: str, unicode: bool) -> SendResult: ...


@dataclass(frozen=True)
class ProviderRecord:
    """The provider's own record of a text it accepted, found by our `client_ref`."""

    client_ref: str
    provider_id: str | None
    received_at: datetime | None
    status: str | None = None


class RecordsUnavailable(Exception):
    """The provider's records could not be searched (or not completely): nothing is known.
    The message is a short reason with no personal data."""


class Reconciler(Protocol):
    """Searches the provider's records for a text whose outcome is unknown.

    `find` answers the record whose client_ref is `client_ref`, among the texts to `to` that
    the provider received in [since, until), or None when there is none (yet: records can
    lag). It raises RecordsUnavailable when it cannot tell.
    """

    def find(self, *, client_ref: str, to: str, since: datetime, until: datetime) -> ProviderRecord | None: ...


def build_reconciler(settings: Mapping) -> Reconciler:
    """The reconciler for SMS_BACKEND: the outbox's own record, or Vonage's Reports API."""
    backend = settings.get("SMS_BACKEND") or "outbox"
    if backend == "outbox":
        from app.sms.outbox import OutboxTransport

        return OutboxTransport()
    if backend == "vonage":
        from app.sms.vonage_reports import VonageReports

        return VonageReports.from_settings(settings)
    raise ValueError(f"unknown SMS_BACKEND {backend!r}: use 'outbox' or 'vonage'")


def build_transport(settings: Mapping) -> Transport:
    """The transport SMS_BACKEND names: "outbox" (the default, sends nothing) or "vonage".

    The Vonage module is imported only when chosen, so the default needs no SDK import.
    Raises ValueError for an unknown backend or incomplete Vonage settings.
    """
    backend = settings.get("SMS_BACKEND") or "outbox"
    if backend == "outbox":
        from app.sms.outbox import OutboxTransport

        return OutboxTransport()
    if backend == "vonage":
        from app.sms.vonage_transport import VonageTransport

        return VonageTransport.from_settings(settings)
    raise ValueError(f"unknown SMS_BACKEND {backend!r}: use 'outbox' or 'vonage'")



def needs_unicode(text: str) -> bool:
    """True when `text` has a character outside GSM-7, so it must be sent as unicode (the
    SDK does not choose the encoding itself: sent as "text", such characters arrive as '?').

    Typographic quotes and dashes (’ “ – …) are the usual culprits in pasted text.
    """
    return not is_gsm7(text)

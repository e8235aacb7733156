"""The embedded default transport: it sends nothing.

Development, demos and tests run without a provider account.  The caller's message
table already records every text, and the admin Outbox page shows it, so "sending" here
is only saying yes with a predictable provider id.
"""
from __future__ import annotations

from app.sms import Outcome, SendResult


class OutboxTransport:
    """Accepts every message without sending it; provider_id is "outbox-<client_ref>"."""

    name = "outbox"
    # No delivery receipt will ever come: a text in the outbox stays "sent", never "expired".
    sends_receipts = False

    def send(self, *, to: str, text: str, client_ref: str, unicode: bool) -> SendResult:  # noqa: ARG002 - the Transport signature
        """Accept the message; the caller's own record of it is the outbox."""
        return SendResult(Outcome.ACCEPTED, provider_id=f"outbox-{client_ref}")

    def __repr__(self) -> str:
        return "OutboxTransport()"

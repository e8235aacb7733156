"""The embedded default transport: it sends nothing.

Development, demos and tests run without a provider account.  The caller's message
table already records every text, and the admin Outbox page shows it, so "sending" here
is saying yes with a predictable provider id, after writing down that it did
(`OutboxRecord`, in its own transaction, before answering).  That note is what the outbox
has instead of Vonage's records: a text whose dispatcher stopped between this answer and
storing it is reconciled from it (`find`), exactly as a Vonage text is from the Reports API.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select

from app.sms import Outcome, ProviderRecord, SendResult
from app.timeutil import utcnow


class OutboxTransport:
    """Accepts every message without sending it; provider_id is "outbox-<client_ref>"."""

    name = "outbox"
    # No delivery receipt will ever come: a text in the outbox stays "sent", never "expired".
    sends_receipts = False

    def send(self, *, to: str, text: str, client_ref: str, unicode: bool) -> SendResult:  # noqa: ARG002 - the Transport signature
        """Note the message as taken (committed at once), then accept it."""
        from app.extensions import db
        from app.models import OutboxRecord

        provider_id = f"outbox-{client_ref}"
        with db.engine.begin() as connection:  # not the dispatcher's session: this must outlive a crash
            connection.execute(insert(OutboxRecord).values(client_ref=client_ref, provider_id=provider_id,
                                                           created_at=utcnow()))
        return SendResult(Outcome.ACCEPTED, provider_id=provider_id)

    def find(self, *, client_ref: str, to: str, since: datetime, until: datetime) -> ProviderRecord | None:  # noqa: ARG002
        """The outbox's note of `client_ref`, if it took it (the Reconciler signature)."""
        from app.extensions import db
        from app.models import OutboxRecord

        with db.engine.connect() as connection:
            row = connection.execute(
                select(OutboxRecord.provider_id, OutboxRecord.created_at).where(OutboxRecord.client_ref == client_ref)
                .order_by(OutboxRecord.id).limit(1)
            ).first()
        return ProviderRecord(client_ref, row.provider_id, row.created_at) if row else None

    def __repr__(self) -> str:
        return "OutboxTransport()"

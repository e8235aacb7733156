"""Writing the audit log (one line in any service), and reading a case's entries back."""
from __future__ import annotations

from sqlalchemy import select

from app.domain.case_summary import Event
from app.extensions import db
from app.models import AuditEntry, Case, User
from app.services.transaction import in_callers_transaction
from app.timeutil import utcnow


@in_callers_transaction
def record(actor: User | None, action: str, case: Case | None = None, **detail) -> AuditEntry:
    """Append an audit entry in the caller's transaction.

    `detail` must be JSON-serialisable: pass instants as ISO strings.  The entry commits or
    rolls back with the change it describes, so the log never claims a change that did not
    happen.
    """
    entry = AuditEntry(
        at=utcnow(),
        user_id=actor.id if actor is not None else None,
        action=action,
        case_id=case.id if case is not None else None,
        detail=detail,
    )
    db.session.add(entry)
    return entry


def case_events(case: Case) -> list[Event]:
    """Every audit entry of the case, oldest first, as plain events for the domain's wording."""
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.case_id == case.id).order_by(AuditEntry.at, AuditEntry.id)
    )
    return [Event(e.at, e.action, e.detail or {}) for e in entries]

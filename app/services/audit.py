"""Writing the audit log: one line in any service."""
from __future__ import annotations

from app.extensions import db
from app.models import AuditEntry, Case, User
from app.timeutil import utcnow


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

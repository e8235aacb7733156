"""What must hold after the year, read from the database and the fake Vonage's records."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select

from app.domain.reminders import in_window
from app.extensions import db
from app.models import GeofenceAlert, MessageStatus, ProtectionOrder, Referral, TextMessage

HANDED = (MessageStatus.SENDING, MessageStatus.UNKNOWN, MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.EXPIRED)
STILL_WAITING = (MessageStatus.PLANNED, MessageStatus.CLAIMED, MessageStatus.SENDING, MessageStatus.UNKNOWN)


def text_checks(accepted: Counter, window, rate_per_second: int, end: datetime) -> dict:
    """Duplicates, losses, quiet hours, texts after the order ended, and the rate cap."""
    rows = db.session.execute(
        select(TextMessage.uuid, TextMessage.status, TextMessage.handed_at, TextMessage.due_at, TextMessage.case_id,
               ProtectionOrder.ends_at, ProtectionOrder.ended_at)
        .join(ProtectionOrder, ProtectionOrder.case_id == TextMessage.case_id)
    ).all()
    statuses = Counter(row.status.value for row in rows)
    duplicates = sum(1 for count in accepted.values() if count > 1)
    # Lost: handed over as sent but the provider never took it; or due well before the year
    # ended and still not settled one way or the other.
    lost = [row.uuid for row in rows if row.status in (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.EXPIRED)
            and accepted.get(row.uuid, 0) == 0]
    stuck = [row.uuid for row in rows if row.status in STILL_WAITING and row.due_at < end - timedelta(days=1)]
    unrecorded = _unrecorded(accepted, rows)
    handed = [row for row in rows if row.handed_at is not None]
    quiet = [row.uuid for row in handed if not in_window(row.handed_at, window)]
    ended = []
    for row in handed:
        end_of_order = min(t for t in (row.ends_at, row.ended_at) if t is not None) if (row.ends_at or row.ended_at) else None
        if end_of_order is not None and row.handed_at >= end_of_order:
            ended.append(row.uuid)
    per_second = Counter(int(row.handed_at.timestamp()) for row in handed)
    busiest = max(per_second.values(), default=0)
    return {
        "statuses": dict(statuses), "accepted_by_provider": sum(1 for c in accepted.values() if c),
        "delivered": statuses.get(MessageStatus.DELIVERED.value, 0),
        "duplicates": duplicates, "lost": len(lost) + len(unrecorded), "stuck_unsettled": len(stuck),
        "in_quiet_hours": len(quiet), "after_order_ended": len(ended),
        "busiest_second": busiest, "over_rate_cap": busiest > rate_per_second,
    }


def _unrecorded(accepted: Counter, rows) -> list[str]:
    by_uuid = {row.uuid: row for row in rows}
    return [ref for ref in accepted if ref not in by_uuid or by_uuid[ref].status not in HANDED]


def victims_code_checks(end: datetime) -> dict:
    """Every referral sent (or still unsent) after its due time under the Victims' Code is flagged."""
    rows = db.session.execute(select(Referral.id, Referral.due_at, Referral.settled_at, Referral.code_breach_at)).all()
    breached = [r for r in rows if (r.settled_at or end) > r.due_at and r.due_at < end]
    unflagged = [r.id for r in breached if r.code_breach_at is None]
    return {"referrals": len(rows), "code_breaches": len(breached), "unflagged": len(unflagged)}


def welfare_checks(expected: set[tuple[int, int]]) -> dict:
    """An alert for each officer whose patrol was inside a live geofence (one per geofence and
    officer), and none for a pass before the geofence was live, 600 m away or after the order
    ended."""
    raised = set(db.session.execute(select(GeofenceAlert.case_id, GeofenceAlert.officer_id)).tuples())
    count = db.session.query(GeofenceAlert).count()
    return {"alerts_expected": len(expected), "alerts_raised": count, "missing": len(expected - raised),
            "unexpected": len(raised - expected) + (count - len(raised))}

"""One lock order for transactions that change rows of several cases: the cases' own rows
first, in id order, then whatever of theirs the transaction changes.

Why: the scheduler's jobs run side by side (APScheduler's thread pool). `expire_orders`
changed each ending order's case row and then its children (order, texts, referrals,
geofence), case after case in whatever order the orders came; `sweep_referrals` changed
referrals of many cases in the order they fell due, first the ones overdue under the
Code, then those whose order had ended. Each could hold one case's referral while waiting
for another's the other held: PostgreSQL ended one for a deadlock (tests/integration/
test_job_lock_order.py shows the pair). A transaction that locks every case it will change
before changing anything, in ascending id, can wait for another such transaction only at
a case row; the one holding it never waits for a lower one; so no cycle.

`FOR NO KEY UPDATE` (SQLAlchemy's `key_share=True`), not `FOR UPDATE`: it is the lock an
UPDATE of the case's row (or the row_version trigger of a child row, migration
18a0dashver00) takes anyway, and it leaves the `FOR KEY SHARE` that a foreign key check
takes free, so inserting an audit entry, an email or a text under the case, in any other
transaction, never waits for it. SQLite has no row locks (one writer at a time) and
SQLAlchemy leaves the clause out there.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from app.extensions import db
from app.models import Case


def lock_cases(case_ids: Iterable[int]) -> list[int]:
    """Lock these cases' rows until the caller's transaction ends, in ascending id; the ids
    that exist, ascending. The row lock changes nothing, so it needs no transaction marker."""
    ids = sorted(set(case_ids))
    if not ids:
        return []
    # ORDER BY under the locking clause: PostgreSQL locks the rows as they come out of the
    # sort, so in id order.
    return list(db.session.scalars(
        select(Case.id).where(Case.id.in_(ids)).order_by(Case.id).with_for_update(key_share=True)))

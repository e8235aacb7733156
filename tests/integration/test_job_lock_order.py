"""The scheduler's jobs run side by side (APScheduler's thread pool): their transactions must
take their row locks in one order, or PostgreSQL ends one of them for a deadlock.

`expire_orders` changes, for each order ending, the case's row and then its children (the
order, the texts, every referral of the case, the geofence); `sweep_referrals` changes
referrals of many cases: first those overdue under the Victims' Code, then those whose
order has ended. Before the jobs shared a lock order the sweep could hold one case's
referral (flagged overdue) while the expiry, having done another case first, held that
case's referral and waited for the first: each waited for the other (SQLSTATE 40P01,
`make simulate` with SIM_JOBS_SIDE_BY_SIDE=1). Now both lock the cases they will change
first, in id order (services/case_locks.py).

The two transactions are driven step by step on two connections, not raced: the sweep is
held right after its first referral UPDATE until the expiry is seen waiting for a lock
(pg_blocking_pids), then let go. The services are called directly, so `retrying` in
app/jobs.py cannot hide a deadlock. PostgreSQL only: SQLite has one writer at a time.
"""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, select, text

from app.extensions import db
from app.models import OrderStatus, ProtectionOrder, Referral, ReferralStatus, Role
from app.services import court, referral_queries, referral_sweep, referrals
from app.services.calendar import load_calendar
from app.services.reminders import TextSettings
from app.timeutil import frozen_at
from tests.integration.factories import consenting, granted_case, support_service

pytestmark = pytest.mark.usefixtures("app")

WAIT = 30  # seconds: only a bound on a wait for a state, never a pause to let something happen


def _postgres_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks and deadlocks are PostgreSQL's; SQLite lets one transaction write at a time")


def _sqlstate(error: BaseException) -> str | None:
    orig = getattr(error, "orig", None)
    return getattr(orig, "sqlstate", None)


def _described(error: BaseException) -> str:
    """PostgreSQL's message, with its detail (who waited for whom) and context (the statement)."""
    diag = getattr(getattr(error, "orig", None), "diag", None)
    parts = [str(getattr(error, "orig", error)).splitlines()[0]]
    if diag is not None:
        parts += [diag.message_detail or "", diag.context or ""]
    return "\n".join(p for p in parts if p)


def test_the_expiry_and_the_referral_sweep_never_deadlock_on_the_same_referrals(app, make_user):
    _postgres_only()
    officer = make_user(Role.OFFICER)
    service = support_service()
    # Case Y first (the lower ids, and its order ends first): its referral was sent to a
    # service, so at the order's end the sweep hands it back (no contact was made).
    y = granted_case(officer, days=14)
    [y_referral] = referral_queries.referrals_for(y)
    referrals.save_details(officer, y_referral, y, consenting())
    referrals.send(officer, y_referral, y, service.id, load_calendar())
    # Case X: its referral was never sent, so by the end of its order it is long overdue
    # under the Code and not yet flagged (no sweep has run).
    x = granted_case(officer, days=15)
    [x_referral] = referral_queries.referrals_for(x)
    assert y.id < x.id and y.order.ends_at < x.order.ends_at
    ids = {"x": x.id, "y": y.id, "x_referral": x_referral.id, "y_referral": y_referral.id}
    now = x.order.ends_at + timedelta(minutes=1)
    db.session.commit()
    db.session.close()

    sweep_holds_a_referral, let_sweep_go = threading.Event(), threading.Event()
    expiry_pid: list[int] = []
    errors: dict[str, BaseException] = {}

    def hold_the_sweep(_conn, _cursor, statement, _parameters, _context, _executemany):
        # The sweep, once its first referral UPDATE has run (it holds that row's lock).
        if threading.current_thread().name == "sweep" and statement.startswith("UPDATE referral") \
                and not sweep_holds_a_referral.is_set():
            sweep_holds_a_referral.set()
            assert let_sweep_go.wait(WAIT), "the test never let the sweep go on"

    def run(name, work):
        with app.app_context():
            try:
                if name == "expiry":
                    expiry_pid.append(db.session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar())
                work()
            except BaseException as error:  # noqa: BLE001 - reported by the test
                errors[name] = error
            finally:
                db.session.remove()

    def expiry_waits_for_a_lock() -> bool:
        with db.engine.connect() as conn:
            for _ in range(WAIT * 100):
                if not expiry_thread.is_alive():
                    return False
                if expiry_pid and conn.execute(text("SELECT cardinality(pg_blocking_pids(:pid))"),
                                               {"pid": expiry_pid[0]}).scalar():
                    return True
                conn.execute(text("SELECT pg_sleep(0.01)"))  # poll the state, at most WAIT seconds
            return False

    event.listen(db.engine, "after_cursor_execute", hold_the_sweep)
    try:
        with frozen_at(now):
            sweep_thread = threading.Thread(name="sweep", target=run, args=("sweep", referral_sweep.sweep))
            expiry_thread = threading.Thread(name="expiry", target=run, args=(
                "expiry", lambda: court.expire_orders(load_calendar(), TextSettings())))
            sweep_thread.start()
            assert sweep_holds_a_referral.wait(WAIT), errors
            expiry_thread.start()
            # The expiry runs until it needs a row the sweep holds.
            blocked = expiry_waits_for_a_lock()
            let_sweep_go.set()
            sweep_thread.join(WAIT)
            expiry_thread.join(WAIT)
    finally:
        let_sweep_go.set()
        event.remove(db.engine, "after_cursor_execute", hold_the_sweep)

    assert not sweep_thread.is_alive() and not expiry_thread.is_alive()
    deadlocks = {name: _described(error) for name, error in errors.items() if _sqlstate(error) == "40P01"}
    assert deadlocks == {}, f"deadlock: {deadlocks}"
    assert errors == {}
    assert blocked, "the expiry never waited for the sweep: the two were not side by side"

    # Both did all their work, whichever waited.
    orders = db.session.scalars(select(ProtectionOrder).where(ProtectionOrder.case_id.in_((ids["x"], ids["y"])))).all()
    assert {o.status for o in orders} == {OrderStatus.EXPIRED}
    flagged, returned = db.session.get(Referral, ids["x_referral"]), db.session.get(Referral, ids["y_referral"])
    assert flagged.status is ReferralStatus.AWAITING and flagged.code_breach_at == now
    assert returned.status is ReferralStatus.RETURNED
    assert {flagged.protection_stage, returned.protection_stage} == {"ended"}

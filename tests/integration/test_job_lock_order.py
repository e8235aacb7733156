"""The scheduler's jobs run side by side (APScheduler's thread pool): their transactions must
take their row locks in one order, or never wait for a row lock at all, or PostgreSQL ends
one of them for a deadlock.

`expire_orders` changes, for each order ending, the case's row and then its children (the
order, the texts, every referral of the case, the geofence and its open alerts);
`sweep_referrals` changes referrals of many cases: first those overdue under the Victims'
Code, then those whose order has ended. Before the jobs shared a lock order the sweep could
hold one case's referral (flagged overdue) while the expiry, having done another case first,
held that case's referral and waited for the first: each waited for the other (SQLSTATE
40P01, `make simulate` with SIM_JOBS_SIDE_BY_SIDE=1). Now both lock the cases they will
change first, in id order (services/case_locks.py).

`send_pushes` claimed new geofence alerts in one UPDATE, in the order its scan met them (id
order here), while the expiry closes each ending geofence's open alerts case after case:
holding case A's alert, the expiry could wait for case B's that the claim held while the
claim waited for A's. And a claim that
waited for an alert the expiry was closing claimed it once the expiry committed (its WHERE
asked only that the alert had not been pushed) and sent an officer to V's address for an
order that had ended. Now the claim skips rows it cannot lock at once and claims only open
alerts (services/push.py).

The two transactions are driven step by step on two connections, not raced: the first is
held right after a given UPDATE until the second is seen waiting for a lock
(pg_blocking_pids) or has finished, then let go. The services are called directly, so
`retrying` in app/jobs.py cannot hide a deadlock. PostgreSQL only: SQLite has one writer at
a time.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import event, select, text

from app.extensions import db
from app.models import (
    AlertClosedReason,
    GeofenceAlert,
    OrderStatus,
    ProtectionOrder,
    Referral,
    ReferralStatus,
    Role,
)
from app.services import court, geofences, push, referral_queries, referral_sweep, referrals
from app.services.calendar import load_calendar
from app.services.reminders import TextSettings
from app.settings import settings_for
from app.timeutil import frozen_at, set_frozen
from tests.fake_push_service import FakePushService
from tests.integration.alerts_support import HOME, all_alerts, build_scene, east_of, report
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


@dataclass
class SideBySide:
    waited: bool  # the second was seen waiting for a lock while the first was held
    errors: dict[str, BaseException]

    def deadlocks(self) -> dict[str, str]:
        return {name: _described(error) for name, error in self.errors.items() if _sqlstate(error) == "40P01"}


def _side_by_side(app, first: tuple[str, Callable[[], object]], second: tuple[str, Callable[[], object]], *,
                  hold_after: str) -> SideBySide:
    """Run `first` on its own connection until it has run its first statement beginning with
    `hold_after` (it holds that statement's row locks), and hold it there; run `second` on
    another until it waits for a lock or ends; then let the first go on, and wait for both."""
    (first_name, first_work), (second_name, second_work) = first, second
    first_holds, let_first_go = threading.Event(), threading.Event()
    second_pid: list[int] = []
    errors: dict[str, BaseException] = {}

    def hold_the_first(_conn, _cursor, statement, _parameters, _context, _executemany):
        if threading.current_thread().name == first_name and statement.startswith(hold_after) \
                and not first_holds.is_set():
            first_holds.set()
            assert let_first_go.wait(WAIT), "the test never let the first transaction go on"

    def run(name, work):
        with app.app_context():
            try:
                if name == second_name:
                    second_pid.append(db.session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar())
                work()
            except BaseException as error:  # noqa: BLE001 - reported by the test
                errors[name] = error
            finally:
                db.session.remove()

    def second_waits_for_a_lock() -> bool:
        with db.engine.connect() as conn:
            for _ in range(WAIT * 100):
                if not second_thread.is_alive():
                    return False
                if second_pid and conn.execute(text("SELECT cardinality(pg_blocking_pids(:pid))"),
                                               {"pid": second_pid[0]}).scalar():
                    return True
                conn.execute(text("SELECT pg_sleep(0.01)"))  # poll the state, at most WAIT seconds
            return False

    first_thread = threading.Thread(name=first_name, target=run, args=(first_name, first_work))
    second_thread = threading.Thread(name=second_name, target=run, args=(second_name, second_work))
    event.listen(db.engine, "after_cursor_execute", hold_the_first)
    try:
        first_thread.start()
        assert first_holds.wait(WAIT), errors
        second_thread.start()
        # The second runs until it needs a row the first holds, or to its end.
        waited = second_waits_for_a_lock()
        let_first_go.set()
        first_thread.join(WAIT)
        second_thread.join(WAIT)
    finally:
        let_first_go.set()
        event.remove(db.engine, "after_cursor_execute", hold_the_first)
    assert not first_thread.is_alive() and not second_thread.is_alive()
    return SideBySide(waited, errors)


def _expiry() -> None:
    court.expire_orders(load_calendar(), TextSettings())


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

    with frozen_at(now):
        # The sweep is held after its first referral UPDATE; the expiry runs until it needs
        # a row the sweep holds.
        run = _side_by_side(app, ("sweep", referral_sweep.sweep), ("expiry", _expiry), hold_after="UPDATE referral")

    assert run.deadlocks() == {}, f"deadlock: {run.deadlocks()}"
    assert run.errors == {}
    assert run.waited, "the expiry never waited for the sweep: the two were not side by side"

    # Both did all their work, whichever waited.
    orders = db.session.scalars(select(ProtectionOrder).where(ProtectionOrder.case_id.in_((ids["x"], ids["y"])))).all()
    assert {o.status for o in orders} == {OrderStatus.EXPIRED}
    flagged, returned = db.session.get(Referral, ids["x_referral"]), db.session.get(Referral, ids["y_referral"])
    assert flagged.status is ReferralStatus.AWAITING and flagged.code_breach_at == now
    assert returned.status is ReferralStatus.RETURNED
    assert {flagged.protection_stage, returned.protection_stage} == {"ended"}


# -- send_pushes and the expiry, on geofence alerts ---------------------------------------------


@pytest.fixture
def push_service():
    with FakePushService() as fake:
        yield fake


def _subscribed(app, push_service, patrol, name: str) -> None:
    push.subscribe(patrol.officer, patrol.identifier, push_service.browser(name).subscription(),
                   settings_for(app).push)


def _send_pushes(app) -> Callable[[], object]:
    settings = settings_for(app).push
    return lambda: push.send_due(settings)


def test_the_expiry_and_the_push_claim_never_deadlock_on_the_alerts_of_two_cases(app, client, make_user,
                                                                                 push_service):
    _postgres_only()
    scene = build_scene(make_user)  # case A, its geofence at HOME
    a = scene.case
    b = granted_case(scene.owner, area="North")
    elsewhere = east_of(HOME, 5000)
    geofences.set_location(scene.owner, b, latitude=f"{elsewhere.latitude}", longitude=f"{elsewhere.longitude}")
    b_fence = geofences.open_geofence(b)
    _subscribed(app, push_service, scene.north, "north")
    _subscribed(app, push_service, scene.south, "south")
    set_frozen(max(scene.fence.live_from, b_fence.live_from) + timedelta(hours=1))
    # Case B's alert first: the old claim's scan (id order, or the table's, which is the
    # same here) locked it before A's; the expiry (in case order) closes A's before B's.
    report(client, scene.south, elsewhere)
    report(client, scene.north, HOME)
    b_alert, a_alert = all_alerts()
    assert (a.id < b.id, b_alert.case_id, a_alert.case_id) == (True, b.id, a.id)
    ids = {"a": a.id, "b": b.id, "a_alert": a_alert.id, "b_alert": b_alert.id}
    now = max(a.order.ends_at, b.order.ends_at) + timedelta(minutes=1)
    db.session.commit()
    db.session.close()

    with frozen_at(now):
        # The expiry is held once it has closed case A's alert (its row locked, the close not
        # committed); the push pass runs until it waits for a lock, or to its end.
        run = _side_by_side(app, ("expiry", _expiry), ("push", _send_pushes(app)), hold_after="UPDATE geofence_alert")

    assert run.deadlocks() == {}, f"deadlock: {run.deadlocks()}"
    assert run.errors == {}
    orders = db.session.scalars(select(ProtectionOrder).where(ProtectionOrder.case_id.in_((ids["a"], ids["b"])))).all()
    assert {o.status for o in orders} == {OrderStatus.EXPIRED}
    a_alert, b_alert = db.session.get(GeofenceAlert, ids["a_alert"]), db.session.get(GeofenceAlert, ids["b_alert"])
    assert {a_alert.closed_reason, b_alert.closed_reason} == {AlertClosedReason.GEOFENCE_ENDED}
    # B's alert was still open when the pass claimed it (the expiry closed it after); A's,
    # being closed, was skipped and is never pushed.
    assert b_alert.pushed_at is not None and a_alert.pushed_at is None
    assert [r.path for r in push_service.received] == ["/push/south"]


def test_an_alert_the_expiry_is_closing_is_never_pushed(app, client, make_user, push_service):
    _postgres_only()
    scene = build_scene(make_user)
    _subscribed(app, push_service, scene.north, "north")
    set_frozen(scene.fence.live_from + timedelta(hours=1))
    report(client, scene.north, HOME)
    [alert] = all_alerts()
    alert_id, now = alert.id, scene.case.order.ends_at + timedelta(minutes=1)
    db.session.commit()
    db.session.close()

    with frozen_at(now):
        # The expiry is held once it has closed the alert, not yet committed; the push pass,
        # which read the alert as open, tries to claim it meanwhile.
        run = _side_by_side(app, ("expiry", _expiry), ("push", _send_pushes(app)), hold_after="UPDATE geofence_alert")
        assert run.errors == {}
        alert = db.session.get(GeofenceAlert, alert_id)
        assert alert.closed_reason is AlertClosedReason.GEOFENCE_ENDED
        assert (alert.pushed_at, push_service.received) == (None, []), \
            f"an alert closed at the order's end was pushed (the claim {'waited' if run.waited else 'did not wait'})"
        assert push.send_due(settings_for(app).push).alerts == 0  # nor at the next pass
    assert push_service.received == []

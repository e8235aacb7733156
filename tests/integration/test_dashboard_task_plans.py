"""The dashboard's task queries read their rows from their index, in order, and stop after
the lines shown (issue 18, migration 18b0taskidx00): at national scale a query that starts
from the cases, or sorts, reads thousands of rows to show five.

SQLite's plan is read with EXPLAIN QUERY PLAN; PostgreSQL's depends on its statistics and
is not pinned here. Without statistics (no ANALYZE) SQLite's plan does not depend on the
rows, so an empty database shows the plan the dashboard gets."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.domain.calendar import LONDON
from app.extensions import db
from app.models import Role
from app.services import geofences, notifications, order_requirements, referral_queries
from app.services.access import visible_cases
from app.services.order_records import victim_told_tasks
from tests.integration.conftest import DEFAULT_NOW

LIMIT = 6  # the dashboard's five lines and one to know there are more

# (what is read, the call, a fragment only its statement has, the index it must use)
TASKS = [
    ("marac", lambda cases: referral_queries.referral_tasks(cases, DEFAULT_NOW, limit=LIMIT),
     "referral.marac_done_at IS NULL", "ix_referral_marac_open"),
    ("victim-told", lambda cases: victim_told_tasks(cases, limit=LIMIT),
     "FROM victim_told_of_order", "ix_protection_order_status_made_on"),
    ("notification-overdue", lambda cases: notifications.notification_tasks(cases, DEFAULT_NOW, limit=LIMIT),
     "order_notification.kind IN", "ix_protection_order_status_made_on"),
    ("reviews", lambda cases: order_requirements.officer_tasks(cases, DEFAULT_NOW.astimezone(LONDON).date(), limit=LIMIT),
     "protection_order.review_dates", "ix_protection_order_status_made_on"),
    ("unlocated-geofences", lambda cases: geofences.location_tasks(cases, limit=LIMIT),
     "geofence.latitude IS NULL", "ix_geofence_ended_at_latitude"),
]


def _statements(call) -> list[tuple[str, object]]:
    captured = []

    def note(conn, cursor, statement, params, *args):
        captured.append((statement, params))

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        call()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    return captured


def _plan(statement: str, params) -> list[str]:
    return [row[3] for row in db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)]


def _task_plan(app, make_user, call, fragment) -> list[str]:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL's plan depends on its statistics")
    # An officer of an area: the cases they may read are a condition, not the whole table.
    officer = make_user(Role.OFFICER, area="North")
    [(statement, params)] = [s for s in _statements(lambda: call(visible_cases(officer))) if fragment in s[0]]
    return _plan(statement, params)


@pytest.mark.parametrize("call, fragment, index", [t[1:] for t in TASKS], ids=[t[0] for t in TASKS])
def test_each_task_query_reads_its_index_in_order(app, make_user, call, fragment, index):
    plan = _task_plan(app, make_user, call, fragment)
    # Its first step reads the task's index (the case is tested row by row after it)...
    assert f"INDEX {index} " in plan[0] + " ", plan
    # ...in the query's order, so it stops after its lines: no sort of every row found (the
    # victims of one order are put in their order among themselves: a sort of a few rows).
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan


def test_the_waiting_referrals_are_read_grade_by_grade_from_their_indexes(app, make_user):
    """Overdue, returned and not yet due soon each by due_at from ix_referral_status_due_at;
    the due soon (few) from ix_referral_status_warn_at; only the union's lines are sorted."""
    plan = _task_plan(app, make_user, lambda cases: referral_queries.referral_tasks(cases, DEFAULT_NOW, limit=LIMIT),
                      "UNION ALL")
    assert not [step for step in plan if step.startswith("SCAN referral")], plan
    reads = [step.split(" USING INDEX ")[1].split()[0] for step in plan if step.startswith("SEARCH referral USING INDEX")]
    assert reads == ["ix_referral_status_due_at"] * 2 + ["ix_referral_status_warn_at", "ix_referral_status_due_at"], plan
    # The referrals themselves are read by key for the union's lines only.
    assert "SEARCH referral USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
    assert plan[-1] == "USE TEMP B-TREE FOR ORDER BY", plan

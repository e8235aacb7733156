"""Records no one can erase (issue 14, item 4): on PostgreSQL every append-only table refuses
UPDATE, DELETE and TRUNCATE, whoever asks through the app's connection."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from app.extensions import db
from app.models import Role
from app.services import audit

pytestmark = pytest.mark.usefixtures("app")


def _postgres_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE and statement triggers are PostgreSQL's; SQLite's DELETE fires the row triggers")


def _append_only_tables() -> set[str]:
    return {r[0] for r in db.session.execute(text(
        "SELECT DISTINCT event_object_table FROM information_schema.triggers "
        "WHERE trigger_name LIKE '%\\_append\\_only' ESCAPE '\\' AND event_object_schema = current_schema()"))}


def test_every_append_only_table_also_refuses_truncate():
    _postgres_only()
    tables = _append_only_tables()
    # The tables the README lists as append-only, at least.
    assert {"audit_entry", "authorisation_decision", "remand", "order_notification"} <= tables, tables
    # information_schema.triggers leaves TRUNCATE triggers out (the SQL standard has none):
    # the catalog has them. Bit 32 of tgtype is TRUNCATE.
    guarded = {r[0] for r in db.session.execute(text(
        "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE (t.tgtype & 32) <> 0 AND NOT t.tgisinternal"))}
    assert tables - guarded == set()


@pytest.mark.parametrize("table", ["audit_entry", "remand", "authorisation_decision", "order_notification"])
def test_truncate_is_refused(make_user, table):
    _postgres_only()
    user = make_user(Role.OFFICER)
    audit.record(user, "test.row", None)
    db.session.commit()
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text(f"TRUNCATE {table} CASCADE"))
        db.session.flush()
    db.session.rollback()
    assert db.session.execute(text("SELECT count(*) FROM audit_entry")).scalar() >= 1

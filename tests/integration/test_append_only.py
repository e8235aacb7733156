"""Records no one can erase (issue 14, item 4): every append-only table refuses UPDATE and
DELETE (row triggers, SQLite and PostgreSQL) and, on PostgreSQL, TRUNCATE (a statement
trigger), even from the tables' owner. The app's own role cannot even try
(tests/integration/test_database_roles.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from app.database_roles import append_only_tables
from app.extensions import db
from app.models.audit import APPEND_ONLY_TABLES
from tests.integration.conftest import owner_engine

pytestmark = pytest.mark.usefixtures("app")


def _postgres_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE and statement triggers are PostgreSQL's; SQLite's DELETE fires the row triggers")


def _tables_with_row_triggers() -> set[str]:
    if db.engine.dialect.name == "postgresql":
        return set(append_only_tables(db.session.connection()))
    return {r[0] for r in db.session.execute(text(
        "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%is append-only%'"))}


def test_the_database_makes_append_only_exactly_the_tables_the_models_do():
    """The models' append_only() list (the ORM refuses changes) and the migrations' triggers
    (the database refuses them) name the same tables: none protected in one place only."""
    assert len(APPEND_ONLY_TABLES) >= 15
    assert _tables_with_row_triggers() == APPEND_ONLY_TABLES


def test_every_append_only_table_also_refuses_truncate():
    _postgres_only()
    # information_schema.triggers leaves TRUNCATE triggers out (the SQL standard has none):
    # the catalog has them. Bit 32 of tgtype is TRUNCATE.
    guarded = {r[0] for r in db.session.execute(text(
        "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE (t.tgtype & 32) <> 0 AND NOT t.tgisinternal AND t.tgenabled = 'O'"))}
    assert APPEND_ONLY_TABLES - guarded == set()


@pytest.mark.parametrize("table", sorted(APPEND_ONLY_TABLES))
def test_truncate_is_refused_even_to_the_owner(app, table):
    _postgres_only()
    with pytest.raises(DatabaseError, match=f"{table} is append-only: TRUNCATE is refused"), \
            owner_engine(app).begin() as conn:
        conn.execute(text(f"TRUNCATE {table} CASCADE"))

"""The app runs as a PostgreSQL role that owns nothing (issue 14, item 4; app/database_roles.py).

The migrations run as the tables' owner and then grant the app's role its reads and writes:
only SELECT and INSERT on the append-only tables. Connected as the app, nothing that would
erase a record or silence the triggers that guard it is allowed; in production the app
refuses to start connected as a superuser or the owner. PostgreSQL only: SQLite has no roles.
"""
from __future__ import annotations

import os

import pytest
from alembic import command
from flask_migrate import upgrade
from sqlalchemy import make_url, text
from sqlalchemy.exc import DatabaseError

from app import create_app
from app.config import ConfigError
from app.database_roles import privilege_problems, runtime_table_privileges
from app.extensions import db
from app.models import Role, User
from app.models.audit import APPEND_ONLY_TABLES
from tests.integration.conftest import owner_engine

pytestmark = pytest.mark.usefixtures("app")

KEY = "tY8kQ2vN-r5xW0pLz7Hc_3mJfA9eUbKd6gSoVi1nEqR"
TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


@pytest.fixture(autouse=True)
def _postgres_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("database roles are PostgreSQL's; SQLite has none")


def _scalar(sql: str, **params):
    return db.session.execute(text(sql), params).scalar()


def _tables() -> list[str]:
    return list(db.session.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")).scalars())


def _owner_role(app) -> str:
    with owner_engine(app).connect() as conn:
        return conn.execute(text("SELECT current_user")).scalar()


def _refused(statement: str, match: str) -> None:
    with pytest.raises(DatabaseError, match=match):
        db.session.execute(text(statement))
        db.session.flush()
    db.session.rollback()


def test_the_app_connects_as_a_role_that_owns_nothing(app):
    role = _scalar("SELECT current_user")
    assert role != _owner_role(app), "the app connects as the tables' owner: set TEST_MIGRATION_DATABASE_URL"
    assert not _scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    assert privilege_problems(db.session.connection(), role) == []


def test_the_app_has_exactly_the_privileges_it_needs_on_every_table():
    tables = _tables()
    assert {t.name for t in db.metadata.sorted_tables} <= set(tables)
    assert APPEND_ONLY_TABLES <= set(tables)
    granted = {
        table: {p for p in TABLE_PRIVILEGES
                if _scalar("SELECT has_table_privilege(current_user, :t, :p)", t=table, p=p)}
        for table in tables
    }
    expected = {table: set(runtime_table_privileges(table, APPEND_ONLY_TABLES)) for table in tables}
    assert granted == expected
    # Spelled out for the append-only tables, not only through the function that grants them.
    assert {table: granted[table] for table in APPEND_ONLY_TABLES} == {t: {"SELECT", "INSERT"} for t in APPEND_ONLY_TABLES}
    for sequence in db.session.execute(text(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")).scalars():
        assert _scalar("SELECT has_sequence_privilege(current_user, :s, 'USAGE')", s=sequence)
        assert not _scalar("SELECT has_sequence_privilege(current_user, :s, 'UPDATE')", s=sequence)


@pytest.mark.parametrize("table", sorted(APPEND_ONLY_TABLES))
def test_the_app_may_not_update_delete_or_truncate_an_append_only_table(table):
    # Refused by the privileges, before any trigger runs: the triggers are the second wall.
    for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}", f"TRUNCATE {table} CASCADE"):
        _refused(statement, f"permission denied for table {table}")


@pytest.mark.parametrize(("statement", "match"), [
    ("ALTER TABLE audit_entry DISABLE TRIGGER ALL", "must be owner of table audit_entry"),
    ("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only", "must be owner of table audit_entry"),
    ("DROP TRIGGER audit_entry_append_only ON audit_entry", "must be owner of relation audit_entry"),
    ("DROP TRIGGER audit_entry_no_truncate ON audit_entry", "must be owner of relation audit_entry"),
    ("DROP FUNCTION audit_entry_refuse_change() CASCADE", "must be owner of function"),
    ("CREATE OR REPLACE FUNCTION audit_entry_refuse_change() RETURNS trigger LANGUAGE plpgsql "
     "AS $$ BEGIN RETURN NEW; END $$", "permission denied for schema|must be owner"),
    ("SET session_replication_role = replica", 'permission denied to set parameter "session_replication_role"'),
    ("CREATE TABLE scratch (id integer)", "permission denied for schema"),
    ("CREATE SCHEMA scratch", "permission denied for database"),
    ("CREATE TRIGGER scratch BEFORE UPDATE ON case_file FOR EACH ROW EXECUTE FUNCTION refuse_truncate()",
     "permission denied for table case_file"),
    ("ALTER ROLE CURRENT_USER BYPASSRLS", "permission denied|must be superuser"),
    ("DROP TABLE audit_entry CASCADE", "must be owner of table audit_entry"),
])
def test_the_app_may_not_silence_the_triggers_or_change_the_schema(statement, match):
    _refused(statement, match)


def test_the_app_may_not_become_the_owner(app):
    _refused(f'SET ROLE "{_owner_role(app)}"', "permission denied to set role")


def test_the_app_may_not_alter_any_table():
    tables = _tables()
    assert len(tables) > 30
    for table in tables:
        _refused(f"ALTER TABLE {table} ADD COLUMN scratch integer", f"must be owner of table {table}")


def test_the_app_reads_and_writes_ordinary_tables(make_user):
    officer = make_user(Role.OFFICER)  # INSERT (user_account, audit_entry), sequences
    db.session.execute(text("UPDATE user_account SET full_name = 'Renamed' WHERE id = :id"), {"id": officer.id})
    db.session.execute(text("INSERT INTO extra_bank_holiday (day, name, added_by_id, added_at) "
                            "VALUES ('2026-12-29', 'Extra', :id, now())"), {"id": officer.id})
    db.session.execute(text("DELETE FROM extra_bank_holiday"))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(User, officer.id).full_name == "Renamed"
    assert _scalar("SELECT count(*) FROM audit_entry") >= 1


def _with_owner(app, *statements: str) -> None:
    with owner_engine(app).begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def test_every_migration_run_grants_new_tables_and_takes_back_what_is_too_much(app):
    """A table a later migration adds gets the app's privileges at the next `flask db upgrade`,
    and a privilege granted by hand beyond the app's is taken back."""
    role = _scalar("SELECT current_user")
    _with_owner(app, "CREATE TABLE later_table (id serial PRIMARY KEY, note text)",
                f'GRANT UPDATE, DELETE, TRUNCATE ON audit_entry TO "{role}"')
    try:
        assert _scalar("SELECT has_table_privilege(current_user, 'audit_entry', 'TRUNCATE')")
        assert not _scalar("SELECT has_table_privilege(current_user, 'later_table', 'INSERT')")
        db.session.rollback()
        upgrade()  # as the app would be upgraded: the owner migrates, then grants
        db.session.execute(text("INSERT INTO later_table (note) VALUES ('granted')"))
        db.session.commit()
        assert _scalar("SELECT note FROM later_table") == "granted"
        for privilege in ("UPDATE", "DELETE", "TRUNCATE"):
            assert not _scalar("SELECT has_table_privilege(current_user, 'audit_entry', :p)", p=privilege)
    finally:
        db.session.rollback()
        _with_owner(app, "DROP TABLE IF EXISTS later_table", f'REVOKE UPDATE, DELETE, TRUNCATE ON audit_entry FROM "{role}"')


def test_a_migration_run_fails_when_the_app_would_still_have_too_much(app):
    """A privilege the owner cannot take back (granted to PUBLIC here) stops the migration run
    with the reason, instead of leaving the app able to erase records."""
    _with_owner(app, "GRANT TRUNCATE ON audit_entry TO PUBLIC")
    try:
        db.session.rollback()
        # Alembic's own command: Flask-Migrate's upgrade() logs the error and exits 1, as
        # `flask db upgrade` should.
        with pytest.raises(RuntimeError, match=r"'[^']+' still has TRUNCATE on audit_entry"):
            command.upgrade(app.extensions["migrate"].migrate.get_config(), "head")
    finally:
        _with_owner(app, "REVOKE TRUNCATE ON audit_entry FROM PUBLIC")


def _production(url: str):
    return create_app({"DVPO_ENV": "production", "SECRET_KEY": KEY, "TRIAL_SEED": "ab" * 16, "DATABASE_URL": url})


def test_production_refuses_to_start_as_the_owner_of_the_tables(app):
    owner_url = owner_engine(app).url.render_as_string(hide_password=False)
    with pytest.raises(ConfigError, match=r"connects as the database role '[^']+', which owns .*audit_entry"):
        _production(owner_url)


def test_production_refuses_to_start_as_a_superuser(app):
    superuser = os.environ.get("TEST_SUPERUSER_DATABASE_URL")
    if not superuser:
        message = "TEST_SUPERUSER_DATABASE_URL is not set: the superuser check is SKIPPED"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ", which CI does not allow")
        pytest.skip(message)
    url = make_url(superuser).set(database=db.engine.url.database)  # this worker's database
    with pytest.raises(ConfigError, match="which is a superuser"):
        _production(url.render_as_string(hide_password=False))


def test_production_starts_as_the_apps_role(app):
    production = _production(db.engine.url.render_as_string(hide_password=False))
    assert production.config["DVPO_ENV"] == "production"

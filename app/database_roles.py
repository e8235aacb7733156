"""Two database roles on PostgreSQL: the owner runs the migrations, the app runs as a role
that owns nothing.

The append-only tables' triggers (migrations `*_append_only`, `14b0truncate0`) refuse
UPDATE, DELETE and TRUNCATE, but a table's owner or a superuser could disable or drop them.
So the owner (`MIGRATION_DATABASE_URL`) creates and alters everything, and after every
migration run `grant_runtime_privileges` gives the app's role (the user in `DATABASE_URL`)
exactly what it needs: SELECT, INSERT, UPDATE and DELETE on ordinary tables, only SELECT and
INSERT on append-only ones, the sequences' values, and nothing else. Every run revokes what
it granted before and grants again, so tables added by later migrations are covered and a
table that becomes append-only loses its UPDATE and DELETE.

In production `check_runtime_role` stops start-up when the app's own connection could alter
tables or triggers (`privilege_problems` says why). SQLite has no roles: nothing is done.
"""
from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.engine import Connection

log = logging.getLogger(__name__)

# What an append-only table's row trigger is called (migrations: `<table>_append_only`).
_APPEND_ONLY_TRIGGERS = (
    "SELECT DISTINCT event_object_table FROM information_schema.triggers "
    "WHERE trigger_name LIKE '%\\_append\\_only' ESCAPE '\\' AND event_object_schema = current_schema()"
)
_TABLES = (
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname"
)
# Privileges no table grants the app: TRUNCATE bypasses row triggers, TRIGGER creates them,
# REFERENCES adds foreign keys that could block deletes.
_NEVER = ("TRUNCATE", "TRIGGER", "REFERENCES")
_ROLE_ATTRIBUTES = {
    "rolsuper": "is a superuser",
    "rolcreaterole": "may create roles (CREATEROLE: it could make itself a member of the owner)",
    "rolbypassrls": "bypasses row-level security (BYPASSRLS)",
    "rolreplication": "is a replication role (REPLICATION)",
    "rolcreatedb": "may create databases (CREATEDB)",
}


def append_only_tables(connection: Connection) -> list[str]:
    """The tables the migrations made append-only, found from their row triggers."""
    return sorted(r[0] for r in connection.execute(text(_APPEND_ONLY_TRIGGERS)))


def runtime_table_privileges(table: str, append_only: set[str]) -> tuple[str, ...]:
    """What the app's role may do with `table`."""
    if table == "alembic_version":
        return ("SELECT",)
    if table in append_only:
        return ("SELECT", "INSERT")
    return ("SELECT", "INSERT", "UPDATE", "DELETE")


def grant_runtime_privileges(connection: Connection, role: str) -> None:
    """Give `role` exactly the app's privileges on the current database and schema.

    Run by the owner of the tables in the migrations' transaction (migrations/env.py), after
    every upgrade or downgrade. Raises RuntimeError when the role could still alter tables
    or triggers afterwards (through PUBLIC, another grantor or a membership), naming why.
    """
    if not connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar():
        raise RuntimeError(
            f"the app's database role {role!r} (the user in DATABASE_URL) does not exist: create it "
            "first (README, Production: database roles)")
    quote = connection.dialect.identifier_preparer.quote
    schema, database = connection.execute(text("SELECT current_schema(), current_database()")).one()
    who, where = quote(role), quote(schema)
    append_only = set(append_only_tables(connection))
    statements = [
        f"GRANT CONNECT ON DATABASE {quote(database)} TO {who}",
        f"REVOKE ALL ON SCHEMA {where} FROM {who}",
        f"GRANT USAGE ON SCHEMA {where} TO {who}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {where} FROM {who}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {where} FROM {who}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {where} TO {who}",
    ]
    tables = connection.execute(text(_TABLES)).scalars().all()
    for table in tables:
        privileges = ", ".join(runtime_table_privileges(table, append_only))
        statements.append(f"GRANT {privileges} ON TABLE {where}.{quote(table)} TO {who}")
    for statement in statements:
        connection.exec_driver_sql(statement)
    problems = privilege_problems(connection, role)
    if problems:
        raise RuntimeError(f"the app's database role {role!r} still " + "; ".join(problems) + ". " + _FIX)
    log.info("granted the app's database role %s its privileges on %d tables (%d append-only)",
             role, len(tables), len(append_only))


_FIX = ("The app must connect as a role that owns nothing: see the README, Production: database roles "
        "(for PUBLIC's CREATE on the schema: REVOKE CREATE ON SCHEMA public FROM PUBLIC)")


def privilege_problems(connection: Connection, role: str) -> list[str]:
    """Why `role` could alter or erase what the app may only add to; [] when it cannot."""
    params = {"r": role}
    attributes = connection.execute(text(
        f"SELECT {', '.join(_ROLE_ATTRIBUTES)} FROM pg_roles WHERE rolname = :r"),  # noqa: S608 - our column names
        params).mappings().one()
    problems = [why for name, why in _ROLE_ATTRIBUTES.items() if attributes[name]]
    owned = connection.execute(text(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'S', 'v', 'm') "
        "AND pg_has_role(:r, c.relowner, 'MEMBER') ORDER BY c.relname"), params).scalars().all()
    if owned:
        problems.append(f"owns (or is a member of the owner of) {_some(owned)}")
    if connection.execute(text("SELECT has_schema_privilege(:r, current_schema(), 'CREATE')"), params).scalar():
        problems.append("may create objects in the schema (CREATE ON SCHEMA)")
    if connection.execute(text("SELECT has_database_privilege(:r, current_database(), 'CREATE')"), params).scalar():
        problems.append("may create schemas in the database (CREATE ON DATABASE)")
    append_only = set(append_only_tables(connection))
    too_much: list[str] = []
    for table in connection.execute(text(_TABLES)).scalars():
        forbidden = _NEVER + (("UPDATE", "DELETE") if table in append_only else ())
        granted = [p for p in forbidden if connection.execute(text(
            "SELECT has_table_privilege(:r, quote_ident(current_schema()) || '.' || quote_ident(:t), :p)"),
            {**params, "t": table, "p": p}).scalar()]
        if granted:
            too_much.append(f"{' and '.join(granted)} on {table}")
    if too_much:
        problems.append("has " + _some(too_much))
    if connection.execute(text("SELECT current_setting('server_version_num')::int")).scalar() >= 150000:
        if connection.execute(text(
                "SELECT has_parameter_privilege(:r, 'session_replication_role', 'SET')"), params).scalar():
            problems.append("may SET session_replication_role (which silences every trigger)")
    return problems


def _some(names: list[str], limit: int = 3) -> str:
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"


def check_runtime_role(engine) -> None:
    """Stop start-up (ConfigError) when the app's own connection could alter tables or
    triggers: a superuser, the owner of the tables, and the like. PostgreSQL only."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.config import ConfigError

    if engine.dialect.name != "postgresql":
        return
    try:
        with engine.connect() as connection:
            role = connection.execute(text("SELECT current_user")).scalar()
            problems = privilege_problems(connection, role)
    except SQLAlchemyError as exc:
        raise ConfigError(
            f"could not check the database role DATABASE_URL connects as ({type(exc.orig or exc).__name__}): "
            "outside development the app starts only when it can check that its role owns nothing") from exc
    finally:
        engine.dispose()  # no connection outlives the check (gunicorn forks after it)
    if problems:
        raise ConfigError(
            f"DATABASE_URL connects as the database role {role!r}, which " + "; ".join(problems) + ". "
            "Outside development the app runs as a role that owns nothing, so it cannot disable or drop "
            "the triggers that keep the audit log and the other append-only tables from being erased. "
            "Put the owner's URL in MIGRATION_DATABASE_URL (used only by `flask db upgrade`) and the app's "
            "role in DATABASE_URL: see the README, Production: database roles.")

"""The SQL that makes a table append-only, shared by the revisions after 14b0truncate0.

- PostgreSQL: a row trigger `<table>_append_only` refusing UPDATE and DELETE (through its own
  function `<table>_refuse_change()`), and a statement trigger `<table>_no_truncate` refusing
  TRUNCATE through `refuse_truncate()`, which 14b0truncate0 created.
- SQLite: row triggers `<table>_no_update` and `<table>_no_delete` (SQLite has no TRUNCATE;
  its `DELETE FROM` fires the row trigger).

The row trigger's name matters: 14b0truncate0 and app/database_roles.py find the append-only
tables by it. The revisions before 14b0truncate0 keep their own frozen copies.

FROZEN: revisions that have already run use this module, so the SQL it writes must never
change (a migration that ran must not behave differently when run again elsewhere). The white
space inside the strings is part of it: SQLite keeps a trigger's text as written and
PostgreSQL a function's body, so a schema dump shows them. A new kind of trigger gets a new
function here, not an edit of these.

Alembic loads a revision by its file path, not as part of a package, so a revision loads this
module by path too (a plain `import migrations...` would depend on the working directory):

    import importlib.util
    from pathlib import Path

    _spec = importlib.util.spec_from_file_location("append_only_sql", Path(__file__).parents[1] / "append_only_sql.py")
    append_only_sql = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(append_only_sql)
"""
from __future__ import annotations


def create_statements(table: str, dialect: str) -> list[str]:
    """The statements that make `table` append-only on `dialect` ("postgresql" or "sqlite")."""
    if dialect == "postgresql":
        return [
            f"""
            CREATE FUNCTION {table}_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{table} is append-only';
            END $$;
        """,
            f"""
            CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_refuse_change();
        """,
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate()",
        ]
    return [f"""
                CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
                BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
            """ for verb in ("UPDATE", "DELETE")]


def drop_statements(table: str, dialect: str) -> list[str]:
    """The statements that undo create_statements (the table itself stays)."""
    if dialect == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"DROP FUNCTION IF EXISTS {table}_refuse_change()",
        ]
    return [f"DROP TRIGGER IF EXISTS {table}_no_update", f"DROP TRIGGER IF EXISTS {table}_no_delete"]


def make_append_only(op, table: str) -> None:
    """In a revision's upgrade(): `make_append_only(op, "table")`."""
    for statement in create_statements(table, op.get_bind().dialect.name):
        op.execute(statement)


def drop_append_only(op, table: str) -> None:
    """In a revision's downgrade(), before the table is dropped."""
    for statement in drop_statements(table, op.get_bind().dialect.name):
        op.execute(statement)

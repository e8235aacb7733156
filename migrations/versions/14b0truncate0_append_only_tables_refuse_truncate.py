"""Append-only tables refuse TRUNCATE too (issue 14, item 4)

On PostgreSQL the row triggers refuse UPDATE and DELETE on every append-only table, but
TRUNCATE fires no row trigger: `TRUNCATE audit_entry` emptied the audit log. A statement-level
BEFORE TRUNCATE trigger on each of them refuses it. The tables are found from their row
triggers (`<table>_append_only`), so none is missed; tests/integration/test_append_only.py
checks that every table with the one has the other. SQLite has no TRUNCATE (its
`DELETE FROM` fires the row triggers already), so nothing is done there.

Revision ID: 14b0truncate0
Revises: 14a0sessions0
"""
from alembic import op
import sqlalchemy as sa


revision = '14b0truncate0'
down_revision = '14a0sessions0'
branch_labels = None
depends_on = None


def _append_only_tables():
    rows = op.get_bind().execute(sa.text(
        "SELECT DISTINCT event_object_table FROM information_schema.triggers "
        "WHERE trigger_name LIKE '%\\_append\\_only' ESCAPE '\\' AND event_object_schema = current_schema()"))
    return sorted(r[0] for r in rows)


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE FUNCTION refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only: TRUNCATE is refused', TG_TABLE_NAME;
        END $$;
    """)
    for table in _append_only_tables():
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate()")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _append_only_tables():
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    op.execute("DROP FUNCTION IF EXISTS refuse_truncate()")

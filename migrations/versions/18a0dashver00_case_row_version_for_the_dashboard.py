"""A version number on each case for the dashboard's ETag, and the dashboard's sort index (issue 18)

`case_file.row_version` goes up whenever the case's row changes, or a row the dashboard
shows from changes: a hearing, the order, its service, a notification under it, a breach,
a bundle tick, a document, the court submission. Triggers keep it, on SQLite and on
PostgreSQL, so nothing can change a dashboard row without it moving: ORM flushes, bulk
`UPDATE`s (`change_once`) and SQL typed by hand alike. The dashboard's poll compares the
versions of the page's cases (one query) and answers 304 Not Modified when none moved
(services/dashboard.py).

`ix_case_file_live_order` is the dashboard's order (urgency_rank, urgency_at, created_at
descending, id) over the live cases alone (`WHERE state NOT IN ('closed')`): a page is read
from the index in order and stops after its rows, instead of sorting every live case, and
closed cases are never read however many there are.

A later migration that recreates `case_file` (SQLite's batch mode) must create the
`case_file_row_version` trigger again.

Revision ID: 18a0dashver00
Revises: 16d0welfare00
"""
from alembic import op
import sqlalchemy as sa


revision = '18a0dashver00'
down_revision = '16d0welfare00'
branch_labels = None
depends_on = None

# The tables whose rows change what a case's dashboard row shows (its clocks and bundle);
# the perpetrator's and the officer's names are read by the page's own query.
CHILD_TABLES = ('hearing', 'protection_order', 'order_service', 'breach', 'bundle_tick', 'document',
                'court_submission')
# Append-only (its updates and deletes are refused): only inserts change anything.
INSERT_ONLY_TABLES = ('order_notification',)


def upgrade():
    op.add_column('case_file', sa.Column('row_version', sa.Integer(), server_default='0', nullable=False))
    live = sa.text("state NOT IN ('closed')")
    op.create_index('ix_case_file_live_order', 'case_file', ['urgency_rank', 'urgency_at', sa.text('created_at DESC'), 'id'],
                    unique=False, sqlite_where=live, postgresql_where=live)
    if op.get_bind().dialect.name == 'postgresql':
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _postgresql_triggers():
    op.execute("""
        CREATE FUNCTION case_row_version_own() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.row_version = OLD.row_version THEN
                NEW.row_version := OLD.row_version + 1;
            END IF;
            RETURN NEW;
        END $$;
    """)
    op.execute("""
        CREATE FUNCTION case_row_version_child() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                UPDATE case_file SET row_version = row_version + 1 WHERE id = OLD.case_id;
            END IF;
            IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.case_id IS DISTINCT FROM OLD.case_id) THEN
                UPDATE case_file SET row_version = row_version + 1 WHERE id = NEW.case_id;
            END IF;
            RETURN NULL;
        END $$;
    """)
    op.execute("CREATE TRIGGER case_file_row_version BEFORE UPDATE ON case_file "
               "FOR EACH ROW EXECUTE FUNCTION case_row_version_own()")
    for table in CHILD_TABLES:
        op.execute(f"CREATE TRIGGER {table}_case_row_version AFTER INSERT OR UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION case_row_version_child()")
    for table in INSERT_ONLY_TABLES:
        op.execute(f"CREATE TRIGGER {table}_case_row_version AFTER INSERT ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION case_row_version_child()")


def _sqlite_triggers():
    # The WHEN keeps an explicit change of row_version (a child's trigger) from counting twice.
    op.execute("CREATE TRIGGER case_file_row_version AFTER UPDATE ON case_file FOR EACH ROW "
               "WHEN NEW.row_version = OLD.row_version BEGIN "
               "UPDATE case_file SET row_version = OLD.row_version + 1 WHERE id = NEW.id; END")
    bump = "UPDATE case_file SET row_version = row_version + 1 WHERE id"
    for table in CHILD_TABLES + INSERT_ONLY_TABLES:
        op.execute(f"CREATE TRIGGER {table}_case_row_version_insert AFTER INSERT ON {table} FOR EACH ROW "
                   f"BEGIN {bump} = NEW.case_id; END")
    for table in CHILD_TABLES:
        op.execute(f"CREATE TRIGGER {table}_case_row_version_update AFTER UPDATE ON {table} FOR EACH ROW "
                   f"BEGIN {bump} IN (OLD.case_id, NEW.case_id); END")
        op.execute(f"CREATE TRIGGER {table}_case_row_version_delete AFTER DELETE ON {table} FOR EACH ROW "
                   f"BEGIN {bump} = OLD.case_id; END")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for table in CHILD_TABLES + INSERT_ONLY_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_case_row_version ON {table}")
        op.execute("DROP TRIGGER IF EXISTS case_file_row_version ON case_file")
        op.execute("DROP FUNCTION IF EXISTS case_row_version_child()")
        op.execute("DROP FUNCTION IF EXISTS case_row_version_own()")
    else:
        for table in CHILD_TABLES + INSERT_ONLY_TABLES:
            for event in ('insert', 'update', 'delete'):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_case_row_version_{event}")
        op.execute("DROP TRIGGER IF EXISTS case_file_row_version")
    op.drop_index('ix_case_file_live_order', table_name='case_file')
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_column('row_version')

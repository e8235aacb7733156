"""The cadence of reminder texts for long and open-ended orders; whether DAPOs enter the trial (issue 13)

Revision ID: 13e0cadence00
Revises: 13a0openended
"""
from alembic import op
import sqlalchemy as sa


revision = '13e0cadence00'
down_revision = '13a0openended'
branch_labels = None
depends_on = None

TABLE = "text_cadence_version"


def upgrade():
    op.create_table(TABLE,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cadence', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_text_cadence_version_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_text_cadence_version'))
    )
    _make_append_only(TABLE)
    # A plain ADD COLUMN (not batch mode): on SQLite batch mode rebuilds the table and would
    # drop trial_switch's append-only triggers.
    op.add_column('trial_switch', sa.Column(
        'dapo_texts', sa.Enum('outside_trial', 'trial', 'none', name='dapotexts', native_enum=False, create_constraint=False,
                              length=32),
        server_default='outside_trial', nullable=False))


def downgrade():
    with op.batch_alter_table('trial_switch', schema=None) as batch_op:
        batch_op.drop_column('dapo_texts')
    _recreate_sqlite_append_only('trial_switch')
    _drop_append_only(TABLE)
    op.drop_table(TABLE)


# The same triggers as revision 6db0f406b898 makes for the other append-only tables.
def _make_append_only(table):
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION {table}_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{table} is append-only';
            END $$;
        """)
        op.execute(f"""
            CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_refuse_change();
        """)
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
                BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
            """)


def _recreate_sqlite_append_only(table):
    # batch mode rebuilt the table on SQLite, which drops its triggers: make them again.
    if op.get_bind().dialect.name != "postgresql":
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
        _make_append_only(table)


def _drop_append_only(table):
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_refuse_change()")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")

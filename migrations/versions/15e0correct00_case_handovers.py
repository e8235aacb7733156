"""Handovers of a case from one officer in the case to another (issue 15, section 2)

One row per handover, with the note the new officer reads on the case. Append-only, like
the other records of who did what: the database refuses UPDATE and DELETE (row triggers on
SQLite and PostgreSQL) and, on PostgreSQL, TRUNCATE (the statement trigger of 14b0truncate0).

Corrections of a case's details (names, dates of birth, the address, the area, the people,
the time of service) change the case's own rows and are recorded in the audit log with the
values before and after: they need no table of their own.

Revision ID: 15e0correct00
Revises: 15d0email0000
"""
from alembic import op
import sqlalchemy as sa


revision = '15e0correct00'
down_revision = "14c0unknown00"
branch_labels = None
depends_on = None

TABLE = "case_handover"


def upgrade():
    op.create_table(TABLE,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('from_officer_id', sa.Integer(), nullable=False),
    sa.Column('to_officer_id', sa.Integer(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('leaver', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_case_handover_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['from_officer_id'], ['user_account.id'], name=op.f('fk_case_handover_from_officer_id_user_account')),
    sa.ForeignKeyConstraint(['to_officer_id'], ['user_account.id'], name=op.f('fk_case_handover_to_officer_id_user_account')),
    sa.ForeignKeyConstraint(['by_id'], ['user_account.id'], name=op.f('fk_case_handover_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_handover'))
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_handover_case_id'), ['case_id'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION {TABLE}_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{TABLE} is append-only';
            END $$;
        """)
        op.execute(f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
                   f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse_change()")
        op.execute(f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate()")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER {TABLE}_no_{verb.lower()} BEFORE {verb} ON {TABLE}
                BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END;
            """)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}")
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
        op.execute(f"DROP FUNCTION IF EXISTS {TABLE}_refuse_change()")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_update")
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_delete")
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_handover_case_id'))
    op.drop_table(TABLE)

"""Handovers of a case from one officer in the case to another (issue 15, section 2)

One row per handover, with the note the new officer reads on the case. Append-only, like
the other records of who did what: the database refuses UPDATE and DELETE (row triggers on
SQLite and PostgreSQL) and, on PostgreSQL, TRUNCATE (the statement trigger of 14b0truncate0).

Corrections of a case's details (names, dates of birth, the address, the area, the people,
the time of service) change the case's own rows and are recorded in the audit log with the
values before and after: they need no table of their own.

Revision ID: 15e0correct00
Revises: 14c0unknown00
"""
import importlib.util
from pathlib import Path

from alembic import op
import sqlalchemy as sa

# The append-only triggers' SQL, shared with the later revisions (migrations/append_only_sql.py,
# loaded by path as Alembic loads this file: see that module's docstring).
_spec = importlib.util.spec_from_file_location("append_only_sql", Path(__file__).parents[1] / "append_only_sql.py")
append_only_sql = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(append_only_sql)


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

    append_only_sql.make_append_only(op, TABLE)


def downgrade():
    append_only_sql.drop_append_only(op, TABLE)
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_handover_case_id'))
    op.drop_table(TABLE)

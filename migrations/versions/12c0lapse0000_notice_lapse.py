"""A notice that lapses: when a hearing began, and the officer's decision that the notice lapsed (issue 12)

Revision ID: 12c0lapse0000
Revises: 12b0records00
Create Date: 2026-11-24 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '12c0lapse0000'
down_revision = '12b0records00'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_lapsed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('notice_lapse_reason', sa.Text(), nullable=True))
    with op.batch_alter_table('hearing', schema=None) as batch_op:
        batch_op.add_column(sa.Column('began_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('hearing', schema=None) as batch_op:
        batch_op.drop_column('began_at')
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_column('notice_lapse_reason')
        batch_op.drop_column('notice_lapsed_at')

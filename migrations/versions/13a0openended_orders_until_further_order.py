"""A DAPO until further order: no number of days and no end; the court's review dates (issue 13)

Revision ID: 13a0openended
Revises: 12d0support00
"""
from alembic import op
import sqlalchemy as sa


revision = '13a0openended'
down_revision = '12d0support00'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('protection_order', schema=None) as batch_op:
        batch_op.alter_column('days', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('ends_at', existing_type=sa.DateTime(timezone=True), nullable=True)
        batch_op.add_column(sa.Column('review_dates', sa.JSON(), nullable=True))
    op.execute("UPDATE protection_order SET review_dates = '[]'")
    with op.batch_alter_table('protection_order', schema=None) as batch_op:
        batch_op.alter_column('review_dates', existing_type=sa.JSON(), nullable=False)


def downgrade():
    with op.batch_alter_table('protection_order', schema=None) as batch_op:
        batch_op.drop_column('review_dates')
        batch_op.alter_column('ends_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.alter_column('days', existing_type=sa.Integer(), nullable=False)

"""What the police ask a DAPO to include beyond the notice: requirements to do something, monitoring (issue 13)

Revision ID: 13g0sought000
Revises: 13d0elsewher0
"""
from alembic import op
import sqlalchemy as sa


revision = '13g0sought000'
down_revision = '13d0elsewher0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('order_sought',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('positive', sa.JSON(), nullable=False),
    sa.Column('monitoring', sa.JSON(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_order_sought_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_order_sought_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_sought')),
    sa.UniqueConstraint('case_id', name=op.f('uq_order_sought_case_id'))
    )


def downgrade():
    op.drop_table('order_sought')

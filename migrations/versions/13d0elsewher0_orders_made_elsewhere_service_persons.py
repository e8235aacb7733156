"""Orders made elsewhere (DAA 2021 s.28, s.31): the case's origin and route, P's phone facts;
a DAPN's service person and the commanding officer told (s.25(5)-(6)) (issue 13)

Revision ID: 13d0elsewher0
Revises: 13b0require00
"""
from alembic import op
import sqlalchemy as sa


revision = '13d0elsewher0'
down_revision = '13b0require00'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.Enum('police_notice', 'made_elsewhere', name='caseorigin', native_enum=False, length=16), server_default='police_notice', nullable=False))
        batch_op.add_column(sa.Column('order_route', sa.Enum('victim', 'police', 'third_party', 'with_leave', 'family_proceedings', 'conviction', 'acquittal', 'appeal_allowed', 'civil_proceedings', name='orderroute', native_enum=False, length=24), nullable=True))
        batch_op.add_column(sa.Column('order_route_details', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('origin_phone', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('p_service_person', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('p_in_service_accommodation', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('commanding_officer_informed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('commanding_officer_informed_how', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_column('commanding_officer_informed_how')
        batch_op.drop_column('commanding_officer_informed_at')
        batch_op.drop_column('p_in_service_accommodation')
        batch_op.drop_column('p_service_person')
        batch_op.drop_column('origin_phone')
        batch_op.drop_column('order_route_details')
        batch_op.drop_column('order_route')
        batch_op.drop_column('origin')

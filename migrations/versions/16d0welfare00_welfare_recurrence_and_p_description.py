"""Welfare visits: the recurrence per order, and P's description (issue 16)

`protection_order.welfare_recurrence_days`: how many days after a welfare visit the order's
geofence re-arms, set by a supervisor on the tasking view with a reason (who, when, why);
NULL: the force's `WELFARE_VISIT_SNOOZE_DAYS`. `person.description`: P's physical
description (height, build, hair, marks, clothing, vehicle), for the visit page of an
officer alerted to the order.

Revision ID: 16d0welfare00
Revises: 16c0alerts000
"""
from alembic import op
import sqlalchemy as sa


revision = '16d0welfare00'
down_revision = '16c0alerts000'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('protection_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('welfare_recurrence_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('welfare_recurrence_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('welfare_recurrence_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('welfare_recurrence_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_protection_order_welfare_recurrence_by_id_user_account'),
                                    'user_account', ['welfare_recurrence_by_id'], ['id'])
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('description')
    with op.batch_alter_table('protection_order', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_protection_order_welfare_recurrence_by_id_user_account'),
                                 type_='foreignkey')
        batch_op.drop_column('welfare_recurrence_at')
        batch_op.drop_column('welfare_recurrence_by_id')
        batch_op.drop_column('welfare_recurrence_reason')
        batch_op.drop_column('welfare_recurrence_days')

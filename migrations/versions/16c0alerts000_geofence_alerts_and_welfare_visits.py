"""Geofence alerts and welfare visits (issue 16, "Alerts, visits and the audit trail")

`geofence_alert`: an officer's work device reported a position inside a live geofence; at
most one open alert per geofence and officer (a partial unique index, `closed_at IS NULL`,
on both databases). `welfare_visit`: an officer's visit at the order's address, checked in
and checked out with the report. `welfare_visit_event`: each check-in and check-out,
append-only (row triggers refuse UPDATE and DELETE; on PostgreSQL a statement trigger
refuses TRUNCATE, as 14b0truncate0 does for the others). `push_subscription`: a work
device's browser subscribed to Web Push; the alert records when its pushes were sent.

Revision ID: 16c0alerts000
Revises: 16b0geofence0
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


revision = '16c0alerts000'
down_revision = '16b0geofence0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('geofence_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('geofence_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_reason', sa.String(length=24), nullable=True),
    sa.Column('pushed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('stood_down_pushed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['geofence_id'], ['geofence.id'], name=op.f('fk_geofence_alert_geofence_id_geofence'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_geofence_alert_case_id_case_file'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['officer_id'], ['user_account.id'], name=op.f('fk_geofence_alert_officer_id_user_account')),
    sa.ForeignKeyConstraint(['device_id'], ['work_device.id'], name=op.f('fk_geofence_alert_device_id_work_device')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_geofence_alert'))
    )
    with op.batch_alter_table('geofence_alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_geofence_alert_geofence_id'), ['geofence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_geofence_alert_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_geofence_alert_officer_closed', ['officer_id', 'closed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_geofence_alert_pushed_at'), ['pushed_at'], unique=False)
        batch_op.create_index('uq_geofence_alert_open', ['geofence_id', 'officer_id'], unique=True,
                              sqlite_where=sa.text('closed_at IS NULL'),
                              postgresql_where=sa.text('closed_at IS NULL'))

    op.create_table('push_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('endpoint', sa.Text(), nullable=False),
    sa.Column('p256dh', sa.String(length=128), nullable=False),
    sa.Column('auth', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('gone_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['device_id'], ['work_device.id'], name=op.f('fk_push_subscription_device_id_work_device')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_subscription')),
    sa.UniqueConstraint('endpoint', name=op.f('uq_push_subscription_endpoint'))
    )
    with op.batch_alter_table('push_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_subscription_device_id'), ['device_id'], unique=False)

    op.create_table('welfare_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('geofence_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=True),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('check_in_latitude', sa.Float(), nullable=True),
    sa.Column('check_in_longitude', sa.Float(), nullable=True),
    sa.Column('check_in_source', sa.String(length=16), nullable=True),
    sa.Column('checked_out_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('victim_spoken_to', sa.Boolean(), nullable=True),
    sa.Column('wellbeing', sa.Text(), nullable=True),
    sa.Column('p_present', sa.Boolean(), nullable=True),
    sa.Column('concerns', sa.Text(), nullable=True),
    sa.Column('follow_up', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['geofence_id'], ['geofence.id'], name=op.f('fk_welfare_visit_geofence_id_geofence'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_welfare_visit_case_id_case_file'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_id'], ['protection_order.id'],
                            name=op.f('fk_welfare_visit_order_id_protection_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['alert_id'], ['geofence_alert.id'], name=op.f('fk_welfare_visit_alert_id_geofence_alert')),
    sa.ForeignKeyConstraint(['officer_id'], ['user_account.id'], name=op.f('fk_welfare_visit_officer_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_welfare_visit'))
    )
    with op.batch_alter_table('welfare_visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_welfare_visit_geofence_id'), ['geofence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_welfare_visit_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_welfare_visit_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_welfare_visit_alert_id'), ['alert_id'], unique=False)

    op.create_table('welfare_visit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('report', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['visit_id'], ['welfare_visit.id'], name=op.f('fk_welfare_visit_event_visit_id_welfare_visit')),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_welfare_visit_event_case_id_case_file')),
    sa.ForeignKeyConstraint(['officer_id'], ['user_account.id'],
                            name=op.f('fk_welfare_visit_event_officer_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_welfare_visit_event'))
    )
    with op.batch_alter_table('welfare_visit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_welfare_visit_event_visit_id'), ['visit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_welfare_visit_event_case_id'), ['case_id'], unique=False)
    # Check-ins and check-outs are evidence: the database refuses UPDATE, DELETE and (PostgreSQL)
    # TRUNCATE, as for the other append-only tables.
    append_only_sql.make_append_only(op, 'welfare_visit_event')


def downgrade():
    append_only_sql.drop_append_only(op, 'welfare_visit_event')
    op.drop_table('welfare_visit_event')
    op.drop_table('welfare_visit')
    op.drop_table('push_subscription')
    op.drop_table('geofence_alert')

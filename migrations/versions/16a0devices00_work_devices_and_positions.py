"""Officers' work devices and the positions they report (issue 16, "Work devices and where they are")

`work_device`: a device registered to an officer, with the SHA-256 of its identifier (the
identifier itself, the device's credential, is never stored) and when and by whom it was
registered and revoked. `device_position`: each position a registered device reported,
kept for LOCATION_RETENTION_HOURS and deleted in batches by the scheduler. Neither is
append-only: a device is revoked by changing its row, and positions are deleted when their
retention ends.

Revision ID: 16a0devices00
Revises: 15f0linked000
"""
from alembic import op
import sqlalchemy as sa


revision = '16a0devices00'
down_revision = '15f0linked000'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('work_device',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('identifier_hash', sa.String(length=64), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_work_device_user_id_user_account')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['user_account.id'],
                            name=op.f('fk_work_device_registered_by_id_user_account')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['user_account.id'], name=op.f('fk_work_device_revoked_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_device')),
    sa.UniqueConstraint('identifier_hash', name=op.f('uq_work_device_identifier_hash'))
    )
    with op.batch_alter_table('work_device', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_device_user_id'), ['user_id'], unique=False)

    op.create_table('device_position',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('accuracy_m', sa.Float(), nullable=True),
    sa.Column('speed_mps', sa.Float(), nullable=True),
    sa.Column('heading_deg', sa.Float(), nullable=True),
    sa.Column('altitude_m', sa.Float(), nullable=True),
    sa.Column('battery_percent', sa.Float(), nullable=True),
    sa.Column('charging', sa.Boolean(), nullable=True),
    sa.Column('moving', sa.Boolean(), nullable=True),
    sa.Column('mock', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['work_device.id'], name=op.f('fk_device_position_device_id_work_device')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_device_position_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_position')),
    sa.UniqueConstraint('device_id', 'recorded_at', name='uq_device_position_device_id_recorded_at')
    )
    with op.batch_alter_table('device_position', schema=None) as batch_op:
        batch_op.create_index('ix_device_position_recorded_at', ['recorded_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_device_position_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('device_position', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_position_user_id'))
        batch_op.drop_index('ix_device_position_recorded_at')
    op.drop_table('device_position')
    with op.batch_alter_table('work_device', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_device_user_id'))
    op.drop_table('work_device')

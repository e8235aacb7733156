"""Temporary passwords an administrator resets (issue 15, section 3)

`must_change_password` sends the user to the change-password page after log-in until they
choose their own; `temporary_password_expires_at` is when the temporary password stops
logging in (TEMPORARY_PASSWORD_HOURS after the reset). Existing accounts need no change.

Revision ID: 15c0accounts0
Revises: 14b0truncate0
"""
from alembic import op
import sqlalchemy as sa


revision = '15c0accounts0'
down_revision = "14d0throttle0"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('temporary_password_expires_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('temporary_password_expires_at')
        batch_op.drop_column('must_change_password')

"""Log-in throttling replaces the account lock-out (issue 14, item 6)

Five anonymous requests locked any account for 15 minutes, even against the right password.
The lock goes (`user_account.locked_until`); guessing is throttled by client address and by
(address, e-mail typed) instead, with counters in `login_throttle` (Flask-Limiter's storage,
app/services/login_throttle.py). `failed_logins` stays, now counting failures since the last
successful log-in, with `last_failed_login_at`, for the notice shown at the next log-in.
Existing counts start again at 0.

Revision ID: 14d0throttle0
Revises: 14b0truncate0
"""
from alembic import op
import sqlalchemy as sa


revision = '14d0throttle0'
down_revision = '14b0truncate0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttle',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttle'))
    )
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttle_expires_at'), ['expires_at'], unique=False)

    op.execute("UPDATE user_account SET failed_logins = 0")
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_failed_login_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_column('locked_until')


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_column('last_failed_login_at')
    op.execute("UPDATE user_account SET failed_logins = 0")

    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttle_expires_at'))
    op.drop_table('login_throttle')

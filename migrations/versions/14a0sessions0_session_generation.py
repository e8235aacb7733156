"""Sessions end on the server: a per-user session generation (issue 14, item 5)

Each session is stamped at log-in with its user's session_generation; log-out, deactivation
and a password change add one, and a session with an older stamp is refused. Existing
accounts start at 0. Sessions made before this revision carry no stamp, so everyone logs
in again once after the upgrade.

Revision ID: 14a0sessions0
Revises: 13f0window48
"""
from alembic import op
import sqlalchemy as sa


revision = '14a0sessions0'
down_revision = '13f0window48'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_generation')

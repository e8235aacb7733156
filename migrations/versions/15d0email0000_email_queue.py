"""Emails to staff: the queue the scheduler sends from (issue 15, section 4)

One row per email and recipient, added in the transaction of the change it tells of, sent
afterwards by the scheduler with retries. Not append-only: a row's status moves from queued
to sent, failed or cancelled.

Revision ID: 15d0email0000
Revises: 14b0truncate0
Create Date: 2026-12-02 03:15:48

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '15d0email0000'
down_revision = "15a0search000"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('email_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.Enum('application_waiting', 'decision_made', 'concern_reported', 'referral_returned', name='emailkind', native_enum=False, length=40), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('path', sa.String(length=200), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=True),
    sa.Column('status', sa.Enum('queued', 'sending', 'sent', 'failed', 'cancelled', name='emailstatus', native_enum=False, length=32), nullable=False),
    sa.Column('transport', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_email_message_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_id'], ['user_account.id'], name=op.f('fk_email_message_recipient_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_message')),
    sa.UniqueConstraint('uuid', name=op.f('uq_email_message_uuid'))
    )
    with op.batch_alter_table('email_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_message_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_email_message_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index('ix_email_message_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)



def downgrade():
    with op.batch_alter_table('email_message', schema=None) as batch_op:
        batch_op.drop_index('ix_email_message_status_next_attempt_at')
        batch_op.drop_index(batch_op.f('ix_email_message_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_email_message_case_id'))

    op.drop_table('email_message')

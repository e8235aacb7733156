"""Texts: exactly once under every fault (issue 14, items 1-2)

A text handed to Vonage whose answer never came is no longer planned again when its claim
runs out: it becomes "unknown" and is settled by a delivery receipt, by Vonage's records
(Reports API), or by a person. Two new statuses, `claimed` (a dispatcher has it but has not
handed it over: safe to plan again) and `unknown`, need no DDL: `text_message.status` was
created as `sa.Enum(..., native_enum=False, length=32)`, a VARCHAR(32) with no CHECK
constraint on SQLite and PostgreSQL alike (SQLAlchemy creates none for a non-native enum
unless asked), and the longest new value is 7 characters. Rows left `sending` by the old
code were perhaps handed over, so they are left as they are: their claim runs out and they
become unknown, the safe reading.

New columns: `handed_at` (when the latest attempt was handed to the transport; Vonage's
records are searched from there), `unknown_since`, `checked_at` (the last search). New table
`outbox_record`: what the development outbox transport accepted, written before it answers.

Revision ID: 14c0unknown00
Revises: 14b0truncate0
"""
from alembic import op
import sqlalchemy as sa


revision = '14c0unknown00'
down_revision = "15d0email0000"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('text_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('unknown_since', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'outbox_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_ref', sa.String(length=100), nullable=False),
        sa.Column('provider_id', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_record')),
    )
    with op.batch_alter_table('outbox_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_record_client_ref'), ['client_ref'], unique=False)


def downgrade():
    # A text left claimed or unknown would not be understood by the old code: claimed ones
    # were never handed over (planned again); unknown ones keep the old meaning of sending.
    op.execute("UPDATE text_message SET status = 'planned' WHERE status = 'claimed'")
    op.execute("UPDATE text_message SET status = 'sending' WHERE status = 'unknown'")
    with op.batch_alter_table('outbox_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_record_client_ref'))
    op.drop_table('outbox_record')
    with op.batch_alter_table('text_message', schema=None) as batch_op:
        batch_op.drop_column('checked_at')
        batch_op.drop_column('unknown_since')
        batch_op.drop_column('handed_at')

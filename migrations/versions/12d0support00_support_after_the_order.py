"""Support after the order: closing a referral with a reason, and a planned follow-up call (issue 12)

A referral whose victim engaged stays open after the order ends (status "supporting", a
plain string: no DDL); a caseworker closes it with a reason; a follow-up call may be
planned after the order's end. Referrals the sweep closed before this revision were closed
at the order's end after contact: they get that as their reason and time.

Revision ID: 12d0support00
Revises: 12c0lapse0000
Create Date: 2026-11-30 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '12d0support00'
down_revision = '12c0lapse0000'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('referral', sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('referral', sa.Column('close_reason', sa.Text(), nullable=True))
    op.add_column('referral', sa.Column('support_follow_up_at', sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite cannot add a constraint to a table, but can add a column that references
        # another; a batch copy would have to rebuild the table's partial index.
        op.execute('ALTER TABLE referral ADD COLUMN closed_by_id INTEGER REFERENCES user_account (id)')
    else:
        op.add_column('referral', sa.Column('closed_by_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_referral_closed_by_id_user_account'), 'referral', 'user_account',
                              ['closed_by_id'], ['id'])
    op.execute("UPDATE referral SET closed_at = order_ends_at, "
               "close_reason = 'The order ended after contact was made.' "
               "WHERE status = 'closed' AND closed_at IS NULL")


def downgrade():
    op.execute("UPDATE referral SET status = 'accepted' WHERE status = 'supporting'")
    with op.batch_alter_table('referral', schema=None) as batch_op:
        if op.get_bind().dialect.name != 'sqlite':
            batch_op.drop_constraint(batch_op.f('fk_referral_closed_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('closed_by_id')
        batch_op.drop_column('support_follow_up_at')
        batch_op.drop_column('close_reason')
        batch_op.drop_column('closed_at')

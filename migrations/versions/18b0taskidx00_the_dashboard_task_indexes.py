"""Indexes for the dashboard's task queries (issue 18)

Each task group shows its first few lines, most pressing first; at national scale its
query sorted thousands of rows to return five. These indexes hold the rows of a task in
the order the task reads them, so the query stops after its lines:

* `ix_referral_marac_open`: high-risk referrals with no MARAC referral recorded, by due_at
  (the referral tasks' "High risk: refer to MARAC").
* `ix_protection_order_status_made_on`: orders by status, oldest first (made_on, case_id):
  the victim to tell of the order, the initial notification overdue, the reviews of the
  week, all over the orders in force. Not partial: SQLite's planner prefers an index it can
  search by `status = ?` (ix_protection_order_status_ends_at) to a partial one it would scan.
* `ix_geofence_ended_at_latitude`: open geofences with no place yet (`ended_at IS NULL AND
  latitude IS NULL`, both searched as equalities), oldest first (created_at, id).

The task queries test the case by a correlated EXISTS, so the planner starts from these
indexes rather than from the cases; the MARAC query says the index's predicate
(models/referral.MARAC_OPEN). No table is rebuilt: `case_file` and its row-version
trigger (18a0dashver00) are untouched.

Revision ID: 18b0taskidx00
Revises: 18a0dashver00
"""
from alembic import op
import sqlalchemy as sa


revision = '18b0taskidx00'
down_revision = '18a0dashver00'
branch_labels = None
depends_on = None


def upgrade():
    # Written as each database's SQLAlchemy compiles MARAC_OPEN (SQLite has no boolean type).
    true = 'true' if op.get_bind().dialect.name == 'postgresql' else '1'
    marac_open = sa.text(f'high_risk = {true} AND marac_done_at IS NULL')
    op.create_index('ix_referral_marac_open', 'referral', ['due_at', 'id'], unique=False,
                    sqlite_where=marac_open, postgresql_where=marac_open)
    op.create_index('ix_protection_order_status_made_on', 'protection_order', ['status', 'made_on', 'case_id'],
                    unique=False)
    op.create_index('ix_geofence_ended_at_latitude', 'geofence', ['ended_at', 'latitude', 'created_at', 'id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_geofence_ended_at_latitude', table_name='geofence')
    op.drop_index('ix_protection_order_status_made_on', table_name='protection_order')
    op.drop_index('ix_referral_marac_open', table_name='referral')

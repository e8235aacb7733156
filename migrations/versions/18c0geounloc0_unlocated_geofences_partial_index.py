"""The dashboard's unlocated geofences: a partial index PostgreSQL reads in order (issue 18)

`ix_geofence_ended_at_latitude` (migration 18b0taskidx00) holds open, unlocated geofences
as `ended_at IS NULL AND latitude IS NULL` followed by (created_at, id). SQLite reads it in
that order; PostgreSQL does not take `IS NULL` as an equality that fixes the columns after
it, so at 10,000 cases it hash-joined every unlocated geofence (2,554 in the benchmark's
seed) to the cases and people and sorted them to show six: 13 ms of the task list's 51 ms
of SQL. A partial index on (created_at, id) WHERE ended_at IS NULL AND latitude IS NULL is
read in order, and the query stops after the lines shown (0.1 ms). SQLite's planner keeps
the old index, which it searches by equality (given only the partial one, it searched
another index by `ended_at` and sorted: tests/integration/test_dashboard_task_plans.py), so
both stay; the new one is made on SQLite too, so that the models describe one schema.

Revision ID: 18c0geounloc0
Revises: 18b0taskidx00
"""
from alembic import op
import sqlalchemy as sa


revision = '18c0geounloc0'
down_revision = '18b0taskidx00'
branch_labels = None
depends_on = None

UNLOCATED = sa.text('ended_at IS NULL AND latitude IS NULL')


def upgrade():
    op.create_index('ix_geofence_unlocated', 'geofence', ['created_at', 'id'], unique=False,
                    sqlite_where=UNLOCATED, postgresql_where=UNLOCATED)


def downgrade():
    op.drop_index('ix_geofence_unlocated', table_name='geofence')

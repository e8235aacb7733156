"""Cases served under the unlawful 72-hour window are held to the statutory 48 hours (issue 12's gap)

Before issue 12 the app accepted HEARING_WINDOW_HOURS=72 with no legal basis and stored 72
on the cases it served, so their hearing deadline showed 24 hours later than the law's (CSA
2010 s.27(3) and DAA 2021 s.29(2) both say 48). No enactment has changed the window, so no
case could lawfully have 72: every such case is set to 48, and its cached urgency is
cleared so the next refresh sorts it by the earlier deadline. The old value is kept in
hearing_window_corrected_from for the record (and shown on the case page).

Revision ID: 13f0window48
Revises: 13g0sought000
"""
from alembic import op
import sqlalchemy as sa


revision = '13f0window48'
down_revision = '13g0sought000'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hearing_window_corrected_from', sa.Integer(), nullable=True))
    op.execute("UPDATE case_file SET hearing_window_corrected_from = hearing_window_hours, hearing_window_hours = 48 "
               "WHERE hearing_window_hours IS NOT NULL AND hearing_window_hours <> 48")


def downgrade():
    op.execute("UPDATE case_file SET hearing_window_hours = hearing_window_corrected_from "
               "WHERE hearing_window_corrected_from IS NOT NULL")
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_column('hearing_window_corrected_from')

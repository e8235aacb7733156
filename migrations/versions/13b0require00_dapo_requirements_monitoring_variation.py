"""A DAPO's requirements, electronic monitoring, reports on them, and who applied to vary (issue 13)

DAA 2021 ss.35-37 (requirements, supervisors, electronic monitoring) and s.44(3)-(4)
(variation and discharge). Reports of compliance and failure and their reviews are
append-only on both databases.

Revision ID: 13b0require00
Revises: 13c0notify000
"""
from alembic import op
import sqlalchemy as sa


revision = '13b0require00'
down_revision = '13c0notify000'
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def upgrade():
    with op.batch_alter_table('order_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applicant', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('victim_heard', sa.Boolean(), nullable=True))
    op.create_table('order_requirement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('kind', _enum('requirementkind', 'no_abuse', 'no_contact', 'not_near_v_home', 'not_near_premises',
                            'no_evict', 'no_enter', 'leave', 'other_prohibition', 'behaviour_programme',
                            'substance_misuse', 'other_positive'), nullable=False),
    sa.Column('wording', sa.Text(), nullable=False),
    sa.Column('distance_metres', sa.Integer(), nullable=True),
    sa.Column('premises', sa.Text(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('supervisor', sa.String(length=160), nullable=True),
    sa.Column('suitability_evidence', sa.Text(), nullable=True),
    sa.Column('added_event_id', sa.Integer(), nullable=True),
    sa.Column('removed_event_id', sa.Integer(), nullable=True),
    sa.Column('removed_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_event_id'], ['order_event.id'], name=op.f('fk_order_requirement_added_event_id_order_event')),
    sa.ForeignKeyConstraint(['order_id'], ['protection_order.id'], name=op.f('fk_order_requirement_order_id_protection_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_order_requirement_recorded_by_id_user_account')),
    sa.ForeignKeyConstraint(['removed_event_id'], ['order_event.id'], name=op.f('fk_order_requirement_removed_event_id_order_event')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_requirement'))
    )
    with op.batch_alter_table('order_requirement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_requirement_order_id'), ['order_id'], unique=False)
    op.create_table('electronic_monitoring',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=160), nullable=False),
    sa.Column('kind', _enum('monitoringkind', 'location', 'exclusion_zone', 'curfew'), nullable=False),
    sa.Column('zone_or_address', sa.Text(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('court_date', sa.Date(), nullable=False),
    sa.Column('p_present', sa.Boolean(), nullable=False),
    sa.Column('third_party', sa.String(length=160), nullable=True),
    sa.Column('third_party_consented', sa.Boolean(), nullable=True),
    sa.Column('area_notified', sa.Boolean(), nullable=False),
    sa.Column('provision_available', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['protection_order.id'], name=op.f('fk_electronic_monitoring_order_id_protection_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_electronic_monitoring_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_electronic_monitoring'))
    )
    with op.batch_alter_table('electronic_monitoring', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_electronic_monitoring_order_id'), ['order_id'], unique=False)
    op.create_table('compliance_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('requirement_id', sa.Integer(), nullable=True),
    sa.Column('monitoring_id', sa.Integer(), nullable=True),
    sa.Column('outcome', _enum('reportkind', 'complied', 'failed'), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('reported_by', sa.String(length=160), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_compliance_report_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['monitoring_id'], ['electronic_monitoring.id'], name=op.f('fk_compliance_report_monitoring_id_electronic_monitoring')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_compliance_report_recorded_by_id_user_account')),
    sa.ForeignKeyConstraint(['requirement_id'], ['order_requirement.id'], name=op.f('fk_compliance_report_requirement_id_order_requirement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compliance_report'))
    )
    with op.batch_alter_table('compliance_report', schema=None) as batch_op:
        batch_op.create_index('ix_compliance_report_case_outcome', ['case_id', 'outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_compliance_report_monitoring_id'), ['monitoring_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_compliance_report_requirement_id'), ['requirement_id'], unique=False)
    op.create_table('compliance_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['compliance_report.id'], name=op.f('fk_compliance_review_report_id_compliance_report')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user_account.id'], name=op.f('fk_compliance_review_reviewed_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compliance_review')),
    sa.UniqueConstraint('report_id', name=op.f('uq_compliance_review_report_id'))
    )
    _make_append_only('compliance_report')
    _make_append_only('compliance_review')


def downgrade():
    _drop_append_only('compliance_review')
    _drop_append_only('compliance_report')
    op.drop_table('compliance_review')
    with op.batch_alter_table('compliance_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compliance_report_requirement_id'))
        batch_op.drop_index(batch_op.f('ix_compliance_report_monitoring_id'))
        batch_op.drop_index('ix_compliance_report_case_outcome')
    op.drop_table('compliance_report')
    with op.batch_alter_table('electronic_monitoring', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_electronic_monitoring_order_id'))
    op.drop_table('electronic_monitoring')
    with op.batch_alter_table('order_requirement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_requirement_order_id'))
    op.drop_table('order_requirement')
    with op.batch_alter_table('order_event', schema=None) as batch_op:
        batch_op.drop_column('victim_heard')
        batch_op.drop_column('applicant')


# Reports and reviews are facts: the database refuses UPDATE and DELETE (as 12a0remand000).
def _make_append_only(table):
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION {table}_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{table} is append-only';
            END $$;
        """)
        op.execute(f"""
            CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_refuse_change();
        """)
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
                BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
            """)


def _drop_append_only(table):
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_refuse_change()")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")

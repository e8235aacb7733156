"""DAPO: P's notifications to the police (DAA 2021 s.41) and a breach's criminal path (s.39) (issue 13)

Both tables are evidence, append-only on both databases. A breach of a DAPO records when P
was charged or released (the charging decision), which stops PACE's 24-hour clock.

Revision ID: 13c0notify000
Revises: 13e0cadence00
"""
from alembic import op
import sqlalchemy as sa


revision = '13c0notify000'
down_revision = '13e0cadence00'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('breach', schema=None) as batch_op:
        batch_op.add_column(sa.Column('charge_decision_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('order_notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('initial', 'new_name', 'new_address', 'no_address', 'exempt', name='notificationkind',
                              native_enum=False, length=16), nullable=False),
    sa.Column('exemption', sa.Enum('other_dapo', 'soa_2003', 'spa_2019', name='exemption', native_enum=False,
                                   length=16), nullable=True),
    sa.Column('names', sa.Text(), nullable=True),
    sa.Column('home_address', sa.Text(), nullable=True),
    sa.Column('changed_on', sa.Date(), nullable=True),
    sa.Column('notified_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('method', sa.Enum('police_station', 'other', name='notificationmethod', native_enum=False, length=16),
              nullable=True),
    sa.Column('given_where', sa.Text(), nullable=True),
    sa.Column('taken_by', sa.String(length=120), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_order_notification_case_id_case_file'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_id'], ['protection_order.id'],
                            name=op.f('fk_order_notification_order_id_protection_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'],
                            name=op.f('fk_order_notification_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_notification'))
    )
    with op.batch_alter_table('order_notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_notification_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_notification_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_notification_recorded_at'), ['recorded_at'], unique=False)
    op.create_table('breach_criminal_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('breach_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Enum('custody', 'charge', 'remand', 'plea', 'verdict', 'sentence', 'contempt', name='step',
                              native_enum=False, length=16), nullable=False),
    sa.Column('once', sa.String(length=16), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('value', sa.String(length=24), nullable=True),
    sa.Column('route', sa.String(length=16), nullable=True),
    sa.Column('until_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('term', sa.Integer(), nullable=True),
    sa.Column('term_unit', sa.String(length=8), nullable=True),
    sa.Column('fine_pence', sa.Integer(), nullable=True),
    sa.Column('details', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['breach_id'], ['breach.id'], name=op.f('fk_breach_criminal_step_breach_id_breach')),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_breach_criminal_step_case_id_case_file'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'],
                            name=op.f('fk_breach_criminal_step_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_breach_criminal_step')),
    sa.UniqueConstraint('breach_id', 'once', name='uq_breach_criminal_step_breach_once')
    )
    with op.batch_alter_table('breach_criminal_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_breach_criminal_step_breach_id'), ['breach_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_breach_criminal_step_case_id'), ['case_id'], unique=False)
    _make_append_only('order_notification')
    _make_append_only('breach_criminal_step')


def downgrade():
    _drop_append_only('breach_criminal_step')
    _drop_append_only('order_notification')
    with op.batch_alter_table('breach_criminal_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_breach_criminal_step_case_id'))
        batch_op.drop_index(batch_op.f('ix_breach_criminal_step_breach_id'))
    op.drop_table('breach_criminal_step')
    with op.batch_alter_table('order_notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_notification_recorded_at'))
        batch_op.drop_index(batch_op.f('ix_order_notification_order_id'))
        batch_op.drop_index(batch_op.f('ix_order_notification_case_id'))
    op.drop_table('order_notification')
    with op.batch_alter_table('breach', schema=None) as batch_op:
        batch_op.drop_column('charge_decision_at')


# Evidence: the database refuses UPDATE and DELETE (as migrations/versions/12a0remand000).
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

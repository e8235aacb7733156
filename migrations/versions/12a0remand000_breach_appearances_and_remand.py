"""Breaches: when P was brought before the court, and the court's remands (issue 12)

A breach of a notice carries no finding or sanction; the court may remand P (DAA 2021
s.26(5)-(7), s.29(8); CSA 2010 s.26, s.30). An adjourned DVPO breach stays with the court
with P remanded. Breaches recorded "adjourned" before this revision are moved to "before
the court, awaiting the finding" so their outcome can still be recorded once.

Revision ID: 12a0remand000
Revises: 8792e61d9302
"""
from alembic import op
import sqlalchemy as sa


revision = '12a0remand000'
down_revision = '8792e61d9302'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('breach', schema=None) as batch_op:
        batch_op.add_column(sa.Column('before_court_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE breach SET before_court_at = outcome_at, outcome = NULL, outcome_by_id = NULL, outcome_at = NULL "
               "WHERE outcome = 'adjourned'")
    op.create_table('remand',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('breach_id', sa.Integer(), nullable=True),
    sa.Column('hearing_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('custody', 'bail', 'none', name='remandkind', native_enum=False, length=32), nullable=False),
    sa.Column('ordered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('until_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('bail_requirements', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['breach_id'], ['breach.id'], name=op.f('fk_remand_breach_id_breach')),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_remand_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['hearing_id'], ['hearing.id'], name=op.f('fk_remand_hearing_id_hearing')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_remand_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remand'))
    )
    with op.batch_alter_table('remand', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remand_breach_id'), ['breach_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_remand_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_remand_hearing_id'), ['hearing_id'], unique=False)
    _make_append_only('remand')


def downgrade():
    _drop_append_only('remand')
    with op.batch_alter_table('remand', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remand_hearing_id'))
        batch_op.drop_index(batch_op.f('ix_remand_case_id'))
        batch_op.drop_index(batch_op.f('ix_remand_breach_id'))
    op.drop_table('remand')
    op.execute("UPDATE breach SET outcome = 'adjourned', outcome_at = before_court_at "
               "WHERE outcome IS NULL AND before_court_at IS NOT NULL")
    with op.batch_alter_table('breach', schema=None) as batch_op:
        batch_op.drop_column('before_court_at')


# A remand the court made is a fact: the database refuses UPDATE and DELETE.
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

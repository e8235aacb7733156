"""Geofences around the victim's address while an order is in force (issue 16)

`geofence`: one per order per protected address, with its radius, when it is live (fixed
when made), its coordinates and where they came from, the geocoder's progress, and its end.
`geofence_cell`: the spatial index, the H3 cells covering each open, located geofence,
keyed by cell. `case_file` gains V's wishes about extra welfare visits (yes, no, or not
asked) with who recorded them and when.

Orders already in force get their geofence here, with the defaults (200 metres, live 72
hours after the hearing at which the order was made) and no coordinates: the geocoder, if
the force has one, or an officer gives them ("Geofence needs a location" on the dashboard).

Revision ID: 16b0geofence0
Revises: 15f0linked000
"""
from datetime import datetime, timedelta, timezone

from app.timeutil import utcnow

from alembic import op
import sqlalchemy as sa


revision = '16b0geofence0'
down_revision = "16a0devices00"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('welfare_visits_wanted', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('welfare_wishes_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('welfare_wishes_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_case_file_welfare_wishes_by_id_user_account'), 'user_account',
                                    ['welfare_wishes_by_id'], ['id'])

    op.create_table('geofence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('radius_metres', sa.Integer(), nullable=False),
    sa.Column('live_from', sa.DateTime(timezone=True), nullable=False),
    sa.Column('live_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('visits_declined', sa.Boolean(), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('location_source', sa.String(length=16), nullable=True),
    sa.Column('grid_reference', sa.String(length=32), nullable=True),
    sa.Column('located_by_id', sa.Integer(), nullable=True),
    sa.Column('located_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('geocode_after', sa.DateTime(timezone=True), nullable=True),
    sa.Column('geocode_attempts', sa.Integer(), nullable=False),
    sa.Column('geocode_outcome', sa.String(length=16), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=24), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_geofence_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_id'], ['protection_order.id'], name=op.f('fk_geofence_order_id_protection_order'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['located_by_id'], ['user_account.id'], name=op.f('fk_geofence_located_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_geofence'))
    )
    with op.batch_alter_table('geofence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_geofence_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_geofence_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_geofence_ended_at_live_from', ['ended_at', 'live_from'], unique=False)
        batch_op.create_index('ix_geofence_geocode_after', ['geocode_after'], unique=False)

    op.create_table('geofence_cell',
    sa.Column('cell', sa.String(length=16), nullable=False),
    sa.Column('geofence_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['geofence_id'], ['geofence.id'], name=op.f('fk_geofence_cell_geofence_id_geofence'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cell', 'geofence_id', name=op.f('pk_geofence_cell'))
    )
    with op.batch_alter_table('geofence_cell', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_geofence_cell_geofence_id'), ['geofence_id'], unique=False)

    _geofences_for_orders_in_force()


def _geofences_for_orders_in_force():
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT o.id, o.case_id, o.ends_at, h.starts_at, c.address_line_1, c.address_line_2, c.town, c.postcode "
        "FROM protection_order o JOIN hearing h ON h.id = o.hearing_id JOIN case_file c ON c.id = o.case_id "
        "WHERE o.status = 'in_force'"
    )).all()
    now = utcnow()
    sqlite = bind.dialect.name == 'sqlite'

    def stored(value):  # SQLite keeps instants as naive UTC (app/models/types.UTCDateTime)
        return value.astimezone(timezone.utc).replace(tzinfo=None) if sqlite and value is not None else value
    geofence = sa.table('geofence', *(sa.column(n) for n in (
        'case_id', 'order_id', 'address', 'radius_metres', 'live_from', 'live_until', 'visits_declined',
        'geocode_after', 'geocode_attempts', 'created_at')))
    for order_id, case_id, ends_at, starts_at, *lines in rows:
        starts_at, ends_at = _aware(starts_at), _aware(ends_at)
        bind.execute(geofence.insert().values(
            case_id=case_id, order_id=order_id, address=", ".join(x for x in lines if x), radius_metres=200,
            live_from=stored(starts_at + timedelta(hours=72)), live_until=stored(ends_at), visits_declined=False,
            geocode_after=stored(now), geocode_attempts=0, created_at=stored(now)))


def _aware(value):
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def downgrade():
    with op.batch_alter_table('geofence_cell', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_geofence_cell_geofence_id'))
    op.drop_table('geofence_cell')
    with op.batch_alter_table('geofence', schema=None) as batch_op:
        batch_op.drop_index('ix_geofence_geocode_after')
        batch_op.drop_index('ix_geofence_ended_at_live_from')
        batch_op.drop_index(batch_op.f('ix_geofence_order_id'))
        batch_op.drop_index(batch_op.f('ix_geofence_case_id'))
    op.drop_table('geofence')
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_case_file_welfare_wishes_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('welfare_wishes_at')
        batch_op.drop_column('welfare_wishes_by_id')
        batch_op.drop_column('welfare_visits_wanted')

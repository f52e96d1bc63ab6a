"""履职档案: activities and who took part, suggestions and their representatives, the points rules, review marks.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 05:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _record_columns() -> list[sa.Column]:
    return [
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('voided_at', sa.DateTime(), nullable=True),
        sa.Column('void_reason', sa.Text(), nullable=True),
        sa.Column('voided_by', sa.String(length=64), nullable=True),
    ]


def _indexes(table: str, columns: tuple[str, ...]) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in (*columns, 'updated_at'):
            batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=False)


def upgrade() -> None:
    op.create_table(
        'activities',
        sa.Column('station_id', sa.String(length=36), nullable=True),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('place', sa.String(length=200), nullable=False),
        sa.Column('theme', sa.String(length=300), nullable=False),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('recorded_by', sa.String(length=64), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(['station_id'], ['stations.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    _indexes('activities', ('station_id', 'kind', 'day'))
    op.create_table(
        'activity_participants',
        sa.Column('activity_id', sa.String(length=36), nullable=False),
        sa.Column('representative_id', sa.String(length=36), nullable=False),
        sa.Column('present', sa.Boolean(), nullable=False),
        sa.Column('passed', sa.Boolean(), nullable=True),
        *_record_columns(),
        sa.ForeignKeyConstraint(['activity_id'], ['activities.id']),
        sa.ForeignKeyConstraint(['representative_id'], ['representatives.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    _indexes('activity_participants', ('activity_id', 'representative_id'))
    op.create_table(
        'suggestions',
        sa.Column('station_id', sa.String(length=36), nullable=True),
        sa.Column('visit_id', sa.String(length=36), nullable=True),
        sa.Column('number', sa.String(length=50), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('scope', sa.String(length=10), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('opened_on', sa.Date(), nullable=False),
        sa.Column('unit_name', sa.String(length=100), nullable=False),
        sa.Column('routed_on', sa.Date(), nullable=True),
        sa.Column('letter_on', sa.Date(), nullable=True),
        sa.Column('answered_on', sa.Date(), nullable=True),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('rated_on', sa.Date(), nullable=True),
        sa.Column('rating', sa.String(length=10), nullable=False),
        sa.Column('recorded_by', sa.String(length=64), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(['station_id'], ['stations.id']),
        sa.ForeignKeyConstraint(['visit_id'], ['visits.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    _indexes('suggestions', ('station_id', 'visit_id', 'number', 'state', 'opened_on'))
    op.create_table(
        'suggestion_representatives',
        sa.Column('suggestion_id', sa.String(length=36), nullable=False),
        sa.Column('representative_id', sa.String(length=36), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(['suggestion_id'], ['suggestions.id']),
        sa.ForeignKeyConstraint(['representative_id'], ['representatives.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    _indexes('suggestion_representatives', ('suggestion_id', 'representative_id'))
    op.create_table(
        'points_rules',
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('items', sa.JSON(), nullable=False),
        sa.Column('deductions', sa.JSON(), nullable=False),
        sa.Column('self_weight', sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column('peer_weight', sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column('stars_per_station', sa.Integer(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        *_record_columns(),
        sa.PrimaryKeyConstraint('id'),
    )
    _indexes('points_rules', ('valid_from',))
    op.create_table(
        'review_marks',
        sa.Column('station_id', sa.String(length=36), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('representative_id', sa.String(length=36), nullable=False),
        sa.Column('self_mark', sa.Numeric(precision=4, scale=1), nullable=True),
        sa.Column('peer_mark', sa.Numeric(precision=4, scale=1), nullable=True),
        *_record_columns(),
        sa.ForeignKeyConstraint(['station_id'], ['stations.id']),
        sa.ForeignKeyConstraint(['representative_id'], ['representatives.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('station_id', 'month', 'representative_id'),
    )
    _indexes('review_marks', ('station_id', 'representative_id'))


def downgrade() -> None:
    for table in ('review_marks', 'points_rules', 'suggestion_representatives', 'suggestions',
                  'activity_participants', 'activities'):
        op.drop_table(table)

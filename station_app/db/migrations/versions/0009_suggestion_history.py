"""代表建议: the history of each suggestion's steps, each on the day typed.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'suggestion_events',
        sa.Column('suggestion_id', sa.String(length=36), nullable=False),
        sa.Column('step', sa.String(length=10), nullable=False),
        sa.Column('from_state', sa.String(length=10), nullable=False),
        sa.Column('to_state', sa.String(length=10), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('by_whom', sa.String(length=64), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('voided_at', sa.DateTime(), nullable=True),
        sa.Column('void_reason', sa.Text(), nullable=True),
        sa.Column('voided_by', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['suggestion_id'], ['suggestions.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('suggestion_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestion_events_suggestion_id'), ['suggestion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_suggestion_events_updated_at'), ['updated_at'], unique=False)


def downgrade() -> None:
    op.drop_table('suggestion_events')

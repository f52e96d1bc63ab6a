"""County sync: what each station export sent, and the versions a merge replaced.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sync_exports',
        sa.Column('exported_at', sa.DateTime(), nullable=False),
        sa.Column('station_code', sa.String(length=32), nullable=False),
        sa.Column('since', sa.DateTime(), nullable=True),
        sa.Column('up_to', sa.DateTime(), nullable=True),
        sa.Column('period_start', sa.Date(), nullable=True),
        sa.Column('period_end', sa.Date(), nullable=True),
        sa.Column('resend_of', sa.String(length=36), nullable=True),
        sa.Column('path', sa.Text(), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('made_by', sa.String(length=64), nullable=False),
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('voided_at', sa.DateTime(), nullable=True),
        sa.Column('void_reason', sa.Text(), nullable=True),
        sa.Column('voided_by', sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('sync_exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_exports_exported_at'), ['exported_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sync_exports_updated_at'), ['updated_at'], unique=False)
    op.create_table(
        'merge_history',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('merged_at', sa.DateTime(), nullable=False),
        sa.Column('table_name', sa.String(length=64), nullable=False),
        sa.Column('record_id', sa.String(length=36), nullable=False),
        sa.Column('station_code', sa.String(length=32), nullable=False),
        sa.Column('source_file', sa.Text(), nullable=False),
        sa.Column('replaced', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('merge_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_merge_history_merged_at'), ['merged_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_merge_history_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_merge_history_table_name'), ['table_name'], unique=False)


def downgrade() -> None:
    op.drop_table('merge_history')
    op.drop_table('sync_exports')

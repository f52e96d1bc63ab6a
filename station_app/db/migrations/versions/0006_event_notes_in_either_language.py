"""Referral events keep a note the program wrote as its template and values, to be shown in the reader's language.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 03:15:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('referral_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note_parts', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('referral_events', schema=None) as batch_op:
        batch_op.drop_column('note_parts')

"""Reception: a narrow search index of the visits in time order; referrals: signed and closed dates.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 03:10:40.280689
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('visit_search',
    sa.Column('visited_at', sa.DateTime(), nullable=False),
    sa.Column('visit_id', sa.String(length=36), nullable=False),
    sa.Column('voided', sa.Boolean(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], ),
    sa.PrimaryKeyConstraint('visited_at', 'visit_id'),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('visit_search', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_search_visit_id'), ['visit_id'], unique=False)
    op.execute("INSERT INTO visit_search (visited_at, visit_id, voided, text) "
               "SELECT visited_at, id, voided_at IS NOT NULL, "
               "lower(citizen_name || ' ' || phone || ' ' || address || ' ' || content) FROM visits")

    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('signed_by', sa.String(length=50), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('closed_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_column('closed_on')
        batch_op.drop_column('signed_by')
        batch_op.drop_column('signed_on')

    with op.batch_alter_table('visit_search', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_search_visit_id'))

    op.drop_table('visit_search')

"""Duty: window-unit heads per slot, and the link from a stand-in (替班) to the turn it covers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 02:40:42.980142
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('duty_assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replaces_id', sa.String(length=36), nullable=True))
        batch_op.create_foreign_key('fk_duty_assignments_replaces_id', 'duty_assignments', ['replaces_id'], ['id'])

    with op.batch_alter_table('duty_plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heads_per_slot', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('duty_plans', schema=None) as batch_op:
        batch_op.drop_column('heads_per_slot')

    with op.batch_alter_table('duty_assignments', schema=None) as batch_op:
        batch_op.drop_constraint('fk_duty_assignments_replaces_id', type_='foreignkey')
        batch_op.drop_column('replaces_id')


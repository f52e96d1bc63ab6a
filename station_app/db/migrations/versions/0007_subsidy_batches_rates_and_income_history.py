"""误工补贴: rates kept with the day they start, the fixed-income flag's history, and batches with their lines.

The batch and line tables of 0001 were never written (no program step filled them), so they are made
again with what a batch needs: who confirmed and paid it and when, the meals, and lines that keep the
name, the days, the amount computed and the amount paid with the reason of an adjustment. The rate the
settings held (``subsidy_rate``) becomes this station's first rate, valid from the start; the setting
is voided, its history stays in the audit log.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 04:00:00
"""
import datetime as dt
import uuid

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
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


def upgrade() -> None:
    op.drop_table('subsidy_lines')
    op.drop_table('subsidy_batches')
    op.create_table(
        'subsidy_rates',
        sa.Column('station_id', sa.String(length=36), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('daily_rate', sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column('half_day_half', sa.Boolean(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(['station_id'], ['stations.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'income_changes',
        sa.Column('representative_id', sa.String(length=36), nullable=False),
        sa.Column('since', sa.Date(), nullable=False),
        sa.Column('has_fixed_income', sa.Boolean(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(['representative_id'], ['representatives.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'subsidy_batches',
        sa.Column('station_id', sa.String(length=36), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('computed_at', sa.DateTime(), nullable=True),
        sa.Column('confirmed_at', sa.DateTime(), nullable=True),
        sa.Column('confirmed_by', sa.String(length=64), nullable=False),
        sa.Column('paid_on', sa.Date(), nullable=True),
        sa.Column('paid_by', sa.String(length=64), nullable=False),
        sa.Column('paid_at', sa.DateTime(), nullable=True),
        sa.Column('meals', sa.JSON(), nullable=False),
        sa.Column('events', sa.JSON(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(['station_id'], ['stations.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('station_id', 'month'),
    )
    op.create_table(
        'subsidy_lines',
        sa.Column('batch_id', sa.String(length=36), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('representative_id', sa.String(length=36), nullable=False),
        sa.Column('name', sa.String(length=50), nullable=False),
        sa.Column('delegation', sa.String(length=100), nullable=False),
        sa.Column('days', sa.Numeric(precision=6, scale=1), nullable=False),
        sa.Column('computed', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('adjust_reason', sa.Text(), nullable=False),
        sa.Column('corrects_month', sa.String(length=7), nullable=False),
        sa.Column('detail', sa.JSON(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(['batch_id'], ['subsidy_batches.id']),
        sa.ForeignKeyConstraint(['representative_id'], ['representatives.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    for table, columns in (
        ('subsidy_rates', ('station_id', 'updated_at')),
        ('income_changes', ('representative_id', 'updated_at')),
        ('subsidy_batches', ('station_id', 'updated_at')),
        ('subsidy_lines', ('batch_id', 'representative_id', 'updated_at')),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=False)

    conn = op.get_bind()
    settings = dict(conn.execute(sa.text(
        "SELECT key, value FROM settings WHERE voided_at IS NULL AND key IN ('subsidy_rate', 'local_station_id')"
    )).all())
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    station_id = settings.get('local_station_id')
    rate = (settings.get('subsidy_rate') or '').strip()
    if station_id and rate:
        conn.execute(sa.text(
            "INSERT INTO subsidy_rates (id, created_at, updated_at, station_id, valid_from, daily_rate, "
            "half_day_half, note) VALUES (:id, :now, :now, :station, :start, :rate, 0, :note)"),
            {"id": str(uuid.uuid4()), "now": now, "station": station_id, "start": dt.date(2000, 1, 1),
             "rate": rate, "note": "由设置中的补贴标准转入"})
    conn.execute(sa.text(
        "UPDATE settings SET voided_at = :now, void_reason = :reason, voided_by = 'system', updated_at = :now "
        "WHERE key = 'subsidy_rate' AND voided_at IS NULL"),
        {"now": now, "reason": "补贴标准改为按起始日期保存（subsidy_rates）"})


def downgrade() -> None:
    for table in ('subsidy_lines', 'subsidy_batches', 'income_changes', 'subsidy_rates'):
        op.drop_table(table)

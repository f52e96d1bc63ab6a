"""Initial schema: the whole domain (registry, duty, reception, referrals, subsidy, settings, audit).

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 02:25:10.804483
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('operator', sa.String(length=64), nullable=False),
    sa.Column('table_name', sa.String(length=64), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_table_name'), ['table_name'], unique=False)

    op.create_table('calendar_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('day')
    )
    with op.batch_alter_table('calendar_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_days_updated_at'), ['updated_at'], unique=False)

    op.create_table('delegations',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delegations_updated_at'), ['updated_at'], unique=False)

    op.create_table('operators',
    sa.Column('username', sa.String(length=32), nullable=False),
    sa.Column('display_name', sa.String(length=50), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    with op.batch_alter_table('operators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operators_updated_at'), ['updated_at'], unique=False)

    op.create_table('rep_groups',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('rep_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rep_groups_updated_at'), ['updated_at'], unique=False)

    op.create_table('settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settings_updated_at'), ['updated_at'], unique=False)

    op.create_table('stations',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('contact', sa.String(length=50), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('stations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stations_updated_at'), ['updated_at'], unique=False)

    op.create_table('duty_plans',
    sa.Column('station_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('day_rule', sa.String(length=20), nullable=False),
    sa.Column('weekdays', sa.JSON(), nullable=False),
    sa.Column('slots', sa.JSON(), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('pool', sa.JSON(), nullable=False),
    sa.Column('rotation', sa.String(length=10), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('duty_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duty_plans_station_id'), ['station_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_plans_updated_at'), ['updated_at'], unique=False)

    op.create_table('representatives',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('gender', sa.String(length=2), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('level', sa.String(length=4), nullable=False),
    sa.Column('delegation_id', sa.String(length=36), nullable=True),
    sa.Column('group_id', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('work_unit', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('has_fixed_income', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('term', sa.String(length=30), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('pinyin', sa.String(length=200), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.CheckConstraint("gender IN ('男','女','')", name='ck_rep_gender'),
    sa.CheckConstraint("level IN ('全国','省','市','县','乡')", name='ck_rep_level'),
    sa.ForeignKeyConstraint(['delegation_id'], ['delegations.id'], ),
    sa.ForeignKeyConstraint(['group_id'], ['rep_groups.id'], ),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('representatives', schema=None) as batch_op:
        batch_op.create_index('ix_rep_name_phone', ['name', 'phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_representatives_delegation_id'), ['delegation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_representatives_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_representatives_id_number'), ['id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_representatives_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_representatives_pinyin'), ['pinyin'], unique=False)
        batch_op.create_index(batch_op.f('ix_representatives_station_id'), ['station_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_representatives_updated_at'), ['updated_at'], unique=False)

    op.create_table('station_closures',
    sa.Column('station_id', sa.String(length=36), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('station_id', 'day')
    )
    with op.batch_alter_table('station_closures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_station_closures_station_id'), ['station_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_station_closures_updated_at'), ['updated_at'], unique=False)

    op.create_table('subsidy_batches',
    sa.Column('station_id', sa.String(length=36), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('paid_at', sa.DateTime(), nullable=True),
    sa.Column('meals', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('station_id', 'month')
    )
    with op.batch_alter_table('subsidy_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subsidy_batches_updated_at'), ['updated_at'], unique=False)

    op.create_table('visits',
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('visited_at', sa.DateTime(), nullable=False),
    sa.Column('citizen_name', sa.String(length=50), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('people_count', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('outcome_note', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index('ix_visit_station_time', ['station_id', 'visited_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_updated_at'), ['updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_visited_at'), ['visited_at'], unique=False)

    op.create_table('window_units',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('head_name', sa.String(length=50), nullable=False),
    sa.Column('head_title', sa.String(length=100), nullable=False),
    sa.Column('head_phone', sa.String(length=30), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('window_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_window_units_station_id'), ['station_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_window_units_updated_at'), ['updated_at'], unique=False)

    op.create_table('duty_slots',
    sa.Column('plan_id', sa.String(length=36), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('slot_name', sa.String(length=10), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['duty_plans.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plan_id', 'day', 'slot_name')
    )
    with op.batch_alter_table('duty_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duty_slots_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_slots_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_slots_updated_at'), ['updated_at'], unique=False)

    op.create_table('referrals',
    sa.Column('visit_id', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('number', sa.String(length=50), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('unit_name', sa.String(length=100), nullable=False),
    sa.Column('requirement', sa.Text(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('rounds', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], ),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('station_id', 'year', 'seq')
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrals_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_number'), ['number'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_updated_at'), ['updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_visit_id'), ['visit_id'], unique=False)

    op.create_table('subsidy_lines',
    sa.Column('batch_id', sa.String(length=36), nullable=False),
    sa.Column('representative_id', sa.String(length=36), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['subsidy_batches.id'], ),
    sa.ForeignKeyConstraint(['representative_id'], ['representatives.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('subsidy_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subsidy_lines_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subsidy_lines_updated_at'), ['updated_at'], unique=False)

    op.create_table('unavailability',
    sa.Column('representative_id', sa.String(length=36), nullable=True),
    sa.Column('window_unit_id', sa.String(length=36), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['representative_id'], ['representatives.id'], ),
    sa.ForeignKeyConstraint(['window_unit_id'], ['window_units.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('unavailability', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unavailability_representative_id'), ['representative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unavailability_updated_at'), ['updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_unavailability_window_unit_id'), ['window_unit_id'], unique=False)

    op.create_table('visit_representatives',
    sa.Column('visit_id', sa.String(length=36), nullable=False),
    sa.Column('representative_id', sa.String(length=36), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['representative_id'], ['representatives.id'], ),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('visit_id', 'representative_id')
    )
    with op.batch_alter_table('visit_representatives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_representatives_representative_id'), ['representative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_representatives_updated_at'), ['updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_representatives_visit_id'), ['visit_id'], unique=False)

    op.create_table('duty_assignments',
    sa.Column('slot_id', sa.String(length=36), nullable=False),
    sa.Column('representative_id', sa.String(length=36), nullable=True),
    sa.Column('window_unit_id', sa.String(length=36), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('made_by', sa.String(length=64), nullable=False),
    sa.Column('attendance', sa.String(length=10), nullable=False),
    sa.Column('attended_at', sa.DateTime(), nullable=True),
    sa.Column('substitute_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.CheckConstraint('(representative_id IS NULL) <> (window_unit_id IS NULL)', name='ck_assignment_one_person'),
    sa.ForeignKeyConstraint(['representative_id'], ['representatives.id'], ),
    sa.ForeignKeyConstraint(['slot_id'], ['duty_slots.id'], ),
    sa.ForeignKeyConstraint(['substitute_id'], ['representatives.id'], ),
    sa.ForeignKeyConstraint(['window_unit_id'], ['window_units.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('duty_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duty_assignments_representative_id'), ['representative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_assignments_slot_id'), ['slot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_assignments_updated_at'), ['updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_assignments_window_unit_id'), ['window_unit_id'], unique=False)

    op.create_table('referral_events',
    sa.Column('referral_id', sa.String(length=36), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('from_state', sa.String(length=10), nullable=False),
    sa.Column('to_state', sa.String(length=10), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('by_whom', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('referral_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_events_referral_id'), ['referral_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_events_updated_at'), ['updated_at'], unique=False)

    op.create_table('referral_feedback',
    sa.Column('referral_id', sa.String(length=36), nullable=False),
    sa.Column('handler', sa.String(length=50), nullable=False),
    sa.Column('replied_on', sa.Date(), nullable=True),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('solved', sa.Boolean(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('referral_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_feedback_referral_id'), ['referral_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_feedback_updated_at'), ['updated_at'], unique=False)

    op.create_table('referral_follow_ups',
    sa.Column('referral_id', sa.String(length=36), nullable=False),
    sa.Column('followed_on', sa.Date(), nullable=True),
    sa.Column('by_whom', sa.String(length=50), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('citizen_words', sa.Text(), nullable=False),
    sa.Column('satisfaction', sa.String(length=10), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('referral_follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_follow_ups_referral_id'), ['referral_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_follow_ups_updated_at'), ['updated_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('referral_follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_follow_ups_updated_at'))
        batch_op.drop_index(batch_op.f('ix_referral_follow_ups_referral_id'))

    op.drop_table('referral_follow_ups')
    with op.batch_alter_table('referral_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_feedback_updated_at'))
        batch_op.drop_index(batch_op.f('ix_referral_feedback_referral_id'))

    op.drop_table('referral_feedback')
    with op.batch_alter_table('referral_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_events_updated_at'))
        batch_op.drop_index(batch_op.f('ix_referral_events_referral_id'))

    op.drop_table('referral_events')
    with op.batch_alter_table('duty_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_assignments_window_unit_id'))
        batch_op.drop_index(batch_op.f('ix_duty_assignments_updated_at'))
        batch_op.drop_index(batch_op.f('ix_duty_assignments_slot_id'))
        batch_op.drop_index(batch_op.f('ix_duty_assignments_representative_id'))

    op.drop_table('duty_assignments')
    with op.batch_alter_table('visit_representatives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_representatives_visit_id'))
        batch_op.drop_index(batch_op.f('ix_visit_representatives_updated_at'))
        batch_op.drop_index(batch_op.f('ix_visit_representatives_representative_id'))

    op.drop_table('visit_representatives')
    with op.batch_alter_table('unavailability', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unavailability_window_unit_id'))
        batch_op.drop_index(batch_op.f('ix_unavailability_updated_at'))
        batch_op.drop_index(batch_op.f('ix_unavailability_representative_id'))

    op.drop_table('unavailability')
    with op.batch_alter_table('subsidy_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subsidy_lines_updated_at'))
        batch_op.drop_index(batch_op.f('ix_subsidy_lines_batch_id'))

    op.drop_table('subsidy_lines')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrals_visit_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_updated_at'))
        batch_op.drop_index(batch_op.f('ix_referrals_state'))
        batch_op.drop_index(batch_op.f('ix_referrals_number'))
        batch_op.drop_index(batch_op.f('ix_referrals_deadline'))

    op.drop_table('referrals')
    with op.batch_alter_table('duty_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_slots_updated_at'))
        batch_op.drop_index(batch_op.f('ix_duty_slots_plan_id'))
        batch_op.drop_index(batch_op.f('ix_duty_slots_day'))

    op.drop_table('duty_slots')
    with op.batch_alter_table('window_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_window_units_updated_at'))
        batch_op.drop_index(batch_op.f('ix_window_units_station_id'))

    op.drop_table('window_units')
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visits_visited_at'))
        batch_op.drop_index(batch_op.f('ix_visits_updated_at'))
        batch_op.drop_index('ix_visit_station_time')

    op.drop_table('visits')
    with op.batch_alter_table('subsidy_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subsidy_batches_updated_at'))

    op.drop_table('subsidy_batches')
    with op.batch_alter_table('station_closures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_station_closures_updated_at'))
        batch_op.drop_index(batch_op.f('ix_station_closures_station_id'))

    op.drop_table('station_closures')
    with op.batch_alter_table('representatives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_representatives_updated_at'))
        batch_op.drop_index(batch_op.f('ix_representatives_station_id'))
        batch_op.drop_index(batch_op.f('ix_representatives_pinyin'))
        batch_op.drop_index(batch_op.f('ix_representatives_name'))
        batch_op.drop_index(batch_op.f('ix_representatives_id_number'))
        batch_op.drop_index(batch_op.f('ix_representatives_group_id'))
        batch_op.drop_index(batch_op.f('ix_representatives_delegation_id'))
        batch_op.drop_index('ix_rep_name_phone')

    op.drop_table('representatives')
    with op.batch_alter_table('duty_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_plans_updated_at'))
        batch_op.drop_index(batch_op.f('ix_duty_plans_station_id'))

    op.drop_table('duty_plans')
    with op.batch_alter_table('stations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stations_updated_at'))

    op.drop_table('stations')
    with op.batch_alter_table('settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_settings_updated_at'))

    op.drop_table('settings')
    with op.batch_alter_table('rep_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rep_groups_updated_at'))

    op.drop_table('rep_groups')
    with op.batch_alter_table('operators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_operators_updated_at'))

    op.drop_table('operators')
    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delegations_updated_at'))

    op.drop_table('delegations')
    with op.batch_alter_table('calendar_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_days_updated_at'))

    op.drop_table('calendar_days')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_table_name'))
        batch_op.drop_index(batch_op.f('ix_audit_log_record_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')

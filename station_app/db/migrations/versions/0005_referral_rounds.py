"""Referral rounds: each 交办 and 重办 keeps its own unit, date, deadline and signature; feedback and
follow-ups name their round; the deadline setting names its unit (working days or months).

Before, a re-handled referral overwrote its deadline, and its feedback and follow-ups were told
apart only by their order. Now ``referral_rounds`` holds one row per round, and the feedback and
follow-up rows carry ``round``. Existing referrals get their rounds from what is known: the first
round's date, the date of each 重办 from its history line, the current deadline for the last round
(an earlier round's overwritten deadline is not known and stays empty); their feedback and
follow-ups are numbered by date.

The setting ``referral_deadline_days`` (working days, 30 by default) becomes
``referral_deadline_count`` with ``referral_deadline_unit``. A station that had changed it keeps its
number of working days; one that kept the old default takes the new one, one month.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 03:00:00
"""
import datetime as dt
import uuid

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('referral_rounds',
    sa.Column('referral_id', sa.String(length=36), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('unit_name', sa.String(length=100), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('signed_by', sa.String(length=50), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('referral_id', 'round')
    )
    with op.batch_alter_table('referral_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_rounds_referral_id'), ['referral_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_rounds_updated_at'), ['updated_at'], unique=False)
    for table in ('referral_feedback', 'referral_follow_ups'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('round', sa.Integer(), nullable=False, server_default='1'))

    conn = op.get_bind()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    referrals = conn.execute(sa.text(
        "SELECT id, unit_name, issued_on, deadline, rounds, signed_on, signed_by FROM referrals")).all()
    rehandled: dict[str, list] = {}
    for referral_id, at in conn.execute(sa.text(
            "SELECT referral_id, at FROM referral_events WHERE action = '重办' ORDER BY at, created_at")):
        rehandled.setdefault(referral_id, []).append(at)
    for referral_id, unit, issued_on, deadline, rounds, signed_on, signed_by in referrals:
        rounds = max(1, rounds or 1)
        starts = rehandled.get(referral_id, [])
        for number in range(1, rounds + 1):
            if number == 1:
                start = issued_on
            else:
                at = starts[number - 2] if len(starts) >= number - 1 else None
                start = str(at)[:10] if at is not None else None
            conn.execute(sa.text(
                "INSERT INTO referral_rounds (id, created_at, updated_at, referral_id, round, unit_name, issued_on, "
                "deadline, signed_on, signed_by) VALUES (:id, :now, :now, :referral, :round, :unit, :issued, "
                ":deadline, :signed_on, :signed_by)"),
                {"id": str(uuid.uuid4()), "now": now, "referral": referral_id, "round": number, "unit": unit or "",
                 "issued": start, "deadline": deadline if number == rounds else None,
                 "signed_on": signed_on if number == 1 else None, "signed_by": (signed_by or "") if number == 1 else ""})
        for table, day in (('referral_feedback', 'replied_on'), ('referral_follow_ups', 'followed_on')):
            ids = conn.execute(sa.text(
                f"SELECT id FROM {table} WHERE referral_id = :referral AND voided_at IS NULL "
                f"ORDER BY {day}, created_at"), {"referral": referral_id}).scalars().all()
            for number, row_id in enumerate(ids, start=1):
                conn.execute(sa.text(f"UPDATE {table} SET round = :round WHERE id = :id"),
                             {"round": min(number, rounds), "id": row_id})

    old = conn.execute(sa.text(
        "SELECT id, value FROM settings WHERE key = 'referral_deadline_days' AND voided_at IS NULL")).first()
    if old is not None:
        row_id, value = old
        if (value or "").strip() not in ("", "30"):
            for key, new_value in (("referral_deadline_count", value.strip()), ("referral_deadline_unit", "working_days")):
                conn.execute(sa.text("INSERT INTO settings (id, created_at, updated_at, key, value) "
                                     "VALUES (:id, :now, :now, :key, :value)"),
                             {"id": str(uuid.uuid4()), "now": now, "key": key, "value": new_value})
        conn.execute(sa.text("UPDATE settings SET voided_at = :now, updated_at = :now, voided_by = '升级', "
                             "void_reason = '办理期限改存为 referral_deadline_count 和 referral_deadline_unit' "
                             "WHERE id = :id"), {"now": now, "id": row_id})


def downgrade() -> None:
    for table in ('referral_follow_ups', 'referral_feedback'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('round')
    with op.batch_alter_table('referral_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_rounds_updated_at'))
        batch_op.drop_index(batch_op.f('ix_referral_rounds_referral_id'))
    op.drop_table('referral_rounds')

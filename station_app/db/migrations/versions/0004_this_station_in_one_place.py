"""This station in one place: the settings name a row of ``stations`` instead of copying its name and code.

Before, the settings held station_name, station_code, station_address and station_phone beside the
``stations`` table. Now the setting ``local_station_id`` points at this PC's row of ``stations``:
the row whose code (else whose name) the old settings gave, or a new row made from them. The four
copied settings are removed; their history stays in the audit log.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 01:30:00
"""
import datetime as dt
import uuid

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

OLD_KEYS = ("station_name", "station_code", "station_address", "station_phone")


def upgrade() -> None:
    conn = op.get_bind()
    stored = dict(conn.execute(sa.text(
        "SELECT key, value FROM settings WHERE voided_at IS NULL AND key IN "
        "('station_name', 'station_code', 'station_address', 'station_phone')")).all())
    if stored.get("station_name") or stored.get("station_code"):
        name = (stored.get("station_name") or "").strip()
        code = (stored.get("station_code") or "").strip()
        row = None
        if code:
            row = conn.execute(sa.text("SELECT id FROM stations WHERE code = :code AND voided_at IS NULL"),
                               {"code": code}).first()
        if row is None and name:
            row = conn.execute(sa.text("SELECT id FROM stations WHERE name = :name AND voided_at IS NULL"),
                               {"name": name}).first()
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        if row is not None:
            station_id = row[0]
            # The settings page edited these; the row keeps what it had where the settings were empty.
            for column in ("address", "phone"):
                value = (stored.get(f"station_{column}") or "").strip()
                if value:
                    conn.execute(sa.text(f"UPDATE stations SET {column} = :value, updated_at = :now "
                                         f"WHERE id = :id AND {column} = ''"),
                                 {"value": value, "now": now, "id": station_id})
        else:
            station_id = str(uuid.uuid4())
            conn.execute(sa.text(
                "INSERT INTO stations (id, created_at, updated_at, name, code, kind, address, contact, phone, notes) "
                "VALUES (:id, :now, :now, :name, :code, '人大代表监督站', :address, '', :phone, '')"),
                {"id": station_id, "now": now, "name": name or "未命名代表联络站", "code": code or "ZD01",
                 "address": stored.get("station_address") or "", "phone": stored.get("station_phone") or ""})
        existing = conn.execute(sa.text("SELECT id FROM settings WHERE key = 'local_station_id'")).first()
        if existing is None:
            conn.execute(sa.text(
                "INSERT INTO settings (id, created_at, updated_at, key, value) "
                "VALUES (:id, :now, :now, 'local_station_id', :value)"),
                {"id": str(uuid.uuid4()), "now": now, "value": station_id})
        else:
            conn.execute(sa.text("UPDATE settings SET value = :value, updated_at = :now, voided_at = NULL "
                                 "WHERE key = 'local_station_id'"), {"value": station_id, "now": now})
    conn.execute(sa.text("DELETE FROM settings WHERE key IN "
                         "('station_name', 'station_code', 'station_address', 'station_phone')"))


def downgrade() -> None:
    conn = op.get_bind()
    row = conn.execute(sa.text(
        "SELECT s.name, s.code, s.address, s.phone FROM settings k JOIN stations s ON s.id = k.value "
        "WHERE k.key = 'local_station_id'")).first()
    if row is not None:
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        for key, value in zip(OLD_KEYS, row):
            conn.execute(sa.text("INSERT INTO settings (id, created_at, updated_at, key, value) "
                                 "VALUES (:id, :now, :now, :key, :value)"),
                         {"id": str(uuid.uuid4()), "now": now, "key": key, "value": value or ""})
    conn.execute(sa.text("DELETE FROM settings WHERE key = 'local_station_id'"))

"""Backups: automatic copies in rotation, a manual copy, and a checked restore (services/backup.py)."""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from station_app import config
from station_app.db.models import Representative
from station_app.services import backup
from station_app.services import settings as settings_service
from station_app.services.context import OperatorRef, PermissionDenied, ServiceContext
from station_app.vocab import Role

sqlite_only = pytest.mark.sqlite_only("backups copy SQLite files")
NOW = dt.datetime(2026, 12, 2, 9, 0, 0)


def add_person(ctx: ServiceContext, name: str) -> None:
    with ctx.write() as s:
        s.add(Representative(name=name, level="县", pinyin=name))


def people(ctx: ServiceContext) -> list[str]:
    with ctx.read() as s:
        return sorted(s.scalars(select(Representative.name).where(Representative.voided_at.is_(None))))


def rows_in(path: Path, sql: str):
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


@sqlite_only
def test_an_automatic_backup_holds_what_is_still_in_the_write_ahead_log(ctx, db):
    add_person(ctx, "张三")
    live = Path(db.engine.url.database)
    with db.engine.connect() as holding:  # a reader keeps the WAL from being checkpointed into the main file
        holding.exec_driver_sql("BEGIN")
        holding.exec_driver_sql("SELECT count(*) FROM representatives").all()
        add_person(ctx, "李四")
        assert Path(f"{live}-wal").stat().st_size > 0
        copy = backup.automatic_backup(ctx, backup.START, NOW)
    # a copy of the main file alone would miss 李四, who is only in the -wal file
    assert sorted(r[0] for r in rows_in(copy, "SELECT name FROM representatives")) == ["张三", "李四"]
    assert rows_in(copy, "PRAGMA journal_mode") == [("delete",)]  # one self-contained file
    assert rows_in(copy, "PRAGMA integrity_check") == [("ok",)]
    assert copy.parent.parent == config.data_dir() / backup.BACKUP_FOLDER
    assert copy.name == f"{live.stem}-20261202-090000-start.sqlite"
    assert [b.path for b in backup.list_backups(ctx)] == [copy]


def touch_backup(folder: Path, when: dt.datetime, reason: str = "close") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"station-{when:%Y%m%d-%H%M%S}-{reason}.sqlite"
    path.write_bytes(b"x")
    return path


def test_rotation_keeps_today_the_last_of_each_recent_day_and_the_last_of_each_month(tmp_path):
    folder = tmp_path / "b"
    today = dt.date(2026, 12, 2)
    made = {}
    for days_back in range(0, 400):
        day = today - dt.timedelta(days=days_back)
        for hour, reason in ((8, "start"), (17, "close")):
            made[(day, hour)] = touch_backup(folder, dt.datetime.combine(day, dt.time(hour)), reason)
    before_restore = touch_backup(folder, dt.datetime(2026, 11, 20, 10), backup.BEFORE_RESTORE)

    removed = backup.rotate(folder, keep_days=30, keep_months=12, today=today)

    kept = {p.name for p in folder.iterdir()}
    assert made[(today, 8)].name in kept and made[(today, 17)].name in kept  # all of today
    yesterday = today - dt.timedelta(days=1)
    assert made[(yesterday, 17)].name in kept and made[(yesterday, 8)].name not in kept  # the day's last
    assert made[(today - dt.timedelta(days=29), 17)].name in kept
    assert made[(today - dt.timedelta(days=31), 17)].name not in kept  # past the 30 days, not a month's last
    assert made[(dt.date(2026, 1, 31), 17)].name in kept  # January's last: within 12 months
    assert made[(dt.date(2025, 12, 31), 17)].name not in kept  # 13 months back
    assert before_restore.name in kept
    # today's two; the last of each of the 29 days before; the last of January … October (November's and
    # December's are among the days); the copy taken before a restore
    assert len(kept) == 2 + 29 + 10 + 1
    assert len(removed) == 801 - len(kept)


@sqlite_only
def test_the_rotation_follows_the_settings(ctx):
    settings_service.save(ctx, settings_service.read(ctx).replace(backup_keep_days=2, backup_keep_months=0))
    for day in (NOW - dt.timedelta(days=n) for n in (3, 2, 1, 0)):
        backup.automatic_backup(ctx, backup.CLOSE, day)
    assert [b.taken_at.date() for b in backup.list_backups(ctx)] == [NOW.date(), NOW.date() - dt.timedelta(days=1)]


def test_the_rotation_settings_are_checked():
    errors = settings_service.validate(settings_service.StationSettings(backup_keep_days=0, backup_keep_months=-1))
    assert set(errors) >= {"backup_keep_days", "backup_keep_months"}


@sqlite_only
def test_restore_puts_the_copy_back_after_keeping_the_current_database(ctx, tmp_path):
    add_person(ctx, "张三")
    usb = tmp_path / "usb" / "备份.sqlite"
    facts = backup.backup_to(ctx, usb)
    assert facts.people == 1 and usb.exists()
    add_person(ctx, "李四")

    result = backup.restore(ctx, usb, now=NOW)

    assert people(ctx) == ["张三"]  # the same context works on, on the restored database
    assert result.restored.people == 1
    assert sorted(r[0] for r in rows_in(result.safety_copy, "SELECT name FROM representatives")) == ["张三", "李四"]
    assert result.safety_copy.name.endswith("-before-restore.sqlite")
    live = Path(ctx.db.engine.url.database)
    assert rows_in(live, "PRAGMA integrity_check") == [("ok",)]
    assert rows_in(live, "PRAGMA journal_mode") == [("wal",)]
    assert not list(live.parent.glob(".*restore*"))  # no staging copy left beside it
    add_person(ctx, "王五")  # and it takes writes again
    assert people(ctx) == ["张三", "王五"]


@sqlite_only
def test_restoring_a_first_schema_database_upgrades_it(ctx):
    old = Path(__file__).parent.parent / "resources" / "station-0001.sqlite"
    facts = backup.inspect_file(old)
    assert facts.revision == "0001"
    result = backup.restore(ctx, old)
    assert result.upgraded_copy is not None and result.upgraded_copy.exists()
    with ctx.read() as s:
        assert s.scalar(select(func.count()).select_from(Representative)) == facts.people + _voided(old)


def _voided(path: Path) -> int:
    return rows_in(path, "SELECT count(*) FROM representatives WHERE voided_at IS NOT NULL")[0][0]


def _newer(path: Path) -> Path:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.commit()
    return path


def _not_ours(path: Path) -> Path:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE things (x)")
        conn.commit()
    return path


@sqlite_only
@pytest.mark.parametrize("make, words", [
    (lambda p: p.write_bytes(os.urandom(4096)) and p, "不是数据库文件"),
    (lambda p: _not_ours(p), "不是本程序的数据库"),
    (None, "来自较新版本的程序"),
    (lambda p: p, "找不到备份文件"),
])
def test_restore_refuses_a_file_that_is_not_this_programs_and_changes_nothing(ctx, tmp_path, make, words):
    add_person(ctx, "张三")
    candidate = tmp_path / "candidate.sqlite"
    if make is None:
        backup.backup_to(ctx, candidate)
        _newer(candidate)
    else:
        make(candidate)
    with pytest.raises(backup.NotABackup, match=words):
        backup.restore(ctx, candidate)
    assert people(ctx) == ["张三"]
    assert backup.list_backups(ctx) == []  # no copy of the current database for a refused file


@sqlite_only
def test_restore_is_for_an_administrator(db, tmp_path):
    registrar = ServiceContext(db, OperatorRef("clerk", "登记员甲", Role.CLERK))
    copy = tmp_path / "b.sqlite"
    backup.backup_to(registrar, copy)  # anyone may take a copy
    with pytest.raises(PermissionDenied):
        backup.restore(registrar, copy)


def test_a_postgresql_database_is_backed_up_by_pg_dump_and_the_program_says_so(ctx, db_backend, tmp_path):
    if db_backend != "postgresql":
        assert backup.supports_backup(ctx)
        return
    assert not backup.supports_backup(ctx)
    assert backup.automatic_backup(ctx) is None and backup.list_backups(ctx) == []
    with pytest.raises(backup.BackupNotPossible, match="pg_dump"):
        backup.backup_to(ctx, tmp_path / "x.sqlite")
    with pytest.raises(backup.BackupNotPossible, match="pg_dump"):
        backup.restore(ctx, tmp_path / "x.sqlite")

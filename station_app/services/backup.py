"""备份与恢复 — copies of this PC's SQLite database, taken and put back while the program runs.

Every copy is made with SQLite's online backup API (``sqlite3.Connection.backup``), never by copying the
file: the API reads a consistent snapshot of a live database, its write-ahead log included, while other
connections go on. A copy is a single self-contained file (journal mode DELETE), so it can be carried on a
USB stick and opened anywhere.

- Automatic copies, when the window opens and when it closes, go to ``backups/<database>`` under the data
  folder and are kept in rotation: the newest of each day for ``backup_keep_days`` days, the newest of each
  month for ``backup_keep_months`` months (both in the settings), and every copy taken today.
- A manual copy goes to a file the clerk chooses.
- A restore first checks the file (a SQLite database of this program, whose schema revision this program
  knows), takes a copy of the current database, writes the file into the live database through the backup
  API and opens it again (upgrading it if it is older).

A PostgreSQL database lives on a county's server: backing it up is pg_dump's job, and the program says so.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from station_app import config
from station_app.db.session import MIGRATIONS, open_database, sqlite_path
from station_app.i18n import tr
from station_app.io.files import FileWriteError, atomic_path, fsync_directory
from station_app.services.context import LOCAL_STATION_KEY, ServiceContext
from station_app.services.errors import StationError

log = logging.getLogger(__name__)

#: the folder, under the data folder, that holds a folder of automatic copies per database
BACKUP_FOLDER = "backups"
#: the tables every database of this program has had since its first schema
PROGRAM_TABLES = frozenset({"stations", "representatives", "visits", "settings", "audit_log"})
#: what an automatic copy's name ends with: when it was taken, and why
_STAMP = re.compile(r"-(\d{8}-\d{6})(?:-([a-z-]+))?\.sqlite$")
#: why an automatic copy was taken
START, CLOSE, BEFORE_RESTORE = "start", "close", "before-restore"
#: the sizes of SQLite's file header: every SQLite 3 database starts with these 16 bytes
_SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupNotPossible(StationError):
    """The database cannot be copied by this program (a PostgreSQL server's, which pg_dump backs up)."""


class NotABackup(StationError):
    """The chosen file is not a database of this program, or is one from a newer version of it."""


@dataclass(frozen=True)
class DatabaseFacts:
    """What a database file holds, for a person deciding whether to restore it."""

    path: Path
    #: when the file was written (an automatic copy's name says it; otherwise the file's modification time)
    taken_at: dt.datetime
    revision: str
    station: str
    people: int
    visits: int
    last_visit: dt.date | None
    size: int


@dataclass(frozen=True)
class BackupFile:
    """One automatic copy in the backups folder."""

    path: Path
    taken_at: dt.datetime
    #: START, CLOSE, BEFORE_RESTORE (or "" for a name without a reason)
    reason: str
    size: int


@dataclass(frozen=True)
class RestoreResult:
    """A restore done: the copy of what was there before, and what is there now."""

    safety_copy: Path
    restored: DatabaseFacts
    #: the copy taken before the restored file was upgraded to this program's schema, if it was older
    upgraded_copy: Path | None


# --- Where the copies go -----------------------------------------------------------------------


def _live_path(ctx: ServiceContext) -> Path:
    """The SQLite file ``ctx`` works on; BackupNotPossible for a server database."""
    path = sqlite_path(ctx.db.engine)
    if ctx.db.is_server or path is None:
        raise BackupNotPossible(tr(
            "当前数据库在 PostgreSQL 服务器上，本程序不能备份或恢复它。服务器数据库请由服务器管理员用 pg_dump 定期备份"
            "（如 pg_dump -Fc 数据库名 > 备份文件），用 pg_restore 恢复。"))
    return path.resolve()


def backup_folder(ctx: ServiceContext) -> Path:
    """``backups/<database name>-<8 hex of its full path>`` under the data folder: two databases with the same
    file name in different folders never share (or rotate away) each other's copies."""
    path = _live_path(ctx)
    digest = hashlib.sha1(str(path).encode("utf-8")).hexdigest()[:8]
    return config.data_dir() / BACKUP_FOLDER / f"{path.stem}-{digest}"


def supports_backup(ctx: ServiceContext) -> bool:
    """True when this program can copy the database (a SQLite file); False for a PostgreSQL server."""
    return not ctx.db.is_server and sqlite_path(ctx.db.engine) is not None


# --- Taking a copy ---------------------------------------------------------------------------------


def _copy_database(source: Path, target: Path) -> None:
    """A consistent copy of the live SQLite file ``source`` at ``target``, through the backup API; the target is
    written beside itself, made a self-contained file (no -wal), fsynced, then renamed over ``target``."""
    with atomic_path(target) as tmp:
        with contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, \
                contextlib.closing(sqlite3.connect(tmp)) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")


def backup_to(ctx: ServiceContext, target: Path | str) -> DatabaseFacts:
    """立即备份: copy the database to ``target`` (a file the clerk chose, on a USB stick); returns what it holds.

    The previous file at ``target`` is replaced only once the copy is whole."""
    source = _live_path(ctx)
    target = Path(target)
    if target.resolve() == source:
        raise StationError(tr("不能把数据库备份到它自己：{path}", path=target))
    try:
        _copy_database(source, target)
    except sqlite3.Error as exc:
        raise StationError(tr("备份失败：{path}：{error}", path=target, error=exc)) from exc
    log.info("backed up %s to %s", source, target)
    return inspect_file(target)


def automatic_backup(ctx: ServiceContext, reason: str = START, now: dt.datetime | None = None) -> Path | None:
    """The copy taken when the window opens (``START``) or closes (``CLOSE``), then the rotation.

    Returns the copy's path; None for a server database (pg_dump's job) or a database with no file yet."""
    if not supports_backup(ctx):
        return None
    source = _live_path(ctx)
    if not source.exists():
        return None
    now = now or dt.datetime.now()
    folder = backup_folder(ctx)
    target = folder / f"{source.stem}-{now:%Y%m%d-%H%M%S}-{reason}.sqlite"
    try:
        _copy_database(source, target)
    except sqlite3.Error as exc:
        raise StationError(tr("自动备份失败：{path}：{error}", path=target, error=exc)) from exc
    from station_app.services import settings as settings_service

    kept = settings_service.read(ctx)
    rotate(folder, keep_days=kept.backup_keep_days, keep_months=kept.backup_keep_months, today=now.date())
    log.info("automatic backup (%s) of %s to %s", reason, source, target)
    return target


def list_backups(ctx: ServiceContext) -> list[BackupFile]:
    """The automatic copies of this database, newest first; [] for a server database."""
    if not supports_backup(ctx):
        return []
    return _backups_in(backup_folder(ctx))


def _backups_in(folder: Path) -> list[BackupFile]:
    found: list[BackupFile] = []
    if not folder.is_dir():
        return found
    for path in folder.glob("*.sqlite"):
        match = _STAMP.search(path.name)
        if not match:
            continue
        try:
            taken = dt.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S")
            size = path.stat().st_size
        except (ValueError, OSError):
            continue
        found.append(BackupFile(path, taken, match.group(2) or "", size))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def rotate(folder: Path, *, keep_days: int, keep_months: int, today: dt.date) -> list[Path]:
    """Remove the automatic copies the rotation no longer keeps; returns the removed paths.

    Kept: every copy taken today; the newest copy of each of the last ``keep_days`` days; the newest copy of
    each of the last ``keep_months`` months (this one included); and a copy taken before a restore for
    ``keep_days`` days, whatever else was taken that day (it holds what the restore replaced)."""
    backups = _backups_in(folder)  # newest first
    first_day = today - dt.timedelta(days=max(keep_days, 0) - 1) if keep_days > 0 else today + dt.timedelta(days=1)
    months_back = {_month_index(today) - n for n in range(max(keep_months, 0))}
    keep: set[Path] = set()
    days_seen: set[dt.date] = set()
    months_seen: set[int] = set()
    for backup in backups:
        day = backup.taken_at.date()
        if day == today:
            keep.add(backup.path)
        if backup.reason == BEFORE_RESTORE and day >= first_day:
            keep.add(backup.path)
            continue
        if day >= first_day and day not in days_seen:
            days_seen.add(day)
            keep.add(backup.path)
        month = _month_index(day)
        if month in months_back and month not in months_seen:
            months_seen.add(month)
            keep.add(backup.path)
    removed: list[Path] = []
    for backup in backups:
        if backup.path not in keep:
            try:
                backup.path.unlink()
                removed.append(backup.path)
            except OSError as exc:  # a copy that cannot be removed now is tried again next time
                log.warning("could not remove old backup %s: %s", backup.path.name, exc.strerror or exc)
    return removed


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


# --- Looking at a file ---------------------------------------------------------------------------


def known_revisions() -> list[str]:
    """Every schema revision this program's migrations know, oldest first."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    alembic = Config()
    alembic.set_main_option("script_location", str(MIGRATIONS))
    return [script.revision for script in reversed(list(ScriptDirectory.from_config(alembic).walk_revisions()))]


def inspect_file(path: Path | str) -> DatabaseFacts:
    """Check that ``path`` is a database of this program that this version can open, and say what it holds.

    NotABackup, naming the file, when it is missing, not a SQLite database, not this program's, or newer."""
    path = Path(path)
    try:
        if not path.is_file():
            raise NotABackup(tr("找不到备份文件：{path}", path=path))
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_MAGIC))
        size = path.stat().st_size
        taken = dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
    except OSError as exc:
        raise NotABackup(tr("无法读取备份文件 {path}：{error}", path=path, error=exc.strerror or exc)) from exc
    if header != _SQLITE_MAGIC:
        raise NotABackup(tr("{path} 不是数据库文件（不是 SQLite 格式），不能用来恢复。", path=path.name))
    match = _STAMP.search(path.name)
    if match:
        with contextlib.suppress(ValueError):
            taken = dt.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S")
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            return _facts(conn, path, taken, size)
    except sqlite3.DatabaseError as exc:
        raise NotABackup(tr("{path} 已损坏或不是本程序的数据库：{error}", path=path.name, error=exc)) from exc


def _facts(conn: sqlite3.Connection, path: Path, taken: dt.datetime, size: int) -> DatabaseFacts:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "alembic_version" not in tables or not PROGRAM_TABLES <= tables:
        missing = sorted(({"alembic_version"} | PROGRAM_TABLES) - tables)
        raise NotABackup(tr("{path} 不是本程序的数据库（缺少表：{tables}），不能用来恢复。",
                            path=path.name, tables="、".join(missing[:5])))
    revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    revision = revision[0] if revision else ""
    known = known_revisions()
    if revision not in known:
        raise NotABackup(tr("{path} 来自较新版本的程序（数据库版本 {revision}，本程序最高 {head}），"
                            "请先升级程序再恢复。", path=path.name, revision=revision or "?", head=known[-1]))
    people = conn.execute("SELECT count(*) FROM representatives WHERE voided_at IS NULL").fetchone()[0]
    visits = conn.execute("SELECT count(*) FROM visits WHERE voided_at IS NULL").fetchone()[0]
    last = conn.execute("SELECT max(visited_at) FROM visits WHERE voided_at IS NULL").fetchone()[0]
    return DatabaseFacts(path=path, taken_at=taken, revision=revision, station=_station_name(conn, tables),
                         people=people, visits=visits, last_visit=_day(last), size=size)


def _station_name(conn: sqlite3.Connection, tables: set[str]) -> str:
    """This database's own station: the ``stations`` row the settings name (older schemas kept the name in a setting)."""
    row = conn.execute("SELECT value FROM settings WHERE key = ? AND voided_at IS NULL", (LOCAL_STATION_KEY,)).fetchone()
    if row and row[0]:
        named = conn.execute("SELECT name FROM stations WHERE id = ?", (row[0],)).fetchone()
        if named:
            return named[0]
    row = conn.execute("SELECT value FROM settings WHERE key = 'station_name' AND voided_at IS NULL").fetchone()
    return row[0] if row and row[0] else ""


def _day(value: object) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value)).date()
    except ValueError:
        return None


def current_facts(ctx: ServiceContext) -> DatabaseFacts:
    """What the database in use holds, to set beside a file before restoring it."""
    return inspect_file(_live_path(ctx))


# --- Putting a copy back ----------------------------------------------------------------------------


def restore(ctx: ServiceContext, source: Path | str, now: dt.datetime | None = None) -> RestoreResult:
    """恢复: replace the database in use with the copy at ``source``. Administrators only.

    The file is first copied beside the database (so a USB stick pulled out half-way changes nothing) and
    checked there; then the current database is copied to the backups folder; then the checked copy is
    written into the live file through the backup API, which SQLite does under its own lock, whole or not
    at all; then the database is opened again (an older copy is upgraded, keeping a copy from before)."""
    with ctx.write(admin_only=True):  # the role is checked before anything is touched
        pass
    live = _live_path(ctx)
    source = Path(source)
    checked = inspect_file(source)  # refuse a wrong file before copying anything
    staging = live.with_name(f".{live.name}.restore")
    try:
        try:
            _copy_database(source, staging)
        except sqlite3.Error as exc:
            raise NotABackup(tr("无法读取备份文件 {path}：{error}", path=source.name, error=exc)) from exc
        inspect_file(staging)  # what was copied is what was checked
        safety = automatic_backup(ctx, BEFORE_RESTORE, now)
        if safety is None:
            raise StationError(tr("恢复前无法备份当前数据库，未做恢复。"))
        url = ctx.db.url
        ctx.db.dispose()  # this program's own connections closed: the backup API then waits on no one of ours
        try:
            with contextlib.closing(sqlite3.connect(staging)) as src, contextlib.closing(sqlite3.connect(live)) as dst:
                dst.execute("PRAGMA journal_mode=WAL")
                src.backup(dst)
        except sqlite3.Error as exc:
            raise StationError(tr("恢复失败，当前数据库未改变（恢复前的备份在 {path}）：{error}",
                                  path=safety, error=exc)) from exc
        finally:
            ctx.db = open_database(url)
            ctx._station = None
    finally:
        staging.unlink(missing_ok=True)
    fsync_directory(live.parent)
    log.info("restored %s from %s (copy of the previous database: %s)", live, source, safety)
    return RestoreResult(safety_copy=safety, restored=checked,
                         upgraded_copy=ctx.db.backup_made)


__all__ = ["BACKUP_FOLDER", "BEFORE_RESTORE", "CLOSE", "START", "BackupFile", "BackupNotPossible", "DatabaseFacts",
           "FileWriteError", "NotABackup", "RestoreResult", "automatic_backup", "backup_folder", "backup_quietly", "backup_to",
           "current_facts", "inspect_file", "known_revisions", "list_backups", "restore", "rotate", "supports_backup"]


def backup_quietly(ctx: ServiceContext, reason: str) -> str:
    """The automatic copy when the window opens or closes, which never stops the program: "" when it was made
    (or there is nothing this program can copy), else a line saying why not, also written to the log."""
    try:
        automatic_backup(ctx, reason)
    except (StationError, OSError) as exc:
        log.warning("automatic backup (%s) failed: %s", reason, exc)
        return tr("自动备份没有完成：{error}", error=exc)
    return ""

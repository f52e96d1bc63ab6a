"""Engine, sessions and schema upgrades.

``Database.transaction()`` is the one place a user action's transaction is opened and committed:
everything inside it is written together or not at all.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from station_app.db import audit, search_index  # noqa: F401  (register the audit and search hooks on every Session)
from station_app.i18n import tr

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: The newest migration. Checking a database against it needs no Alembic import, which keeps start-up
#: fast; a test keeps it equal to Alembic's own head.
SCHEMA_HEAD = "0011"
#: how long a write waits for another program's write to end before saying the database is busy (milliseconds)
BUSY_TIMEOUT_MS = 15_000


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_MS)}")
    # WAL with full sync: a power cut leaves the file as before or after a commit, never between.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _sqlite_read_only_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_MS)}")
    cursor.close()


class DriverMissing(RuntimeError):
    """The database's driver is not installed (psycopg for PostgreSQL)."""


class DatabaseProblem(RuntimeError):
    """The database cannot be opened or used as asked; the message says why, in words for the user."""


class SchemaTooNew(DatabaseProblem):
    """The database was made by a newer version of the program than this one."""


class ReadOnlyDatabase(DatabaseProblem):
    """The database file (or its folder) is read-only: it can be read and exported from, not changed."""


class FolderMissing(DatabaseProblem):
    """The folder a new database file should go in does not exist (it is never created silently)."""


def _writable(path: Path) -> bool:
    """Whether the program may write ``path``: the system says so, and the file is not marked read-only
    (no write bit at all, which even an administrator's account respects here, as Windows does)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return os.access(path, os.W_OK) and bool(mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def sqlite_file_read_only(path: Path) -> bool:
    """True for an existing database file that may not be written, or whose folder may not be."""
    return path.exists() and (not _writable(path) or not _writable(path.parent))


def _read_only_connector(path: Path):
    """Connections that only read: ``mode=ro``; ``immutable`` where the folder is read-only too, since SQLite
    could not make its shared-memory file there (a WAL left beside the file is read through ``mode=ro``)."""
    wal = path.with_name(path.name + "-wal")
    immutable = not _writable(path.parent) and not (wal.exists() and wal.stat().st_size)
    uri = f"file:{quote(str(path.resolve()))}?" + ("immutable=1" if immutable else "mode=ro")
    return lambda: sqlite3.connect(uri, uri=True, check_same_thread=False)


def engine_url(url: str) -> URL:
    """The URL as SQLAlchemy needs it: a county's ``postgresql://`` (or ``postgres://``) is spoken through
    psycopg 3, the driver the program ships with, not SQLAlchemy's default psycopg2."""
    parsed = make_url("postgresql" + url[len("postgres"):] if url.startswith("postgres://") else url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str) -> Engine:
    """The engine for ``url``. A SQLite file that may not be written is opened to read only; the folder of a
    new file is never created here (``upgrade`` refuses a missing one)."""
    parsed = engine_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database) if parsed.database and parsed.database != ":memory:" else None
        if path is not None and sqlite_file_read_only(path):
            engine = create_engine(parsed, creator=_read_only_connector(path))
            event.listen(engine, "connect", _sqlite_read_only_pragmas)
            return engine
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.drivername == "postgresql+psycopg":
        try:
            import psycopg  # noqa: F401
        except ImportError as exc:
            raise DriverMissing(tr("未安装 PostgreSQL 驱动（psycopg），请安装：pip install \"psycopg[binary]\"")) from exc
        # a server that does not answer is reported within seconds, not after the system's long TCP timeout
        return create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    return create_engine(parsed, pool_pre_ping=True)


def alembic_config(engine: Engine):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """Alembic's own head, read from the migration scripts."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision stamped in the database, or None for a database Alembic has not touched."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def sqlite_path(engine: Engine) -> Path | None:
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database)
    return None


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite file (WAL included) through SQLite's backup API."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    with contextlib.closing(sqlite3.connect(source)) as src, contextlib.closing(sqlite3.connect(partial)) as dst:
        src.backup(dst)
    partial.replace(target)


def known_revisions() -> set[str]:
    """The revisions this program's migrations know ("0001" … ``SCHEMA_HEAD``), read from their file names."""
    return {p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py")}


def _too_new(current: str) -> SchemaTooNew:
    return SchemaTooNew(tr("它由更新版本的程序建立（数据库版本 {current}，本程序只认识到 {head}），"
                           "请安装新版本的程序后再打开", current=current, head=SCHEMA_HEAD))


def _check_new_file_place(path: Path) -> None:
    if not path.parent.is_dir():
        raise FolderMissing(tr("文件夹不存在：{folder}（不会自动建立；请检查数据库文件的路径，或先建好这个文件夹）",
                               folder=path.parent))
    if not _writable(path.parent):
        raise ReadOnlyDatabase(tr("文件夹 {folder} 是只读的，不能在其中新建数据库", folder=path.parent))


def _unfinished(engine: Engine) -> bool:
    """A SQLite file whose creation stopped half-way (by an older version of the program, which built it
    table by table): no version stamp, and only tables of ours, all empty."""
    from station_app.db.models import Base

    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        if "alembic_version" in names or not names <= set(Base.metadata.tables) | {"sqlite_sequence"}:
            return False
        return not any(conn.execute(text(f'SELECT 1 FROM "{name}" LIMIT 1')).first() for name in names)


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError):  # a folder cannot be opened to sync on Windows: the rename is enough there
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _stale_creations(path: Path) -> list[Path]:
    """Files left by a creation that was killed: ``.station.sqlite.creating-PID`` whose process is gone."""
    stale = []
    for leftover in path.parent.glob(f".{path.name}.creating-*"):
        pid = leftover.name.rsplit("-", 1)[-1].split(".", 1)[0]
        if not pid.isdigit() or not _alive(int(pid)):
            stale.append(leftover)
    return stale


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, ValueError):  # someone else's process, or no such check here (Windows)
        return True
    return True


def create_sqlite(path: Path) -> None:
    """Build a new database file at ``path`` whole, or not at all.

    The tables and the version stamp are built in a file of their own beside ``path`` and renamed into
    place once complete and on disk, so a kill, a full disk or a power cut during the first open leaves
    either no database or a complete one. What a killed creation left behind is cleared by the next.
    """
    from alembic import command

    _check_new_file_place(path)
    for leftover in _stale_creations(path):
        with contextlib.suppress(OSError):
            leftover.unlink()
    partial = path.with_name(f".{path.name}.creating-{os.getpid()}")
    for extra in (partial, partial.with_name(partial.name + "-journal")):
        with contextlib.suppress(FileNotFoundError):
            extra.unlink()
    # a rollback journal, not WAL, while it is built: when its engine closes, the file holds everything
    engine = create_engine(f"sqlite:///{partial}")
    event.listen(engine, "connect", lambda conn, _r: conn.execute("PRAGMA foreign_keys=ON"))
    try:
        command.upgrade(alembic_config(engine), "head")
        engine.dispose()
        _fsync(partial)
        if path.exists() and path.stat().st_size == 0:  # an empty file someone made: it holds nothing to keep
            partial.replace(path)
        else:
            try:
                os.link(partial, path)  # never over a database another program has just created
            except FileExistsError:
                log.info("another program created %s first; using it", path)
            except OSError:  # no hard links on this disk (FAT on a USB stick): a plain rename, if still free
                if not path.exists():
                    partial.replace(path)
            partial.unlink(missing_ok=True)
        _fsync(path.parent)
    except BaseException:
        engine.dispose()
        for extra in (partial, partial.with_name(partial.name + "-journal")):
            with contextlib.suppress(OSError):
                extra.unlink()
        raise


def upgrade(engine: Engine) -> Path | None:
    """Bring the schema to the newest revision; copy an existing SQLite file aside first.

    Returns the path of the copy, if one was made. A new SQLite file is created whole (``create_sqlite``).
    A database of a newer program is refused before anything is copied or changed. A server database
    (PostgreSQL) is not a file to copy: its upgrade runs in one transaction (PostgreSQL's DDL is
    transactional), so a failed step leaves it as it was, and the county's own backups (pg_dump) cover the rest.
    """
    path = sqlite_path(engine)
    if path is not None and (not path.exists() or path.stat().st_size == 0):
        create_sqlite(path)
        return None
    current = current_revision(engine)
    head = SCHEMA_HEAD
    if current == head:
        return None
    if current is not None and current not in known_revisions():
        raise _too_new(current)
    if path is not None and sqlite_file_read_only(path):
        raise ReadOnlyDatabase(tr("文件是只读的，不能升级到本程序的版本（{current} → {head}）；"
                                  "请先取消只读，或复制到可写的文件夹再打开", current=current or "—", head=head))
    if path is not None and current is None and _unfinished(engine):
        engine.dispose()
        log.info("%s was left half-built by an earlier first open; building it again", path)
        path.unlink()
        create_sqlite(path)
        return None
    from alembic import command  # imported only when there is something to upgrade: it is slow to import

    backup = None
    if path is not None and path.exists() and inspect(engine).get_table_names():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = path.with_name(f"{path.stem}.before-{head}-{stamp}{path.suffix}")
        copy_sqlite(path, backup)
        log.info("copied %s to %s before upgrading from %s to %s", path, backup, current, head)
    command.upgrade(alembic_config(engine), "head")
    return backup


def lock_for_writing(session: Session, what: str) -> None:
    """Hold the write lock for ``what`` until the session's transaction ends, so two programs checking the same
    rows before writing them take turns. SQLite's transactions hold its one lock already (``BEGIN IMMEDIATE``);
    on PostgreSQL it is an advisory lock named by ``what``."""
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(what.encode("utf-8")).digest()[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


class Database:
    """One database: its engine, its sessions, its transactions."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.backup_made: Path | None = None
        path = sqlite_path(self.engine)
        #: a SQLite file (or folder) that may not be written: opened to read and export from only
        self.read_only = path is not None and sqlite_file_read_only(path)

    def upgrade(self) -> Database:
        self.backup_made = upgrade(self.engine)
        return self

    def session(self) -> Session:
        """A session; nothing is committed unless the caller does. Services get theirs from the
        ``ServiceContext``, which names the operator to the audit hook."""
        return self._sessions()

    @contextlib.contextmanager
    def transaction(self, *, immediate: bool = False, **info: object) -> Iterator[Session]:
        """One user action: committed as a whole on success, rolled back whole on any error.

        ``immediate`` (what ``ServiceContext.write`` asks for) takes SQLite's write lock at once
        (``BEGIN IMMEDIATE``), waiting up to ``BUSY_TIMEOUT_MS`` for another program's write to end: what the
        action reads is then what it writes against, so two programs checking the same rows (two imports of
        one list) take turns instead of both adding them. Without it the lock is taken at the first write.
        """
        session = self.session()
        session.info.update(info)
        try:
            if immediate and self.engine.dialect.name == "sqlite":
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @property
    def display_name(self) -> str:
        path = sqlite_path(self.engine)
        return str(path) if path else self.engine.url.render_as_string(hide_password=True)

    @property
    def is_server(self) -> bool:
        """True for a database on a server (PostgreSQL), shared by several PCs; False for a SQLite file."""
        return self.engine.dialect.name != "sqlite"

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str) -> Database:
    """The database at ``url``, upgraded (or created); a database that cannot be opened leaves no connection
    (and so no ``-wal`` or ``-shm`` file) behind."""
    database = Database(url)
    try:
        return database.upgrade()
    except BaseException:
        database.dispose()
        raise


def display_url(url: str) -> str:
    """The URL to show a person or write in a log: a server's password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: show it as typed
        return url


def server_version(url: str) -> str:
    """Connect to ``url`` once and say which server answered ("PostgreSQL 15.18", "SQLite 3.40.1")."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                return f"SQLite {conn.execute(text('select sqlite_version()')).scalar()}"
            version = conn.execute(text("SHOW server_version")).scalar() or ""
            return f"PostgreSQL {version.split()[0]}" if engine.dialect.name == "postgresql" else version
    finally:
        engine.dispose()

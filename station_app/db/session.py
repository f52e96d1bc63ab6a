"""Engine, sessions and schema upgrades.

``Database.transaction()`` is the one place a user action's transaction is opened and committed:
everything inside it is written together or not at all.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

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


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL with full sync: a power cut leaves the file as before or after a commit, never between.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


class DriverMissing(RuntimeError):
    """The database's driver is not installed (psycopg for PostgreSQL)."""


def engine_url(url: str) -> URL:
    """The URL as SQLAlchemy needs it: a county's ``postgresql://`` (or ``postgres://``) is spoken through
    psycopg 3, the driver the program ships with, not SQLAlchemy's default psycopg2."""
    parsed = make_url("postgresql" + url[len("postgres"):] if url.startswith("postgres://") else url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str) -> Engine:
    parsed = engine_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
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


def upgrade(engine: Engine) -> Path | None:
    """Bring the schema to the newest revision; copy an existing SQLite file aside first.

    Returns the path of the copy, if one was made. A server database (PostgreSQL) is not a file to copy:
    its upgrade runs in one transaction (PostgreSQL's DDL is transactional), so a failed step leaves it
    as it was, and the county's own backups (pg_dump) cover the rest.
    """
    current = current_revision(engine)
    head = SCHEMA_HEAD
    if current == head:
        return None
    from alembic import command  # imported only when there is something to upgrade: it is slow to import

    backup = None
    path = sqlite_path(engine)
    if path is not None and path.exists() and inspect(engine).get_table_names():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = path.with_name(f"{path.stem}.before-{head}-{stamp}{path.suffix}")
        copy_sqlite(path, backup)
        log.info("copied %s to %s before upgrading from %s to %s", path, backup, current, head)
    command.upgrade(alembic_config(engine), "head")
    return backup


class Database:
    """One database: its engine, its sessions, its transactions."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.backup_made: Path | None = None

    def upgrade(self) -> Database:
        self.backup_made = upgrade(self.engine)
        return self

    def session(self) -> Session:
        """A session; nothing is committed unless the caller does. Services get theirs from the
        ``ServiceContext``, which names the operator to the audit hook."""
        return self._sessions()

    @contextlib.contextmanager
    def transaction(self, **info: object) -> Iterator[Session]:
        """One user action: committed as a whole on success, rolled back whole on any error."""
        session = self.session()
        session.info.update(info)
        try:
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
    return Database(url).upgrade()


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

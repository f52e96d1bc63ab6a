"""Which database the program works on: checking a server a county names, and saying why one cannot be reached.

A station works on its SQLite file; a county office may put its database on a PostgreSQL server
(``postgresql://user:password@host:5432/dbname``). The URL is this PC's own choice, kept with the
user's preferences (config.py), and read when the program starts.
"""
from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from station_app.db.session import DatabaseProblem, DriverMissing, display_url, engine_url, server_version
from station_app.i18n import tr
from station_app.services.errors import StationError, ValidationFailed

__all__ = ["DatabaseBusy", "DatabaseCannotOpen", "DatabaseReadOnly", "DatabaseUnreachable", "check_database",
           "check_url", "database_key", "display_url", "instance_name", "open_problem", "reaching", "safe_error_text",
           "write_problem"]


class DatabaseUnreachable(StationError):
    """The database could not be opened: its server did not answer, refused us, or has no such database."""

    def __init__(self, url: str, reason: str) -> None:
        self.reason = reason
        super().__init__(tr("无法连接数据库 {url}：{reason}", url=display_url(url), reason=reason))


class DatabaseCannotOpen(StationError):
    """A database file that cannot be opened: not a database, made by a newer program, a missing folder …"""

    def __init__(self, url: str, reason: str) -> None:
        self.reason = reason
        super().__init__(tr("无法打开数据库 {url}：{reason}", url=_where(url), reason=reason))


class DatabaseBusy(StationError):
    """Another program held the database's write lock for longer than the program waits."""


class DatabaseReadOnly(StationError):
    """A change asked of a database that is open to read only."""


def _where(url: str) -> str:
    """A SQLite file by its path, a server database by its URL without the password."""
    try:
        parsed = engine_url(url.strip())
    except ArgumentError:
        return display_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return parsed.database
    return display_url(url)


#: the kinds of database the program runs on
SCHEMES = ("sqlite", "postgresql")


def check_url(url: str) -> str:
    """The URL with its spaces trimmed, or ValidationFailed (field ``database``) saying what is wrong with it."""
    url = url.strip()
    try:
        parsed = engine_url(url)
    except ArgumentError:
        raise ValidationFailed({"database": tr("数据库地址格式不对：{url}（应为 postgresql://用户名:密码@服务器:5432/数据库名）",
                                               url=display_url(url))}) from None
    if parsed.get_backend_name() not in SCHEMES:
        raise ValidationFailed({"database": tr("只支持 SQLite 文件和 PostgreSQL 服务器：{url}", url=display_url(url))})
    if parsed.get_backend_name() == "postgresql" and not (parsed.host and parsed.database):
        raise ValidationFailed({"database": tr("PostgreSQL 地址应写明服务器和数据库名：{url}", url=display_url(url))})
    return url


def check_database(url: str) -> str:
    """Connect to ``url`` once and return what answered ("PostgreSQL 15.18"); StationError in Chinese if none did."""
    url = check_url(url)
    with reaching(url):
        return server_version(url)


@contextlib.contextmanager
def reaching(url: str) -> Iterator[None]:
    """Turn a failure to open the database at ``url`` into DatabaseUnreachable (a server) or DatabaseCannotOpen
    (a file), in one line a clerk can act on: never the SQL or the data of a statement."""
    try:
        yield
    except DriverMissing as exc:
        raise DatabaseUnreachable(url, str(exc)) from exc
    except DatabaseProblem as exc:
        raise DatabaseCannotOpen(url, str(exc)) from None
    except NoSuchModuleError:
        raise DatabaseCannotOpen(url, tr("只支持 SQLite 文件和 PostgreSQL 服务器")) from None
    except DBAPIError as exc:
        if isinstance(exc.orig, sqlite3.Error):
            raise DatabaseCannotOpen(url, _sqlite_problem(exc.orig)) from None
        if not exc.connection_invalidated and not isinstance(exc.orig, _connect_errors()):
            raise
        raise DatabaseUnreachable(url, open_problem(url, exc)) from exc
    except sqlite3.Error as exc:  # raised by SQLite itself while the file was being created or copied
        raise DatabaseCannotOpen(url, _sqlite_problem(exc)) from None
    except OSError as exc:
        raise DatabaseCannotOpen(url, _os_problem(exc)) from None


def _sqlite_problem(error: BaseException) -> str:
    text = str(error).lower()
    if "not a database" in text or "malformed" in text or "encrypted" in text:
        return tr("这不是本程序的数据库文件（文件已损坏，或是别的文件）")
    if "disk is full" in text or "disk full" in text:
        return tr("磁盘已满，数据库没有建立；请腾出空间后再打开")
    if "readonly" in text or "read-only" in text:
        return tr("数据库文件是只读的")
    if "locked" in text or "busy" in text:
        return tr("数据库正被另一个程序使用，请稍后再试")
    if "unable to open" in text:
        return tr("无法打开这个文件（检查路径、文件夹是否存在和访问权限）")
    return tr("SQLite 报告：{error}", error=str(error).splitlines()[0] if str(error) else type(error).__name__)


def _os_problem(error: OSError) -> str:
    import errno

    if error.errno == errno.ENOSPC:
        return tr("磁盘已满，数据库没有建立；请腾出空间后再打开")
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return tr("没有写入权限：{path}", path=error.filename or "")
    return error.strerror or type(error).__name__


def write_problem(exc: BaseException) -> StationError | None:
    """The one line to say when a write failed on the database itself (busy, read-only, disk full), or None
    for any other error. It never repeats the statement or the values being written."""
    orig = getattr(exc, "orig", None) if isinstance(exc, DBAPIError) else exc
    if not isinstance(orig, sqlite3.OperationalError | sqlite3.DatabaseError) and not _is_server_busy(orig):
        return None
    text = str(orig).lower()
    if "locked" in text or "busy" in text or _is_server_busy(orig):
        return DatabaseBusy(tr("数据库正被另一个程序使用（正在写入），等待后仍未空出；没有写入任何数据，请稍后再试"))
    if "readonly" in text or "read-only" in text:
        return DatabaseReadOnly(tr("数据库文件是只读的：只能查看和导出，不能修改"))
    if "disk is full" in text or "disk full" in text:
        return StationError(tr("磁盘已满：没有写入任何数据，请腾出空间后再试"))
    return None


def _is_server_busy(orig: object) -> bool:
    """PostgreSQL's lock_timeout (55P03: lock not available)."""
    return getattr(orig, "sqlstate", None) == "55P03"


def safe_error_text(exc: BaseException) -> str:
    """An unexpected error in one line, without the SQL statement and its values that SQLAlchemy adds."""
    orig = getattr(exc, "orig", None)
    if orig is not None:
        return f"{type(orig).__name__}: {str(orig).strip().splitlines()[0] if str(orig).strip() else ''}"
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _connect_errors() -> tuple[type[BaseException], ...]:
    try:
        import psycopg
    except ImportError:
        return ()
    return (psycopg.OperationalError,)


def open_problem(url: str, exc: BaseException) -> str:
    """What went wrong opening the database at ``url``: a server's refusal in plain words, else the error."""
    if isinstance(exc, DatabaseUnreachable | DatabaseCannotOpen):
        return exc.reason
    if not isinstance(exc, DBAPIError):
        return safe_error_text(exc)
    message = str(getattr(exc, "orig", None) or exc)
    try:
        parsed = make_url(url)
        host, port, user, name = parsed.host or "", parsed.port or 5432, parsed.username or "", parsed.database or ""
    except ArgumentError:
        host, port, user, name = "", 5432, "", ""
    lowered = message.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        reason = tr("用户名或密码不对（用户 {user}）", user=user)
    elif re.search(r'database ".*" does not exist', lowered):
        reason = tr("服务器上没有数据库 {name}，请先创建", name=name)
    elif re.search(r'role ".*" does not exist', lowered):
        reason = tr("服务器上没有用户 {user}", user=user)
    elif "connection refused" in lowered:
        reason = tr("服务器 {host}:{port} 拒绝连接（服务未启动或端口不对）", host=host, port=port)
    elif "timeout" in lowered or "timed out" in lowered:
        reason = tr("连接服务器 {host}:{port} 超时（检查网络和防火墙）", host=host, port=port)
    elif "could not translate host name" in lowered or "name or service not known" in lowered:
        reason = tr("找不到服务器 {host}", host=host)
    elif "no pg_hba.conf entry" in lowered:
        reason = tr("服务器不允许本机连接（pg_hba.conf 中没有本机的地址）")
    else:
        reason = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
    return reason


def database_key(url: str) -> str:
    """One name for one database however its URL is written: a SQLite file by its real path (absolute,
    ``.`` and ``..`` gone, symlinks followed, the case of a case-insensitive system folded), a server
    database by its address without the password (the window's one-instance lock is keyed by it)."""
    try:
        parsed = engine_url(url.strip())
    except ArgumentError:
        return url.strip()
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            return url
        real = os.path.normcase(os.path.realpath(Path(parsed.database).expanduser()))
        return f"sqlite:///{real}"
    return parsed.set(drivername="postgresql").render_as_string(hide_password=True)


def instance_name(url: str) -> str:
    """A short name for the one window open on the database at ``url``, the same for every spelling of
    its URL and every data folder (STATION_APP_HOME): the lock file's and the local server's name."""
    from station_app.config import window_lock_name

    return window_lock_name(database_key(url))

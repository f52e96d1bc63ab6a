"""Which database the program works on: checking a server a county names, and saying why one cannot be reached.

A station works on its SQLite file; a county office may put its database on a PostgreSQL server
(``postgresql://user:password@host:5432/dbname``). The URL is this PC's own choice, kept with the
user's preferences (config.py), and read when the program starts.
"""
from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from station_app.db.session import DriverMissing, display_url, engine_url, server_version
from station_app.i18n import tr
from station_app.services.errors import StationError, ValidationFailed

__all__ = ["DatabaseUnreachable", "check_database", "check_url", "database_key", "display_url", "open_problem", "reaching"]

class DatabaseUnreachable(StationError):
    """The database could not be opened: its server did not answer, refused us, or has no such database."""

    def __init__(self, url: str, reason: str) -> None:
        self.reason = reason
        super().__init__(tr("无法连接数据库 {url}：{reason}", url=display_url(url), reason=reason))


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
    """Turn a failure to reach the database at ``url`` into DatabaseUnreachable, in words a clerk can act on."""
    try:
        yield
    except DriverMissing as exc:
        raise DatabaseUnreachable(url, str(exc)) from exc
    except DBAPIError as exc:
        if not exc.connection_invalidated and not isinstance(exc.orig, _connect_errors()):
            raise
        raise DatabaseUnreachable(url, open_problem(url, exc)) from exc


def _connect_errors() -> tuple[type[BaseException], ...]:
    try:
        import psycopg
    except ImportError:
        return ()
    return (psycopg.OperationalError,)


def open_problem(url: str, exc: BaseException) -> str:
    """What went wrong opening the database at ``url``: a server's refusal in plain words, else the error."""
    if isinstance(exc, DatabaseUnreachable):
        return exc.reason
    if not isinstance(exc, DBAPIError):
        return str(exc)
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
    """One name for one database however its URL is written: a SQLite file by its full path, a server
    database by its address without the password (the window's one-instance lock is keyed by it)."""
    try:
        parsed = engine_url(url.strip())
    except ArgumentError:
        return url.strip()
    if parsed.get_backend_name() == "sqlite":
        from pathlib import Path

        return f"sqlite:///{Path(parsed.database).resolve()}" if parsed.database not in (None, "", ":memory:") else url
    return parsed.render_as_string(hide_password=True)

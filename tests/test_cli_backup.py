"""station-app backup --out FILE and station-app restore FILE [--yes]; the log stays private and without passwords."""
from __future__ import annotations

import io
import logging
import os
import stat
import sys
from logging.handlers import RotatingFileHandler

import pytest
from sqlalchemy import func, select

from station_app import config
from station_app.cli import main
from station_app.db.models import Representative
from station_app.db.session import copy_sqlite, open_database
from station_app.services.context import ServiceContext
from tests.conftest import TESTER


@pytest.fixture
def url(sqlite_template, tmp_path) -> str:
    copy_sqlite(sqlite_template, tmp_path / "cli.sqlite")  # migrated once per run: each test starts at once
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


def add_person(url: str, name: str) -> None:
    database = open_database(url)
    with ServiceContext(database, TESTER).write() as s:
        s.add(Representative(name=name, level="县", pinyin=name))
    database.dispose()


def count(url: str) -> int:
    database = open_database(url)
    with database.session() as s:
        n = s.scalar(select(func.count()).select_from(Representative))
    database.dispose()
    return n


def test_backup_then_restore_from_the_command_line(url, tmp_path, capsys, monkeypatch):
    add_person(url, "张三")
    usb = tmp_path / "usb" / "copy.sqlite"
    assert main(["--db", url, "backup", "--out", str(usb)]) == 0
    assert "已备份到" in capsys.readouterr().out and usb.exists()
    add_person(url, "李四")

    monkeypatch.setattr(sys, "stdin", io.StringIO("n\n"))  # asked, and answered no: nothing changes
    assert main(["--db", url, "restore", str(usb)]) == 2
    out = capsys.readouterr().out
    assert "代表 1 人" in out and "代表 2 人" in out and "确定恢复吗" in out and "未恢复" in out
    assert count(url) == 2

    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))
    assert main(["--db", url, "restore", str(usb)]) == 0
    assert count(url) == 1
    assert main(["--db", url, "restore", "--yes", str(usb)]) == 0
    assert "已恢复" in capsys.readouterr().out


def test_restoring_random_bytes_is_one_line_and_changes_nothing(url, tmp_path, capsys):
    add_person(url, "张三")
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(os.urandom(2048))
    assert main(["--db", url, "restore", "--yes", str(junk)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "不是数据库文件" in err
    assert count(url) == 1


def test_backing_up_a_postgresql_database_says_it_is_pg_dumps_job_without_the_password(capsys, monkeypatch):
    from station_app.services import backup
    from station_app.services.context import OperatorRef

    class ServerDatabase:
        is_server = True
        engine = type("E", (), {"url": type("U", (), {"get_backend_name": lambda self: "postgresql",
                                                       "database": "county"})()})()

    monkeypatch.setattr("station_app.cli_backup._context",
                        lambda args: ServiceContext(ServerDatabase(), OperatorRef.from_environment("x")))
    assert main(["--db", "postgresql://clerk:secret@server/county", "backup", "--out", "x.sqlite"]) == 2
    err = capsys.readouterr().err
    assert "pg_dump" in err and "secret" not in err
    assert not backup.supports_backup(ServiceContext(ServerDatabase(), OperatorRef.from_environment("x")))


def test_the_log_is_private_and_never_holds_a_password_an_id_number_or_a_row(capsys, monkeypatch):
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [h for h in root.handlers if not isinstance(h, RotatingFileHandler)])

    def fail(args):
        raise RuntimeError("boom 410102199001011234\n[parameters: ('张三', '13812345678')]")

    monkeypatch.setattr("station_app.cli._context", fail)
    try:
        assert main(["--db", "postgresql://clerk:s3cret@server/county", "reps", "export", "x.xlsx"]) == 1
    finally:
        for handler in root.handlers:
            if isinstance(handler, RotatingFileHandler):
                handler.close()
    err = capsys.readouterr().err
    logged = config.log_file().read_text(encoding="utf-8")
    assert "command failed: reps" in logged  # the verb, not the command line (it may hold a --db password)
    assert "410102********1234" in logged and "[parameters: hidden]" in logged
    for secret in ("s3cret", "199001011234", "张三", "13812345678"):
        assert secret not in logged and secret not in err
    if os.name == "posix":
        assert stat.S_IMODE(config.log_file().stat().st_mode) == 0o600

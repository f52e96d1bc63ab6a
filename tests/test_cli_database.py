"""The command line on a database it cannot use: one Chinese line on stderr, an exit code other than 0, no
traceback, no password; and a demo stopped anywhere leaves nothing the next demo cannot finish."""
from __future__ import annotations

import errno
import functools
import sqlite3

import pytest
from sqlalchemy.engine import make_url

from station_app.cli import main
from station_app.db.session import copy_sqlite
from tests.db.test_opening import _stop_half_way


def _one_line(capsys) -> str:
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1, captured.err
    assert "Traceback" not in captured.err and captured.err.startswith("错误：")
    return captured.err


def test_a_file_of_random_bytes_is_not_a_database(tmp_path, capsys):
    path = tmp_path / "random.sqlite"
    path.write_bytes(bytes(range(256)) * 200)
    assert main(["--db", f"sqlite:///{path}", "reps", "export", str(tmp_path / "x.xlsx")]) != 0
    assert "不是本程序的数据库文件" in _one_line(capsys)
    assert path.read_bytes() == bytes(range(256)) * 200


@pytest.mark.parametrize(("url", "says"), [("foo://x", "只支持 SQLite 文件和 PostgreSQL 服务器"),
                                           ("postgresql://a@b", "服务器和数据库名"),
                                           ("not a url at all", "格式不对")])
def test_a_bad_url_is_named(url, says, capsys):
    assert main(["--db", url, "reps", "export", "x.xlsx"]) != 0
    assert says in _one_line(capsys)


def test_a_server_refusing_the_user_is_named_without_the_password(pg_databases, capsys):
    server = make_url(pg_databases.server_url.render_as_string(hide_password=False))
    url = server.set(drivername="postgresql", username="nobody_here", password="s3cret").render_as_string(
        hide_password=False)
    assert main(["--db", url, "reps", "export", "x.xlsx"]) != 0
    said = _one_line(capsys)
    assert "服务器上没有用户 nobody_here" in said and "s3cret" not in said


def test_a_database_of_a_newer_program_is_named_and_not_copied(sqlite_template, tmp_path, capsys):
    path = tmp_path / "db" / "newer.sqlite"
    copy_sqlite(sqlite_template, path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    for _attempt in range(2):
        assert main(["--db", f"sqlite:///{path}", "reps", "export", str(tmp_path / "x.xlsx")]) != 0
        assert "更新版本的程序" in _one_line(capsys)
    assert sorted(p.name for p in path.parent.iterdir()) == ["newer.sqlite"]


def test_a_missing_folder_is_named_and_not_created(tmp_path, capsys):
    assert main(["--db", f"sqlite:///{tmp_path / 'no' / 'such.sqlite'}", "roster", "plans"]) != 0
    assert "文件夹不存在" in _one_line(capsys)
    assert not (tmp_path / "no").exists()


def test_a_read_only_database_exports_and_refuses_a_change_in_one_line(sqlite_template, tmp_path, capsys):
    from tests.workbooks import county_list

    path = tmp_path / "station.sqlite"
    copy_sqlite(sqlite_template, path)
    workbook = county_list(tmp_path / "名册.xlsx")
    assert main(["--db", f"sqlite:///{path}", "reps", "import", str(workbook)]) == 0
    path.chmod(0o444)
    try:
        capsys.readouterr()
        assert main(["--db", f"sqlite:///{path}", "reps", "export", str(tmp_path / "导出.xlsx")]) == 0
        assert "已导出 4 位代表" in capsys.readouterr().out
        assert main(["--db", f"sqlite:///{path}", "reps", "import", str(workbook)]) != 0
        assert "只读" in _one_line(capsys)
    finally:
        path.chmod(0o644)


# --- 4. the demo --------------------------------------------------------------------------------------------

def test_a_demo_stopped_anywhere_leaves_nothing_and_the_next_demo_finishes(tmp_path, monkeypatch, capsys):
    import alembic.command

    from station_app.services import demo

    path = tmp_path / "db" / "demo.sqlite"
    path.parent.mkdir()
    url = f"sqlite:///{path}"
    monkeypatch.setattr(alembic.command, "upgrade", _stop_half_way(OSError(errno.ENOSPC, "No space left on device")))
    assert main(["--db", url, "demo"]) != 0  # stopped in its first open
    assert "磁盘已满" in _one_line(capsys)
    assert list(path.parent.iterdir()) == []
    monkeypatch.undo()

    def stopped(*_args, **_kwargs):
        raise RuntimeError("stopped after the registry")

    monkeypatch.setattr(demo, "_fill_duty", stopped)  # stopped in its one transaction, the registry written
    assert main(["--db", url, "demo"]) != 0
    capsys.readouterr()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM representatives").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM stations").fetchone() == (0,)
    monkeypatch.undo()

    monkeypatch.setattr(demo, "fill_demo", functools.partial(demo.fill_demo, with_duty=False))  # quick: the registry
    assert main(["--db", url, "demo"]) == 0
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM representatives").fetchone() == (490,)

"""Opening a database: a new file is built whole or not at all; a file that cannot be used (made by a newer
program, not a database, read-only, in a missing folder) is named in one Chinese line; a write that waits
on another program's lock says the database is busy and never shows what it was writing."""
from __future__ import annotations

import errno
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

import station_app.db.session as db_session
from station_app.db.models import Base, Representative
from station_app.db.session import SCHEMA_HEAD, copy_sqlite, current_revision, open_database
from station_app.services import registry
from station_app.services.context import ServiceContext, open_context
from station_app.services.database import DatabaseBusy, DatabaseCannotOpen, DatabaseReadOnly
from tests.conftest import TESTER
from tests.workbooks import county_list


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _stop_half_way(error: BaseException):
    """An ``alembic.command.upgrade`` that builds two tables and then fails, as a kill or a full disk does."""
    def upgrade(config, _revision):
        engine = config.attributes["engine"]
        for name in ("audit_log", "representatives"):
            Base.metadata.tables[name].create(engine)
        raise error
    return upgrade


# --- 1. Creating a new database is atomic ------------------------------------------------------------------

def test_a_first_open_stopped_by_a_full_disk_leaves_no_database_and_the_next_start_builds_it(tmp_path, monkeypatch):
    import alembic.command

    path = tmp_path / "new.sqlite"
    monkeypatch.setattr(alembic.command, "upgrade", _stop_half_way(OSError(errno.ENOSPC, "No space left on device")))
    with pytest.raises(DatabaseCannotOpen, match="磁盘已满"):
        open_context(f"sqlite:///{path}", TESTER)
    assert list(tmp_path.iterdir()) == []  # no database, no partial file, no journal
    monkeypatch.undo()
    ctx = open_context(f"sqlite:///{path}", TESTER)
    assert current_revision(ctx.db.engine) == SCHEMA_HEAD
    ctx.dispose()


def test_a_database_left_half_built_by_an_earlier_version_is_finished_on_the_next_start(tmp_path):
    path = tmp_path / "half.sqlite"
    with sqlite3.connect(path) as conn:  # what a kill during the old table-by-table creation left: no version stamp
        conn.execute("CREATE TABLE audit_log (id INTEGER PRIMARY KEY)")
        conn.execute("CREATE TABLE representatives (id TEXT PRIMARY KEY)")
    database = open_database(f"sqlite:///{path}")
    assert current_revision(database.engine) == SCHEMA_HEAD
    assert "visits" in _tables(path)
    database.dispose()


def test_the_file_a_killed_first_open_left_beside_the_database_is_cleared_by_the_next(tmp_path):
    leftover = tmp_path / ".new.sqlite.creating-999999999"
    leftover.write_bytes(b"SQLite format 3\x00 half written")
    database = open_database(f"sqlite:///{tmp_path / 'new.sqlite'}")
    database.dispose()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.sqlite"]


def test_an_empty_file_is_built_into_a_database(tmp_path):
    path = tmp_path / "empty.sqlite"
    path.touch()
    database = open_database(f"sqlite:///{path}")
    assert current_revision(database.engine) == SCHEMA_HEAD
    database.dispose()


# --- 2. A database that cannot be used gets one line ------------------------------------------------------

def _newer_copy(template: Path, target: Path) -> Path:
    copy_sqlite(template, target)
    with sqlite3.connect(target) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    return target


def test_a_database_of_a_newer_program_is_refused_without_a_copy_per_attempt(sqlite_template, tmp_path):
    path = _newer_copy(sqlite_template, tmp_path / "newer.sqlite")
    for _attempt in range(2):
        with pytest.raises(DatabaseCannotOpen, match="更新版本的程序.*0099.*" + SCHEMA_HEAD):
            open_context(f"sqlite:///{path}", TESTER)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["newer.sqlite"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0099",)]


def test_a_missing_folder_is_named_and_not_created(tmp_path):
    with pytest.raises(DatabaseCannotOpen, match="文件夹不存在"):
        open_context(f"sqlite:///{tmp_path / 'nowhere' / 'x.sqlite'}", TESTER)
    assert not (tmp_path / "nowhere").exists()


def _with_people(sqlite_template: Path, target: Path, tmp_path: Path) -> Path:
    copy_sqlite(sqlite_template, target)
    ctx = open_context(f"sqlite:///{target}", TESTER)
    registry.commit_import(ctx, registry.preview_import(ctx, county_list(tmp_path / "名册.xlsx")))
    ctx.dispose()
    return target


def _people(path: Path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT count(*) FROM representatives").fetchone()[0]


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_database_opens_to_export_from_and_refuses_changes_in_one_line(what, sqlite_template, tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    path = _with_people(sqlite_template, folder / "station.sqlite", tmp_path)
    marked = path if what == "file" else folder
    marked.chmod(0o444 if what == "file" else 0o555)
    try:
        ctx = open_context(f"sqlite:///{path}", TESTER)
        assert ctx.db.read_only
        assert registry.export_representatives(ctx, tmp_path / "导出.xlsx") == 4
        with pytest.raises(DatabaseReadOnly, match="只读"):
            registry.commit_import(ctx, registry.preview_import(ctx, county_list(tmp_path / "又一份.xlsx")))
        ctx.dispose()
    finally:
        marked.chmod(0o755 if what == "folder" else 0o644)
    if what == "folder":
        assert sorted(p.name for p in folder.iterdir()) == ["station.sqlite"]
    assert _people(path) == 4


# --- 3. A write that waits on another program's lock ------------------------------------------------------

@pytest.fixture
def short_busy_timeout(monkeypatch):
    monkeypatch.setattr(db_session, "BUSY_TIMEOUT_MS", 300)


def _held(path: Path) -> sqlite3.Connection:
    """Another program in the middle of a write: it holds the write lock."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE settings SET updated_at = updated_at")
    return other


def test_a_write_that_waits_too_long_for_another_program_says_busy_and_writes_nothing(
        sqlite_template, tmp_path, short_busy_timeout):
    path = tmp_path / "busy.sqlite"
    copy_sqlite(sqlite_template, path)
    ctx = ServiceContext(open_database(f"sqlite:///{path}"), TESTER)
    preview = registry.preview_import(ctx, county_list(tmp_path / "名册.xlsx"))
    other = _held(path)
    started = time.monotonic()
    try:
        with pytest.raises(DatabaseBusy) as caught:
            registry.commit_import(ctx, preview)
    finally:
        other.rollback()
        other.close()
    assert time.monotonic() - started >= 0.25  # it waited before giving up
    said = str(caught.value)
    assert "数据库正被另一个程序使用" in said and "\n" not in said
    assert "李秀英" not in said and "INSERT" not in said and "1383931" not in said
    with ctx.read() as s:
        assert s.scalar(select(func.count()).select_from(Representative)) == 0
    ctx.dispose()


def test_a_write_waits_for_another_programs_write_to_end_and_then_goes_through(sqlite_template, tmp_path):
    path = tmp_path / "wait.sqlite"
    copy_sqlite(sqlite_template, path)
    ctx = ServiceContext(open_database(f"sqlite:///{path}"), TESTER)
    preview = registry.preview_import(ctx, county_list(tmp_path / "名册.xlsx"))
    other = _held(path)
    threading.Timer(0.4, lambda: (other.commit(), other.close())).start()
    assert registry.commit_import(ctx, preview).added == 4
    ctx.dispose()


def test_the_command_line_says_busy_in_one_line_without_the_rows(sqlite_template, tmp_path, short_busy_timeout,
                                                                   capsys):
    from station_app.cli import main

    path = tmp_path / "busy.sqlite"
    copy_sqlite(sqlite_template, path)
    workbook = county_list(tmp_path / "名册.xlsx")
    other = _held(path)
    try:
        code = main(["--db", f"sqlite:///{path}", "reps", "import", str(workbook)])
    finally:
        other.rollback()
        other.close()
    err = capsys.readouterr().err
    assert code != 0
    assert err.count("\n") == 1 and "数据库正被另一个程序使用" in err
    assert "Traceback" not in err and "INSERT" not in err and "李秀英" not in err


# --- 5. Two imports of one list at once -------------------------------------------------------------------

def test_two_imports_of_one_list_at_once_add_each_person_once(db, tmp_path, monkeypatch):
    """The second import's commit starts while the first is writing: it waits for the lock, sees the people
    the first added, and refuses (预览之后数据库中的数据有了变化) instead of adding them again."""
    workbook = county_list(tmp_path / "名册.xlsx")
    first, second = ServiceContext(db, TESTER), ServiceContext(open_database(db.url), TESTER)
    previews = [registry.preview_import(ctx, workbook) for ctx in (first, second)]
    writing, release = threading.Event(), threading.Event()
    real_write = registry.RepresentativeImporter.write

    def slow_write(self, session, rows, known):
        real_write(self, session, rows, known)
        if threading.current_thread().name == "first":
            session.flush()
            writing.set()
            release.wait(5)

    monkeypatch.setattr(registry.RepresentativeImporter, "write", slow_write)
    outcome: dict[str, object] = {}

    def run(name, ctx, preview):
        try:
            outcome[name] = registry.commit_import(ctx, preview).added
        except Exception as exc:  # noqa: BLE001 — the test looks at what each import ended with
            outcome[name] = exc

    one = threading.Thread(target=run, name="first", args=("first", first, previews[0]))
    one.start()
    assert writing.wait(5)
    two = threading.Thread(target=run, name="second", args=("second", second, previews[1]))
    two.start()
    time.sleep(0.3)  # the second commit is now waiting for the lock (or, before the fix, has read the old rows)
    release.set()
    one.join(10)
    two.join(20)
    assert outcome["first"] == 4
    assert "预览之后数据库中的数据有了变化" in str(outcome["second"])
    with first.read() as s:
        assert s.scalar(select(func.count()).select_from(Representative)) == 4
    second.dispose()

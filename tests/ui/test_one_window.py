"""One window per database file, whatever the spelling of its path or the data folder; a second start brings
the first window forward; a database the window cannot open is named in one message box."""
from __future__ import annotations

import os
import sqlite3
import sys

import pytest
from PySide6.QtWidgets import QApplication, QWidget

from station_app import app as app_module
from station_app.db.session import SCHEMA_HEAD, copy_sqlite


@pytest.fixture
def database_file(tmp_path, sqlite_template):
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "station.sqlite"
    copy_sqlite(sqlite_template, path)
    return path


def test_every_spelling_of_one_database_file_takes_the_same_one_window_lock(app, database_file, tmp_path, monkeypatch):
    (tmp_path / "link.sqlite").symlink_to(database_file)
    (tmp_path / "other").mkdir()
    first = app_module.instance_lock(f"sqlite:///{database_file}")
    assert first.tryLock(100)
    try:
        monkeypatch.chdir(tmp_path / "other")
        spellings = [f"sqlite:///{database_file.parent}/./station.sqlite",
                     f"sqlite:///{tmp_path}/other/../data/station.sqlite",
                     f"sqlite:///{tmp_path / 'link.sqlite'}",
                     "sqlite:///../data/station.sqlite"]
        for url in spellings:
            assert not app_module.instance_lock(url).tryLock(0), url
        monkeypatch.setenv("STATION_APP_HOME", str(tmp_path / "another-home"))  # another data folder, same file
        assert not app_module.instance_lock(f"sqlite:///{database_file}").tryLock(0)
        assert app_module.instance_lock(f"sqlite:///{tmp_path / 'data' / 'other.sqlite'}").tryLock(0)
    finally:
        first.unlock()


def test_a_second_start_brings_the_first_window_forward(app, qtbot, database_file, monkeypatch, _no_message_boxes):
    url = f"sqlite:///{database_file}"
    window = QWidget()
    qtbot.addWidget(window)
    raised = []
    monkeypatch.setattr(window, "activateWindow", lambda: raised.append(True))
    lock = app_module.instance_lock(url)
    assert lock.tryLock(100)
    server = app_module.listen_for_second_starts(url, window)
    try:
        spelled_otherwise = f"sqlite:///{database_file.parent}/../data/station.sqlite"
        assert app_module.run_window(spelled_otherwise) == 0
        qtbot.waitUntil(lambda: bool(raised), timeout=3000)
        assert window.isVisible() and not _no_message_boxes
    finally:
        server.close()
        lock.unlock()


def test_a_second_start_whose_first_window_does_not_answer_says_it_is_open(app, database_file, _no_message_boxes):
    lock = app_module.instance_lock(f"sqlite:///{database_file}")
    assert lock.tryLock(100)
    try:
        assert app_module.run_window(f"sqlite:///{database_file}") == 1
        assert "已经在运行" in _no_message_boxes[-1][1]
    finally:
        lock.unlock()


def test_the_window_names_a_database_of_a_newer_program_in_one_message(app, database_file, monkeypatch,
                                                                     _no_message_boxes):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_window installs its own; put it back after
    with sqlite3.connect(database_file) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    assert app_module.run_window(f"sqlite:///{database_file}") == 1
    said = _no_message_boxes[-1][1]
    assert "更新版本的程序" in said and SCHEMA_HEAD in said and "Traceback" not in said
    assert sorted(os.listdir(database_file.parent)) == ["station.sqlite"]
    assert QApplication.activeWindow() is None


def test_a_read_only_database_opens_the_window_to_look_and_export(app, database_file, monkeypatch, _no_message_boxes):
    from station_app.ui.main_window import MainWindow

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_window installs its own; put it back after
    monkeypatch.setattr("station_app.ui.sign_in.sign_in_at_start", lambda ctx, *a, **k: ctx.operator)
    said = []

    def exec_(_self):
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        said.extend(w.statusBar().currentMessage() for w in windows)
        for window in windows:
            window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", exec_)
    database_file.chmod(0o444)
    try:
        assert app_module.run_window(f"sqlite:///{database_file}") == 0
    finally:
        database_file.chmod(0o644)
    assert any("只读" in text for text in said) and not _no_message_boxes

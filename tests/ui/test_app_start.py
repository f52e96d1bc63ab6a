from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from station_app import app as app_module
from station_app import config
from station_app.ui import sign_in
from tests.conftest import TESTER


def test_the_window_opens_on_the_default_database_in_the_data_folder(app, monkeypatch):
    shown = []
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_window installs its own; put it back after
    monkeypatch.setattr(QApplication, "exec", lambda self: shown.append(QApplication.activeWindow() or True) or 0)
    monkeypatch.setattr(sign_in, "sign_in_at_start", lambda ctx, *a, **k: TESTER)  # tests/ui/test_sign_in.py
    assert app_module.run_window() == 0
    assert shown
    assert (config.data_dir() / "station.sqlite").exists()


def test_a_second_window_on_the_same_database_is_refused(app, monkeypatch, _no_message_boxes):
    lock = app_module.instance_lock(config.default_db_url())
    assert lock.tryLock(100)
    try:
        assert app_module.run_window() == 1
        assert "已经在运行" in _no_message_boxes[-1][1]
    finally:
        lock.unlock()


def test_a_chosen_server_that_cannot_be_reached_is_named_with_the_way_back_to_this_pcs_file(app, monkeypatch,
                                                                                           _no_message_boxes):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_window installs its own; put it back after
    config.save_db_url("postgresql://clerk:secret@127.0.0.1:1/county")
    assert app_module.run_window() == 1
    said = _no_message_boxes[-1][1]
    assert "拒绝连接" in said and "secret" not in said and config.local_db_url() in said
